import { parentPort, workerData } from "node:worker_threads";
import type { Queryable } from "./database.ts";
import { openPgliteHere } from "./pglite-database.ts";
import { type ThreadReply, type ThreadRequest, toThreadError } from "./pglite-thread-protocol.ts";

/**
 * The PGlite thread: owns the embedded database and runs what the main thread asks of it
 * (pglite-database.ts). Transactions stay open across messages until the main thread finishes them.
 */
const port = parentPort;
if (!port) throw new Error("pglite-thread.ts runs as a worker thread");
const reply = (message: ThreadReply) => port.postMessage(message);

class RolledBack extends Error {}

const open = new Map<number, { scoped: Queryable; decide(commit: boolean): void; settled: Promise<void> }>();

try {
  const database = await openPgliteHere((workerData as { dataDirectory?: string }).dataDirectory);

  const begin = (id: number) =>
    new Promise<number>((begun, failed) => {
      const settled = database
        .transaction(async (scoped) => {
          const commit = await new Promise<boolean>((decide) => {
            open.set(id, { scoped, decide, settled });
            begun(id);
          });
          if (!commit) throw new RolledBack();
        })
        .catch((error: unknown) => {
          if (!(error instanceof RolledBack)) throw error;
        })
        .finally(() => open.delete(id));
      settled.catch(failed);
    });

  const within = (transaction: number | undefined): Queryable => {
    if (transaction === undefined) return database;
    const entry = open.get(transaction);
    if (!entry) throw new Error(`transaction ${transaction} is not open`);
    return entry.scoped;
  };

  const handle = async (request: ThreadRequest) => {
    switch (request.op) {
      case "query":
        return within(request.transaction).query(request.sql, request.parameters);
      case "exec":
        await within(request.transaction).exec(request.sql);
        return null;
      case "begin":
        return begin(request.id);
      case "finish": {
        const entry = open.get(request.transaction);
        if (!entry) throw new Error(`transaction ${request.transaction} is not open`);
        entry.decide(request.commit);
        await entry.settled;
        return null;
      }
      case "close":
        await database.close();
        return null;
    }
  };

  port.on("message", (request: ThreadRequest) => {
    handle(request).then(
      (result) => reply({ id: request.id, result }),
      (error: unknown) => reply({ id: request.id, error: toThreadError(error) }),
    );
  });
  reply({ ready: true });
} catch (error) {
  reply({ failedToOpen: toThreadError(error) });
}
