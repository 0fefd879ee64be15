import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { ClaimsChart, countTicks, timeTicks } from "./claims-chart.tsx";

const MINUTE = 60_000;
const START = Date.parse("2026-12-05T10:00:00Z");

const circles = (markup: string) =>
  [...markup.matchAll(/<circle [^>]*cx="([\d.]+)" cy="([\d.]+)"/g)].map((match) => [Number(match[1]), Number(match[2])]);
const tickLabels = (markup: string) => [...markup.matchAll(/data-testid="time-tick">([^<]+)</g)].map((match) => match[1]);

describe("claims-over-time chart", () => {
  it("reads with three claims: one dot per claim's minute, rising one step each, on a time axis from the start to now", () => {
    const markup = renderToStaticMarkup(
      <ClaimsChart
        points={[
          { bucketStart: new Date(START + 2 * MINUTE).toISOString(), claims: 1 },
          { bucketStart: new Date(START + 3 * MINUTE).toISOString(), claims: 1 },
          { bucketStart: new Date(START + 20 * MINUTE).toISOString(), claims: 1 },
        ]}
        bucket="minute"
        startsAt={START / 1000}
        endsAt={START / 1000 + 3600}
        now={START + 30 * MINUTE}
      />,
    );
    const dots = circles(markup);
    expect(dots).toHaveLength(3);
    // Left to right in time, each one claim higher; the third far to the right of the first two, as 17 minutes are.
    const [first, second, third] = dots as [number[], number[], number[]];
    expect(first[0]).toBeLessThan(second[0] ?? 0);
    expect((third[0] ?? 0) - (second[0] ?? 0)).toBeGreaterThan(10 * ((second[0] ?? 0) - (first[0] ?? 0)));
    expect(first[1]).toBeGreaterThan(second[1] ?? 0);
    expect(second[1]).toBeGreaterThan(third[1] ?? 0);
    expect(markup).toContain("1 claim, 3 so far</title>");
    // Half an hour of axis: ticks every 5 or 10 minutes, labelled as clock times.
    const labels = tickLabels(markup);
    expect(labels.length).toBeGreaterThanOrEqual(3);
    expect(labels.length).toBeLessThanOrEqual(7);
    for (const label of labels) expect(label).toMatch(/\d{1,2}:\d{2}/);
    expect(markup).toMatch(/aria-label="3 claims so far, from /);
  });

  it("draws 10,000 claims as a line with round counts, without a dot per hour", () => {
    const points = Array.from({ length: 7 * 24 }, (_, hour) => ({
      bucketStart: new Date(START + hour * 60 * MINUTE).toISOString(),
      claims: hour < 100 ? 100 : 0,
    }));
    const markup = renderToStaticMarkup(
      <ClaimsChart
        points={points}
        bucket="hour"
        startsAt={START / 1000}
        endsAt={START / 1000 + 7 * 86_400}
        now={START + 8 * 86_400_000}
      />,
    );
    expect(circles(markup)).toEqual([]);
    expect(markup).toContain(">10,000</text>");
    expect(markup).toContain(">0</text>");
    expect(markup).toMatch(/aria-label="10000 claims so far/);
  });

  it("says so when nobody has claimed yet", () => {
    expect(
      renderToStaticMarkup(
        <ClaimsChart points={[]} bucket="hour" startsAt={START / 1000} endsAt={START / 1000 + 3600} now={START} />,
      ),
    ).toBe('<p class="text-sm text-[#536471]">No claims yet.</p>');
  });

  it("puts at most about six ticks on round times and round counts", () => {
    const ticks = timeTicks(START + 7 * MINUTE, START + 7 * MINUTE + 3 * 3_600_000);
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(ticks.length).toBeLessThanOrEqual(7);
    for (const tick of ticks) expect(new Date(tick).getMinutes() % 30).toBe(0);
    expect(countTicks(3)).toEqual([0, 1, 2, 3]);
    expect(countTicks(37)).toEqual([0, 10, 20, 30]);
    expect(countTicks(10_000)).toEqual([0, 2_000, 4_000, 6_000, 8_000, 10_000]);
  });
});
