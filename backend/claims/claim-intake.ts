import { createHash, randomUUID } from "node:crypto";
import { type Claim, type CreateClaimBody, FINAL_CLAIM_FAILURES, MAX_CLAIM_RETRIES } from "../../shared/api/claims.ts";
import { Coalescer } from "../db/coalescer.ts";
import type { Database, Queryable } from "../db/database.ts";
import { findClaim } from "./claim-queries.ts";
import { CLAIM_COLUMNS, type ClaimRow, claimFromRow, isUniqueViolation } from "./claim-rows.ts";
import { FAILURES_READ_BEFORE_PACKING } from "./distribution-chain-state.ts";

export interface IntakeRequest {
  xUserId: string;
  distribution: string;
  /** The distribution's max_claims: slots 0..maxClaims-1 exist on chain. */
  maxClaims: number;
  wallet: string;
  idempotencyKey: string;
}

export type IntakeOutcome =
  | { kind: "created"; claim: Claim }
  /** The same key and body came before: the claim it made. */
  | { kind: "replayed"; claim: Claim }
  /** A failed claim claimed again: back in the queue. */
  | { kind: "retried"; claim: Claim }
  /** The key was used before with a different body. */
  | { kind: "idempotency_conflict" }
  | { kind: "already_claimed"; claim: Claim }
  /** Another X account already claims to this wallet in this distribution. */
  | { kind: "wallet_taken" }
  | { kind: "sold_out" };

/** What makes two requests "the same body" for idempotency. */
export function claimRequestHash(body: CreateClaimBody): string {
  return createHash("sha256").update(`${body.distribution}\n${body.wallet}`).digest("hex");
}

interface Pending {
  request: IntakeRequest;
  hash: string;
}

const key = (...parts: string[]) => parts.join("\u0000");

/**
 * Assigns slots and writes queue rows. Requests that arrive while a write is running are written
 * together in the next one (group commit): one statement for many claims, which is what lets one
 * node take thousands of claims a second.
 *
 * A group is first written assuming none of its claims is stored yet: the claims route has already
 * answered retries and known claims from its own read, so this is nearly always true, and it spares a
 * lookup per request. When a unique constraint says otherwise, nothing was written; the group is then
 * settled in a transaction against the stored rows it collides with. If a constraint still fires,
 * another backend instance raced us: the group is retried one request at a time and the constraint
 * decides.
 */
export class ClaimIntake {
  private readonly writer: Coalescer<Pending, IntakeOutcome>;

  constructor(
    private readonly database: Database,
    /** Told after each write how many claims it queued and for which distributions. */
    private readonly onQueued: (count: number, distributions: string[]) => void = () => {},
  ) {
    // Serial: claims arriving while a group is written form the next group. No timer holds a group
    // open: with the database on its own thread, the time one write takes gathers groups of dozens.
    this.writer = new Coalescer((group) => this.write(group), { serial: true });
  }

  submit(request: IntakeRequest): Promise<IntakeOutcome> {
    return this.writer.load({ request, hash: claimRequestHash(request) });
  }

  /**
   * Claims the fan's failed claim `claimId` again: back in the queue on its own slot (which nothing
   * paid), to the wallet the request names. A claim whose failure the batcher reads before packing (no
   * token account, a refusing one) rides in batches as any claim does (a batch of one costs a whole
   * transaction's signatures for one claim's reimbursement); one that failed in a batch for
   * the chain's own reasons goes alone, simulated, so that it cannot sink other fans' batch. Only a
   * claim that is still failed, for a reason the fan can mend, with retries left, moves; otherwise the
   * stored claim is answered as already claimed. A claim that went back to the queue from a batch
   * (earlier_batch_ids, migration 210) is claimed again only to its wallet: that batch may yet show on
   * chain that it paid this wallet, and the claim is then confirmed as it stands. Recording the paid
   * wallet per batch instead would not do: once the claim let it go, another fan may claim to it
   * (claims are unique per distribution and wallet).
   */
  async retry(claimId: string, request: IntakeRequest): Promise<IntakeOutcome> {
    const { xUserId, distribution, wallet, idempotencyKey } = request;
    let retried: ClaimRow | undefined;
    try {
      const { rows } = await this.database.query<ClaimRow>(
        `UPDATE claims
            SET status = 'queued', wallet = $4, idempotency_key = $5, request_hash = $6, retries = retries + 1,
                earlier_idempotency_keys = array_append(earlier_idempotency_keys, idempotency_key),
                earlier_request_hashes = array_append(earlier_request_hashes, request_hash),
                batch_id = NULL, signature = NULL, failure_reason = NULL,
                send_alone = NOT (coalesce(failure_reason, '') = ANY($9::text[])), not_before = NULL,
                lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
          WHERE id = $1 AND x_user_id = $2 AND distribution = $3 AND status = 'failed'
            AND NOT (coalesce(failure_reason, '') = ANY($7::text[])) AND retries < $8
            AND (earlier_batch_ids IS NULL OR wallet = $4)
          RETURNING ${CLAIM_COLUMNS}`,
        [
          claimId,
          xUserId,
          distribution,
          wallet,
          idempotencyKey,
          claimRequestHash(request),
          FINAL_CLAIM_FAILURES,
          MAX_CLAIM_RETRIES,
          FAILURES_READ_BEFORE_PACKING,
        ],
      );
      retried = rows[0];
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // Another claim of this giveaway pays the wallet, or the fan used this key for another claim.
      const { rows } = await this.database.query("SELECT 1 FROM claims WHERE distribution = $1 AND wallet = $2 AND id <> $3", [
        distribution,
        wallet,
        claimId,
      ]);
      return rows.length ? { kind: "wallet_taken" } : { kind: "idempotency_conflict" };
    }
    if (retried) {
      this.onQueued(1, [distribution]);
      return { kind: "retried", claim: claimFromRow(retried) };
    }
    // Another request claimed it again first, or it is not the fan's to retry: answer it as it stands.
    const stored = await findClaim(this.database, claimId);
    if (stored?.xUserId !== xUserId || stored.distribution !== distribution) {
      throw new Error(`claim ${claimId} is not this fan's claim of ${distribution}`);
    }
    return { kind: "already_claimed", claim: stored };
  }

  private async write(group: Pending[]): Promise<IntakeOutcome[]> {
    const outcomes = await settleGroup(this.database, group, []).catch((error: unknown) => {
      if (isUniqueViolation(error)) return this.writeAgainstStored(group);
      throw error;
    });
    const created = outcomes.flatMap((outcome) => (outcome.kind === "created" ? [outcome.claim.distribution] : []));
    if (created.length) this.onQueued(created.length, created);
    return outcomes;
  }

  private async writeAgainstStored(group: Pending[]): Promise<IntakeOutcome[]> {
    try {
      return await this.database.transaction(async (transaction) =>
        settleGroup(transaction, group, await storedClaimsLike(transaction, group)),
      );
    } catch (error) {
      if (group.length === 1 || !isUniqueViolation(error)) throw error;
      const outcomes: IntakeOutcome[] = [];
      for (const pending of group) outcomes.push(...(await this.writeAgainstStored([pending])));
      return outcomes;
    }
  }
}

/** Stored claims that share a key, an account or a wallet with a member of the group. */
async function storedClaimsLike(transaction: Queryable, group: Pending[]): Promise<ClaimRow[]> {
  const users = group.map((pending) => pending.request.xUserId);
  const keys = group.map((pending) => pending.request.idempotencyKey);
  const distributions = group.map((pending) => pending.request.distribution);
  const wallets = group.map((pending) => pending.request.wallet);
  // One index probe per unique constraint and request, written as correlated lookups so the planner
  // takes them whatever it knows of the table's size (the embedded engine keeps no statistics).
  const { rows } = await transaction.query<ClaimRow>(
    `SELECT ${CLAIM_COLUMNS} FROM claims WHERE id IN (
       SELECT stored.id
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS asked (x_user_id, idempotency_key, distribution, wallet)
         CROSS JOIN LATERAL (
           SELECT id FROM claims WHERE x_user_id = asked.x_user_id AND idempotency_key = asked.idempotency_key
           UNION ALL
           SELECT id FROM claims WHERE distribution = asked.distribution AND x_user_id = asked.x_user_id
           UNION ALL
           SELECT id FROM claims WHERE distribution = asked.distribution AND wallet = asked.wallet
         ) AS stored)`,
    [users, keys, distributions, wallets],
  );
  return rows;
}

/** Decides each request of the group against `existing` (stored claims like them) and the group itself, then writes. */
async function settleGroup(transaction: Queryable, group: Pending[], existing: ClaimRow[]): Promise<IntakeOutcome[]> {
  // Earlier members of the group count as existing for later ones.
  type Holder = { row: ClaimRow } | { pending: Pending };
  const byKey = new Map<string, Holder>();
  const byUser = new Map<string, Holder>();
  const byWallet = new Map<string, Holder>();
  for (const row of existing) {
    byKey.set(key(row.x_user_id, row.idempotency_key), { row });
    byUser.set(key(row.distribution, row.x_user_id), { row });
    byWallet.set(key(row.distribution, row.wallet), { row });
  }

  const decided: (IntakeOutcome | { sameAs: Pending; kind: "replayed" | "already_claimed" } | undefined)[] = [];
  const accepted: Pending[] = [];
  for (const pending of group) {
    const { xUserId, idempotencyKey, distribution, wallet } = pending.request;
    const keyed = byKey.get(key(xUserId, idempotencyKey));
    const earlier = keyed ?? byUser.get(key(distribution, xUserId));
    if (keyed) {
      const sameBody = "row" in keyed ? keyed.row.request_hash === pending.hash : keyed.pending.hash === pending.hash;
      if (!sameBody) decided.push({ kind: "idempotency_conflict" });
      else
        decided.push(
          "row" in keyed ? { kind: "replayed", claim: claimFromRow(keyed.row) } : { kind: "replayed", sameAs: keyed.pending },
        );
    } else if (earlier) {
      decided.push(
        "row" in earlier
          ? { kind: "already_claimed", claim: claimFromRow(earlier.row) }
          : { kind: "already_claimed", sameAs: earlier.pending },
      );
    } else if (byWallet.has(key(distribution, wallet))) {
      decided.push({ kind: "wallet_taken" });
    } else {
      decided.push(undefined);
      accepted.push(pending);
      byKey.set(key(xUserId, idempotencyKey), { pending });
      byUser.set(key(distribution, xUserId), { pending });
      byWallet.set(key(distribution, wallet), { pending });
    }
  }

  const created = await insertClaims(transaction, accepted);
  return group.map((pending, index): IntakeOutcome => {
    const decision = decided[index];
    if (decision === undefined) {
      const claim = created.get(pending);
      return claim ? { kind: "created", claim } : { kind: "sold_out" };
    }
    if (!("sameAs" in decision)) return decision;
    const claim = created.get(decision.sameAs);
    // The earlier request of this group found no slot, so neither does this one.
    if (!claim) return { kind: "sold_out" };
    return { kind: decision.kind, claim };
  });
}

/** Gives each accepted request its slot and queue row through insert_claims (migration 051), in one statement. */
async function insertClaims(transaction: Queryable, accepted: Pending[]): Promise<Map<Pending, Claim>> {
  const created = new Map<Pending, Claim>();
  if (!accepted.length) return created;
  const ids = accepted.map(() => randomUUID());
  const { rows } = await transaction.query<{ id: string; slot: number; created_at: Date }>(
    "SELECT id, slot, created_at FROM insert_claims($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[])",
    [
      ids,
      accepted.map((pending) => pending.request.distribution),
      accepted.map((pending) => pending.request.xUserId),
      accepted.map((pending) => pending.request.wallet),
      accepted.map((pending) => pending.request.maxClaims),
      accepted.map((pending) => pending.request.idempotencyKey),
      accepted.map((pending) => pending.hash),
    ],
  );
  const inserted = new Map(rows.map((row) => [row.id, row]));
  for (const [index, pending] of accepted.entries()) {
    const id = ids[index] as string;
    const row = inserted.get(id);
    if (!row) continue;
    const at = row.created_at.toISOString();
    const { distribution, wallet, xUserId } = pending.request;
    created.set(pending, { id, distribution, wallet, xUserId, slot: row.slot, status: "queued", createdAt: at, updatedAt: at });
  }
  return created;
}
