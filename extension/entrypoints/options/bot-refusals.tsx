import type { BotRefusalReason, BotRefusals } from "../../../shared/api/distributions.ts";

/** What each refusal reason means to the creator who set the defence. */
const REASON_LABELS: Record<BotRefusalReason, string> = {
  account_age: "account too new",
  min_followers: "too few followers",
  once_per_creator: "already claimed one of your giveaways",
  velocity: "over the claims-per-minute limit",
};

/** "Refused as likely bots: 3 accounts (account too new: 2 · too few followers: 2)" on the creator's dashboard. */
export function BotRefusalsSummary({ refusals }: { refusals: BotRefusals | undefined }) {
  const accounts = refusals?.accounts ?? 0;
  const reasons = Object.entries(refusals?.byReason ?? {}) as [BotRefusalReason, number][];
  return (
    <p className="text-sm" data-testid="bot-refusals">
      Refused as likely bots: <strong>{accounts}</strong> {accounts === 1 ? "account" : "accounts"}
      {reasons.length > 0 && (
        <span className="text-[#536471]">
          {" "}
          ({reasons.map(([reason, count]) => `${REASON_LABELS[reason]}: ${count}`).join(" · ")})
        </span>
      )}
    </p>
  );
}
