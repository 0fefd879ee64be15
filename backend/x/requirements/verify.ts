import type { Requirement } from "../../../shared/requirements.ts";
import type { RequirementCache } from "../cache.ts";
import type { XApiClient } from "../client.ts";
import type { XUser } from "../schemas.ts";
import { checkAccountAge } from "./account-age.ts";
import {
  type CheckPaging,
  DEFAULT_CHECK_PAGING,
  type FanIdentity,
  type PostTarget,
  type ProfileOnRecord,
  type RequirementContext,
  type RequirementResult,
  type TokenBalanceOf,
} from "./context.ts";
import { checkFollow } from "./follow.ts";
import { checkHoldToken } from "./hold-token.ts";
import { checkLike } from "./like.ts";
import { checkMinFollowers } from "./min-followers.ts";
import { checkQuote } from "./quote.ts";
import { checkReply } from "./reply.ts";
import { checkRepost } from "./repost.ts";

export interface RequirementVerifierDependencies {
  client: XApiClient;
  tokenBalanceOf: TokenBalanceOf;
  cache?: RequirementCache;
  now?: () => number;
  paging?: Partial<CheckPaging>;
  /** Told of every users/me a check had to read, so the next check can reuse it. */
  onProfileRead?(xUserId: string, user: XUser): Promise<void> | void;
}

export interface VerifyRequirementsInput {
  fan: FanIdentity;
  post: PostTarget;
  requirements: readonly Requirement[];
  /** Ask X again about requirements the cache holds as unmet (the fan says they just acted). */
  recheckUnmet?: boolean;
}

export interface RequirementCheck extends RequirementResult {
  requirement: Requirement;
  /** True when the result came from the cache and cost no call. */
  cached: boolean;
}

export interface VerificationReport {
  /** Every requirement is met. */
  met: boolean;
  checks: RequirementCheck[];
  /** HTTP requests this verification sent to X (retries included). */
  xCalls: number;
}

/**
 * Checks every requirement for one fan and post. X errors (XRateLimitedError, XUnauthorizedError
 * for an expired fan token, XForbiddenError) propagate so the caller can refresh or say when to retry;
 * results finished before the error stay cached.
 */
export async function verifyRequirements(
  dependencies: RequirementVerifierDependencies,
  input: VerifyRequirementsInput,
): Promise<VerificationReport> {
  let xCalls = 0;
  const client = dependencies.client.withCallListener(() => {
    xCalls += 1;
  });
  const now = (dependencies.now ?? Date.now)();
  let profile: Promise<ProfileOnRecord | undefined> | undefined;
  const readProfile = () => {
    profile ??= client.getMe(input.fan.accessToken).then(async (lookup) => {
      if (!lookup.found) return undefined;
      await dependencies.onProfileRead?.(input.fan.xUserId, lookup.value);
      return profileFrom(lookup.value, now);
    });
    return profile;
  };
  const context: RequirementContext = {
    client,
    fan: input.fan,
    post: input.post,
    now,
    paging: { ...DEFAULT_CHECK_PAGING, ...dependencies.paging },
    tokenBalanceOf: dependencies.tokenBalanceOf,
    fanProfile: async (needs) => {
      const onRecord = input.fan.profileOnRecord;
      if (needs === "created_at" && onRecord?.createdAt !== undefined) return onRecord;
      if (needs === "followers_count" && onRecord?.followersCount !== undefined && sameUtcDay(onRecord.readAt, now)) {
        return onRecord;
      }
      return readProfile();
    },
  };

  const checks = await Promise.all(
    input.requirements.map(async (requirement): Promise<RequirementCheck> => {
      const cached = dependencies.cache?.get(input.fan.xUserId, requirement, input.post, {
        recheckUnmet: input.recheckUnmet ?? false,
      });
      if (cached) return { requirement, ...cached, cached: true };
      const result = await checkOne(requirement, context);
      dependencies.cache?.set(input.fan.xUserId, requirement, input.post, result);
      return { requirement, ...result, cached: false };
    }),
  );
  return { met: checks.every((check) => check.met), checks, xCalls };
}

const DAY_MS = 24 * 60 * 60 * 1000;

function sameUtcDay(a: number, b: number): boolean {
  return Math.floor(a / DAY_MS) === Math.floor(b / DAY_MS);
}

/** What a users/me answer says about the fan, as it would be kept on record. */
export function profileFrom(user: XUser, readAt: number): ProfileOnRecord {
  return {
    ...(user.created_at ? { createdAt: Date.parse(user.created_at) } : {}),
    ...(user.public_metrics ? { followersCount: user.public_metrics.followers_count } : {}),
    ...(user.protected !== undefined ? { postsProtected: user.protected } : {}),
    readAt,
  };
}

function checkOne(requirement: Requirement, context: RequirementContext): Promise<RequirementResult> {
  switch (requirement.type) {
    case "follow":
      return checkFollow(requirement, context);
    case "like":
      return checkLike(requirement, context);
    case "repost":
      return checkRepost(requirement, context);
    case "reply":
      return checkReply(requirement, context);
    case "quote":
      return checkQuote(requirement, context);
    case "hold_token":
      return checkHoldToken(requirement, context);
    case "account_age":
      return checkAccountAge(requirement, context);
    case "min_followers":
      return checkMinFollowers(requirement, context);
  }
}
