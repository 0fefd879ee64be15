import type { Distribution } from "../../shared/api/distributions.ts";
import { shortAddress } from "../../shared/tokens/token-label.ts";

/** Raw token units (a u64, or its decimal text) in the token's display units: 1500000n, 6 → "1.5". */
export function formatTokenAmount(raw: bigint | string, decimals: number): string {
  const units = BigInt(raw);
  if (decimals === 0) return units.toLocaleString("en-US");
  const scale = 10n ** BigInt(decimals);
  const whole = (units / scale).toLocaleString("en-US");
  const fraction = (units % scale).toString().padStart(decimals, "0").replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : whole;
}

/**
 * A held amount, with its ticker when given: "1.5 BONK", or raw units said to be raw when the
 * decimals could not be read ("1,000,000 raw units of BONK (decimals unknown)"), never a guess.
 */
export function formatTokenBalance(raw: bigint | string, decimals: number | null, ticker?: string): string {
  if (decimals === null) return `${formatTokenAmount(raw, 0)} raw units${ticker ? ` of ${ticker}` : ""} (decimals unknown)`;
  return ticker ? `${formatTokenAmount(raw, decimals)} ${ticker}` : formatTokenAmount(raw, decimals);
}

export type DistributionPhase = "live" | "not-started" | "ended" | "sold-out" | "paused" | "closed" | "verifier-changed";

export function distributionPhase(distribution: Distribution, nowSeconds: number): DistributionPhase {
  if (distribution.closed) return "closed";
  if (distribution.verifierChanged) return "verifier-changed";
  if (distribution.paused) return "paused";
  if (nowSeconds < distribution.startsAt) return "not-started";
  if (nowSeconds >= distribution.endsAt) return "ended";
  if (distribution.claimedCount >= distribution.maxClaims) return "sold-out";
  return "live";
}

/**
 * A moment in the viewer's own time zone, named: "Dec 5, 2026, 4:30 PM CET". The create dialog and
 * the approval window both show a giveaway's start and end this way.
 */
export function formatLocalTime(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toLocaleString("en-US", {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
    timeZoneName: "short",
  });
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${minutes}m`;
  if (minutes > 0) return `${minutes}m`;
  return `${s}s`;
}

export function timeLeftLabel(distribution: Distribution, nowSeconds: number): string {
  const starts = distribution.startsAt;
  const ends = distribution.endsAt;
  if (nowSeconds < starts) return `starts in ${formatDuration(starts - nowSeconds)}`;
  if (nowSeconds < ends) return `${formatDuration(ends - nowSeconds)} left`;
  return "ended";
}

export function explorerTxUrl(signature: string, rpcUrl: string): string {
  return `https://explorer.solana.com/tx/${signature}?cluster=custom&customUrl=${encodeURIComponent(rpcUrl)}`;
}

/**
 * What a token is called on screen: its mint, shortened. Never a name or symbol a creator typed, which
 * could pass a worthless mint off as USDC; names read from a mint's on-chain metadata belong here.
 */
export function tokenLabel(mint: string): string {
  return shortAddress(mint);
}

export { shortAddress };
