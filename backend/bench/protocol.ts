/** Messages between the benchmark driver (api.ts) and the backend under test (bench-server.ts). */
export interface BenchUser {
  token: string;
  wallet: string;
}

export type BenchCommand =
  /** Register a distribution with no X requirements and make `fans` signed-in fans with bound wallets. */
  | { type: "prepare"; fans: number; firstFan: number }
  /** Run the batcher until `expected` claims of `distribution` are confirmed on chain. */
  | { type: "settle"; distribution: string; expected: number }
  /** Fans with realistic X activity claim a typical and an all-eight giveaway; what X would bill. */
  | { type: "x-cost" }
  | { type: "close" };

export type BenchReply =
  | { type: "started" }
  /** `creatorToken`: the session of the creator who registered `distribution`, for the dashboard's routes. */
  | { type: "prepared"; url: string; distribution: string; fans: BenchUser[]; creatorToken: string }
  | { type: "settled"; seconds: number }
  | { type: "x-cost"; typicalUsd: number; typicalCalls: number; allEightUsd: number; allEightCalls: number }
  | { type: "closed" };
