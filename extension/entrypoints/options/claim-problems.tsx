import type { ClaimantCounts } from "../../../shared/api/creator-dashboard.ts";
import type { CreatorDistribution as Distribution } from "../../../shared/api/distributions.ts";
import { claimFailureLabel } from "../../../shared/claim-failure-words.ts";
import { BotRefusalsSummary } from "./bot-refusals.tsx";

const plural = (count: number, one: string, many: string) => `${count.toLocaleString()} ${count === 1 ? one : many}`;

/** Claims accepted and not paid yet: why they wait, so a paused giveaway does not look stuck. */
export function PendingClaims({ counts, distribution }: { counts: ClaimantCounts | undefined; distribution: Distribution }) {
  const pending = counts?.pending ?? 0;
  return (
    <p className="text-sm" data-testid="creator-pending-claims">
      Pending: <strong>{plural(pending, "claim", "claims")}</strong>
      {pending > 0 ? (
        <span className="text-[#536471]">
          {distribution.paused
            ? " waiting until you resume the giveaway"
            : " verified and waiting for the next payout batch (usually seconds)"}
        </span>
      ) : null}
    </p>
  );
}

/** Claims that will never be paid, counted by why, e.g. a slot taken or a fan without a token account. */
export function FailedClaims({ counts }: { counts: Record<string, number> }) {
  const reasons = Object.entries(counts).sort(([, left], [, right]) => right - left);
  const total = reasons.reduce((sum, [, count]) => sum + count, 0);
  return (
    <p className="text-sm" data-testid="creator-failed-claims">
      Failed: <strong>{plural(total, "claim", "claims")}</strong>
      {reasons.length > 0 ? (
        <span className="text-[#536471]">
          {" "}
          ({reasons.map(([reason, count]) => `${claimFailureLabel(reason)}: ${count.toLocaleString()}`).join(" · ")})
        </span>
      ) : null}
    </p>
  );
}

/** What went wrong or is still on its way: pending, failed, refused as bots. */
export function ClaimProblems({ distribution, counts }: { distribution: Distribution; counts: ClaimantCounts | undefined }) {
  return (
    <section className="flex flex-col gap-1" aria-label="Pending, failed and refused claims">
      <PendingClaims counts={counts} distribution={distribution} />
      <FailedClaims counts={distribution.failedClaims ?? {}} />
      <BotRefusalsSummary refusals={distribution.botRefusals} />
    </section>
  );
}
