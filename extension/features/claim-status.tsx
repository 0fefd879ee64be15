import { useEffect, useState } from "react";
import { claimFailureWords } from "../../shared/claim-failure-words.ts";
import { backendApi } from "../api/backend-api.ts";
import { explorerTxUrl } from "../ui/format.ts";

/** A claim the backend took, followed until it is paid or failed. */

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

export function ClaimStatus({ claimId }: { claimId: string }) {
  const [settled, setSettled] = useState(false);
  const claim = backendApi.useClaimsGetQuery({ id: claimId }, { pollingInterval: settled ? 0 : CLAIM_POLL_MS });
  const settings = backendApi.useSettingsQuery();
  const status = claim.data?.claim.status;
  const waitingFor = claim.data?.claim.waitingFor;
  const stage = claim.data?.claim.stage;
  const estimateSeconds = claim.data?.claim.estimateSeconds;
  useEffect(() => {
    if (status === "confirmed" || status === "failed") setSettled(true);
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
      {status === "failed" && claim.data?.claim.failureReason && (
        <p className="m-0 text-sm text-[var(--mf-danger)]" data-testid="memefans-failure-reason">
          {claimFailureWords(claim.data.claim.failureReason)}
        </p>
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
