import { mkdirSync } from "node:fs";
import type { Worker } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";
import { createPgConfig } from "@electric-sql/pglite/node-postgres";
import pg from "pg";
import type { Database, Queryable, QueryResult } from "./database.ts";
import { fromThreadError, type ThreadReply, type ThreadRequest } from "./pglite-thread-protocol.ts";
import { engineTypes, poolDatabase } from "./postgres-database.ts";
import { typeScriptWorker } from "./ts-worker.ts";
import { type WithoutId, WorkerCalls } from "./worker-calls.ts";

/**
 * Embedded PostgreSQL (PGlite) in `dataDirectory`, or in memory when it is omitted (tests), on a
 * thread of its own. PGlite runs SQL synchronously in WebAssembly: on the main thread every query
 * would stall HTTP for its whole duration, and under load SQL takes about a third of the time.
 */
export async function openPgliteDatabase(dataDirectory?: string): Promise<Database> {
  if (dataDirectory) mkdirSync(dataDirectory, { recursive: true });
  const thread = new PgliteThread(typeScriptWorker(new URL("./pglite-thread.ts", import.meta.url), { dataDirectory }));
  await thread.ready;
  const queryable = (transaction?: number): Queryable => ({
    query: <Row>(sql: string, parameters?: Parameters<Queryable["query"]>[1]) =>
      thread.call({ op: "query", sql, parameters, transaction }) as Promise<QueryResult<Row>>,
    exec: async (sql) => {
      await thread.call({ op: "exec", sql, transaction });
    },
  });
  return {
    engine: "pglite",
    ...queryable(),
    async transaction(work) {
      const transaction = (await thread.call({ op: "begin" })) as number;
      let result: Awaited<ReturnType<typeof work>>;
      try {
        result = await work(queryable(transaction));
      } catch (error) {
        await thread.call({ op: "finish", transaction, commit: false }).catch(() => {});
        throw error;
      }
      await thread.call({ op: "finish", transaction, commit: true });
      return result;
    },
    async close() {
      await thread.call({ op: "close" });
      await thread.stop();
    },
  };
}

/** Calls into the PGlite thread. The thread keeps the process alive only while a call is waiting. */
export class PgliteThread {
  readonly ready: Promise<void>;
  private readonly calls: WorkerCalls<ThreadRequest, unknown>;

  constructor(private readonly worker: Worker) {
    let failedToStart: (error: Error) => void = () => {};
    this.ready = new Promise((resolve, reject) => {
      failedToStart = reject;
      worker.on("message", (reply: ThreadReply) => {
        if ("ready" in reply) {
          this.calls.idle();
          return resolve();
        }
        if ("failedToOpen" in reply) return reject(fromThreadError(reply.failedToOpen));
        this.calls.settle(reply.id, "error" in reply ? { error: fromThreadError(reply.error) } : { result: reply.result });
      });
    });
    this.calls = new WorkerCalls(worker, "the database thread", failedToStart);
  }

  call(request: WithoutId<ThreadRequest>): Promise<unknown> {
    return this.calls.call(request);
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}

/**
 * PGlite on the calling thread (the PGlite thread), driven through its node-postgres connection so
 * that both engines share one implementation, prepared statements included. PGlite is one
 * connection: a pool of one, which also runs each transaction exclusively.
 */
export async function openPgliteHere(dataDirectory?: string): Promise<Database> {
  const pglite = await PGlite.create(dataDirectory);
  // The pool must keep its one client: a new client would reuse the ended connection.
  const pool = new pg.Pool({ ...createPgConfig(pglite), max: 1, idleTimeoutMillis: 0, types: engineTypes });
  return poolDatabase("pglite", pool, () => pglite.close());
}
