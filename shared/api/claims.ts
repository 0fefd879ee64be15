import { z } from "zod";
import { publicKeySchema, xIdSchema } from "../primitives.ts";

/** The header that makes POST /claims safe to retry: same key and body, same claim. */
export const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

/** 8–128 printable characters without spaces, e.g. a UUID the extension makes per claim attempt. */
export const idempotencyKeySchema = z
  .string({ error: "the Idempotency-Key header is required" })
  .min(8, "the Idempotency-Key header must be 8 to 128 characters")
  .max(128, "the Idempotency-Key header must be 8 to 128 characters")
  .regex(/^[\x21-\x7e]+$/, "the Idempotency-Key header may hold only printable ASCII without spaces");

export const createClaimBodySchema = z.object({
  /** The distribution account's address. */
  distribution: publicKeySchema,
  /** A wallet bound to the signed-in X account; the tokens go to its associated token account. */
  wallet: publicKeySchema,
});
export type CreateClaimBody = z.output<typeof createClaimBodySchema>;

export const claimStatusSchema = z.enum(["queued", "sent", "confirmed", "failed"]);
export type ClaimStatus = z.output<typeof claimStatusSchema>;

/**
 * Why a claim was not paid, as the backend words it for the extension to translate. A claim may also
 * carry the chain's own words for a failure no reason here names.
 */
export const claimFailureReasonSchema = z.enum([
  /** Another transaction (not a batch of this backend) paid the claim's slot: the fan was not paid. */
  "slot_taken",
  /** The distribution now names another verifier: this backend can no longer pay it. */
  "verifier_changed",
  /** The fan has no token account for the mint and the fee budget no longer covers opening one. */
  "needs_token_account",
  /** The fan's token account for the mint is frozen by the mint's freeze authority. */
  "token_account_frozen",
  /** The fan's Token-2022 account requires a memo on incoming transfers, which a payout does not carry. */
  "token_account_requires_memo",
  "ended",
  "distribution_closed",
  "not_a_distribution",
  "slot_out_of_range",
]);
export type ClaimFailureReason = z.output<typeof claimFailureReasonSchema>;

/**
 * Failures no new attempt can mend: the giveaway itself refuses (ended, closed, moved, not one), or the
 * claim's slot was paid to someone else. Any other failed claim (the fan's token account refused the
 * payout, or there was none to pay into) can be claimed again, up to MAX_CLAIM_RETRIES times.
 */
export const FINAL_CLAIM_FAILURES: readonly ClaimFailureReason[] = [
  "slot_taken",
  "verifier_changed",
  "ended",
  "distribution_closed",
  "not_a_distribution",
  "slot_out_of_range",
];

/**
 * How many times a fan may claim a failed claim again. Each attempt is checked again (window, wallet,
 * requirements) and goes out alone, simulated first, so one that still fails costs no fee; the bound
 * keeps one fan from holding the checks and the queue in a loop.
 */
export const MAX_CLAIM_RETRIES = 3;

/**
 * Where a claim really is, for the fan's progress line: waiting in the queue, in a batch being handed to
 * the chain, handed over and waiting for confirmation, paid (the chain confirmed its batch), or failed.
 */
export const claimStageSchema = z.enum(["queued", "sending", "confirming", "paid", "failed"]);
export type ClaimStage = z.output<typeof claimStageSchema>;

/** Why a queued claim is not going out now (it still will): the creator paused the giveaway. */
export const claimWaitReasonSchema = z.enum(["paused"]);

export const claimSchema = z.object({
  id: z.uuid(),
  distribution: publicKeySchema,
  wallet: publicKeySchema,
  xUserId: xIdSchema,
  /** The bit in the distribution's on-chain bitmap that this claim sets when paid. */
  slot: z.number().int().min(0),
  status: claimStatusSchema,
  /** The batch_claim transaction, once one was sent; the paying one once confirmed. */
  signature: z.string().optional(),
  /** Why the claim was not paid: one of claimFailureReasonSchema, or the chain's words for another failure. */
  failureReason: z.string().optional(),
  /**
   * On a failed claim: whether POST /claims with a new Idempotency-Key tries it again (same slot, the
   * wallet the request names) rather than answering already_claimed.
   */
  retryable: z.boolean().optional(),
  /** Why a queued claim waits, read from the chain when the claim was asked for. */
  waitingFor: claimWaitReasonSchema.optional(),
  /** The real stage (GET /claims/:id). */
  stage: claimStageSchema.optional(),
  /**
   * For a queued claim behind a long queue (GET /claims/:id): about how many seconds until it is paid,
   * from the claims ahead of it and the rate claims were paid in the last seconds. Absent when short or unknown.
   */
  estimateSeconds: z.number().int().positive().optional(),
  /** ISO 8601. */
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Claim = z.output<typeof claimSchema>;

export const claimResponseSchema = z.object({ claim: claimSchema });
export const claimListResponseSchema = z.object({ claims: z.array(claimSchema) });
export const claimIdParamsSchema = z.object({ id: z.uuid({ error: "a claim id is a UUID" }) });

/**
 * The fan's signed transaction that opens their token account for a giveaway (built by POST
 * /api/actions/d/:address/open-account), sent by POST /claims/token-account-openings for the claim
 * page, which has no RPC of its own.
 */
export const openAccountSendBodySchema = z.object({
  distribution: publicKeySchema,
  account: publicKeySchema,
  /** A Solana transaction is at most 1,232 bytes: 1,644 characters of base64. */
  transaction: z
    .string()
    .min(1)
    .max(1_644)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, "transaction must be a transaction in base64"),
});
/** The opening as the claim page reads it from POST /api/actions/d/:address/open-account (a Solana Actions transaction). */
export const tokenAccountOpeningSchema = z.object({ transaction: z.base64(), message: z.string() });
export const openAccountSentSchema = z.object({ signature: z.string(), account: publicKeySchema });
export type OpenAccountSent = z.output<typeof openAccountSentSchema>;
