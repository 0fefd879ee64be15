import { EventEmitter } from "node:events";
import type { Worker } from "node:worker_threads";
import type { Connection } from "@solana/web3.js";
import { typeScriptWorker } from "../db/ts-worker.ts";
import { WorkerCalls } from "../db/worker-calls.ts";
import type { BackendChainSettings } from "./backend-chain.ts";
import type { ChainThreadReply, ChainThreadRequest } from "./chain-thread-protocol.ts";
import { DEFAULT_REMEMBERED_STATUSES, type LandedSummary } from "./embedded-chain.ts";
import { answererConnection, type RpcTextAnswerer } from "./in-process-fetch.ts";
import type { LandedFeed } from "./rpc-subscriptions.ts";

/**
 * The embedded chain on a thread of its own (chain-thread-worker.ts), reached through its JSON-RPC:
 * LiteSVM executes a batch in milliseconds, and on the main thread that stalled every HTTP request
 * meanwhile, so intake slowed to a fifth while a burst was paid out. The thread keeps the process
 * alive only while a call is waiting.
 */
export class ChainThread {
  private readonly calls: WorkerCalls<Extract<ChainThreadRequest, { id: number }>, string | undefined>;
  private feed: LandedFeedMirror | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly onInternalError: (message: string) => void,
  ) {
    this.calls = new WorkerCalls(worker, "the chain thread");
    worker.on("message", (reply: ChainThreadReply) => {
      if ("landed" in reply) this.feed?.land(reply.landed);
      else if ("internalError" in reply) onInternalError(reply.internalError);
      else if ("id" in reply)
        this.calls.settle(reply.id, "failed" in reply ? { error: new Error(reply.failed) } : { result: reply.text ?? undefined });
    });
  }

  /** Starts the thread and waits until its chain is up (programs deployed, snapshot loaded). */
  static async start(settings: BackendChainSettings, onInternalError: (message: string) => void): Promise<ChainThread> {
    const worker = typeScriptWorker(new URL("./chain-thread-worker.ts", import.meta.url), settings);
    await new Promise<void>((resolve, reject) => {
      const onMessage = (reply: ChainThreadReply) => {
        if ("ready" in reply) resolve();
        else if ("failedToStart" in reply) reject(new Error(`the embedded chain failed to start: ${reply.failedToStart}`));
        else return;
        worker.off("message", onMessage);
        worker.off("error", onError);
        worker.off("exit", onExit);
      };
      // An exception outside the thread's own handling (a module that fails to load) arrives as "error".
      const onError = (error: Error) =>
        reject(new Error(`the embedded chain failed to start: ${error.message}`, { cause: error }));
      const onExit = (code: number) => reject(new Error(`the chain thread stopped while starting (exit code ${code})`));
      worker.on("message", onMessage);
      worker.once("error", onError);
      worker.once("exit", onExit);
    }).catch(async (error: unknown) => {
      await worker.terminate();
      throw error;
    });
    const thread = new ChainThread(worker, onInternalError);
    thread.calls.idle();
    return thread;
  }

  readonly answer: RpcTextAnswerer = (text) => this.calls.call({ op: "rpc", text });

  connection(): Connection {
    return answererConnection(this.answer);
  }

  /** Every transaction that lands from now on, and the recent ones, for the websocket subscriptions. */
  landed(): LandedFeed {
    if (!this.feed) {
      this.feed = new LandedFeedMirror();
      this.worker.postMessage({ op: "watch-landed" } satisfies ChainThreadRequest);
    }
    return this.feed;
  }

  /** Saves the snapshot one last time and ends the thread. */
  async close(): Promise<void> {
    if (!this.calls.stopped)
      await this.calls.call({ op: "close" }).catch((error: unknown) => this.onInternalError(String(error)));
    await this.worker.terminate();
  }
}

/** The chain thread's landed transactions as they arrive, with as many recent ones as the chain keeps, for status(). */
class LandedFeedMirror extends EventEmitter<{ landed: [LandedSummary] }> implements LandedFeed {
  private readonly recent = new Map<string, LandedSummary>();

  land(landed: LandedSummary): void {
    this.recent.set(landed.signature, landed);
    if (this.recent.size > DEFAULT_REMEMBERED_STATUSES) {
      const oldest = this.recent.keys().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
    this.emit("landed", landed);
  }

  status(signature: string): LandedSummary | undefined {
    return this.recent.get(signature);
  }
}
