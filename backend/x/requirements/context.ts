import type { Requirement } from "../../../shared/requirements.ts";
import type { XApiClient } from "../client.ts";

/** Reads a wallet's balance of a mint on chain, in raw units, summed over its token accounts. */
export type TokenBalanceOf = (owner: string, mint: string) => Promise<bigint>;

/**
 * What the backend already knows of the fan's X profile, from the users/me of their sign-in (or of
 * an earlier check): account age needs no new read, a follower count is good for its UTC day.
 */
export interface ProfileOnRecord {
  /** ms since epoch. */
  createdAt?: number;
  followersCount?: number;
  /** X's `protected`: search/recent never returns this account's posts, so fan-post checks read its timeline. */
  postsProtected?: boolean;
  /** When X said so, ms since epoch. */
  readAt: number;
}

/** The fan being checked, with their own X user token: fan-side reads are the cheap ones. */
export interface FanIdentity {
  xUserId: string;
  accessToken: string;
  /** The wallet bound to this X account for the distribution; hold_token reads its balance. */
  wallet?: string;
  profileOnRecord?: ProfileOnRecord;
}

/** The post a distribution hangs on, and its author (the creator). */
export interface PostTarget {
  id: string;
  creatorXUserId: string;
  /**
   * When the post was published (ms since epoch, from its created_at). Needed once the post is older
   * than search/recent's 7 days: reply, repost and quote checks then also read the fan's own timeline
   * back to this time. Left out, those checks see the last 7 days only.
   */
  createdAt?: number;
}

/** How far the fan-side checks page back; each page is one billed X call. */
export interface CheckPaging {
  /** Pages of 100 recent likes (users/:id/liked_tweets). */
  likedTweetsPages: number;
  /** Pages of search/recent results for replies by the fan in the post's conversation. */
  replySearchPages: number;
  /** Pages of 100 of the fan's own posts (users/:id/tweets), read only for posts older than 7 days. */
  timelinePages: number;
}

export const DEFAULT_CHECK_PAGING: CheckPaging = {
  likedTweetsPages: 3,
  replySearchPages: 3,
  timelinePages: 3,
};

export interface RequirementContext {
  /** Already scoped to this verification, so its calls are counted. */
  client: XApiClient;
  fan: FanIdentity;
  post: PostTarget;
  now: number;
  paging: CheckPaging;
  tokenBalanceOf: TokenBalanceOf;
  /**
   * The fan's profile: the one on record when it will do (any day for the account's age, today's for
   * a follower count), else users/me, read at most once per verification.
   */
  fanProfile(needs: "created_at" | "followers_count"): Promise<ProfileOnRecord | undefined>;
}

export interface RequirementResult {
  met: boolean;
  /** A sentence the fan can act on, shown in the claim widget. */
  detail: string;
}

export type RequirementChecker<R extends Requirement> = (
  requirement: R,
  context: RequirementContext,
) => Promise<RequirementResult>;
