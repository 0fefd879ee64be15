import type { Queryable } from "../db/database.ts";

export interface LeasedClaim {
  id: string;
  distribution: string;
  wallet: string;
  slot: number;
  send_alone: boolean;
}

export interface InFlightBatch {
  id: string;
  distribution: string;
  signature: string;
  last_valid_block_height: string;
}

export interface SentBatch {
  distribution: string;
  signature: string;
  blockhash: string;
  lastValidBlockHeight: number;
  claimIds: string[];
}

/** What became of a batch's claims, decided from the chain. */
export interface BatchSettlement {
  batchStatus: "confirmed" | "expired" | "refused";
  confirmedSlots: number[];
  requeue?: { slots: number[]; alone?: boolean; notBefore?: Date };
  failed?: { slots: number[]; reason: string };
}

/** Another instance took over this work (our lease ran out); the transaction was rolled back. */
export class LeaseLostError extends Error {}

/**
 * Takes up to `limit` of the oldest queued claims for this instance (lease_queued_claims, migration
 * 203). SKIP LOCKED makes concurrent instances take disjoint rows without waiting; the lease lets
 * another instance take them over if this one dies.
 */
export async function leaseQueuedClaims(
  database: Queryable,
  owner: string,
  leaseMs: number,
  limit: number,
): Promise<LeasedClaim[]> {
  const { rows } = await database.query<LeasedClaim>(
    "SELECT id, distribution, wallet, slot, send_alone FROM lease_queued_claims($1, $2, $3)",
    [owner, leaseMs, limit],
  );
  return rows.sort((a, b) => a.slot - b.slot);
}

export async function releaseClaims(database: Queryable, owner: string, claimIds: string[]): Promise<void> {
  if (!claimIds.length) return;
  await database.query(
    "UPDATE claims SET lease_owner = NULL, lease_expires_at = NULL WHERE id = ANY($1::uuid[]) AND lease_owner = $2 AND status = 'queued'",
    [claimIds, owner],
  );
}

/** The SQLSTATE record_sent_batches raises when a claim's lease was lost. */
const LEASE_LOST_SQLSTATE = "MF001";

/**
 * Writes the batches and moves their claims to `sent` before any transaction leaves the process, in
 * one call to the database (migration 200): after a crash, recovery finds each signature and blockhash
 * and can ask the chain what happened. If any claim's lease was lost to another instance, nothing is
 * written and the caller must send none of them. Returns the batch ids in order.
 */
export async function recordSentBatches(
  database: Queryable,
  /** Who leased the claims (one batcher cycle), and who leases the batches to settle them (its instance). */
  owners: { claimLessee: string; batchOwner: string },
  leaseMs: number,
  batches: SentBatch[],
): Promise<string[]> {
  if (!batches.length) return [];
  try {
    const { rows } = await database.query<{ id: string }>(
      "SELECT id FROM record_sent_batches($1, $2, $3, $4::text[], $5::text[], $6::text[], $7::bigint[], $8::int[], $9::uuid[], $10::int[]) AS id",
      [
        owners.batchOwner,
        owners.claimLessee,
        leaseMs,
        batches.map((batch) => batch.distribution),
        batches.map((batch) => batch.signature),
        batches.map((batch) => batch.blockhash),
        batches.map((batch) => batch.lastValidBlockHeight),
        batches.map((batch) => batch.claimIds.length),
        batches.flatMap((batch) => batch.claimIds),
        batches.flatMap((batch, index) => batch.claimIds.map(() => index + 1)),
      ],
    );
    return rows.map((row) => String(row.id));
  } catch (error) {
    if ((error as { code?: unknown }).code === LEASE_LOST_SQLSTATE) throw new LeaseLostError((error as Error).message);
    throw error;
  }
}

/**
 * Locks the given batches in id order, so that statements updating several batches at once cannot
 * deadlock: the sending loops mark batches submitted while the settling loop confirms them, and an
 * UPDATE's own scan takes rows in whatever order its plan reads them (a bitmap or sequential scan
 * reads the heap, where an updated row has moved to the end). `$1` is the asked ids.
 */
const lockedBatches = (condition: string) =>
  `ARRAY(SELECT id FROM claim_batches WHERE id = ANY($1::bigint[]) AND ${condition} ORDER BY id FOR UPDATE)`;

/** The node took these batches' transactions: their claims now wait for confirmation (for the fans' progress). */
export async function markBatchesSubmitted(database: Queryable, batchIds: string[]): Promise<void> {
  if (!batchIds.length) return;
  await database.query(
    `UPDATE claim_batches SET submitted_at = now() WHERE id = ANY(${lockedBatches("submitted_at IS NULL")}) AND submitted_at IS NULL`,
    [batchIds],
  );
}

/**
 * Confirms batches the chain confirmed without error, in one statement: batch_claim is all or nothing,
 * so every claim such a batch carries was paid. A batch already settled is left alone.
 */
export async function settleConfirmedBatches(database: Queryable, batchIds: string[]): Promise<number> {
  if (!batchIds.length) return 0;
  // The claims are found through the batch_id index by the given ids; only those of batches this
  // statement moved to confirmed are changed.
  const confirmed = await database.query(
    `WITH settled AS (
       UPDATE claim_batches SET status = 'confirmed', lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
        WHERE id = ANY(${lockedBatches("status = 'sent'")}) AND status = 'sent' RETURNING id)
     UPDATE claims SET status = 'confirmed', updated_at = now()
      WHERE batch_id = ANY($1::bigint[]) AND status = 'sent' AND batch_id IN (SELECT id FROM settled)`,
    [batchIds],
  );
  return confirmed.rowCount;
}

/** Batches sent but not settled: this instance's own, and any whose owner's lease ran out (it crashed). */
export async function leaseInFlightBatches(
  database: Queryable,
  owner: string,
  leaseMs: number,
  limit: number,
): Promise<InFlightBatch[]> {
  const { rows } = await database.query<InFlightBatch>(
    `UPDATE claim_batches SET lease_owner = $1, lease_expires_at = now() + $2 * interval '1 millisecond'
      WHERE id IN (
        SELECT id FROM claim_batches
         WHERE status = 'sent' AND (lease_owner = $1 OR lease_expires_at IS NULL OR lease_expires_at < now())
         ORDER BY id
         LIMIT $3
         FOR UPDATE SKIP LOCKED)
      RETURNING id, distribution, signature, last_valid_block_height`,
    [owner, leaseMs, limit],
  );
  return rows;
}

export interface Transition {
  state: "queued" | "confirmed" | "failed";
  count: number;
}

/**
 * Applies a settlement atomically, in one call to the database (migration 202); a batch already
 * settled (by another instance) is left alone. Returns how many claims moved to each state.
 */
export async function settleBatch(database: Queryable, batchId: string, settlement: BatchSettlement): Promise<Transition[]> {
  const { rows } = await database.query<{ state: Transition["state"]; moved: number }>(
    "SELECT state, moved FROM settle_batch($1, $2, $3::int[], $4::int[], $5, $6::timestamptz, $7::int[], $8)",
    [
      batchId,
      settlement.batchStatus,
      settlement.confirmedSlots,
      settlement.requeue?.slots ?? [],
      settlement.requeue?.alone ?? false,
      settlement.requeue?.notBefore ?? null,
      settlement.failed?.slots ?? [],
      settlement.failed?.reason ?? null,
    ],
  );
  return rows.map((row) => ({ state: row.state, count: row.moved }));
}

/** A batch that carried a claim before it went back to the queue (migration 210). */
export interface EarlierBatch {
  slot: number;
  batchId: string;
  signature: string;
  lastValidBlockHeight: number;
}

/** The earlier batches of the distribution's claims at `slots`: those each rode in before it went back to the queue. */
export async function earlierBatchesOf(database: Queryable, distribution: string, slots: number[]): Promise<EarlierBatch[]> {
  if (!slots.length) return [];
  const { rows } = await database.query<{ slot: number; batch_id: string; signature: string; last_valid_block_height: string }>(
    `SELECT claims.slot, claim_batches.id::text AS batch_id, claim_batches.signature, claim_batches.last_valid_block_height
       FROM claims JOIN claim_batches ON claim_batches.id = ANY(claims.earlier_batch_ids)
      WHERE claims.distribution = $1 AND claims.slot = ANY($2::int[]) AND claims.earlier_batch_ids IS NOT NULL`,
    [distribution, slots],
  );
  return rows.map((row) => ({
    slot: row.slot,
    batchId: row.batch_id,
    signature: row.signature,
    lastValidBlockHeight: Number(row.last_valid_block_height),
  }));
}

/**
 * The chain confirmed these earlier batches without error, though they were settled as expired or
 * refused: each paid its claims, so the claim at each slot is confirmed with that batch's signature,
 * wherever it stands now (queued, or sent in a batch that will find its slot taken), and the batch is
 * confirmed. Returns how many claims moved to confirmed.
 */
export async function confirmEarlierBatches(database: Queryable, distribution: string, paid: EarlierBatch[]): Promise<number> {
  if (!paid.length) return 0;
  const result = await database.query(
    `WITH settled AS (
       UPDATE claim_batches SET status = 'confirmed', updated_at = now()
        WHERE id = ANY(${lockedBatches("status IN ('expired', 'refused')")}) AND status IN ('expired', 'refused'))
     UPDATE claims
        SET status = 'confirmed', batch_id = paid.batch_id, signature = paid.signature, failure_reason = NULL,
            not_before = NULL, lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
       FROM unnest($1::bigint[], $2::int[], $3::text[]) AS paid (batch_id, slot, signature)
      WHERE claims.distribution = $4 AND claims.slot = paid.slot AND claims.status IN ('queued', 'sent')`,
    [paid.map((batch) => batch.batchId), paid.map((batch) => batch.slot), paid.map((batch) => batch.signature), distribution],
  );
  return result.rowCount;
}

export async function slotsOfBatch(database: Queryable, batchId: string): Promise<number[]> {
  const { rows } = await database.query<{ slot: number }>(
    "SELECT slot FROM claims WHERE batch_id = $1 AND status = 'sent' ORDER BY slot",
    [batchId],
  );
  return rows.map((row) => row.slot);
}

export async function failQueuedClaims(database: Queryable, owner: string, claimIds: string[], reason: string): Promise<number> {
  if (!claimIds.length) return 0;
  const result = await database.query(
    `UPDATE claims SET status = 'failed', failure_reason = $3, lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
      WHERE id = ANY($1::uuid[]) AND status = 'queued' AND lease_owner = $2`,
    [claimIds, owner, reason],
  );
  return result.rowCount;
}

/** Leaves leased claims queued but out of reach until `notBefore` (their distribution is paused). */
export async function postponeQueuedClaims(
  database: Queryable,
  owner: string,
  claimIds: string[],
  notBefore: Date,
): Promise<void> {
  if (!claimIds.length) return;
  await database.query(
    `UPDATE claims SET not_before = $3, lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
      WHERE id = ANY($1::uuid[]) AND status = 'queued' AND lease_owner = $2`,
    [claimIds, owner, notBefore],
  );
}

/**
 * Fails every queued claim of a distribution, leased or not: a batcher holding some of them then loses
 * its lease on them (recordSentBatch moves only queued rows) and sends nothing.
 */
export async function failQueuedClaimsOfDistribution(database: Queryable, distribution: string, reason: string): Promise<number> {
  const result = await database.query(
    `UPDATE claims SET status = 'failed', failure_reason = $2, lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
      WHERE distribution = $1 AND status = 'queued'`,
    [distribution, reason],
  );
  return result.rowCount;
}
