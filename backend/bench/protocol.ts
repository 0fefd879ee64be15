/** Messages between the benchmark driver (api.ts) and the backend under test (bench-server.ts). */

/** What the node:http yardstick (hello-server.ts) and the backend's shared-path route answer: a claim's answer in size. */
export const YARDSTICK_ANSWER = { claim: { id: "00000000-0000-4000-8000-000000000000", status: "queued" } };

/**
 * A route of the backend under test only: the middleware every claim passes, then YARDSTICK_ANSWER.
 * What it takes, beside the yardstick, is the share of claims_intake_ratio that no claim work decides.
 */
export const SHARED_PATH = "/bench/shared-path";

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
  /** This process's CPU time so far, every thread's (the yardstick servers answer it too). */
  | { type: "cpu" }
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
  | { type: "cpu"; microseconds: number }
  | { type: "closed" };

export function cpuReply(): Extract<BenchReply, { type: "cpu" }> {
  const { user, system } = process.cpuUsage();
  return { type: "cpu", microseconds: user + system };
}

/** A yardstick server's answer to the driver's `cpu` command; its only message. */
export function answerCpuCommands(): void {
  process.on("message", (command: BenchCommand) => {
    if (command.type === "cpu") process.send?.(cpuReply());
  });
}
