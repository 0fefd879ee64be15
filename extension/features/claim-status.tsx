import { useEffect, useState } from "react";
import { claimAgainHint, claimFailureWords, OPEN_TOKEN_ACCOUNT_WORDS } from "../../shared/claim-failure-words.ts";
import { backendApi } from "../api/backend-api.ts";
import type { Claim } from "../messaging/shapes.ts";
import { explorerTxUrl } from "../ui/format.ts";
import { PillButton } from "../ui/pill-button.tsx";

/** A claim the backend took, followed until it is paid or failed, and claimed again when its failure allows. */

const CLAIM_POLL_MS = 2000;

/** The progress line, by the claim's real stage. */
const claimStageWords = {
  queued: "Claim accepted: waiting for the next payout batch…",
  sending: "Sending…",
  confirming: "Confirming…",
  paid: "In your wallet: claimed!",
  failed: "The payout failed.",
} as const;

const claimStatusWords = {
  queued: "Claim accepted: waiting for the next payout batch…",
  sent: "Payout sent: waiting for confirmation…",
  confirmed: "Claimed! The tokens are in your wallet.",
  failed: "The payout failed.",
} as const;

interface ClaimStatusProps {
  claimId: string;
  /** A step of the card runs: claiming again waits for it. */
  busy: boolean;
  /**
   * Runs the card's claim step, which claims a retryable failed claim again; absent while the giveaway
   * takes no claims, and then `closedBecause` says why.
   */
  onClaimAgain?: () => void;
  /** Opens the fan's token account, then claims again: for a claim failed for want of one. */
  onOpenTokenAccount?: () => void;
  /** Claiming again was refused for want of a token account (the wallet now chosen has none). */
  refusedForTokenAccount?: boolean;
  closedBecause?: string;
}

export function ClaimStatus({
  claimId,
  busy,
  onClaimAgain,
  onOpenTokenAccount,
  refusedForTokenAccount,
  closedBecause,
}: ClaimStatusProps) {
  const [settled, setSettled] = useState(false);
  const claim = backendApi.useClaimsGetQuery({ id: claimId }, { pollingInterval: settled ? 0 : CLAIM_POLL_MS });
  const settings = backendApi.useSettingsQuery();
  const status = claim.data?.claim.status;
  const waitingFor = claim.data?.claim.waitingFor;
  const stage = claim.data?.claim.stage;
  const estimateSeconds = claim.data?.claim.estimateSeconds;
  // Follows the status, not its first end: a failed claim claimed again is back in the queue under the same id.
  useEffect(() => {
    setSettled(status === "confirmed" || status === "failed");
  }, [status]);
  const signature = claim.data?.claim.signature;
  const rpcUrl = settings.data ? settings.data.rpcUrl || `${settings.data.backendUrl.replace(/\/$/, "")}/rpc` : undefined;
  return (
    <div className="flex flex-col gap-1" data-testid="memefans-claim-status" data-status={status ?? "loading"}>
      <p className={`m-0 text-[15px] ${status === "confirmed" ? "font-bold" : ""}`} role="status">
        {status === "queued" && waitingFor === "paused"
          ? "Claim accepted: the creator paused this giveaway. It will be paid once they resume it."
          : stage === "queued" && estimateSeconds !== undefined
            ? `Claim accepted: many fans are claiming, about ${estimateSeconds} s…`
            : stage
              ? claimStageWords[stage]
              : status
                ? claimStatusWords[status]
                : "Checking the claim…"}
      </p>
      {status === "failed" && claim.data && (
        <NotPaid
          claim={claim.data.claim}
          busy={busy}
          {...(onClaimAgain ? { onClaimAgain } : {})}
          {...(onOpenTokenAccount ? { onOpenTokenAccount } : {})}
          {...(refusedForTokenAccount ? { refusedForTokenAccount } : {})}
          {...(closedBecause ? { closedBecause } : {})}
        />
      )}
      {signature && rpcUrl && (
        <a
          href={explorerTxUrl(signature, rpcUrl)}
          target="_blank"
          rel="noopener noreferrer"
          className="text-sm text-[#1d9bf0] no-underline hover:underline"
        >
          View the transaction in the explorer
        </a>
      )}
    </div>
  );
}

/**
 * Why a failed claim was not paid, and whether it can be claimed again: the backend says so
 * (`retryable`) for a failure the fan can mend, while tries are left.
 */
function NotPaid({
  claim,
  busy,
  onClaimAgain,
  onOpenTokenAccount,
  refusedForTokenAccount,
  closedBecause,
}: { claim: Claim } & Omit<ClaimStatusProps, "claimId">) {
  const needsTokenAccount = claim.failureReason === "needs_token_account" || refusedForTokenAccount;
  return (
    <>
      {claim.failureReason && (
        <p className="m-0 text-sm text-[var(--mf-danger)]" data-testid="memefans-failure-reason">
          {claimFailureWords(claim.failureReason)}
        </p>
      )}
      {!claim.retryable ? (
        <p className="m-0 text-sm text-[var(--mf-muted)]">This claim cannot be tried again.</p>
      ) : onClaimAgain && onOpenTokenAccount && needsTokenAccount ? (
        <OpenTokenAccountButton busy={busy} again onOpen={onOpenTokenAccount} />
      ) : onClaimAgain ? (
        <div className="mt-1 flex flex-wrap items-center gap-2">
          <p className="m-0 min-w-0 flex-1 text-sm text-[var(--mf-muted)]">{claimAgainHint(claim.failureReason)}</p>
          <PillButton
            variant="contained"
            className="px-3 py-1.5 text-sm"
            disabled={busy}
            onClick={onClaimAgain}
            data-testid="memefans-claim-again"
          >
            {busy ? "Claiming…" : "Claim again"}
          </PillButton>
        </div>
      ) : (
        <p className="m-0 text-sm text-[var(--mf-muted)]">
          Claiming again is not possible right now{closedBecause ? ` (${closedBecause})` : ""}.
        </p>
      )}
    </>
  );
}

/**
 * The fan's wallet opens its own token account for the giveaway's token (the budget opens no more),
 * paying its rent after the approval window, and the card then claims (`again`: a failed claim again).
 */
export function OpenTokenAccountButton({ busy, again = false, onOpen }: { busy: boolean; again?: boolean; onOpen(): void }) {
  return (
    <div className="mt-1 flex flex-col gap-2" data-testid="memefans-needs-token-account">
      <p className="m-0 text-sm text-[var(--mf-muted)]">{OPEN_TOKEN_ACCOUNT_WORDS}</p>
      <PillButton
        variant="contained"
        className="px-3 py-1.5 text-sm"
        disabled={busy}
        onClick={onOpen}
        data-testid="memefans-open-token-account"
      >
        {busy ? "Opening…" : again ? "Open my token account and claim again" : "Open my token account and claim"}
      </PillButton>
    </div>
  );
}
