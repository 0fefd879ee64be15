import { Keypair } from "@solana/web3.js";
import { describe, expect, it } from "vitest";
import { impersonatedTicker, tickerProblems } from "./ticker-lookalikes.ts";

const someMint = () => Keypair.generate().publicKey.toBase58();
const USDC_MINT = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v";

describe("a ticker that reads as a trusted token's", () => {
  it("flags a trusted ticker on a mint that is not that token's, and not on the real one", () => {
    expect(impersonatedTicker(someMint(), "USDC")).toBe("USDC");
    expect(impersonatedTicker(someMint(), "$usdc")).toBe("USDC");
    expect(impersonatedTicker(USDC_MINT, "USDC")).toBeUndefined();
    expect(impersonatedTicker(someMint(), "MOODENG")).toBeUndefined();
  });

  it.each([
    ["USDС", "USDC"], // Cyrillic С
    ["ＵＳＤＣ", "USDC"],
    ["USDC.e", "USDC"],
    ["$$USDC", "USDC"],
    ["USDC (verified)", "USDC"],
    ["U S D C", "USDC"],
    ["USD₮", "USDT"],
    ["S0L", "SOL"],
    ["ЅOL", "SOL"],
    ["sol", "SOL"],
    ["SO1", "SOL"],
    ["WlF", "WIF"],
    ["W1F", "WIF"],
    ["ΒΟΝΚ", "BONK"], // Greek capitals
    ["1000 SOL", "SOL"],
    ["WIF\u200b", "WIF"],
  ])("reads %s as %s", (symbol, trusted) => {
    expect(impersonatedTicker(someMint(), symbol)).toBe(trusted);
  });

  it("leaves tickers that only resemble one in part, and compares names whole", () => {
    for (const symbol of ["WLF", "JITOSOL", "USDCAT", "BONKINU", "SOLAMA"])
      expect(impersonatedTicker(someMint(), symbol)).toBeUndefined();
    expect(impersonatedTicker(someMint(), "COIN", "USD Coin")).toBe("USDC");
    expect(impersonatedTicker(someMint(), "DOG", "dogwıfhat")).toBe("WIF");
    expect(impersonatedTicker(someMint(), "DOG", "dogwifcat")).toBeUndefined();
    expect(impersonatedTicker(someMint(), "BINU", "Bonk Inu")).toBeUndefined();
  });
});

describe("a ticker spelled to deceive", () => {
  it("flags mixed alphabets and spaces, and nothing in an honest ticker", () => {
    expect(tickerProblems("USDС")).toEqual([
      "Its ticker mixes Latin letters with Cyrillic or Greek lookalikes, to pass for another token's.",
    ]);
    expect(tickerProblems("1000 SOL")).toEqual([
      'Its ticker "1000 SOL" contains spaces, so an amount written beside it reads wrong.',
    ]);
    for (const honest of ["MOODENG", "ПЕПЕ", "猫", "🐸FROG"]) expect(tickerProblems(honest)).toEqual([]);
  });
});
