import Alert from "@mui/material/Alert";
import { type ReactNode, useState } from "react";
import type { ClaimantCounts, ClaimantFilter } from "../../../shared/api/creator-dashboard.ts";
import type { CreatorDistribution as Distribution } from "../../../shared/api/distributions.ts";
import { rpcUrlOf } from "../../background/storage/settings-store.ts";
import { formatSol } from "../../messaging/format.ts";
import { dashboardPath } from "../../ui/dashboard-link.ts";
import { useBackground } from "../popup/use-background.ts";
import { ClaimProblems } from "./claim-problems.tsx";
import { ClaimantsTable, type OlderClaimants } from "./claimants-table.tsx";
import { ClaimsChart } from "./claims-chart.tsx";
import { GiveawayControls } from "./giveaway-controls.tsx";
import { GiveawayHeading, localTime, postUrl, slotsLeft, tokensLeft } from "./giveaway-facts.tsx";
import { useLive } from "./use-live.ts";

function Fact({ label, children, testId }: { label: string; children: ReactNode; testId: string }) {
  return (
    <div className="rounded-xl border border-[#cfd9de] p-3 dark:border-[#2f3336]" data-testid={testId}>
      <div className="text-xs text-[#536471]">{label}</div>
      <div className="text-lg font-extrabold">{children}</div>
    </div>
  );
}

/** "covers 12 payouts that open a fan's token account" — or, at 0, that fans without one open their own. */
function feeBudgetNote(distribution: Distribution): string {
  const covered = distribution.tokenAccountsCovered;
  if (covered === undefined) return "";
  if (covered === 0) return "opens no more token accounts: fans without one open their own first";
  return `covers ${covered.toLocaleString()} more ${covered === 1 ? "payout" : "payouts"} that open a fan's token account`;
}

function Facts({ distribution, counts }: { distribution: Distribution; counts: ClaimantCounts | undefined }) {
  return (
    <div className="grid grid-cols-2 gap-3 md:grid-cols-4">
      <Fact label="Claimed" testId="fact-claimed">
        {distribution.claimedCount.toLocaleString()}{" "}
        <span className="text-sm font-normal">of {distribution.maxClaims.toLocaleString()}</span>
        {counts ? (
          <div className="text-xs font-normal text-[#536471]">
            {counts.paid.toLocaleString()} paid · {counts.pending.toLocaleString()} pending · {counts.failed.toLocaleString()}{" "}
            failed
          </div>
        ) : null}
      </Fact>
      <Fact label="Slots left" testId="fact-slots-left">
        {slotsLeft(distribution).toLocaleString()}
      </Fact>
      <Fact label="Tokens not yet claimed" testId="fact-tokens-left">
        {tokensLeft(distribution)}
      </Fact>
      <Fact label="Fee budget left (on chain)" testId="fact-fee-budget">
        {distribution.feeBudgetLamports ? formatSol(distribution.feeBudgetLamports) : "—"}
        <div className="text-xs font-normal text-[#536471]">{feeBudgetNote(distribution)}</div>
      </Fact>
    </div>
  );
}

function UpdatedAt({ at, error }: { at: number | undefined; error: string | undefined }) {
  if (error) return <span className="text-xs text-[#f4212e]">Could not refresh: {error}</span>;
  return (
    <span className="text-xs text-[#536471]" data-testid="live-status">
      Live · updated {at ? new Date(at).toLocaleTimeString() : "…"}
    </span>
  );
}

/** One giveaway, run from here: what it is, how it goes, who claimed, what went wrong, and its controls. */
export function GiveawayDashboard({ address }: { address: string }) {
  const live = useLive("creator/distribution", { address });
  const [filter, setFilter] = useState<ClaimantFilter>("all");
  const [older, setOlder] = useState<OlderClaimants>();
  const claimants = useLive("creator/claimants", { address, status: filter });
  const settings = useBackground("settings/get", {});
  const distribution = live.data?.distribution;
  return (
    <div className="flex flex-col gap-6" data-testid="giveaway-dashboard">
      <a className="text-sm text-[#1d9bf0]" href={dashboardPath()}>
        ← All your giveaways
      </a>
      {!distribution && live.error ? <Alert severity="info">{live.error}</Alert> : null}
      {!distribution && !live.error ? <p className="text-sm">Loading…</p> : null}
      {distribution ? (
        <>
          <header className="flex items-start justify-between gap-4">
            <div className="flex min-w-0 flex-1 flex-col gap-1">
              <GiveawayHeading distribution={distribution} />
              <p className="text-sm text-[#536471]">
                <a className="text-[#1d9bf0]" href={postUrl(distribution)} target="_blank" rel="noreferrer">
                  View the post on X ↗
                </a>{" "}
                ·{" "}
                <a className="text-[#1d9bf0]" href={distribution.link} target="_blank" rel="noreferrer">
                  Claim page ↗
                </a>{" "}
                · runs {localTime(distribution.startsAt)} – {localTime(distribution.endsAt)}
              </p>
              <UpdatedAt at={live.updatedAt} error={live.error} />
            </div>
            <GiveawayControls distribution={distribution} onChanged={() => void live.reload()} />
          </header>
          <Facts distribution={distribution} counts={claimants.data?.counts} />
          <section className="flex flex-col gap-2">
            <h3 className="text-lg font-extrabold">Claims over time</h3>
            <ClaimsChart
              points={distribution.claimsOverTime ?? []}
              bucket={distribution.claimsBucket ?? "hour"}
              startsAt={distribution.startsAt}
              endsAt={distribution.endsAt}
              now={live.updatedAt ?? Date.now()}
            />
          </section>
          <ClaimProblems distribution={distribution} counts={claimants.data?.counts} />
          <ClaimantsTable
            distribution={distribution}
            filter={filter}
            onFilter={(next) => {
              setFilter(next);
              setOlder(undefined);
            }}
            page={claimants.data}
            older={older}
            onOlder={setOlder}
            rpcUrl={settings.data ? rpcUrlOf(settings.data) : undefined}
          />
        </>
      ) : null}
    </div>
  );
}
