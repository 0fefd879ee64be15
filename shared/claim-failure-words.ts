import type { ClaimFailureReason } from "./api/claims.ts";

/**
 * Why a claim was not paid, in words a fan can act on. The backend stores short reasons
 * (claimFailureReasonSchema); anything else is the chain's own description, shown as it is.
 */
const failureWords: Record<ClaimFailureReason, string> = {
  slot_taken: "Someone else's transaction took this claim's slot before our payout landed, so you were not paid.",
  verifier_changed: "The creator moved this giveaway to another service, which MEMEFANS cannot pay from.",
  needs_token_account:
    "You have no token account for this token, and the giveaway's fee budget no longer covers opening one. Open it yourself, for about 0.002 SOL of rent that stays yours.",
  token_account_frozen:
    "Your token account for this token is frozen by the token's freeze authority, so it cannot receive the payout. Claim again to another wallet.",
  token_account_requires_memo:
    "Your token account for this token accepts only transfers that carry a memo, which a payout does not. Turn that off in your wallet, or claim again to another wallet.",
  ended: "The giveaway ended before your payout went out.",
  distribution_closed: "The creator closed the giveaway before your payout went out.",
  not_a_distribution: "The giveaway's account on Solana is not a MEMEFANS giveaway.",
  slot_out_of_range: "The giveaway has no slot left for this claim.",
};

export function claimFailureWords(reason: string): string {
  return reason in failureWords ? failureWords[reason as ClaimFailureReason] : `The payout failed: ${reason}.`;
}

/**
 * What a fan refused or failed for want of a token account the giveaway's budget no longer opens can
 * do, where the card and the claim page offer to open it (a plain account's rent; a Token-2022 one's
 * is a little more).
 */
export const OPEN_TOKEN_ACCOUNT_WORDS =
  "Your wallet has no account for this token, and this giveaway's fee budget no longer opens one. Open it yourself: about 0.002 SOL of rent, which stays yours and comes back if you close the account.";

/** A short name for a reason, for the creator's counts. */
const failureLabels: Record<ClaimFailureReason, string> = {
  slot_taken: "slot taken by another transaction",
  verifier_changed: "moved to another verifier",
  needs_token_account: "fan has no token account",
  token_account_frozen: "fan's token account frozen",
  token_account_requires_memo: "fan's token account requires memos",
  ended: "ended",
  distribution_closed: "closed",
  not_a_distribution: "not a giveaway",
  slot_out_of_range: "no slot left",
};

export function claimFailureLabel(reason: string): string {
  return reason in failureLabels ? failureLabels[reason as ClaimFailureReason] : reason;
}

/** For a failed claim that can be claimed again: when to press, after the failure's own words said what to mend. */
export function claimAgainHint(reason: string | undefined): string {
  return reason === "needs_token_account"
    ? "Once it is open, claim again."
    : "You can claim again, to this wallet or another one.";
}
