import { describe, expect, it } from "vitest";
import { unverifiedToken } from "../api/tokens.ts";
import { chainToken } from "./testing/token-fixtures.ts";
import { giveawayRefusalWarning, tokenRisks, UNREAD_TOKEN_WARNING } from "./token-label.ts";

const MINT = "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263";

describe("a token's risks", () => {
  it("warns that a token the chain could not be read for is unverified, never that it is riskless", () => {
    expect(tokenRisks(unverifiedToken(MINT, 6))).toEqual([UNREAD_TOKEN_WARNING]);
    expect(tokenRisks(chainToken(MINT, 6))).toEqual([]);
  });

  it("names a fake ticker, a deceptive spelling and a freeze authority", () => {
    expect(tokenRisks(chainToken(MINT, 6, { symbol: "USDС", impersonates: "USDC", freezeAuthority: MINT }))).toEqual([
      "Calls itself USDC but is not the real USDC: check the mint address.",
      "Its ticker mixes Latin letters with Cyrillic or Greek lookalikes, to pass for another token's.",
      "Its issuer can freeze any account of this token: yours, or a giveaway's escrow, which would stop its payouts.",
    ]);
  });

  it("says first, in the program's words, that a mint the program refuses cannot be given away", () => {
    const rescalable = "MintAmountRescalable" as const;
    expect(tokenRisks({ ...chainToken(MINT, 6, { freezeAuthority: MINT }), giveawayRefusal: rescalable })).toEqual([
      giveawayRefusalWarning(rescalable),
      "Its issuer can freeze any account of this token: yours, or a giveaway's escrow, which would stop its payouts.",
    ]);
    expect(giveawayRefusalWarning(rescalable)).toBe(
      "No giveaway can be made of this token. The mint is interest-bearing or has a scaled UI amount: its authority can change the amount wallets show at any time, so fans' wallets would not show the amount promised.",
    );
    expect(tokenRisks({ ...chainToken(MINT, 6), giveawayRefusal: null })).toEqual([]);
  });
});
