import type { Claim, ClaimStage } from "../../shared/api/claims.ts";
import { Coalescer } from "../db/coalescer.ts";
import type { Queryable } from "../db/database.ts";
import { CLAIM_COLUMNS, type ClaimRow, claimFromRow } from "./claim-rows.ts";

/** A signed-in fan sees their most recent claims; older ones stay on chain and in the database. */
export const MAX_LISTED_CLAIMS = 200;

export async function findClaim(database: Queryable, id: string): Promise<Claim | undefined> {
  const { rows } = await database.query<ClaimRow>(`SELECT ${CLAIM_COLUMNS} FROM claims WHERE id = $1`, [id]);
  return rows[0] && claimFromRow(rows[0]);
}

/**
 * The request hash an earlier attempt at claim `id` sent under `idempotencyKey`, when the fan claimed it
 * again since under another key: that attempt, sent again, is answered as the claim it made.
 */
export async function earlierAttemptHash(database: Queryable, id: string, idempotencyKey: string): Promise<string | undefined> {
  const { rows } = await database.query<{ request_hash: string | null }>(
    "SELECT earlier_request_hashes[array_position(earlier_idempotency_keys, $2)] AS request_hash FROM claims WHERE id = $1",
    [id, idempotencyKey],
  );
  return rows[0]?.request_hash ?? undefined;
}

export async function listClaimsOfUser(database: Queryable, xUserId: string): Promise<Claim[]> {
  const { rows } = await database.query<ClaimRow>(
    `SELECT ${CLAIM_COLUMNS} FROM claims WHERE x_user_id = $1 ORDER BY created_at DESC, id LIMIT ${MAX_LISTED_CLAIMS}`,
    [xUserId],
  );
  return rows.map(claimFromRow);
}

/** Paid rates are measured over this window. */
const RATE_WINDOW_SECONDS = 10;
/** Shorter waits are not worth a number: the progress line says "Queued…" alone. */
const SHORTEST_ESTIMATE_SECONDS = 5;
/** Claims ahead are counted up to this many; a longer queue is estimated from that many. */
const MAX_COUNTED_AHEAD = 100_000;

/**
 * The claim's real stage and, for a queued claim behind a long queue, about how long it will wait: the
 * claims queued before it (in the batcher's order, created_at then id), divided by the rate claims were paid over the last RATE_WINDOW_SECONDS (no
 * estimate while nothing was paid lately: the rate is unknown, and a guess would not be honest).
 */
export async function claimProgress(database: Queryable, claim: Claim): Promise<{ stage: ClaimStage; estimateSeconds?: number }> {
  if (claim.status === "confirmed") return { stage: "paid" };
  if (claim.status === "failed") return { stage: "failed" };
  if (claim.status === "sent") {
    const { rows } = await database.query<{ submitted: boolean }>(
      "SELECT batch.submitted_at IS NOT NULL AS submitted FROM claims JOIN claim_batches AS batch ON batch.id = claims.batch_id WHERE claims.id = $1",
      [claim.id],
    );
    return { stage: rows[0]?.submitted ? "confirming" : "sending" };
  }
  const { rows } = await database.query<{ ahead: string; paid: string }>(
    `SELECT (SELECT count(*) FROM (SELECT 1 FROM claims WHERE status = 'queued' AND (created_at, id) < (SELECT created_at, id FROM claims WHERE id = $1) LIMIT ${MAX_COUNTED_AHEAD}) AS queue) AS ahead,
            (SELECT coalesce(sum(claim_count), 0) FROM claim_batches
              WHERE status = 'confirmed' AND updated_at > now() - ${RATE_WINDOW_SECONDS} * interval '1 second') AS paid`,
    [claim.id],
  );
  const ahead = Number(rows[0]?.ahead ?? 0) + 1;
  const perSecond = Number(rows[0]?.paid ?? 0) / RATE_WINDOW_SECONDS;
  if (perSecond <= 0) return { stage: "queued" };
  const seconds = Math.ceil(ahead / perSecond);
  return seconds >= SHORTEST_ESTIMATE_SECONDS ? { stage: "queued", estimateSeconds: seconds } : { stage: "queued" };
}

/** Claims per state, for the memefans_claims gauge. */
export async function countClaimsByStatus(database: Queryable): Promise<Record<string, number>> {
  const { rows } = await database.query<{ status: string; count: string }>(
    "SELECT status, count(*) AS count FROM claims GROUP BY status",
  );
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
}

export interface ClaimContext {
  /** The X account the wallet is bound to, if any. */
  walletOwner: string | undefined;
  /** This account's claim on this distribution, if it made one. */
  earlier: ClaimRow | undefined;
}

interface ContextRow {
  position: string;
  wallet_owner: string | null;
  earlier_id: string | null;
}

/**
 * Who owns each asked wallet, and the id of the claim each asked account already made on the
 * distribution. Scalar subqueries, so each is one index probe whatever the planner thinks of the
 * tables' sizes: as a LEFT JOIN LATERAL of the claims row, the embedded engine (no statistics)
 * planned a hash join over a sequential scan of every claim while it took the table for small (at
 * 10,000 claims, 15 ms for a group of 43 against 0.4 ms), and the claims' columns it returned for
 * every request cost more than the probes.
 */
export const CLAIM_CONTEXT_SQL = `SELECT asked.position,
       (SELECT owner.x_user_id FROM wallets AS owner WHERE owner.address = asked.wallet) AS wallet_owner,
       (SELECT claim.id FROM claims AS claim WHERE claim.distribution = asked.distribution AND claim.x_user_id = asked.x_user_id) AS earlier_id
  FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS asked (distribution, x_user_id, wallet, position)`;

/**
 * What POST /claims must know before it verifies anything: who owns each wallet, and whether each
 * account already claimed. One query at a time answers every request waiting for it; the rows of
 * earlier claims (retries and second attempts, a few among many new claims) are read by a second
 * query only when there are any.
 */
export function claimContextReader(
  database: Queryable,
): (distribution: string, xUserId: string, wallet: string) => Promise<ClaimContext> {
  const reader = new Coalescer<{ distribution: string; xUserId: string; wallet: string }, ClaimContext>(
    async (inputs) => {
      const { rows } = await database.query<ContextRow>(CLAIM_CONTEXT_SQL, [
        inputs.map((input) => input.distribution),
        inputs.map((input) => input.xUserId),
        inputs.map((input) => input.wallet),
      ]);
      const earlierIds = rows.flatMap((row) => (row.earlier_id ? [row.earlier_id] : []));
      const earlier = new Map<string, ClaimRow>();
      if (earlierIds.length) {
        const stored = await database.query<ClaimRow>(`SELECT ${CLAIM_COLUMNS} FROM claims WHERE id = ANY($1::uuid[])`, [
          earlierIds,
        ]);
        for (const row of stored.rows) earlier.set(row.id, row);
      }
      const contexts: ClaimContext[] = inputs.map(() => ({ walletOwner: undefined, earlier: undefined }));
      for (const row of rows) {
        contexts[Number(row.position) - 1] = {
          walletOwner: row.wallet_owner ?? undefined,
          earlier: row.earlier_id ? earlier.get(row.earlier_id) : undefined,
        };
      }
      return contexts;
    },
    { serial: true },
  );
  return (distribution, xUserId, wallet) => reader.load({ distribution, xUserId, wallet });
}
