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
  /** Why the claim can never be paid, e.g. "ended" or "distribution_closed". */
  failureReason: z.string().optional(),
  /** ISO 8601. */
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Claim = z.output<typeof claimSchema>;

export const claimResponseSchema = z.object({ claim: claimSchema });
export const claimListResponseSchema = z.object({ claims: z.array(claimSchema) });
export const claimIdParamsSchema = z.object({ id: z.uuid({ error: "a claim id is a UUID" }) });
