import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { ClaimsChart } from "./claims-chart.tsx";

function barHeights(markup: string): number[] {
  return [...markup.matchAll(/<rect [^>]*height="([\d.]+)"/g)].map((match) => Number(match[1]));
}

describe("claims-over-time chart", () => {
  it("draws one bar per bucket, scaled to the busiest bucket", () => {
    const markup = renderToStaticMarkup(
      <ClaimsChart
        points={[
          { bucketStart: "2026-11-20T10:00:00Z", claims: 2 },
          { bucketStart: "2026-11-20T11:00:00Z", claims: 8 },
          { bucketStart: "2026-11-20T12:00:00Z", claims: 0 },
          { bucketStart: "2026-11-20T13:00:00Z", claims: 4 },
        ]}
      />,
    );
    expect(barHeights(markup)).toEqual([30, 120, 0, 60]);
    expect(markup).toContain('aria-label="claims over time, at most 8 per bucket"');
    expect(markup).toContain("8 claims</title>");
  });

  it("says so when nobody has claimed yet", () => {
    expect(renderToStaticMarkup(<ClaimsChart points={[]} />)).toBe('<p class="text-sm text-[#536471]">No claims yet.</p>');
  });
});
