import { type ReactNode, useEffect, useState } from "react";
import type { Distribution, Eligibility } from "../../shared/api/distributions.ts";
import { tokenFullName, tokenRisks, tokenTicker } from "../../shared/tokens/token-label.ts";
import { backendApi } from "../api/backend-api.ts";
import type { WalletChoice } from "../messaging/shapes.ts";
import { type ClaimFlow, type ClaimStep, runClaimStep } from "../store/claim-flow-slice.ts";
import { distributionSelectors } from "../store/distributions-slice.ts";
import { useOverlayDispatch, useOverlaySelector } from "../store/hooks.ts";
import { claimFailureWords } from "../ui/claim-failure.ts";
import { type DistributionPhase, distributionPhase, explorerTxUrl, formatTokenAmount, timeLeftLabel } from "../ui/format.ts";
import { PillButton } from "../ui/pill-button.tsx";
import { requirementLabel } from "../ui/requirement-label.ts";
import { TokenAvatar } from "../ui/token-avatar.tsx";

/** What a fan sees under a giveaway post: the token, the terms, their checklist and the claim button. */

const phaseLabels: Record<Exclude<DistributionPhase, "live">, string> = {
  "not-started": "Not started yet",
  ended: "Ended",
  "sold-out": "Sold out",
  paused: "Paused by the creator",
  closed: "Closed",
  "verifier-changed": "Moved to another service by the creator",
};

const CLAIM_POLL_MS = 2000;

/**
 * The clock the card's countdown reads. It ticks every second only in the last two minutes before
 * a start or end; before that the label shows minutes at most, and a timeline full of cards should
 * not re-render every second.
 */
function useNowSeconds(distribution: Distribution): number {
  const [now, setNow] = useState(() => Math.floor(Date.now() / 1000));
  const next = [distribution.startsAt, distribution.endsAt].find((at) => at > now);
  const everyMs = next !== undefined && next - now <= 120 ? 1000 : 15_000;
  useEffect(() => {
    const timer = setInterval(() => setNow(Math.floor(Date.now() / 1000)), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/**
 * The card for the distribution `address`, linked from post `postId`. It shows only under the post
 * the distribution was registered for: anyone can link a giveaway from their own post, and a card
 * there would lend that post the giveaway's standing.
 */
export function ClaimCard({ address, postId }: { address: string; postId: string }) {
  const distribution = useOverlaySelector((state) => distributionSelectors.selectById(state.distributions, address));
  const unavailable = useOverlaySelector((state) => state.distributions.unavailable[address]);
  if (!distribution) return unavailable ? <UnavailableCard reason={unavailable} /> : <LoadingCard />;
  if (distribution.postId !== postId) return null;
  return <LoadedClaimCard distribution={distribution} />;
}

function LoadingCard() {
  return (
    <Frame>
      <p className="m-0 flex items-center gap-2 text-sm text-[var(--mf-muted)]">
        <span className="inline-block size-3 animate-spin rounded-full border-2 border-[#1d9bf0] border-t-transparent" />
        Loading giveaway…
      </p>
    </Frame>
  );
}

function UnavailableCard({ reason }: { reason: string }) {
  return (
    <Frame>
      <p className="m-0 text-sm text-[var(--mf-muted)]" data-testid="memefans-unavailable">
        MEMEFANS giveaway: cannot be shown right now ({reason}).
      </p>
    </Frame>
  );
}

/**
 * The card is plain elements styled by Tailwind (MUI serves the create dialog). A timeline can hold
 * many cards, and each MUI component costs a styled() render and an emotion pass per shadow root.
 */
function Frame({ children }: { children: ReactNode }) {
  return (
    <section
      data-testid="memefans-claim-card"
      className="my-3 flex flex-col gap-3 rounded-2xl border border-[var(--mf-border)] bg-[var(--mf-paper)] p-3 font-sans text-[15px] leading-5 text-[var(--mf-text)]"
    >
      {children}
    </section>
  );
}

/** The fan's session and wallet, read once for every card: the feature keeps one subscription to each. */
function useSessionAndWallet() {
  const session = useOverlaySelector(backendApi.endpoints.xSession.select());
  const wallet = useOverlaySelector(backendApi.endpoints.walletStatus.select());
  return {
    xUser: session.data?.xUser ?? null,
    activeAddress: wallet.data?.activeAddress,
    walletBound: wallet.data?.activeAddressBound ?? false,
  };
}

function LoadedClaimCard({ distribution }: { distribution: Distribution }) {
  const now = useNowSeconds(distribution);
  const dispatch = useOverlayDispatch();
  const flow = useOverlaySelector((state) => state.claimFlow[distribution.address]) ?? { busy: null };
  const { xUser, activeAddress, walletBound } = useSessionAndWallet();
  const signedIn = xUser !== null;
  const eligibility = backendApi.useEligibilityQuery(distribution.address, { skip: !signedIn });
  const phase = distributionPhase(distribution, now);
  const symbol = tokenTicker(distribution.token);
  const logo = backendApi.useTokenLogoQuery(distribution.mint, { skip: distribution.token.logoUrl === null });
  const risks = tokenRisks(distribution.token);
  const amount = formatTokenAmount(distribution.amountPerClaim, distribution.token.decimals);
  const claimed = Math.min(distribution.claimedCount, distribution.maxClaims);
  const percent = distribution.maxClaims ? (claimed / distribution.maxClaims) * 100 : 0;

  // The backend pays only a wallet bound to the fan's X account, so an unbound wallet is step 2 too.
  const step: ClaimStep = !signedIn ? "connect-x" : !activeAddress || !walletBound ? "connect-wallet" : "claim";
  const run = (walletChoice?: WalletChoice) => dispatch(runClaimStep({ address: distribution.address, step, walletChoice }));

  return (
    <Frame>
      <header className="flex items-center gap-3">
        <TokenAvatar token={distribution.token} logo={logo.data?.dataUrl} />
        <div className="min-w-0 flex-1">
          <p className="m-0 truncate font-bold" title={`${tokenFullName(distribution.token)} · mint ${distribution.mint}`}>
            {amount} {symbol} per claim
          </p>
          <p className="m-0 text-[13px] text-[var(--mf-muted)]" data-testid="memefans-time-left">
            MEMEFANS giveaway · {timeLeftLabel(distribution, now)}
          </p>
        </div>
        {phase !== "live" && (
          <span className="rounded-full bg-[#f4a100] px-2 py-0.5 text-xs font-bold text-black" data-testid="memefans-phase">
            {phaseLabels[phase]}
          </span>
        )}
      </header>

      <div>
        <div
          role="progressbar"
          aria-label="slots claimed"
          aria-valuemin={0}
          aria-valuemax={distribution.maxClaims}
          aria-valuenow={claimed}
          className="h-1.5 overflow-hidden rounded-full bg-[var(--mf-border)]"
        >
          <div className="h-full rounded-full bg-[#1d9bf0]" style={{ width: `${percent}%` }} />
        </div>
        <p className="m-0 mt-1 text-[13px] text-[var(--mf-muted)]" data-testid="memefans-progress">
          {claimed.toLocaleString("en-US")} / {distribution.maxClaims.toLocaleString("en-US")} claimed
        </p>
      </div>

      {distribution.tokenAccountsCovered === 0 && phase === "live" && (
        <p className="m-0 text-[13px] text-[var(--mf-muted)]" data-testid="memefans-holders-only">
          Pays only fans who already hold a {symbol} token account: the giveaway's fee budget no longer covers opening one.
        </p>
      )}

      {risks.map((risk) => (
        <p key={risk} role="note" className="m-0 text-[13px] text-[var(--mf-warning,#b45309)]" data-testid="memefans-token-risk">
          {risk}
        </p>
      ))}

      <Checklist requirements={distribution.requirements} eligibility={signedIn ? eligibility.data : undefined} />

      <ClaimAction
        phase={phase}
        step={step}
        flow={flow}
        symbol={symbol}
        amount={amount}
        eligible={eligibility.data?.eligible ?? !signedIn}
        onRun={run}
      />
    </Frame>
  );
}

function Checklist({ requirements, eligibility }: { requirements: unknown[]; eligibility?: Eligibility }) {
  if (!requirements.length) {
    return <p className="m-0 text-sm text-[var(--mf-muted)]">No requirements: anyone signed in with X can claim.</p>;
  }
  return (
    <ul className="m-0 flex list-none flex-col gap-1 p-0" data-testid="memefans-checklist">
      {requirements.map((requirement) => {
        const label = requirementLabel(requirement);
        // The backend may list its checks in its own (canonical) order: pair them by requirement.
        const check = eligibility?.checks.find((candidate) => requirementLabel(candidate.requirement) === label);
        return (
          <li key={label} className="flex items-start gap-2 text-sm" data-met={check?.met ?? "unknown"}>
            <span
              aria-hidden
              className={`font-bold ${check ? (check.met ? "text-[#00ba7c]" : "text-[#f4212e]") : "text-[var(--mf-muted)]"}`}
            >
              {check ? (check.met ? "✓" : "✗") : "•"}
            </span>
            <span>
              {label}
              {check?.detail && !check.met ? <span className="text-[13px] text-[var(--mf-muted)]"> — {check.detail}</span> : null}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

interface ClaimActionProps {
  phase: DistributionPhase;
  step: ClaimStep;
  flow: ClaimFlow;
  symbol: string;
  amount: string;
  eligible: boolean;
  onRun(walletChoice?: WalletChoice): void;
}

function ClaimAction({ phase, step, flow, symbol, amount, eligible, onRun }: ClaimActionProps) {
  if (flow.claimId) return <ClaimStatus claimId={flow.claimId} />;
  if (flow.queuedOutboxId) {
    return (
      <p className="m-0 text-sm" data-testid="memefans-claim-status">
        You are offline: the claim is saved and will be sent once, as soon as you are back online.
      </p>
    );
  }
  const busy = flow.busy !== null;
  const closedReason = phase === "live" ? null : phaseLabels[phase];
  return (
    <div className="flex flex-col gap-2">
      {step === "connect-x" && (
        <PillButton
          variant="contained"
          disabled={busy || Boolean(closedReason)}
          onClick={() => onRun()}
          data-testid="memefans-connect-x"
        >
          {busy ? "Waiting for X…" : "1 · Connect X to claim"}
        </PillButton>
      )}
      {step === "connect-wallet" && (
        <div className="flex flex-wrap gap-2" data-testid="memefans-connect-wallet">
          {(["builtin", "phantom", "solflare"] as const).map((choice) => (
            <PillButton key={choice} variant="outlined" disabled={busy} onClick={() => onRun(choice)}>
              2 · {choice === "builtin" ? "MEMEFANS wallet" : choice === "phantom" ? "Phantom" : "Solflare"}
            </PillButton>
          ))}
        </div>
      )}
      {step === "claim" && (
        <PillButton
          variant="contained"
          disabled={busy || Boolean(closedReason) || !eligible}
          onClick={() => onRun()}
          data-testid="memefans-claim"
        >
          {busy ? "Claiming…" : `3 · Claim ${amount} ${symbol}`}
        </PillButton>
      )}
      {closedReason && (
        <p className="m-0 text-sm text-[var(--mf-muted)]" data-testid="memefans-closed-reason">
          {closedReason}: claiming is not possible.
        </p>
      )}
      {step === "claim" && !eligible && !closedReason && (
        <p className="m-0 text-sm text-[#f4212e]">Requirements not met yet: see ✗ above.</p>
      )}
      {flow.error && (
        <p className="m-0 text-sm text-[#f4212e]" role="alert" data-testid="memefans-error">
          {flow.error.message}
          {flow.error.unmet?.length ? ` Missing: ${flow.error.unmet.join(", ")}.` : ""}
        </p>
      )}
    </div>
  );
}

const claimStatusWords = {
  queued: "Claim accepted: waiting for the next payout batch…",
  sent: "Payout sent: waiting for confirmation…",
  confirmed: "Claimed! The tokens are in your wallet.",
  failed: "The payout failed.",
} as const;

function ClaimStatus({ claimId }: { claimId: string }) {
  const [settled, setSettled] = useState(false);
  const claim = backendApi.useClaimQuery(claimId, { pollingInterval: settled ? 0 : CLAIM_POLL_MS });
  const settings = backendApi.useSettingsQuery();
  const status = claim.data?.claim.status;
  const waitingFor = claim.data?.claim.waitingFor;
  useEffect(() => {
    if (status === "confirmed" || status === "failed") setSettled(true);
  }, [status]);
  const signature = claim.data?.claim.signature;
  const rpcUrl = settings.data ? settings.data.rpcUrl || `${settings.data.backendUrl.replace(/\/$/, "")}/rpc` : undefined;
  return (
    <div className="flex flex-col gap-1" data-testid="memefans-claim-status" data-status={status ?? "loading"}>
      <p className="m-0 text-sm">
        {status === "queued" && waitingFor === "paused"
          ? "Claim accepted: the creator paused this giveaway. It will be paid once they resume it."
          : status
            ? claimStatusWords[status]
            : "Checking the claim…"}
      </p>
      {status === "failed" && claim.data?.claim.failureReason && (
        <p className="m-0 text-[13px] text-[#f4212e]" data-testid="memefans-failure-reason">
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
