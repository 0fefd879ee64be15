import { type ReactNode, useEffect, useState } from "react";
import type { Distribution } from "../../shared/api/distributions.ts";
import { tokenFullName, tokenRisks, tokenTicker } from "../../shared/tokens/token-label.ts";
import { backendApi } from "../api/backend-api.ts";
import type { WalletChoice } from "../messaging/shapes.ts";
import { type ClaimFlow, type ClaimStep, runClaimStep } from "../store/claim-flow-slice.ts";
import { distributionSelectors } from "../store/distributions-slice.ts";
import { useOverlayDispatch, useOverlaySelector } from "../store/hooks.ts";
import { type DistributionPhase, distributionPhase, formatTokenAmount, timeLeftLabel } from "../ui/format.ts";
import { PillButton } from "../ui/pill-button.tsx";
import { problemWords } from "../ui/problem-words.ts";
import { TokenAvatar } from "../ui/token-avatar.tsx";
import { Checklist } from "./claim-checklist.tsx";
import { ClaimStatus, OpenTokenAccountButton } from "./claim-status.tsx";

/**
 * What a fan sees under a giveaway post: the token, the terms, the slots left (live), their
 * checklist with X's buttons for each requirement, and the steps to claim. The creator sees their
 * own giveaway's numbers and where to manage it instead.
 */

const phaseLabels: Record<Exclude<DistributionPhase, "live">, string> = {
  "not-started": "Not started yet",
  ended: "Ended",
  "sold-out": "Sold out",
  paused: "Paused by the creator",
  closed: "Closed",
  "verifier-changed": "Moved to another service by the creator",
};

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
 * The card for the distribution `address`, placed under post `postId` by `authorHandle`. It shows
 * under the post the distribution was registered for, and under the creator's own posts that link it
 * (their reply carrying the link): anyone can link a giveaway from their own post, and a card there
 * would lend that post the giveaway's standing.
 */
export function ClaimCard({ address, postId, authorHandle }: { address: string; postId: string; authorHandle: string | null }) {
  const distribution = useOverlaySelector((state) => distributionSelectors.selectById(state.distributions, address));
  // The widget mounts a card only for a distribution the backend named (claim-widget.tsx).
  if (!distribution) return null;
  if (!placedRightly(distribution, postId, authorHandle)) return null;
  return <LoadedClaimCard distribution={distribution} />;
}

export function placedRightly(distribution: Distribution, postId: string, authorHandle: string | null): boolean {
  if (distribution.postId === postId) return true;
  const creator = distribution.creatorUsername?.toLowerCase();
  return Boolean(creator && authorHandle?.toLowerCase() === creator);
}

/**
 * The card is plain elements styled by Tailwind (MUI serves the create dialog). A timeline can hold
 * many cards, and each MUI component costs a styled() render and an emotion pass per shadow root.
 * It spans the post's column, whatever its content.
 */
function Frame({ children }: { children: ReactNode }) {
  return (
    <section
      data-testid="memefans-claim-card"
      aria-label="MEMEFANS giveaway"
      className="my-3 box-border flex w-full min-w-0 flex-col gap-3 rounded-2xl border border-solid border-[var(--mf-border)] bg-[var(--mf-bg)] p-4 text-[15px] leading-5 text-[var(--mf-text)]"
    >
      {children}
    </section>
  );
}

/** A problem in the fan's words, with Retry when trying again can help. */
export function ProblemLine({
  problem,
  onRetry,
  testId,
}: {
  problem: { text: string; retry: boolean };
  onRetry(): void;
  testId: string;
}) {
  return (
    <p className="m-0 flex flex-wrap items-center gap-2 text-sm text-[var(--mf-danger)]" role="alert" data-testid={testId}>
      <span>{problem.text}</span>
      {problem.retry && (
        <button
          type="button"
          onClick={onRetry}
          className="cursor-pointer border-0 bg-transparent p-0 text-sm font-bold text-[var(--mf-text)] underline"
        >
          Retry
        </button>
      )}
    </p>
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
  const flow = useOverlaySelector((state) => state.claimFlow[distribution.address]) ?? { busy: null };
  const { xUser } = useSessionAndWallet();
  const phase = distributionPhase(distribution, now);
  const symbol = tokenTicker(distribution.token);
  const logo = backendApi.useTokenLogoQuery(distribution.mint, { skip: distribution.token.logoUrl === null });
  const amount = formatTokenAmount(distribution.amountPerClaim, distribution.token.decimals);
  // The fan's own accepted claim is among the claimed, even before the count catches up.
  const claimed = Math.min(Math.max(distribution.claimedCount, flow.claimId ? 1 : 0), distribution.maxClaims);
  const left = distribution.maxClaims - claimed;
  const creator = distribution.creatorUsername;
  const isCreator =
    xUser !== null &&
    (xUser.id === distribution.creatorXUserId ||
      (creator !== undefined && xUser.username.toLowerCase() === creator.toLowerCase()));

  return (
    <Frame>
      <header className="flex min-w-0 items-center gap-3">
        <TokenAvatar token={distribution.token} logo={logo.data?.dataUrl} size={40} />
        <div className="min-w-0 flex-1">
          <p className="m-0 truncate font-bold" title={`${tokenFullName(distribution.token)} · mint ${distribution.mint}`}>
            {amount} {symbol} per claim
          </p>
          <p className="m-0 truncate text-sm text-[var(--mf-muted)]" data-testid="memefans-time-left">
            {creator ? `@${creator}'s giveaway` : "MEMEFANS giveaway"}
            {phase === "live" || phase === "not-started" ? ` · ${timeLeftLabel(distribution, now)}` : ""}
          </p>
        </div>
        {phase !== "live" && (
          <span
            className="shrink-0 rounded-full border border-solid border-[var(--mf-border)] px-2 py-0.5 text-[13px] font-bold"
            data-testid="memefans-phase"
          >
            {phaseLabels[phase]}
          </span>
        )}
      </header>

      <SlotsLeft claimed={claimed} left={left} maxClaims={distribution.maxClaims} />

      {isCreator ? (
        <CreatorView address={distribution.address} />
      ) : (
        <FanView distribution={distribution} phase={phase} flow={flow} symbol={symbol} amount={amount} />
      )}
    </Frame>
  );
}

/** "12 of 100 left", kept live by the backend's push and announced to screen readers as it moves. */
function SlotsLeft({ claimed, left, maxClaims }: { claimed: number; left: number; maxClaims: number }) {
  const percent = maxClaims ? (claimed / maxClaims) * 100 : 0;
  const words =
    left === 0
      ? `All ${maxClaims.toLocaleString("en-US")} claimed`
      : `${left.toLocaleString("en-US")} of ${maxClaims.toLocaleString("en-US")} left`;
  return (
    <div>
      <div
        role="progressbar"
        aria-label="slots claimed"
        aria-valuemin={0}
        aria-valuemax={maxClaims}
        aria-valuenow={claimed}
        className="h-1.5 overflow-hidden rounded-full bg-[var(--mf-border)]"
      >
        <div className="h-full rounded-full bg-[#1d9bf0] transition-[width] duration-500" style={{ width: `${percent}%` }} />
      </div>
      <p className="m-0 mt-1.5 text-sm text-[var(--mf-muted)]" data-testid="memefans-progress" aria-live="polite">
        {words}
      </p>
    </div>
  );
}

/** The creator's own giveaway: its numbers are above; pausing, closing and the rest are on the dashboard. */
function CreatorView({ address }: { address: string }) {
  const [openDashboard, opening] = backendApi.useOpenDashboardMutation();
  return (
    <div className="flex flex-wrap items-center justify-between gap-2" data-testid="memefans-creator-view">
      <p className="m-0 min-w-0 flex-1 text-sm text-[var(--mf-muted)]">
        Your giveaway. Pause it or close it and take back what is left from your dashboard.
      </p>
      <PillButton
        variant="outlined"
        className="px-3 py-1.5 text-sm"
        disabled={opening.isLoading}
        onClick={() => openDashboard({ address })}
      >
        Open dashboard
      </PillButton>
    </div>
  );
}

interface FanViewProps {
  distribution: Distribution;
  phase: DistributionPhase;
  flow: ClaimFlow;
  symbol: string;
  amount: string;
}

function FanView({ distribution, phase, flow, symbol, amount }: FanViewProps) {
  const dispatch = useOverlayDispatch();
  const { xUser, activeAddress, walletBound } = useSessionAndWallet();
  const signedIn = xUser !== null;
  // The backend pays only a wallet bound to the fan's X account, so an unbound wallet is a step too.
  const step: ClaimStep = !signedIn ? "connect-x" : !activeAddress || !walletBound ? "connect-wallet" : "claim";
  const run = (walletChoice?: WalletChoice) => dispatch(runClaimStep({ address: distribution.address, step, walletChoice }));
  const claimAgain = () => dispatch(runClaimStep({ address: distribution.address, step: "claim" }));
  const openTokenAccount = () => dispatch(runClaimStep({ address: distribution.address, step: "open-account" }));
  const risks = tokenRisks(distribution.token);

  // Saved offline, a first claim or one claimed again: the outbox sends it, and until then there is nothing to press.
  if (flow.queuedOutboxId) {
    return (
      <p className="m-0 text-sm" data-testid="memefans-claim-status" role="status">
        You are offline: the claim is saved and will be sent once, as soon as you are back online.
      </p>
    );
  }
  if (flow.claimId) {
    return (
      <>
        <ClaimStatus
          claimId={flow.claimId}
          busy={flow.busy !== null}
          // A failed claim keeps its slot, so a sold-out giveaway still takes it again.
          {...(phase === "live" || phase === "sold-out"
            ? { onClaimAgain: claimAgain, onOpenTokenAccount: openTokenAccount }
            : { closedBecause: phaseLabels[phase] })}
          // Claimed again to a wallet without an account: the claim's own offer answers that refusal too.
          refusedForTokenAccount={flow.error?.code === "needs_token_account"}
        />
        {flow.error && flow.error.code !== "needs_token_account" && <StepProblem error={flow.error} onRetry={claimAgain} />}
      </>
    );
  }
  if (phase !== "live") {
    return (
      <p className="m-0 text-sm text-[var(--mf-muted)]" data-testid="memefans-closed-reason">
        {phase === "sold-out"
          ? "Every slot is taken: this giveaway is over."
          : phase === "ended"
            ? "This giveaway has ended."
            : `${phaseLabels[phase]}: claiming is not possible right now.`}
      </p>
    );
  }
  return (
    <>
      {distribution.tokenAccountsCovered === 0 && (
        <p className="m-0 text-sm text-[var(--mf-muted)]" data-testid="memefans-holders-only">
          The giveaway's fee budget opens no more token accounts: a wallet without a {symbol} account opens its own first (about
          0.002 SOL of rent, which stays yours).
        </p>
      )}
      {risks.map((risk) => (
        <p key={risk} role="note" className="m-0 text-sm text-[var(--mf-danger)]" data-testid="memefans-token-risk">
          {risk}
        </p>
      ))}
      <Checklist distribution={distribution} signedIn={signedIn} />
      <ClaimSteps
        step={step}
        flow={flow}
        symbol={symbol}
        amount={amount}
        address={distribution.address}
        onRun={run}
        onOpenTokenAccount={openTokenAccount}
      />
    </>
  );
}

interface ClaimStepsProps {
  step: ClaimStep;
  flow: ClaimFlow;
  symbol: string;
  amount: string;
  address: string;
  onRun(walletChoice?: WalletChoice): void;
  onOpenTokenAccount(): void;
}

const walletNames: Record<"builtin" | "phantom" | "solflare", string> = {
  builtin: "MEMEFANS wallet",
  phantom: "Phantom",
  solflare: "Solflare",
};

function ClaimSteps({ step, flow, symbol, amount, address, onRun, onOpenTokenAccount }: ClaimStepsProps) {
  const eligibility = backendApi.useDistributionsEligibilityQuery({ address }, { skip: step === "connect-x" });
  const eligible = eligibility.data?.eligible ?? false;
  const busy = flow.busy !== null;
  return (
    <div className="flex flex-col gap-2">
      {step === "connect-x" && (
        <PillButton variant="contained" disabled={busy} onClick={() => onRun()} data-testid="memefans-connect-x">
          {busy ? "Waiting for X…" : "Sign in with X to claim"}
        </PillButton>
      )}
      {step === "connect-wallet" && (
        <fieldset className="m-0 flex flex-col gap-2 border-0 p-0" data-testid="memefans-connect-wallet">
          <legend className="mb-2 p-0 text-sm font-bold">Choose a wallet for the tokens</legend>
          <div className="flex flex-wrap gap-2">
            {(["builtin", "phantom", "solflare"] as const).map((choice) => (
              <PillButton
                key={choice}
                variant="outlined"
                className="px-3 py-1.5 text-sm"
                disabled={busy}
                onClick={() => onRun(choice)}
              >
                {walletNames[choice]}
              </PillButton>
            ))}
          </div>
        </fieldset>
      )}
      {/* Refused for want of a token account, the card offers to open one and claim, in one press, instead. */}
      {step === "claim" && flow.error?.code !== "needs_token_account" && (
        <PillButton variant="contained" disabled={busy || !eligible} onClick={() => onRun()} data-testid="memefans-claim">
          {busy ? "Claiming…" : `Claim ${amount} ${symbol}`}
        </PillButton>
      )}
      {step === "claim" && eligibility.isError && (
        <ProblemLine
          problem={problemWords(eligibility.error as { code?: string })}
          onRetry={() => eligibility.refetch()}
          testId="memefans-error"
        />
      )}
      {step === "claim" && eligibility.data && !eligible && (
        <p className="m-0 text-sm text-[var(--mf-muted)]" role="status">
          Do what is marked ✗ above: the list checks again when you come back.
        </p>
      )}
      {step === "claim" && flow.error?.code === "needs_token_account" ? (
        <OpenTokenAccountButton busy={busy} onOpen={onOpenTokenAccount} />
      ) : (
        flow.error && <StepProblem error={flow.error} onRetry={() => onRun()} />
      )}
    </div>
  );
}

/** Why a step failed, naming the requirements still missing when the backend listed them (Retry cannot meet those). */
function StepProblem({ error, onRetry }: { error: NonNullable<ClaimFlow["error"]>; onRetry(): void }) {
  const problem = problemWords(error);
  return (
    <ProblemLine
      problem={error.unmet?.length ? { text: `${problem.text} Missing: ${error.unmet.join(", ")}.`, retry: false } : problem}
      onRetry={onRetry}
      testId="memefans-error"
    />
  );
}
