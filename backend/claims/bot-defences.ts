import type { BotRefusalReason, BotRefusals, ClaimRules } from "../../shared/api/distributions.ts";
import type { Requirement } from "../../shared/requirements.ts";
import type { Database } from "../db/database.ts";
import { HttpError } from "../http/errors.ts";

/** What the defences need to know about the distribution a claim is for. */
export interface DefendedTarget {
  address: string;
  creatorXUserId: string;
  claimRules: ClaimRules;
}

/** The hashed requirements that are bot defences: an unmet one refuses the claim as likely a bot's. */
const BOT_REQUIREMENTS: ReadonlySet<Requirement["type"]> = new Set<BotRefusalReason & Requirement["type"]>([
  "account_age",
  "min_followers",
]);

const VELOCITY_WINDOW_SECONDS = 60;

/**
 * The creator's defences against farmed claims, run by the claim route before any X call (so a
 * refused bot costs no X API money) and after verification for the account-age and follower
 * requirements. Every refusal is kept, once per distribution, reason and account, for the dashboard.
 */
export class BotDefences {
  constructor(
    private readonly database: Database,
    private readonly now: () => number = Date.now,
  ) {}

  /** Throws the refusal (and records it) when a claim rule stops this claim. */
  async screen(xUserId: string, wallet: string, target: DefendedTarget): Promise<void> {
    const { oncePerCreator, maxClaimsPerMinute } = target.claimRules;
    if (maxClaimsPerMinute !== null) {
      const since = new Date(this.now() - VELOCITY_WINDOW_SECONDS * 1000);
      const { rows } = await this.database.query<{ recent: number }>(
        `SELECT count(*)::int AS recent FROM (
           SELECT 1 FROM claims WHERE distribution = $1 AND created_at > $2 LIMIT $3) AS recent`,
        [target.address, since, maxClaimsPerMinute],
      );
      if ((rows[0]?.recent ?? 0) >= maxClaimsPerMinute) {
        await this.record(target.address, xUserId, ["velocity"]);
        throw new HttpError(
          429,
          "claims_too_fast",
          `this giveaway takes at most ${maxClaimsPerMinute} claims a minute; try again in a minute`,
          { retryAfterSeconds: VELOCITY_WINDOW_SECONDS },
          { "Retry-After": String(VELOCITY_WINDOW_SECONDS) },
        );
      }
    }
    if (oncePerCreator) {
      const { rows } = await this.database.query<{ distribution: string }>(
        `SELECT claims.distribution FROM claims JOIN distributions ON distributions.address = claims.distribution
          WHERE (claims.x_user_id = $1 OR claims.wallet = $2) AND claims.distribution <> $3
            AND claims.status <> 'failed' AND distributions.creator_x_user_id = $4
          LIMIT 1`,
        [xUserId, wallet, target.address, target.creatorXUserId],
      );
      const other = rows[0]?.distribution;
      if (other !== undefined) {
        await this.record(target.address, xUserId, ["once_per_creator"]);
        throw new HttpError(
          409,
          "claimed_from_creator",
          "this creator allows one claim per X account and per wallet across their giveaways, and this account or wallet already claimed one",
          { distribution: other },
        );
      }
    }
  }

  /** Records the bot requirements among `unmet` as refusals; the others are a fan's missing step, not a bot sign. */
  async recordUnmet(distribution: string, xUserId: string, unmet: readonly Requirement[]): Promise<void> {
    const reasons = unmet.filter((requirement) => BOT_REQUIREMENTS.has(requirement.type)).map((requirement) => requirement.type);
    if (reasons.length) await this.record(distribution, xUserId, reasons as BotRefusalReason[]);
  }

  async record(distribution: string, xUserId: string, reasons: readonly BotRefusalReason[]): Promise<void> {
    await this.database.query(
      `INSERT INTO bot_refusals (distribution, reason, x_user_id, first_at, last_at)
       SELECT $1, reason, $3, $4, $4 FROM unnest($2::text[]) AS reason
       ON CONFLICT (distribution, reason, x_user_id)
       DO UPDATE SET attempts = bot_refusals.attempts + 1, last_at = EXCLUDED.last_at`,
      [distribution, reasons, xUserId, new Date(this.now())],
    );
  }
}

/** Per distribution: accounts refused as likely bots, in all and per reason. */
export async function botRefusalCounts(database: Database, addresses: readonly string[]): Promise<Map<string, BotRefusals>> {
  const { rows } = await database.query<{ distribution: string; reason: BotRefusalReason | null; accounts: number }>(
    `SELECT distribution, reason, count(DISTINCT x_user_id)::int AS accounts
       FROM bot_refusals WHERE distribution = ANY($1::text[])
      GROUP BY GROUPING SETS ((distribution, reason), (distribution))`,
    [addresses],
  );
  const counts = new Map<string, BotRefusals>();
  for (const row of rows) {
    const entry = counts.get(row.distribution) ?? { accounts: 0, byReason: {} };
    if (row.reason === null) entry.accounts = row.accounts;
    else entry.byReason[row.reason] = row.accounts;
    counts.set(row.distribution, entry);
  }
  return counts;
}
