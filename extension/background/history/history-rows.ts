import { distributionSchema } from "../../../shared/api/distributions.ts";
import type { ClaimHistoryRow, ClaimRecord } from "../../messaging/shapes.ts";
import { explorerTxUrl } from "../../ui/format.ts";
import type { MemefansDatabase } from "../storage/database.ts";

/** Only the fields a history row shows, so rows cached by older versions (fewer fields) still serve. */
const cachedPayoutSchema = distributionSchema.pick({
  postId: true,
  mint: true,
  token: true,
  amountPerClaim: true,
  creatorUsername: true,
});

/**
 * Joins each claim with the giveaway this device cached when it showed it (amount per claim, token,
 * post) and the payout's explorer link. A giveaway never seen here leaves those fields out rather
 * than guessing them.
 */
export async function historyRows(db: MemefansDatabase, records: ClaimRecord[], rpcUrl: string): Promise<ClaimHistoryRow[]> {
  const rows: ClaimHistoryRow[] = [];
  for (const record of records) {
    const cached = cachedPayoutSchema.safeParse((await db.get("distributions", record.distribution))?.distribution);
    const distribution = cached.success ? cached.data : undefined;
    rows.push({
      ...record,
      ...(distribution
        ? {
            payout: {
              amount: distribution.amountPerClaim.toString(),
              decimals: distribution.token.decimals,
              mint: distribution.mint,
              ...(distribution.token.symbol ? { symbol: distribution.token.symbol } : {}),
            },
            postUrl: `https://x.com/i/status/${distribution.postId}`,
            ...(distribution.creatorUsername ? { creatorHandle: distribution.creatorUsername } : {}),
          }
        : {}),
      ...(record.signature && record.status === "confirmed" ? { explorerUrl: explorerTxUrl(record.signature, rpcUrl) } : {}),
    });
  }
  return rows;
}
