import { shortAddress } from "../../ui/format.ts";

/**
 * How the popup names a token: the chain's name and ticker when the mint has metadata, otherwise
 * "Unknown token" and the mint's short address, never something a creator typed.
 */
export function tokenLabel(token: { mint: string; name?: string | null | undefined; symbol?: string | null | undefined }) {
  return { name: token.name ?? "Unknown token", ticker: token.symbol ?? shortAddress(token.mint) };
}
