import type { LandedSummary } from "./embedded-chain.ts";

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
