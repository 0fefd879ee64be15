import { createHash, randomUUID } from "node:crypto";
import type { Claim, CreateClaimBody } from "../../shared/api/claims.ts";
import type { Database, Queryable } from "../db/database.ts";
import { CLAIM_COLUMNS, type ClaimRow, claimFromRow, isUniqueViolation } from "./claim-rows.ts";
import { Coalescer } from "./coalescer.ts";

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

/** A group stays open this long: a few milliseconds of latency buy groups of dozens of claims. */
const INTAKE_WINDOW_MS = 2;

interface Pending {
  request: IntakeRequest;
  hash: string;
}

const key = (...parts: string[]) => parts.join("\u0000");

/**
 * Assigns slots and writes queue rows. Requests that arrive while a write is running are written
 * together in the next transaction (group commit): one round of SQL for many claims, which is what
 * lets one node take thousands of claims a second. Each group is checked against the table and
 * against itself, so the unique constraints only ever fire when another backend instance raced us;
 * then the group is retried one request at a time and the constraint decides.
 */
export class ClaimIntake {
  private readonly writer: Coalescer<Pending, IntakeOutcome>;

  constructor(
    private readonly database: Database,
    private readonly onQueued: (count: number) => void = () => {},
  ) {
    this.writer = new Coalescer((group) => this.write(group), { serial: true, windowMs: INTAKE_WINDOW_MS });
  }

  submit(request: IntakeRequest): Promise<IntakeOutcome> {
    return this.writer.load({ request, hash: claimRequestHash(request) });
  }

  private async write(group: Pending[]): Promise<IntakeOutcome[]> {
    let outcomes: IntakeOutcome[];
    try {
      outcomes = await this.database.transaction((transaction) => settleGroup(transaction, group));
    } catch (error) {
      if (group.length === 1 || !isUniqueViolation(error)) throw error;
      outcomes = [];
      for (const pending of group) outcomes.push(...(await this.write([pending])));
      return outcomes;
    }
    const created = outcomes.filter((outcome) => outcome.kind === "created").length;
    if (created) this.onQueued(created);
    return outcomes;
  }
}

async function settleGroup(transaction: Queryable, group: Pending[]): Promise<IntakeOutcome[]> {
  const users = group.map((pending) => pending.request.xUserId);
  const keys = group.map((pending) => pending.request.idempotencyKey);
  const distributions = group.map((pending) => pending.request.distribution);
  const wallets = group.map((pending) => pending.request.wallet);
  const { rows: existing } = await transaction.query<ClaimRow>(
    `SELECT ${CLAIM_COLUMNS} FROM claims
      WHERE (x_user_id, idempotency_key) IN (SELECT * FROM unnest($1::text[], $2::text[]))
         OR (distribution, x_user_id) IN (SELECT * FROM unnest($3::text[], $1::text[]))
         OR (distribution, wallet) IN (SELECT * FROM unnest($3::text[], $4::text[]))`,
    [users, keys, distributions, wallets],
  );

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

  const slots = await assignSlots(transaction, accepted);
  const admitted = accepted.filter((pending) => slots.has(pending));
  const created = new Map<Pending, Claim>();
  if (admitted.length) {
    const ids = admitted.map(() => randomUUID());
    const { rows } = await transaction.query<ClaimRow>(
      `INSERT INTO claims (id, distribution, x_user_id, wallet, slot, status, idempotency_key, request_hash)
       SELECT id, distribution, x_user_id, wallet, slot, 'queued', idempotency_key, request_hash
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[])
           AS input (id, distribution, x_user_id, wallet, slot, idempotency_key, request_hash)
       RETURNING ${CLAIM_COLUMNS}`,
      [
        ids,
        admitted.map((pending) => pending.request.distribution),
        admitted.map((pending) => pending.request.xUserId),
        admitted.map((pending) => pending.request.wallet),
        admitted.map((pending) => slots.get(pending) as number),
        admitted.map((pending) => pending.request.idempotencyKey),
        admitted.map((pending) => pending.hash),
      ],
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    for (const [index, pending] of admitted.entries())
      created.set(pending, claimFromRow(byId.get(ids[index] as string) as ClaimRow));
  }

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

/**
 * Hands out the next free slots per distribution, never beyond max_claims. The counter rows are locked
 * in address order, so two instances locking the same distributions cannot deadlock.
 */
async function assignSlots(transaction: Queryable, accepted: Pending[]): Promise<Map<Pending, number>> {
  const slots = new Map<Pending, number>();
  if (!accepted.length) return slots;
  const distributions = [...new Set(accepted.map((pending) => pending.request.distribution))].sort();
  await transaction.query(
    "INSERT INTO claim_slot_counters (distribution, next_slot) SELECT unnest($1::text[]), 0 ON CONFLICT (distribution) DO NOTHING",
    [distributions],
  );
  const { rows } = await transaction.query<{ distribution: string; next_slot: number }>(
    "SELECT distribution, next_slot FROM claim_slot_counters WHERE distribution = ANY($1::text[]) ORDER BY distribution FOR UPDATE",
    [distributions],
  );
  const next = new Map(rows.map((row) => [row.distribution, row.next_slot]));
  for (const pending of accepted) {
    const slot = next.get(pending.request.distribution) ?? 0;
    if (slot >= pending.request.maxClaims) continue;
    slots.set(pending, slot);
    next.set(pending.request.distribution, slot + 1);
  }
  await transaction.query(
    `UPDATE claim_slot_counters AS counter SET next_slot = input.next_slot
       FROM unnest($1::text[], $2::int[]) AS input (distribution, next_slot)
      WHERE counter.distribution = input.distribution`,
    [distributions, distributions.map((distribution) => next.get(distribution) ?? 0)],
  );
  return slots;
}
