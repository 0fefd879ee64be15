import { type TokenIdentity, unverifiedToken } from "../../api/tokens.ts";

/** A classic mint as the chain described it: no metadata and no authorities unless `fields` give some. */
export function chainToken(mint: string, decimals: number, fields: Partial<TokenIdentity> = {}): TokenIdentity {
  return { ...unverifiedToken(mint, decimals), verified: true, tokenProgram: "spl-token", ...fields };
}
