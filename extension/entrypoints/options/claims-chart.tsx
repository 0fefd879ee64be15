import type { ClaimsBucket } from "../../../shared/api/distributions.ts";

/**
 * Claims so far against a real time axis, from the giveaway's start to now (or its end), in plain SVG.
 * A step line reads as well with three claims (three steps, each dotted where it happened) as with
 * 10,000. A chart library (recharts, chart.js) would add 100–400 kB to a zip whose budget is 2 MB,
 * for one series.
 */
export interface ChartPoint {
  bucketStart: string;
  claims: number;
}

// Drawn about the size it is shown on the dashboard, so its 11-pixel labels stay 11 pixels.
const WIDTH = 960;
const HEIGHT = 180;
const LEFT = 40;
const BOTTOM = 22;
const TOP = 8;
const PLOT_WIDTH = WIDTH - LEFT - 8;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Tick spacings a person reads at a glance, smallest first. */
const TICK_STEPS = [
  MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
];
const BUCKET_MS: Record<ClaimsBucket, number> = { minute: MINUTE, hour: HOUR, day: DAY };

/** At most about six labelled ticks, on round times of the creator's clock. */
export function timeTicks(fromMs: number, toMs: number): number[] {
  const step = TICK_STEPS.find((candidate) => (toMs - fromMs) / candidate <= 6) ?? 14 * DAY;
  // Round in local time, so an hourly tick falls on the creator's hour, not UTC's.
  const offset = new Date(fromMs).getTimezoneOffset() * MINUTE;
  const ticks: number[] = [];
  for (let tick = Math.ceil((fromMs - offset) / step) * step + offset; tick <= toMs; tick += step) ticks.push(tick);
  return ticks;
}

/** 0 and up to five round counts up to the total. */
export function countTicks(total: number): number[] {
  if (total <= 4) return Array.from({ length: total + 1 }, (_, index) => index);
  const rough = total / 5;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((factor) => factor * magnitude).find((candidate) => candidate >= rough) ?? rough;
  const ticks: number[] = [];
  for (let tick = 0; tick <= total; tick += step) ticks.push(tick);
  return ticks;
}

function tickLabel(ms: number, spanMs: number): string {
  const date = new Date(ms);
  if (spanMs <= DAY) return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return spanMs <= 7 * DAY
    ? date.toLocaleString([], { weekday: "short", hour: "2-digit", minute: "2-digit" })
    : date.toLocaleDateString([], { month: "short", day: "numeric" });
}

export interface ClaimsChartProps {
  points: ChartPoint[];
  bucket: ClaimsBucket;
  /** The giveaway's start and end, Unix seconds. */
  startsAt: number;
  endsAt: number;
  /** Milliseconds since the epoch: the axis stops here while the giveaway runs. */
  now: number;
}

export function ClaimsChart({ points, bucket, startsAt, endsAt, now }: ClaimsChartProps) {
  const total = points.reduce((sum, point) => sum + point.claims, 0);
  if (total === 0) return <p className="text-sm text-[#536471]">No claims yet.</p>;
  const from = startsAt * 1000;
  const lastBucketEnd = Math.max(...points.map((point) => Date.parse(point.bucketStart))) + BUCKET_MS[bucket];
  // A claim's bucket may start before the giveaway (buckets are round) and end after now.
  const to = Math.max(Math.min(Math.max(now, from + MINUTE), endsAt * 1000), lastBucketEnd);
  const start = from;
  const span = to - start;
  const x = (ms: number) => LEFT + ((ms - start) / span) * PLOT_WIDTH;
  const y = (count: number) => TOP + (1 - count / total) * (HEIGHT - TOP);

  let soFar = 0;
  const steps = points.map((point) => {
    // Mid-bucket, kept inside the axis: the first bucket may start before the giveaway (buckets are round).
    const at = Math.min(to, Math.max(start, Date.parse(point.bucketStart) + BUCKET_MS[bucket] / 2));
    soFar += point.claims;
    return { at, soFar, point };
  });
  const path = [`M ${x(start)} ${y(0)}`];
  let previous = 0;
  for (const step of steps) {
    path.push(`L ${x(step.at)} ${y(previous)}`, `L ${x(step.at)} ${y(step.soFar)}`);
    previous = step.soFar;
  }
  path.push(`L ${x(to)} ${y(total)}`);
  const line = path.join(" ");

  return (
    <svg
      viewBox={`0 0 ${WIDTH} ${HEIGHT + BOTTOM}`}
      className="w-full"
      role="img"
      aria-label={`${total} claims so far, from ${new Date(start).toLocaleString()} to ${new Date(to).toLocaleString()}`}
      data-testid="claims-chart"
    >
      {countTicks(total).map((count) => (
        <g key={`y${count}`}>
          <line x1={LEFT} x2={WIDTH - 8} y1={y(count)} y2={y(count)} stroke="#cfd9de" strokeOpacity={0.5} />
          <text x={LEFT - 6} y={y(count) + 4} fontSize={11} fill="#536471" textAnchor="end">
            {count.toLocaleString()}
          </text>
        </g>
      ))}
      {timeTicks(start, to).map((tick) => (
        <g key={`x${tick}`}>
          <line x1={x(tick)} x2={x(tick)} y1={HEIGHT} y2={HEIGHT + 4} stroke="#536471" />
          <text
            x={x(tick)}
            y={HEIGHT + 17}
            fontSize={11}
            fill="#536471"
            textAnchor={x(tick) > WIDTH - 40 ? "end" : x(tick) < LEFT + 30 ? "start" : "middle"}
            data-testid="time-tick"
          >
            {tickLabel(tick, span)}
          </text>
        </g>
      ))}
      <line x1={LEFT} x2={WIDTH - 8} y1={HEIGHT} y2={HEIGHT} stroke="#536471" />
      <path d={`${line} L ${x(to)} ${y(0)} Z`} fill="#1d9bf0" fillOpacity={0.12} />
      <path d={line} fill="none" stroke="#1d9bf0" strokeWidth={2} />
      {/* Beyond a hundred points the line says it all; dots would only blur it. */}
      {(steps.length <= 100 ? steps : []).map((step) => (
        <circle key={step.point.bucketStart} cx={x(step.at)} cy={y(step.soFar)} r={3} fill="#1d9bf0">
          <title>{`${new Date(Date.parse(step.point.bucketStart)).toLocaleString()}: ${step.point.claims} ${step.point.claims === 1 ? "claim" : "claims"}, ${step.soFar} so far`}</title>
        </circle>
      ))}
    </svg>
  );
}
