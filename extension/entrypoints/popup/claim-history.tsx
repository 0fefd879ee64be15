import { claimFailureWords } from "../../../shared/claim-failure-words.ts";
import type { ClaimRecord } from "../../messaging/shapes.ts";
import { formatTokenAmount, shortAddress } from "../../ui/format.ts";
import { useBackground } from "./use-background.ts";

const statusText: Record<ClaimRecord["status"], string> = {
  pending: "waiting to send",
  queued: "queued",
  sent: "sent",
  confirmed: "confirmed",
  failed: "failed",
  refused: "refused",
};

const statusColor: Record<ClaimRecord["status"], string> = {
  pending: "bg-[#536471]",
  queued: "bg-[#1d9bf0]",
  sent: "bg-[#1d9bf0]",
  confirmed: "bg-[#00ba7c]",
  failed: "bg-[#f4212e]",
  refused: "bg-[#f4212e]",
};

export function ClaimHistory() {
  const history = useBackground("claims/history", { refresh: true });
  const claims = history.data?.claims ?? [];
  return (
    <div data-testid="claim-history">
      {history.data?.refreshError ? <p className="text-xs text-[#536471]">Offline: showing what this device knows.</p> : null}
      {history.loading && !history.data ? <p className="text-sm">Loading…</p> : null}
      {history.data && claims.length === 0 ? (
        <p className="text-sm text-[#536471]">No claims yet. Claim a giveaway on x.com.</p>
      ) : null}
      <ul className="flex flex-col divide-y divide-[#cfd9de] dark:divide-[#2f3336]">
        {claims.map((claim) => (
          <li key={claim.key} className="flex items-center justify-between gap-2 py-2 text-sm">
            <span className="flex flex-col">
              <span className="font-bold" title={claim.distribution}>
                {claim.payout
                  ? `${formatTokenAmount(claim.payout.amount, claim.payout.decimals)} ${claim.payout.symbol ?? shortAddress(claim.payout.mint)}`
                  : shortAddress(claim.distribution)}
              </span>
              <span className="flex gap-2 text-xs text-[#536471]">
                {new Date(claim.createdAt).toLocaleString()}
                {claim.creatorHandle ? <span>@{claim.creatorHandle}</span> : null}
                {claim.postUrl ? (
                  <a className="text-[#1d9bf0]" href={claim.postUrl} target="_blank" rel="noreferrer">
                    post
                  </a>
                ) : null}
                {claim.explorerUrl ? (
                  <a className="text-[#1d9bf0]" href={claim.explorerUrl} target="_blank" rel="noreferrer">
                    explorer
                  </a>
                ) : null}
              </span>
              {claim.reason ? (
                <span className="text-xs text-[#f4212e]">
                  {claim.status === "failed" ? claimFailureWords(claim.reason) : claim.reason}
                </span>
              ) : null}
              {claim.status === "failed" && claim.retryable ? (
                <span className="text-xs text-[#536471]">You can claim it again from the post.</span>
              ) : null}
            </span>
            <span className={`rounded-full px-2 py-0.5 text-xs font-bold text-white ${statusColor[claim.status]}`}>
              {statusText[claim.status]}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
