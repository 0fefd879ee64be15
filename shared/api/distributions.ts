import { z } from "zod";
import { MAX_CLAIMS } from "../constants.ts";
import { postBucketSchema } from "../post-bucket.ts";
import { publicKeySchema, u64StringSchema, unixSecondsSchema, xIdSchema } from "../primitives.ts";
import { requirementSchema, requirementsSchema } from "../requirements.ts";
import { signatureSchema } from "./identity.ts";
import { tokenIdentitySchema } from "./tokens.ts";

/** Most posts the overlay asks about in one lookup: a screen of timeline fits easily. */
export const MAX_LOOKUP_POST_IDS = 100;
/** Most post buckets (shared/post-bucket.ts) in one lookup: a screenful of posts that link nothing. */
export const MAX_LOOKUP_BUCKETS = 100;
/**
 * Most distributions one lookup answers for its buckets. Buckets take turns (each one's newest
 * first), and the cap is at least MAX_LOOKUP_BUCKETS, so every non-empty bucket asked gets some answer;
 * a bucket holding more than its turns is named in `overfullBuckets`.
 */
export const MAX_BUCKET_ANSWERS = 200;

/**
 * The creator's bot defences that are not requirements (account age and followers are: they are in
 * the on-chain hash). Kept by the backend from registration on; the claim route enforces them.
 */
export const claimRulesSchema = z.object({
  /** One claim per X account and per wallet across all of this creator's giveaways. */
  oncePerCreator: z.boolean(),
  /** At most this many claims a minute for this giveaway: farms claim in bursts. null: no limit. */
  maxClaimsPerMinute: z
    .number()
    .int("claims per minute must be a whole number")
    .min(1, "allow at least 1 claim a minute, or no limit")
    .max(100_000, "at most 100,000 claims a minute")
    .nullable(),
});
export type ClaimRules = z.output<typeof claimRulesSchema>;

/** On unless the creator turns them off: a pace no real crowd of fans reaches on one post, and no cross-giveaway rule. */
export const DEFAULT_CLAIM_RULES: ClaimRules = { oncePerCreator: false, maxClaimsPerMinute: 120 };

/** Why a claim was refused as likely coming from a bot. */
export const botRefusalReasonSchema = z.enum(["account_age", "min_followers", "once_per_creator", "velocity"]);
export type BotRefusalReason = z.output<typeof botRefusalReasonSchema>;

/**
 * Registers a distribution whose create_distribution transaction confirmed. The backend reads the
 * account on chain; the optional draft terms, when sent, must equal what the chain holds. There is
 * no token name, symbol or logo: anything a creator typed could impersonate another token (a
 * worthless mint called "USDC"), so the token is known by its mint address alone.
 */
export const registerDistributionBodySchema = z.object({
  address: publicKeySchema,
  postId: xIdSchema,
  requirements: requirementsSchema,
  creationSignature: signatureSchema.optional(),
  mint: publicKeySchema.optional(),
  amountPerClaim: u64StringSchema.optional(),
  maxClaims: z.number().int().min(1).max(MAX_CLAIMS).optional(),
  startsAt: unixSecondsSchema.optional(),
  endsAt: unixSecondsSchema.optional(),
  feeBudgetLamports: u64StringSchema.optional(),
  claimRules: claimRulesSchema.default(DEFAULT_CLAIM_RULES),
});
export type RegisterDistributionBody = z.output<typeof registerDistributionBodySchema>;

/** A distribution as the API shows it. Amounts are decimal strings on the wire and bigints once parsed. */
export const distributionSchema = z.object({
  address: publicKeySchema,
  postId: xIdSchema,
  creator: publicKeySchema,
  creatorXUserId: xIdSchema,
  /** The creator's X handle, as they last signed in with it. */
  creatorUsername: z.string().optional(),
  mint: publicKeySchema,
  /** The token as the chain describes it (see shared/api/tokens.ts): never what the creator typed. */
  token: tokenIdentitySchema,
  amountPerClaim: u64StringSchema,
  maxClaims: z.number().int(),
  claimedCount: z.number().int(),
  remaining: z.number().int(),
  startsAt: z.number().int(),
  endsAt: z.number().int(),
  paused: z.boolean(),
  closed: z.boolean(),
  /** The account names another verifier than this backend's: its claims can no longer be paid here. */
  verifierChanged: z.boolean(),
  /**
   * How many more payouts the fee budget covers that open the fan's token account. At 0 the giveaway
   * pays only fans who already hold a token account for the mint.
   */
  tokenAccountsCovered: z.number().int().min(0),
  requirements: z.array(requirementSchema),
  /** What is left of the fee budget, as the chain last showed it. */
  feeBudgetLamports: u64StringSchema,
  feePerClaimLamports: u64StringSchema,
  link: z.string(),
  /** When the post was published (Unix seconds), when X told us at registration. */
  postCreatedAt: z.number().int().optional(),
  claimRules: claimRulesSchema,
});
export type Distribution = z.output<typeof distributionSchema>;

export const distributionResponseSchema = z.object({ distribution: distributionSchema });

/** What the create dialog must write into create_distribution for this backend to accept the registration. */
export const creationTermsResponseSchema = z.object({
  programId: publicKeySchema,
  verifier: publicKeySchema,
  feePerClaimLamports: u64StringSchema,
});
export type CreationTerms = z.output<typeof creationTermsResponseSchema>;

export const distributionAddressParamsSchema = z.object({ address: publicKeySchema });

/** A comma-separated query parameter of at most `max` items, each checked by `item`. */
function commaSeparated(item: z.ZodType<string, string>, max: number, maxChars: number, what: string) {
  return z
    .string()
    .max(maxChars, `too many ${what}`)
    .transform((text) => text.split(",").map((part) => part.trim()))
    .pipe(z.array(item).min(1, `give at least one of the ${what}`).max(max, `at most ${max} ${what} per lookup`));
}

/**
 * `postIds=1,2,3` (up to 100 X post ids, for posts that link a giveaway) and/or `buckets=0a1f,…` (up
 * to 100 post buckets, for posts that link nothing: the backend never learns their ids).
 */
export const lookupQuerySchema = z
  .object({
    postIds: commaSeparated(xIdSchema, MAX_LOOKUP_POST_IDS, MAX_LOOKUP_POST_IDS * 21, "post ids").optional(),
    buckets: commaSeparated(postBucketSchema, MAX_LOOKUP_BUCKETS, MAX_LOOKUP_BUCKETS * 5, "post buckets").optional(),
  })
  .refine((query) => query.postIds || query.buckets, {
    error: "postIds or buckets is required: comma-separated X post ids or post buckets",
    path: ["postIds"],
  });
export const distributionListResponseSchema = z.object({
  distributions: z.array(distributionSchema),
  /** Buckets asked that hold more distributions than the answer had room for (MAX_BUCKET_ANSWERS). */
  overfullBuckets: z.array(postBucketSchema).optional(),
});

export const eligibilityQuerySchema = z.object({
  /** Which bound wallet hold_token reads; defaults to the account's first bound wallet. */
  wallet: publicKeySchema.optional(),
  /**
   * `unmet`: ask X again about requirements it last found unmet, instead of keeping that answer for
   * 30 s (the fan is back from following or liking). An answer younger than a few seconds is still reused.
   */
  recheck: z.literal("unmet").optional(),
});
/**
 * When a checklist asks `?recheck=unmet` after the fan comes back from X: now, and twice more, since
 * X's search can take seconds to show a new reply or repost and an unmet answer younger than 3 s is reused.
 */
export const RECHECK_AFTER_RETURN_MS = [0, 4_000, 10_000] as const;
export const eligibilityCheckSchema = z.object({ requirement: requirementSchema, met: z.boolean(), detail: z.string() });
export const eligibilityResponseSchema = z.object({ eligible: z.boolean(), checks: z.array(eligibilityCheckSchema) });
export type EligibilityCheck = z.output<typeof eligibilityCheckSchema>;
export type Eligibility = z.output<typeof eligibilityResponseSchema>;

/** Claims accepted per bucket (a minute, an hour or a day: see claimsBucketFor), oldest first, for the creator's chart. */
export const claimsOverTimeSchema = z.array(z.object({ bucketStart: z.string(), claims: z.number().int() }));
export const claimsBucketSchema = z.enum(["minute", "hour", "day"]);
export type ClaimsBucket = z.output<typeof claimsBucketSchema>;

/**
 * Buckets that give a chart from `from` to `to` (Unix seconds) tens to hundreds of points: minutes for
 * a few hours, days for weeks.
 */
export function claimsBucketFor(from: number, to: number): ClaimsBucket {
  const seconds = to - from;
  if (seconds <= 6 * 60 * 60) return "minute";
  return seconds <= 14 * 24 * 60 * 60 ? "hour" : "day";
}
/** Failed claims per failure reason (claimFailureReasonSchema's words, or the chain's for other failures). */
export const failedClaimsSchema = z.record(z.string(), z.number().int());
/** Accounts refused as likely bots: how many in all, and how many per reason (an account can have several). */
export const botRefusalsSchema = z.object({
  accounts: z.number().int(),
  byReason: z.partialRecord(botRefusalReasonSchema, z.number().int()),
});
export type BotRefusals = z.output<typeof botRefusalsSchema>;
export const creatorDistributionSchema = distributionSchema.extend({
  claimsOverTime: claimsOverTimeSchema,
  /** How long each of claimsOverTime's buckets is. */
  claimsBucket: claimsBucketSchema,
  failedClaims: failedClaimsSchema,
  botRefusals: botRefusalsSchema,
});
export type CreatorDistribution = z.output<typeof creatorDistributionSchema>;
export const creatorDistributionsResponseSchema = z.object({ distributions: z.array(creatorDistributionSchema) });
/** One giveaway on its creator's dashboard, with the chain's current state (paused, fee budget left). */
export const creatorDistributionResponseSchema = z.object({ distribution: creatorDistributionSchema });
