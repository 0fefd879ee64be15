import type { ClaimFailureReason } from "../../shared/api/claims.ts";
import { customErrorCode, DISTRIBUTION_ERROR_CODES, describeTransactionFailure } from "../../shared/program/index.ts";

/** What to do with a batch that the chain refused or that landed with an error (nothing was paid by it). */
export type BatchFailureDecision =
  /** The blockhash expired before the transaction could land: send the claims again. */
  | { action: "requeue" }
  /**
   * A slot of the batch was already paid (by a transaction that is not this batch, which paid nothing):
   * the bitmap says which claims lost their slot; the others go back to the queue.
   */
  | { action: "sort_taken_slots" }
  /** The distribution refuses for now (paused, not started) or the fee payer is short: try later. */
  | { action: "retry_later"; delayMs: number; reason: string }
  /** These claims can never be paid. */
  | { action: "fail"; reason: string }
  /** Something about one recipient may have sunk the batch: retry each claim alone to find it. */
  | { action: "isolate"; reason: string };

const codes = DISTRIBUTION_ERROR_CODES;
const RETRY_PAUSED_MS = 30_000;
const RETRY_NOT_STARTED_MS = 5_000;
const RETRY_FEE_PAYER_MS = 30_000;

/** Reasons stored on failed claims: short, stable words the extension can translate. */
const permanentFailures = new Map<number, ClaimFailureReason>([
  [codes.Ended, "ended"],
  [codes.DistributionNotOwnedByProgram, "not_a_distribution"],
  [codes.DistributionClosed, "distribution_closed"],
  [codes.InvalidDiscriminator, "not_a_distribution"],
  [codes.DistributionAddressMismatch, "not_a_distribution"],
  [codes.WrongVerifier, "verifier_changed"],
  [codes.SlotOutOfRange, "slot_out_of_range"],
]);

function mentions(failure: unknown, pattern: RegExp): boolean {
  if (typeof failure === "string") return pattern.test(failure);
  if (typeof failure !== "object" || failure === null) return false;
  const { message, logs } = failure as { message?: unknown; logs?: unknown };
  return (
    (typeof message === "string" && pattern.test(message)) ||
    (Array.isArray(logs) && logs.some((line) => pattern.test(String(line))))
  );
}

/** Reads a refused send (SendTransactionError) or a landed status's `err` and decides. */
export function decideBatchFailure(failure: unknown, batchSize: number): BatchFailureDecision {
  if (failure === "BlockhashNotFound" || mentions(failure, /Blockhash not found/i)) return { action: "requeue" };
  // The fee payer also pays the rent of recipients' new token accounts up front (the budget reimburses it).
  // AccountNotFound: it never held lamports (a verifier signing a batch alone, see batchSigners, that
  // the operator did not fund), which no attempt of the claim itself can mend.
  if (
    failure === "InsufficientFundsForFee" ||
    failure === "AccountNotFound" ||
    mentions(failure, /insufficient funds for fee|InsufficientFundsForFee|insufficient lamports/i)
  ) {
    return { action: "retry_later", delayMs: RETRY_FEE_PAYER_MS, reason: "the fee payer cannot pay the fee" };
  }
  const code = customErrorCode(failure);
  if (code === codes.SlotAlreadyClaimed) return { action: "sort_taken_slots" };
  // Only payouts that open a token account meet it: the budget covered them when they were packed, but
  // the chain's budget had moved on. Alone, a claim refused for it can never be paid.
  if (code === codes.FeeBudgetExhausted) {
    const reason: ClaimFailureReason = "needs_token_account";
    return batchSize > 1 ? { action: "isolate", reason } : { action: "fail", reason };
  }
  if (code === codes.Paused) return { action: "retry_later", delayMs: RETRY_PAUSED_MS, reason: "paused" };
  if (code === codes.NotStarted) return { action: "retry_later", delayMs: RETRY_NOT_STARTED_MS, reason: "not_started" };
  const permanent = code === undefined ? undefined : permanentFailures.get(code);
  if (permanent) return { action: "fail", reason: permanent };
  const reason = describeTransactionFailure(failure);
  return batchSize > 1 ? { action: "isolate", reason } : { action: "fail", reason };
}
