import { Keypair, type PublicKey } from "@solana/web3.js";
import { expect } from "vitest";
import type { Database } from "../../db/database.ts";
import { ClaimIntake } from "../claim-intake.ts";
import type { TestDistribution } from "./chain-fixtures.ts";

let userCounter = 0;

/** Queues one claim for each of `count` fresh wallets through the intake, as POST /claims would; returns the wallets. */
export function queueClaims(database: Database, distribution: TestDistribution, count: number): Promise<PublicKey[]> {
  return queueClaimsFor(
    database,
    distribution,
    Array.from({ length: count }, () => Keypair.generate().publicKey),
  );
}

/** Queues one claim for each of `wallets`, each by a fresh X account, in their order; returns the wallets. */
export async function queueClaimsFor(
  database: Database,
  distribution: TestDistribution,
  wallets: PublicKey[],
): Promise<PublicKey[]> {
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
export async function claimStatuses(database: Database, distribution: TestDistribution): Promise<Record<string, number>> {
  const { rows } = await database.query<{ status: string; count: string }>(
    "SELECT status, count(*) AS count FROM claims WHERE distribution = $1 GROUP BY status",
    [distribution.address.toBase58()],
  );
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
}
