import { z } from "zod";

/** Every error code the backend answers with; the extension maps each to words a person can act on. */
export const errorCodes = [
  "validation_failed",
  "malformed_json",
  "payload_too_large",
  "unsupported_media_type",
  "bad_request",
  "unauthorized",
  "forbidden",
  "not_found",
  "method_not_allowed",
  "conflict",
  "rate_limited",
  "requirements_not_met",
  "sold_out",
  "not_started",
  "ended",
  "paused",
  "closed",
  "verifier_changed",
  "already_claimed",
  "needs_token_account",
  "token_account_refuses",
  "token_account_exists",
  "not_an_opening",
  "opening_refused",
  "opening_expired",
  "opening_unconfirmed",
  "claimed_from_creator",
  "claims_too_fast",
  "wallet_bound_elsewhere",
  "registration_mismatch",
  "not_post_author",
  "distribution_not_on_chain",
  "fee_budget_too_small",
  "invalid_signature",
  "challenge_expired",
  "challenge_used",
  "oauth_state_invalid",
  "x_login_failed",
  "x_unavailable",
  "chain_unavailable",
  "idempotency_conflict",
  "internal_error",
] as const;

export const errorCodeSchema = z.enum(errorCodes);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

/** One field that failed validation, as "path: message" pairs the form can show next to the field. */
export const fieldIssueSchema = z.object({ path: z.string(), message: z.string() });
export type FieldIssue = z.infer<typeof fieldIssueSchema>;

/** The one error shape every route answers with. */
export const errorBodySchema = z.object({
  error: z.object({
    code: errorCodeSchema,
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/**
 * An error code as a client reads it: one of errorCodes, or "unrecognized" for a code this client
 * does not know yet (a newer backend's) and for a reply that is not this API's error body at all (a
 * proxy's 502 page). The message still says what happened; the code is never guessed from it.
 */
export const receivedErrorCodeSchema = z.enum([...errorCodes, "unrecognized"]).catch("unrecognized");
export type ReceivedErrorCode = z.output<typeof receivedErrorCodeSchema>;

/** An error body's `error` as a client reads it. */
export const receivedErrorSchema = z.object({
  code: receivedErrorCodeSchema,
  message: z.string(),
  details: z.unknown().optional(),
});
export type ReceivedError = z.output<typeof receivedErrorSchema>;

/** The `error` of an answer's parsed JSON body, as a client reads it; undefined when the body is no error body. */
export function receivedErrorOf(body: unknown): ReceivedError | undefined {
  return receivedErrorSchema.safeParse((body as { error?: unknown } | undefined)?.error).data;
}
