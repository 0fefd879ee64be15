import type { CreatorDistribution as Distribution } from "../../../shared/api/distributions.ts";
import { tokenTicker } from "../../../shared/tokens/token-label.ts";
import { type DistributionPhase, distributionPhase, formatTokenAmount } from "../../ui/format.ts";

/** "2.5 $WIF × 100": what each fan gets, and how many fans. */
function giveawayTitle(distribution: Distribution): string {
  return `${formatTokenAmount(distribution.amountPerClaim, distribution.token.decimals)} ${tokenTicker(distribution.token)} × ${distribution.maxClaims.toLocaleString()}`;
}

/** The creator's post on X, where fans claim. */
export function postUrl(distribution: Distribution): string {
  return `https://x.com/${distribution.creatorUsername ?? "i"}/status/${distribution.postId}`;
}

export function slotsLeft(distribution: Distribution): number {
  return distribution.remaining ?? distribution.maxClaims - distribution.claimedCount;
}

/** Tokens still in escrow for the slots nobody has taken: "157.5 $WIF". */
export function tokensLeft(distribution: Distribution): string {
  const left = BigInt(slotsLeft(distribution)) * BigInt(distribution.amountPerClaim);
  return `${formatTokenAmount(left.toString(), distribution.token.decimals)} ${tokenTicker(distribution.token)}`;
}

/** A giveaway's time in the creator's own zone and words: "Dec 5, 2026, 6:33 AM". */
export function localTime(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
}

const PHASE_WORDS: Record<DistributionPhase, [string, string]> = {
  live: ["Live", "bg-[#00ba7c] text-white"],
  "not-started": ["Not started", "bg-[#536471] text-white"],
  ended: ["Ended", "bg-[#536471] text-white"],
  "sold-out": ["All claimed", "bg-[#1d9bf0] text-white"],
  paused: ["Paused", "bg-[#ffd400] text-black"],
  closed: ["Closed", "bg-[#cfd9de] text-black"],
  "verifier-changed": ["Moved to another verifier", "bg-[#f4212e] text-white"],
};

function PhaseChip({ distribution }: { distribution: Distribution }) {
  const [words, colours] = PHASE_WORDS[distributionPhase(distribution, Date.now() / 1000)];
  return (
    <span className={`rounded-full px-2 py-0.5 text-xs font-bold ${colours}`} data-testid="giveaway-phase">
      {words}
    </span>
  );
}

/** The title, linking to the post on X, and where the giveaway stands. */
export function GiveawayHeading({ distribution }: { distribution: Distribution }) {
  return (
    <div className="flex items-center gap-2">
      <a className="text-lg font-extrabold text-[#1d9bf0]" href={postUrl(distribution)} target="_blank" rel="noreferrer">
        {giveawayTitle(distribution)}
      </a>
      <PhaseChip distribution={distribution} />
    </div>
  );
}
