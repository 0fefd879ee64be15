/** Messages between the benchmark driver (api.ts) and the backend under test (bench-server.ts). */
export interface BenchUser {
  token: string;
  wallet: string;
}

/** Milliseconds per batcher phase, batches sent and claims per batch: where settling spends its time. */
export interface BatcherProfile {
  phasesMs: Record<string, number>;
  batches: number;
  claims: number;
}

export type BenchCommand =
  /** Register a distribution with no X requirements and make `fans` signed-in fans with bound wallets. */
  | { type: "prepare"; fans: number; firstFan: number }
  /** Run the batcher until `expected` claims of `distribution` are confirmed on chain. */
  | { type: "settle"; distribution: string; expected: number }
  /** Start the batcher as the backend runs it (woken by intake), for claims arriving while it runs. */
  | { type: "batcher-start" }
  /** Wait until `expected` claims of `distribution` are confirmed. */
  | { type: "wait-paid"; distribution: string; expected: number }
  | { type: "batcher-stop" }
  /** Fans with realistic X activity claim a typical and an all-eight giveaway; what X would bill. */
  | { type: "x-cost" }
  | { type: "close" };

export type BenchReply =
  | { type: "started" }
  /** `creatorToken`: the session of the creator who registered `distribution`, for the dashboard's routes. */
  | { type: "prepared"; url: string; distribution: string; fans: BenchUser[]; creatorToken: string }
  | { type: "settled"; seconds: number; profile: BatcherProfile }
  | { type: "batcher-started" }
  | { type: "paid" }
  | { type: "batcher-stopped"; profile: BatcherProfile }
  /** Null figures when the X API emulator, starved by a loaded machine, did not answer in time. */
  | {
      type: "x-cost";
      typicalUsd: number | null;
      typicalCalls: number | null;
      allEightUsd: number | null;
      allEightCalls: number | null;
    }
  | { type: "closed" };
