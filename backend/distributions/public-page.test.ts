import { describe, expect, it } from "vitest";
import type { Distribution } from "../../shared/api/distributions.ts";
import { unknownToken } from "../../shared/api/tokens.ts";
import { decimalTokenAmount } from "../../shared/primitives.ts";
import { describeClaimRules, escapeHtml, renderDistributionPage } from "./public-page.ts";

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

  it("tells people a giveaway pays only token-account holders, or was moved to another verifier", () => {
    const distribution: Distribution = {
      address: "7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU",
      postId: "1841842569182929401",
      creator: "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM",
      creatorXUserId: "1001",
      mint: "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263",
      token: {
        ...unknownToken("DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263", 5),
        name: "Bonk",
        symbol: "BONK",
        freezeAuthority: "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM",
      },
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
      requirements: [],
      claimRules: { oncePerCreator: false, maxClaimsPerMinute: null },
      feeBudgetLamports: 440_000n,
      feePerClaimLamports: 5_000n,
      link: "https://memefans.test/d/7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU",
    };
    const holdersOnly = renderDistributionPage(distribution, 2_000);
    expect(holdersOnly).toContain("1.5 $BONK for each fan");
    expect(holdersOnly).toContain("Bonk ($BONK)");
    expect(holdersOnly).toContain("Its issuer can freeze token accounts");
    expect(renderDistributionPage({ ...distribution, token: unknownToken(distribution.mint, 5) }, 2_000)).toContain(
      "1.5 DezX…B263 for each fan",
    );
    expect(holdersOnly).toContain("<dd>Open</dd>");
    expect(holdersOnly).toContain("Only fans who already hold a token account for this token");
    expect(renderDistributionPage({ ...distribution, tokenAccountsCovered: 3 }, 2_000)).not.toContain("Who is paid");
    expect(renderDistributionPage({ ...distribution, verifierChanged: true }, 2_000)).toContain(
      "Moved by its creator to another verifier: MEMEFANS can no longer pay its claims",
    );
  });

  it("tells fans the creator's claim rules", () => {
    expect(describeClaimRules({ oncePerCreator: true, maxClaimsPerMinute: 120 })).toEqual([
      "One claim per X account and per wallet across this creator's giveaways",
      "At most 120 claims a minute",
    ]);
    expect(describeClaimRules({ oncePerCreator: false, maxClaimsPerMinute: null })).toEqual([]);
  });
});
