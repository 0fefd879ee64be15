import { describe, expect, it } from "vitest";
import { xPalettes } from "./mui-theme.ts";

/** WCAG 2 relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  const channels = [1, 3, 5].map((start) => Number.parseInt(hex.slice(start, start + 2), 16) / 255);
  const [red, green, blue] = channels.map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)) as [
    number,
    number,
    number,
  ];
  return 0.2126 * red + 0.7152 * green + 0.0722 * blue;
}

/** WCAG 2 contrast ratio between two #rrggbb colours, 1 to 21. */
function contrast(a: string, b: string): number {
  const [lighter, darker] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (lighter + 0.05) / (darker + 0.05);
}

describe("the overlay's colours in X's three themes", () => {
  it("computes contrast as WCAG defines it", () => {
    expect(contrast("#000000", "#ffffff")).toBeCloseTo(21, 5);
    expect(contrast("#777777", "#ffffff")).toBeCloseTo(4.48, 2);
    // X's own red on white, which the overlay no longer uses for text: below AA.
    expect(contrast("#f4212e", "#ffffff")).toBeLessThan(4.5);
  });

  for (const [theme, palette] of Object.entries(xPalettes)) {
    it(`keeps text, muted, error and success text at WCAG AA (4.5:1) on ${theme}'s background and cards`, () => {
      for (const surface of [palette.background, palette.paper]) {
        for (const ink of [palette.text, palette.secondary, palette.danger, palette.success]) {
          expect(contrast(ink, surface), `${ink} on ${surface}`).toBeGreaterThanOrEqual(4.5);
        }
      }
    });
  }
});
