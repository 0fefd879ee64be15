import { Keypair, type PublicKey } from "@solana/web3.js";
import { expect } from "vitest";
import type { Database } from "../../db/database.ts";
import type { ClaimBatcher } from "../claim-batcher.ts";
import { ClaimIntake } from "../claim-intake.ts";
import type { TestDistribution } from "./chain-fixtures.ts";

let userCounter = 0;

/** What queueing claims needs of a distribution: its address and its number of slots. */
export type QueueTarget = Pick<TestDistribution, "address" | "maxClaims">;

/** Queues one claim for each of `count` fresh wallets through the intake, as POST /claims would; returns the wallets. */
export function queueClaims(database: Database, distribution: QueueTarget, count: number): Promise<PublicKey[]> {
  return queueClaimsFor(
    database,
    distribution,
    Array.from({ length: count }, () => Keypair.generate().publicKey),
  );
}

/** Queues one claim for each of `wallets`, each by a fresh X account, in their order; returns the wallets. */
export async function queueClaimsFor(database: Database, distribution: QueueTarget, wallets: PublicKey[]): Promise<PublicKey[]> {
  const intake = new ClaimIntake(database);
  const outcomes = await Promise.all(
    wallets.map((wallet) => {
      userCounter++;
      return intake.submit({
        xUserId: String(userCounter),
        distribution: distribution.address.toBase58(),
        maxClaims: distribution.maxClaims,
        wallet: wallet.toBase58(),
        idempotencyKey: `claim-${userCounter}`,
      });
    }),
  );
  expect(outcomes.every((outcome) => outcome.kind === "created")).toBe(true);
  return wallets;
}

/** The distribution's claims counted by status. */
export async function claimStatuses(
  database: Database,
  distribution: Pick<TestDistribution, "address">,
): Promise<Record<string, number>> {
  const { rows } = await database.query<{ status: string; count: string }>(
    "SELECT status, count(*) AS count FROM claims WHERE distribution = $1 GROUP BY status",
    [distribution.address.toBase58()],
  );
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
}

/** Runs the batcher's cycles until no claim of `distribution` is queued or sent; fails after `cycles`. */
export async function runUntilSettled(
  batcher: Pick<ClaimBatcher, "runCycle">,
  database: Database,
  distribution: Pick<TestDistribution, "address">,
  cycles = 100,
): Promise<void> {
  for (let cycle = 0; cycle < cycles; cycle++) {
    await batcher.runCycle();
    const counts = await claimStatuses(database, distribution);
    if (!counts.queued && !counts.sent) return;
  }
  throw new Error(`claims never settled: ${JSON.stringify(await claimStatuses(database, distribution))}`);
}
