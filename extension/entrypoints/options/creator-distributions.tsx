import Alert from "@mui/material/Alert";
import Button from "@mui/material/Button";
import { useState } from "react";
import type { CreatorDistribution as Distribution } from "../../../shared/api/distributions.ts";
import { tokenTicker } from "../../../shared/tokens/token-label.ts";
import { callBackground } from "../../messaging/client.ts";
import { formatSol } from "../../messaging/format.ts";
import type { CloseResult } from "../../messaging/shapes.ts";
import { claimFailureLabel } from "../../ui/claim-failure.ts";
import { CloseResultNote } from "../../ui/close-result.tsx";
import { formatTokenAmount } from "../../ui/format.ts";
import { useBackground } from "../popup/use-background.ts";
import { BotRefusalsSummary } from "./bot-refusals.tsx";
import { ClaimsChart } from "./claims-chart.tsx";

function remainingTokens(distribution: Distribution): string {
  const left = BigInt(distribution.maxClaims - distribution.claimedCount) * BigInt(distribution.amountPerClaim);
  return `${formatTokenAmount(left.toString(), distribution.token.decimals)} ${tokenTicker(distribution.token)}`;
}

function CloseButton({ distribution, onClosed }: { distribution: Distribution; onClosed: () => void }) {
  const [state, setState] = useState<{ busy?: boolean; error?: string; result?: CloseResult }>({});
  const ended = Date.now() / 1000 >= distribution.endsAt || distribution.claimedCount >= distribution.maxClaims;
  if (state.result) return <CloseResultNote result={state.result} />;
  if (distribution.closed) return <span className="text-sm text-[#536471]">closed</span>;
  if (!ended) return <span className="text-sm text-[#536471]">can be closed after the end</span>;
  return (
    <span className="flex flex-col items-end gap-1">
      <Button
        variant="outlined"
        color="error"
        size="small"
        disabled={state.busy}
        onClick={async () => {
          setState({ busy: true });
          try {
            setState({ result: await callBackground("distributions/close", { address: distribution.address }) });
            onClosed();
          } catch (caught) {
            setState({ error: (caught as Error).message });
          }
        }}
      >
        Close and reclaim
      </Button>
      {state.error ? <span className="text-xs text-[#f4212e]">{state.error}</span> : null}
    </span>
  );
}

/** Claims that will never be paid, counted by why, so the creator sees e.g. slots taken or fans without a token account. */
function FailedClaims({ counts }: { counts: Record<string, number> }) {
  const reasons = Object.entries(counts).sort(([, left], [, right]) => right - left);
  if (!reasons.length) return null;
  return (
    <p className="text-sm" data-testid="creator-failed-claims">
      Failed claims:{" "}
      {reasons.map(([reason, count], index) => (
        <span key={reason}>
          {index > 0 ? " · " : ""}
          <strong>{count}</strong> {claimFailureLabel(reason)}
        </span>
      ))}
    </p>
  );
}

/** The creator's giveaways: progress, claims over time, failed claims and claims refused as likely bots, what is left, and the clawback after the end. */
export function CreatorDistributions() {
  const list = useBackground("creator/distributions", {});
  if (list.error) return <Alert severity="info">{list.error}</Alert>;
  if (!list.data) return <p className="text-sm">Loading…</p>;
  if (list.data.distributions.length === 0) return <p className="text-sm text-[#536471]">You have not posted a giveaway yet.</p>;
  return (
    <ul className="flex flex-col gap-4">
      {list.data.distributions.map((distribution) => (
        <li
          key={distribution.address}
          className="rounded-2xl border border-[#cfd9de] p-4 dark:border-[#2f3336]"
          data-testid="creator-distribution"
        >
          <div className="flex items-start justify-between gap-4">
            <div>
              <a className="font-bold text-[#1d9bf0]" href={distribution.link} target="_blank" rel="noreferrer">
                {formatTokenAmount(distribution.amountPerClaim, distribution.token.decimals)} {tokenTicker(distribution.token)} ×{" "}
                {distribution.maxClaims}
              </a>
              <p className="text-sm text-[#536471]">
                {distribution.claimedCount} of {distribution.maxClaims} claimed · ends{" "}
                {new Date(distribution.endsAt * 1000).toLocaleString()}
              </p>
              <p className="text-sm">
                Remaining: <strong>{remainingTokens(distribution)}</strong>
                {distribution.feeBudgetLamports ? <> · fee budget left {formatSol(distribution.feeBudgetLamports)}</> : null}
                {distribution.tokenAccountsCovered === 0 ? <> · pays only fans who hold a token account</> : null}
              </p>
            </div>
            <CloseButton distribution={distribution} onClosed={list.reload} />
          </div>
          <FailedClaims counts={distribution.failedClaims ?? {}} />
          <BotRefusalsSummary refusals={distribution.botRefusals} />
          <ClaimsChart points={distribution.claimsOverTime ?? []} />
        </li>
      ))}
    </ul>
  );
}
