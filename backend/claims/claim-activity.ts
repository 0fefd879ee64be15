import type { Database } from "../db/database.ts";
import type { ClaimActivity } from "../distributions/claim-activity.ts";
import { botRefusalCounts } from "./bot-defences.ts";
import { claimantsPage } from "./claimant-pages.ts";

/**
 * Accepted claims per distribution, for the distributions module's counts and charts. The count is the
 * slots handed out (one row read per distribution, on the hot path of every lookup); a claim that later
 * fails keeps its slot, which the program will never pay, so it stays counted against what remains.
 * Requests refused as sold out advance the counter too, so it can exceed max_claims; readers cap it.
 */
export function claimActivity(database: Database): ClaimActivity {
  return {
    async acceptedCounts(addresses) {
      const { rows } = await database.query<{ distribution: string; next_slot: number }>(
        "SELECT distribution, next_slot FROM claim_slot_counters WHERE distribution = ANY($1::text[])",
        [addresses],
      );
      return new Map(rows.map((row) => [row.distribution, row.next_slot]));
    },
    async claimsOverTime(addresses, bucket = "hour") {
      const { rows } = await database.query<{ distribution: string; bucket: Date; count: string }>(
        `SELECT distribution, date_trunc($2, created_at) AS bucket, count(*) AS count
           FROM claims WHERE distribution = ANY($1::text[]) AND status <> 'failed'
          GROUP BY distribution, bucket ORDER BY bucket`,
        [addresses, bucket],
      );
      const buckets = new Map<string, { bucketStart: string; claims: number }[]>();
      for (const row of rows) {
        buckets.set(row.distribution, [
          ...(buckets.get(row.distribution) ?? []),
          { bucketStart: row.bucket.toISOString(), claims: Number(row.count) },
        ]);
      }
      return buckets;
    },
    async failuresByReason(addresses) {
      const { rows } = await database.query<{ distribution: string; reason: string; count: string }>(
        `SELECT distribution, failure_reason AS reason, count(*) AS count
           FROM claims WHERE distribution = ANY($1::text[]) AND status = 'failed'
          GROUP BY distribution, failure_reason`,
        [addresses],
      );
      const failures = new Map<string, Record<string, number>>();
      for (const row of rows) {
        failures.set(row.distribution, { ...failures.get(row.distribution), [row.reason]: Number(row.count) });
      }
      return failures;
    },
    botRefusals: (addresses) => botRefusalCounts(database, addresses),
    claimants: (address, query) => claimantsPage(database, address, query),
  };
}
