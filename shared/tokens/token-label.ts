import type { TokenIdentity } from "../api/tokens.ts";
import { type DistributionErrorName, distributionErrorByName } from "../program/errors.ts";
import { tickerProblems } from "./ticker-lookalikes.ts";

/** An address as people scan it: its first and last four characters ("DezX…B263"). */
export function shortAddress(address: string): string {
  return `${address.slice(0, 4)}…${address.slice(-4)}`;
}

/**
 * How a token is named beside an amount ("10 $WIF"): its on-chain ticker, or its short mint address
 * when it has no metadata. Never a name a creator typed.
 */
export function tokenTicker(token: Pick<TokenIdentity, "mint" | "symbol">): string {
  return token.symbol ? `$${token.symbol}` : shortAddress(token.mint);
}

/** The token's full name for a heading or a list: "dogwifhat ($WIF)", or "Unknown token (EKpQ…zcjm)". */
export function tokenFullName(token: Pick<TokenIdentity, "mint" | "name" | "symbol">): string {
  if (token.name && token.symbol) return `${token.name} ($${token.symbol})`;
  if (token.name || token.symbol) return `${token.name ?? `$${token.symbol}`} (${shortAddress(token.mint)})`;
  return `Unknown token (${shortAddress(token.mint)})`;
}

/** Shown for a token whose mint could not be read: no warning below it would mean "no risk". */
export const UNREAD_TOKEN_WARNING =
  "Couldn't read this token from the chain just now: its name and risks (a freeze authority, a fake ticker) are unknown. Check the mint address.";

/**
 * Said of a token the distribution program refuses at create (MintFacts.giveawayRefusal): a creator reads
 * it beside the token before signing, in the program's own words.
 */
export function giveawayRefusalWarning(refusal: DistributionErrorName): string {
  return `No giveaway can be made of this token. ${distributionErrorByName(refusal).message}.`;
}

/**
 * The warnings a fan or creator must see before relying on this token. `giveawayRefusal` is the program's
 * refusal of its mint, as readMintFacts reads it, where the caller has it.
 */
export function tokenRisks(
  token: Pick<TokenIdentity, "verified" | "symbol" | "freezeAuthority" | "impersonates"> & {
    giveawayRefusal?: DistributionErrorName | null;
  },
): string[] {
  if (!token.verified) return [UNREAD_TOKEN_WARNING];
  const risks: string[] = [];
  if (token.giveawayRefusal) risks.push(giveawayRefusalWarning(token.giveawayRefusal));
  if (token.impersonates)
    risks.push(`Calls itself ${token.impersonates} but is not the real ${token.impersonates}: check the mint address.`);
  if (token.symbol) risks.push(...tickerProblems(token.symbol));
  if (token.freezeAuthority)
    risks.push("Its issuer can freeze any account of this token: yours, or a giveaway's escrow, which would stop its payouts.");
  return risks;
}
