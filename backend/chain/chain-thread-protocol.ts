import type { ChainProgram, LandedSummary } from "./embedded-chain.ts";

/** What the chain thread is started with (structured-cloned into its workerData). */
export interface ChainThreadSettings {
  programs: ChainProgram[];
  /** Where the chain keeps its state between runs; omitted, it lives in memory. */
  snapshotPath?: string;
  /** How often the snapshot is saved when something happened. */
  autosaveMs: number;
  /** An account the chain funds at start, when its balance is under half of `lamports` (the batcher's fee payer). */
  funded?: { address: string; lamports: bigint };
}

/** What the main thread asks of the chain thread. */
export type ChainThreadRequest =
  /** JSON-RPC request text; answered with the response text, or null when it held only notifications. */
  | { op: "rpc"; id: number; text: string }
  /** Start sending every landed transaction's summary (the websocket subscriptions of the development RPC). */
  | { op: "watch-landed" }
  /** Save the snapshot one last time and answer; the main thread then ends the thread. */
  | { op: "close"; id: number };

export type ChainThreadReply =
  | { ready: true }
  | { failedToStart: string }
  | { id: number; text: string | null }
  | { id: number; failed: string }
  | { landed: LandedSummary }
  /** A failure inside the chain the caller got only "Internal error" for, or a snapshot that could not be saved. */
  | { internalError: string };
