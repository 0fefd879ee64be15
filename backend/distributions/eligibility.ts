import type { Requirement } from "../../shared/requirements.ts";
import type { Database } from "../db/database.ts";
import { fromXError } from "../http/upstream-errors.ts";
import type { XAccounts } from "../identity/x-accounts.ts";
import { type RequirementCache, type VerificationReport, verifyRequirements, type XApiClient } from "../x/index.ts";
import type { ChainReader } from "./chain-reader.ts";

export interface EligibilityTarget {
  postId: string;
  creatorXUserId: string;
  requirements: readonly Requirement[];
  /** Unix seconds; lets reply, repost and quote checks see past search's 7-day window. */
  postCreatedAt?: number;
}

export interface EligibilityDependencies {
  database: Database;
  accounts: XAccounts;
  xClient: XApiClient;
  chain: ChainReader;
  cache: RequirementCache;
  now?: () => number;
}

/**
 * Checks a fan against a distribution's requirements with the fan's own X token (refreshed when
 * needed) and reads hold_token balances of the fan's bound wallet on chain. The claims module uses the
 * same checker before it queues a claim, so the checklist and the claim never disagree.
 */
export class EligibilityChecker {
  constructor(private readonly dependencies: EligibilityDependencies) {}

  /**
   * `wallet` picks which bound wallet hold_token reads; without it, the first wallet the fan bound.
   * `recheckUnmet` asks X again about what it last found unmet (see RequirementCache.get).
   */
  async check(
    xUserId: string,
    target: EligibilityTarget,
    wallet?: string,
    options: { recheckUnmet?: boolean } = {},
  ): Promise<VerificationReport> {
    // Nothing to check, so nothing to ask X or the chain (and no X token needed).
    if (target.requirements.length === 0) return { met: true, checks: [], xCalls: 0 };
    const { dependencies } = this;
    await dependencies.cache.prefetch(xUserId);
    const fanWallet = wallet ?? (await this.#firstWallet(xUserId));
    const profileOnRecord = await dependencies.accounts.profileOnRecord(xUserId);
    try {
      // A refresh asks X too: X unreachable then is answered like any other X failure, not as our 500.
      const accessToken = await dependencies.accounts.accessTokenFor(xUserId);
      return await verifyRequirements(
        {
          client: dependencies.xClient,
          cache: dependencies.cache,
          tokenBalanceOf: (owner, mint) => dependencies.chain.tokenBalance(owner, mint),
          onProfileRead: (id, user) => dependencies.accounts.recordProfile(id, user),
          ...(dependencies.now ? { now: dependencies.now } : {}),
        },
        {
          fan: {
            xUserId,
            accessToken,
            ...(fanWallet ? { wallet: fanWallet } : {}),
            ...(profileOnRecord ? { profileOnRecord } : {}),
          },
          post: {
            id: target.postId,
            creatorXUserId: target.creatorXUserId,
            ...(target.postCreatedAt ? { createdAt: target.postCreatedAt * 1000 } : {}),
          },
          requirements: target.requirements,
          recheckUnmet: options.recheckUnmet ?? false,
        },
      );
    } catch (error) {
      return fromXError(error, dependencies.now);
    }
  }

  async #firstWallet(xUserId: string): Promise<string | undefined> {
    const result = await this.dependencies.database.query<{ address: string }>(
      "SELECT address FROM wallets WHERE x_user_id = $1 ORDER BY bound_at LIMIT 1",
      [xUserId],
    );
    return result.rows[0]?.address;
  }
}
