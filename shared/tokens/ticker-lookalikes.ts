/**
 * Tickers and names that pose as trusted tokens. A fake USDC rarely spells itself "USDC": it writes
 * "USDС" with a Cyrillic С, "ＵＳＤＣ" in fullwidth letters, "USDC.e", "$$USDC", "USD₮" or "S0L". Each is
 * reduced to a skeleton (how it reads, not how it is encoded) before it is compared.
 */

interface TrustedToken {
  ticker: string;
  mint: string;
  names: string[];
}

/** Tokens people trust, by their one real mint: another mint that reads as one of these impersonates it. */
const TRUSTED_TOKENS: readonly TrustedToken[] = [
  { ticker: "USDC", mint: "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v", names: ["USD Coin"] },
  { ticker: "USDT", mint: "Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB", names: ["Tether USD", "Tether"] },
  { ticker: "SOL", mint: "So11111111111111111111111111111111111111112", names: ["Solana", "Wrapped SOL"] },
  { ticker: "WSOL", mint: "So11111111111111111111111111111111111111112", names: [] },
  { ticker: "PYUSD", mint: "2b1kV6DkPAnxd5ixfnxCpjxmKwqjjaYmCZfHsFu24GXo", names: ["PayPal USD"] },
  { ticker: "JUP", mint: "JUPyiwrYJFskUPiHa7hkeR8VUtAeFoSYbKedZNsDvCN", names: ["Jupiter"] },
  { ticker: "BONK", mint: "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263", names: ["Bonk"] },
  { ticker: "WIF", mint: "EKpQGSJtjMFqKZ9KQanSqYXRcF8fBopzLHYxdM65zcjm", names: ["dogwifhat"] },
];

/**
 * Letters that look like Latin ones: Cyrillic and Greek capitals and small letters, and symbols that
 * stand in for a letter. Fullwidth and styled letters need no entry: NFKC already folds them.
 */
const LOOKALIKES: Readonly<Record<string, string>> = {
  ...spread("АВСЕНІЈКМОРЅТХУ", "ABCEHIJKMOPSTXY"),
  ...spread("асеһіјорѕхуԁԛԝ", "acehijopsxydqw"),
  ...spread("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX"),
  ...spread("οκνρτυχ", "okvptux"),
  ...spread("₮₳₿", "TAB"),
  // Digits and strokes read as letters; "l" is decided below, as it reads two ways.
  ...spread("0|1", "Oll"),
};

function spread(from: string, to: string): Record<string, string> {
  return Object.fromEntries(Array.from(from, (character, index) => [character, to[index] ?? character]));
}

/** `text` NFKC-folded, lookalikes replaced, and only its letters and digits kept: "$$ＵＳＤС.e" → "USDCe". */
function folded(text: string): string {
  return Array.from(text.normalize("NFKC"), (character) => LOOKALIKES[character] ?? character)
    .join("")
    .replace(/[^\p{L}\p{N}]/gu, "");
}

/**
 * How `text` may read, upper-cased. An "l", "1", "|" or "I" reads as L in "sol" and as I in "WlF":
 * both readings are returned.
 */
function readings(text: string): string[] {
  const strokes = folded(text).replace(/I/g, "l");
  return [...new Set([strokes.replace(/l/g, "L"), strokes.replace(/l/g, "I")].map((reading) => reading.toUpperCase()))];
}

/** The text whole ("U S D C") and each of its words ("USDC.e", "USDC (verified)", "1000 SOL"). */
function parts(text: string): string[] {
  return [text, ...text.split(/[\p{Z}\p{P}\s]+/u).filter(Boolean)];
}

/** Trusted labels as they are meant to be read: "WLF" is not a reading of WIF, "WlF" is. */
const trustedBy = (labels: (token: TrustedToken) => string[]) =>
  new Map(TRUSTED_TOKENS.flatMap((token) => labels(token).map((label) => [folded(label).toUpperCase(), token] as const)));
const BY_TICKER = trustedBy((token) => [token.ticker]);
const BY_NAME = trustedBy((token) => token.names);

/**
 * The trusted ticker this token reads as without being it ("USDC" for a "USDС" or a "USD Coin" on a
 * mint that is not USDC's), if any. Names are compared whole: "Bonk Inu" is not Bonk.
 */
export function impersonatedTicker(mint: string, symbol: string, name = ""): string | undefined {
  const matches = [
    ...parts(symbol)
      .flatMap(readings)
      .map((reading) => BY_TICKER.get(reading)),
    ...readings(name).map((reading) => BY_NAME.get(reading)),
  ];
  return matches.find((token) => token !== undefined && token.mint !== mint)?.ticker;
}

/** Scripts whose letters pass for each other's; a ticker mixing them is built to deceive. */
const CONFUSABLE_SCRIPTS = [/\p{Script=Latin}/u, /\p{Script=Cyrillic}/u, /\p{Script=Greek}/u];

/** What is wrong with a ticker's spelling itself, whatever token it is: mixed alphabets, spaces. */
export function tickerProblems(symbol: string): string[] {
  const problems: string[] = [];
  const scripts = CONFUSABLE_SCRIPTS.filter((script) => script.test(symbol));
  if (scripts.length > 1)
    problems.push("Its ticker mixes Latin letters with Cyrillic or Greek lookalikes, to pass for another token's.");
  if (/[\p{Z}\s]/u.test(symbol))
    problems.push(`Its ticker "${symbol}" contains spaces, so an amount written beside it reads wrong.`);
  return problems;
}
