import { z } from "zod";
import { botRefusalsSchema, claimRulesSchema, claimsBucketSchema } from "../../shared/api/distributions.ts";
import { tokenIdentitySchema } from "../../shared/api/tokens.ts";
import { publicKeySchema, xIdSchema } from "../../shared/primitives.ts";
import { decimalStringSchema } from "./shapes.ts";

/**
 * The backend's shapes in their wire form. shared/api parses amounts into bigints, which
 * chrome.runtime messaging cannot carry, so the messages keep them as decimal strings; the service
 * worker checks every reply with the shared/api schema before passing on the wire form.
 */
export const distributionSchema = z.looseObject({
  address: publicKeySchema,
  postId: xIdSchema,
  creator: publicKeySchema,
  creatorXUserId: xIdSchema.optional(),
  creatorUsername: z.string().optional(),
  mint: publicKeySchema,
  /** The token as the chain describes it: name, ticker, logo URL, freeze authority, impersonation. */
  token: tokenIdentitySchema,
  amountPerClaim: decimalStringSchema,
  maxClaims: z.number().int(),
  claimedCount: z.number().int(),
  remaining: z.number().int().optional(),
  startsAt: z.union([z.number(), z.string()]),
  endsAt: z.union([z.number(), z.string()]),
  paused: z.boolean(),
  closed: z.boolean(),
  verifierChanged: z.boolean().optional(),
  /** Payouts that open a fan's token account the fee budget still covers; at 0, only holders are paid. */
  tokenAccountsCovered: z.number().int().optional(),
  requirements: z.array(z.unknown()),
  feeBudgetLamports: decimalStringSchema.optional(),
  feePerClaimLamports: decimalStringSchema.optional(),
  link: z.string(),
  claimRules: claimRulesSchema.optional(),
  /** Only on GET /creators/me/distributions: claims per time bucket, oldest first. */
  claimsOverTime: z.array(z.object({ bucketStart: z.string(), claims: z.number().int() })).optional(),
  /** Only on the creator's routes: how long each claimsOverTime bucket is. */
  claimsBucket: claimsBucketSchema.optional(),
  /** Only on GET /creators/me/distributions: failed claims per failure reason. */
  failedClaims: z.record(z.string(), z.number().int()).optional(),
  /** Only on GET /creators/me/distributions: accounts refused as likely bots, in all and per reason. */
  botRefusals: botRefusalsSchema.optional(),
});
export type Distribution = z.infer<typeof distributionSchema>;

export const eligibilitySchema = z.object({
  eligible: z.boolean(),
  checks: z.array(z.object({ requirement: z.unknown(), met: z.boolean(), detail: z.string().optional() })),
});
export type Eligibility = z.infer<typeof eligibilitySchema>;

export { walletChallengeResponseSchema as walletChallengeSchema } from "../../shared/api/identity.ts";
