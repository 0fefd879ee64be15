import { describe, expect, it } from "vitest";
import type { Distribution } from "../../shared/api/distributions.ts";
import { decimalTokenAmount } from "../../shared/primitives.ts";
import { chainToken } from "../../shared/tokens/testing/token-fixtures.ts";
import { escapeHtml, renderClaimPage } from "./claim-page-html.ts";
import { describeClaimRules, summarize } from "./giveaway-summary.ts";
import { claimPageDataSchema } from "./page-data.ts";

describe("public page helpers", () => {
  it("writes raw units as exact decimal amounts", () => {
    expect(decimalTokenAmount(2_500_000n, 6)).toBe("2.5");
    expect(decimalTokenAmount(5n, 6)).toBe("0.000005");
    expect(decimalTokenAmount(1_000_000n, 6)).toBe("1");
    expect(decimalTokenAmount(18_446_744_073_709_551_615n, 9)).toBe("18446744073.709551615");
    expect(decimalTokenAmount(42n, 0)).toBe("42");
  });

  it("escapes every character that could open markup or an attribute", () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe("&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  });

  it("keeps creator-chosen text inert in the markup and in the page's data, and says sold out", () => {
    const distribution: Distribution = {
      address: "7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU",
      postId: "1841842569182929401",
      creator: "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM",
      creatorXUserId: "1001",
      mint: "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263",
      token: { ...chainToken("DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263", 5), symbol: "BONK" },
      amountPerClaim: 150_000n,
      maxClaims: 100,
      claimedCount: 12,
      remaining: 88,
      startsAt: 1_000,
      endsAt: 9_000,
      paused: false,
      closed: false,
      verifierChanged: false,
      tokenAccountsCovered: 0,
      requirements: [{ type: "reply", mustContain: "</script><script>alert(1)</script>" }],
      claimRules: { oncePerCreator: false, maxClaimsPerMinute: null },
      feeBudgetLamports: 440_000n,
      feePerClaimLamports: 5_000n,
      link: "https://memefans.test/d/7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU",
    };
    const token = {
      mint: distribution.mint,
      verified: true,
      tokenProgram: "spl-token" as const,
      decimals: 5,
      name: "Bonk <b>",
      symbol: "BONK",
      metadataSource: "metaplex" as const,
      logoUrl: "https://memefans.test/tokens/DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263/logo",
      freezeAuthority: null,
      mintAuthority: null,
      impersonates: null,
      giveawayRefusal: null,
    };
    const creator = { id: "1001", username: "memecreator", name: "Meme <Creator>" };
    const input = (remaining: number) => ({
      distribution: { ...distribution, remaining },
      summary: summarize({ ...distribution, remaining, token }, creator, 2_000),
      publicUrl: "https://memefans.test",
      explorerQuery: "",
      extensionUrl: undefined,
      assets: { script: "/d/assets/a.js", style: "/d/assets/a.css" },
    });
    const page = renderClaimPage(input(88));
    expect(page).toContain("<h1>1.5 BONK</h1>");
    expect(page).toContain("Meme &lt;Creator&gt;");
    expect(page).toContain("Bonk &lt;b&gt;");
    expect(page).not.toContain("<script>alert(1)");
    const data = /<script type="application\/json" id="giveaway">(.*)<\/script>/.exec(page)?.[1] ?? "";
    const parsed = claimPageDataSchema.parse(JSON.parse(data));
    expect(parsed.requirements[0]?.text).toBe("Reply to the post with “</script><script>alert(1)</script>”");
    expect(page).toContain('src="/tokens/DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263/logo"');
    // Its fee budget opens no more token accounts, and the page says so before a fan claims.
    expect(page).toContain("a wallet without a BONK account opens its own first");
    expect(renderClaimPage(input(0))).toContain('<dd id="slots" aria-live="polite">All claimed</dd>');
  });

  it("lists the creator's claim rules and the token's risks beside the requirements", () => {
    expect(describeClaimRules({ oncePerCreator: true, maxClaimsPerMinute: 120 })).toEqual([
      "One claim per X account and per wallet across this creator's giveaways",
      "At most 120 claims a minute",
    ]);
    expect(describeClaimRules({ oncePerCreator: false, maxClaimsPerMinute: null })).toEqual([]);
    const mint = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v".replace("EPjF", "Fake");
    const summary = summarize(
      {
        ...distributionForRules(),
        claimRules: { oncePerCreator: true, maxClaimsPerMinute: 60 },
        token: { ...chainToken(mint, 6), symbol: "USDC", impersonates: "USDC", freezeAuthority: mint },
      },
      undefined,
      2_000,
    );
    // This budget still opens token accounts (10), so nothing is said of them.
    expect(summary.claimRules).toEqual([
      "One claim per X account and per wallet across this creator's giveaways",
      "At most 60 claims a minute",
    ]);
    expect(summary.tokenRisks).toEqual([
      "Calls itself USDC but is not the real USDC: check the mint address.",
      "Its issuer can freeze any account of this token: yours, or a giveaway's escrow, which would stop its payouts.",
    ]);
  });
});

function distributionForRules(): Distribution {
  return {
    address: "7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU",
    postId: "1841842569182929401",
    creator: "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM",
    creatorXUserId: "1001",
    mint: "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263",
    token: chainToken("DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263", 5),
    amountPerClaim: 150_000n,
    maxClaims: 100,
    claimedCount: 0,
    remaining: 100,
    startsAt: 1_000,
    endsAt: 9_000,
    paused: false,
    closed: false,
    verifierChanged: false,
    tokenAccountsCovered: 10,
    requirements: [],
    claimRules: { oncePerCreator: false, maxClaimsPerMinute: null },
    feeBudgetLamports: 440_000n,
    feePerClaimLamports: 5_000n,
    link: "https://memefans.test/d/7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU",
  };
}
