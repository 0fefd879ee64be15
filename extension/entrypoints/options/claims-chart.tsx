/**
 * Claims per time bucket as a small bar chart in plain SVG. A chart library (recharts, chart.js)
 * would add 100–400 kB to a zip whose budget is 2 MB, for one chart of one series.
 */
export interface ChartPoint {
  bucketStart: string;
  claims: number;
}

const WIDTH = 480;
const HEIGHT = 120;
const AXIS = 18;

export function ClaimsChart({ points }: { points: ChartPoint[] }) {
  if (points.length === 0) return <p className="text-sm text-[#536471]">No claims yet.</p>;
  const max = Math.max(1, ...points.map((point) => point.claims));
  const slot = WIDTH / points.length;
  const barWidth = Math.max(2, slot * 0.7);
  const first = new Date(points[0]?.bucketStart ?? "");
  const last = new Date(points[points.length - 1]?.bucketStart ?? "");
  return (
    <svg
      viewBox={`0 0 ${WIDTH} ${HEIGHT + AXIS}`}
      className="w-full"
      role="img"
      aria-label={`claims over time, at most ${max} per bucket`}
    >
      {points.map((point, index) => {
        const height = (point.claims / max) * HEIGHT;
        return (
          <rect
            key={point.bucketStart}
            x={index * slot + (slot - barWidth) / 2}
            y={HEIGHT - height}
            width={barWidth}
            height={height}
            rx={2}
            fill="#1d9bf0"
          >
            <title>{`${new Date(point.bucketStart).toLocaleString()}: ${point.claims} claims`}</title>
          </rect>
        );
      })}
      <line x1={0} y1={HEIGHT} x2={WIDTH} y2={HEIGHT} stroke="#cfd9de" />
      <text x={0} y={HEIGHT + 14} fontSize={11} fill="#536471">
        {first.toLocaleDateString()}
      </text>
      <text x={WIDTH} y={HEIGHT + 14} fontSize={11} fill="#536471" textAnchor="end">
        {last.toLocaleDateString()}
      </text>
      <text x={WIDTH} y={11} fontSize={11} fill="#536471" textAnchor="end">
        max {max}/bucket
      </text>
    </svg>
  );
}
