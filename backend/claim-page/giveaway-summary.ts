import type { ClaimRules, Distribution } from "../../shared/api/distributions.ts";
import type { XUserProfile } from "../../shared/api/identity.ts";
import { decimalTokenAmount } from "../../shared/primitives.ts";
import { shortAddress, tokenRisks } from "../../shared/tokens/token-label.ts";

/** What the claim page, its card image and its blink say about a giveaway, worked out once. */
export interface GiveawaySummary {
  address: string;
  /** "10 BONK", or "10 Unknown token (DezX…B263)" for a mint without metadata. */
  amountText: string;
  amount: string;
  /** The ticker, the name, or "Unknown token"; never a full address. */
  tokenLabel: string;
  tokenName: string | null;
  /** `/tokens/<mint>/logo` when the backend has the token's image. */
  logoPath: string | null;
  creator: XUserProfile | undefined;
  /** What to know about the token before relying on it: a freeze authority, a borrowed ticker. */
  tokenRisks: string[];
  /** The creator's claim rules beyond the requirements, as a fan reads them. */
  claimRules: string[];
  remaining: number;
  maxClaims: number;
  endsAt: number;
  state: GiveawayState;
}

export type GiveawayState = "open" | "not_started" | "ended" | "sold_out" | "paused" | "closed" | "moved";

export function giveawayState(distribution: Distribution, nowSeconds: number): GiveawayState {
  if (distribution.closed) return "closed";
  if (distribution.verifierChanged) return "moved";
  if (distribution.paused) return "paused";
  if (distribution.remaining === 0) return "sold_out";
  if (nowSeconds < distribution.startsAt) return "not_started";
  if (nowSeconds > distribution.endsAt) return "ended";
  return "open";
}

/** The creator's claim rules as a fan reads them: they refuse a claim as a requirement would. */
export function describeClaimRules(rules: ClaimRules): string[] {
  return [
    ...(rules.oncePerCreator ? ["One claim per X account and per wallet across this creator's giveaways"] : []),
    ...(rules.maxClaimsPerMinute !== null ? [`At most ${rules.maxClaimsPerMinute} claims a minute`] : []),
  ];
}

/** The token's identity comes from the chain (the distribution carries it), never from what the creator typed. */
export function summarize(distribution: Distribution, creator: XUserProfile | undefined, nowSeconds: number): GiveawaySummary {
  const identity = distribution.token;
  const amount = decimalTokenAmount(distribution.amountPerClaim, identity.decimals);
  const tokenLabel = identity.symbol ?? identity.name ?? `Unknown token (${shortAddress(distribution.mint)})`;
  return {
    address: distribution.address,
    amount,
    amountText: `${amount} ${tokenLabel}`,
    tokenLabel,
    tokenName: identity.name,
    logoPath: identity.logoUrl ? `/tokens/${distribution.mint}/logo` : null,
    creator,
    tokenRisks: tokenRisks(identity),
    claimRules: [
      ...describeClaimRules(distribution.claimRules),
      // POST /claims refuses any other wallet then: the budget would not open its account.
      ...(distribution.tokenAccountsCovered === 0
        ? [
            `The fee budget opens no more token accounts: a wallet without a ${tokenLabel} account opens its own first (about 0.002 SOL of rent, which stays the fan's)`,
          ]
        : []),
    ],
    remaining: distribution.remaining,
    maxClaims: distribution.maxClaims,
    endsAt: distribution.endsAt,
    state: giveawayState(distribution, nowSeconds),
  };
}

const STATE_WORDS: Record<GiveawayState, string> = {
  open: "Open",
  not_started: "Not started yet",
  ended: "Ended",
  sold_out: "All claimed",
  paused: "Paused by the creator",
  closed: "Closed by the creator",
  moved: "Moved to another verifier: MEMEFANS can no longer pay it",
};

export function stateWords(state: GiveawayState): string {
  return STATE_WORDS[state];
}
