import { z } from "zod";
import { MAX_CLAIMS } from "../constants.ts";
import { publicKeySchema, xIdSchema } from "../primitives.ts";
import { claimStatusSchema } from "./claims.ts";

/**
 * The creator's view of one giveaway's claimants (GET /creators/me/distributions/:address/claims):
 * newest first, a page at a time, so a giveaway of 10,000 claims stays as fast as one of ten.
 */

/** Which claimants: every one, the paid ones, those still on their way (queued or sent), or those that will never be paid. */
export const claimantFilterSchema = z.enum(["all", "paid", "pending", "failed"]);
export type ClaimantFilter = z.output<typeof claimantFilterSchema>;

export const DEFAULT_CLAIMANTS_PAGE = 50;
/** Enough for the CSV export to read 10,000 claims in 20 requests. */
export const MAX_CLAIMANTS_PAGE = 500;

/** Query values arrive as text: digits only, so "", "1e3" and "-1" are refused instead of read as numbers. */
const wholeNumberText = (what: string) =>
  z
    .string()
    .regex(/^\d{1,6}$/, `${what} must be a whole number written as digits`)
    .transform(Number);

export const claimantsQuerySchema = z.object({
  status: claimantFilterSchema.default("all"),
  /** The slot of the previous page's last claimant: this page holds the claimants before it. */
  before: wholeNumberText("before")
    .pipe(z.number().max(MAX_CLAIMS, `before is a claim slot, at most ${MAX_CLAIMS}`))
    .optional(),
  limit: wholeNumberText("limit")
    .pipe(z.number().min(1, "limit must be at least 1").max(MAX_CLAIMANTS_PAGE, `limit is at most ${MAX_CLAIMANTS_PAGE}`))
    .default(DEFAULT_CLAIMANTS_PAGE),
});
export type ClaimantsQuery = z.output<typeof claimantsQuerySchema>;

export const claimantSchema = z.object({
  /** The claim's bit in the on-chain bitmap; slots are handed out in order, so it also orders the claims. */
  slot: z.number().int().min(0),
  xUserId: xIdSchema,
  /** The fan's X handle as they last signed in with it. */
  username: z.string(),
  wallet: publicKeySchema,
  status: claimStatusSchema,
  /** Why the claim can never be paid (claimFailureReasonSchema's words, or the chain's). */
  failureReason: z.string().optional(),
  /** The batch_claim transaction: the paying one once confirmed. */
  signature: z.string().optional(),
  /** ISO 8601: when the claim was accepted. */
  claimedAt: z.string(),
  /** ISO 8601: its last change of state (paid, failed). */
  updatedAt: z.string(),
});
export type Claimant = z.output<typeof claimantSchema>;

export const claimantCountsSchema = z.object({
  paid: z.number().int().min(0),
  pending: z.number().int().min(0),
  failed: z.number().int().min(0),
});
export type ClaimantCounts = z.output<typeof claimantCountsSchema>;

export const claimantsResponseSchema = z.object({
  claimants: z.array(claimantSchema),
  /** Pass as `before` for the next page; null on the last page. */
  nextBefore: z.number().int().nullable(),
  counts: claimantCountsSchema,
});
export type ClaimantsPage = z.output<typeof claimantsResponseSchema>;
