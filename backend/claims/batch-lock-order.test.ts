import { Keypair } from "@solana/web3.js";
import { expect, it } from "vitest";
import type { Database, Queryable } from "../db/database.ts";
import { postgresTestDatabase } from "../db/testing/engines.ts";
import { leaseQueuedClaims, markBatchesSubmitted, recordSentBatches, settleConfirmedBatches } from "./batch-store.ts";
import { queueClaims } from "./testing/queued-claims.ts";

/**
 * The sending loops mark batches submitted while the settling loop confirms them, on connections of
 * their own when the database is a PostgreSQL server. Each statement must lock its batches in id
 * order, or two of them can each hold a batch the other waits for (a deadlock, seen in bench:api on a
 * server). PGlite has one connection, so this is a server's concern only.
 */
const database = postgresTestDatabase();

/** Two sent batches of one claim each; the lower id's row is rewritten so it comes second in the heap. */
async function twoBatchesOutOfHeapOrder(db: Database): Promise<[string, string]> {
  const address = Keypair.generate().publicKey;
  const distribution = address.toBase58();
  await queueClaims(db, { address, maxClaims: 10 }, 2);
  const leased = (await leaseQueuedClaims(db, "owner", 30_000, 1_000)).filter((claim) => claim.distribution === distribution);
  const batch = (claimId: string) => ({
    distribution,
    signature: Keypair.generate().publicKey.toBase58(),
    blockhash: Keypair.generate().publicKey.toBase58(),
    lastValidBlockHeight: 1_000,
    claimIds: [claimId],
  });
  const [lower, higher] = (await recordSentBatches(
    db,
    { claimLessee: "owner", batchOwner: "owner" },
    30_000,
    leased.map((claim) => batch(claim.id)),
  )) as [string, string];
  await db.query("UPDATE claim_batches SET updated_at = now() WHERE id = $1", [lower]);
  const { rows } = await db.query<{ id: string }>(
    "SELECT id::text FROM claim_batches WHERE id = ANY($1::bigint[]) ORDER BY ctid",
    [[lower, higher]],
  );
  expect(rows.map((row) => row.id)).toEqual([higher, lower]);
  return [lower, higher];
}

async function untilOneWaitsForALock(db: Database): Promise<void> {
  for (;;) {
    const { rows } = await db.query<{ waiting: string }>(
      "SELECT count(*) AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
    );
    if (Number(rows[0]?.waiting) === 1) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const statements: [string, (db: Queryable, batchIds: string[]) => Promise<unknown>][] = [
  ["marking batches submitted", markBatchesSubmitted],
  ["confirming batches", settleConfirmedBatches],
];

for (const [name, update] of statements) {
  it(`locks the batches it updates in id order when ${name}, whatever order the heap holds them in`, async () => {
    const db = database();
    const [lower, higher] = await twoBatchesOutOfHeapOrder(db);
    let release = () => {};
    let holding = () => {};
    const held = new Promise<void>((resolve) => {
      holding = resolve;
    });
    // Another connection holds the higher batch, as a concurrent statement would.
    const holder = db.transaction(async (transaction) => {
      await transaction.query("SELECT id FROM claim_batches WHERE id = $1 FOR UPDATE", [higher]);
      holding();
      await new Promise<void>((resolve) => {
        release = resolve;
      });
    });
    await held;
    const updating = update(db, [higher, lower]);
    try {
      await untilOneWaitsForALock(db);
      // While it waits for the higher batch, the statement already holds the lower one: it took it first.
      await expect(
        db.transaction((transaction) =>
          transaction.query("SELECT id FROM claim_batches WHERE id = $1 FOR UPDATE NOWAIT", [lower]),
        ),
      ).rejects.toMatchObject({ code: "55P03" });
    } finally {
      release();
      await holder;
      await updating;
    }
  }, 60_000);
}
