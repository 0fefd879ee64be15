import type { ClaimStatus } from "../../shared/api/claims.ts";
import type { ClaimantCounts, ClaimantFilter, ClaimantsPage, ClaimantsQuery } from "../../shared/api/creator-dashboard.ts";
import type { Queryable } from "../db/database.ts";

/** The statuses each filter of the creator's claimant list shows. */
const STATUSES: Record<ClaimantFilter, readonly ClaimStatus[]> = {
  all: ["queued", "sent", "confirmed", "failed"],
  paid: ["confirmed"],
  pending: ["queued", "sent"],
  failed: ["failed"],
};

interface ClaimantRow {
  slot: number;
  x_user_id: string;
  username: string | null;
  wallet: string;
  status: ClaimStatus;
  failure_reason: string | null;
  signature: string | null;
  created_at: Date;
  updated_at: Date;
}

/**
 * One page of a distribution's claimants, newest first. Pages are cut by slot (unique per distribution,
 * handed out in order), so a page reads at most `limit + 1` index entries per state, however many
 * claims came before (migration 190's (distribution, status, slot)).
 */
export async function claimantsPage(database: Queryable, distribution: string, query: ClaimantsQuery): Promise<ClaimantsPage> {
  const [page, counts] = await Promise.all([
    // Per state, the newest `limit + 1` below `before` by a backward range read of (distribution,
    // status, slot); then the newest of those, and only their X handles.
    database.query<ClaimantRow>(
      `SELECT claim.slot, claim.x_user_id, account.username, claim.wallet, claim.status, claim.failure_reason,
              claim.signature, claim.created_at, claim.updated_at
         FROM unnest($2::text[]) AS wanted (status)
         CROSS JOIN LATERAL (
           SELECT * FROM claims
            WHERE claims.distribution = $1 AND claims.status = wanted.status AND claims.slot < $3
            ORDER BY claims.slot DESC LIMIT $4
         ) AS claim
         LEFT JOIN x_accounts AS account ON account.x_user_id = claim.x_user_id
        ORDER BY claim.slot DESC LIMIT $4`,
      [distribution, STATUSES[query.status], query.before ?? 2 ** 31 - 1, query.limit + 1],
    ),
    claimantCounts(database, distribution),
  ]);
  const rows = page.rows.slice(0, query.limit);
  return {
    claimants: rows.map((row) => ({
      slot: row.slot,
      xUserId: row.x_user_id,
      // Every claimant signed in with X, so the account is there; the id stands in should it ever be deleted.
      username: row.username ?? row.x_user_id,
      wallet: row.wallet,
      status: row.status,
      ...(row.failure_reason ? { failureReason: row.failure_reason } : {}),
      ...(row.signature ? { signature: row.signature } : {}),
      claimedAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    })),
    nextBefore: page.rows.length > query.limit ? (rows.at(-1)?.slot ?? null) : null,
    counts,
  };
}

async function claimantCounts(database: Queryable, distribution: string): Promise<ClaimantCounts> {
  const { rows } = await database.query<{ status: ClaimStatus; count: number }>(
    "SELECT status, count(*)::int AS count FROM claims WHERE distribution = $1 GROUP BY status",
    [distribution],
  );
  const by = Object.fromEntries(rows.map((row) => [row.status, row.count])) as Partial<Record<ClaimStatus, number>>;
  return { paid: by.confirmed ?? 0, pending: (by.queued ?? 0) + (by.sent ?? 0), failed: by.failed ?? 0 };
}
