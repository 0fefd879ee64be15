import { describe, expect, it } from "vitest";
import { decimalTokenAmount } from "../../shared/primitives.ts";
import { describeClaimRules, escapeHtml } from "./public-page.ts";

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

  it("tells fans the creator's claim rules", () => {
    expect(describeClaimRules({ oncePerCreator: true, maxClaimsPerMinute: 120 })).toEqual([
      "One claim per X account and per wallet across this creator's giveaways",
      "At most 120 claims a minute",
    ]);
    expect(describeClaimRules({ oncePerCreator: false, maxClaimsPerMinute: null })).toEqual([]);
  });
});
