/** One point of a series: x is an ISO date (or month "YYYY-MM"), y a value already rounded for display. */
export interface Point {
  readonly x: string;
  readonly y: number;
}

const WIDTH = 560;
const HEIGHT = 200;
const PAD = { left: 56, right: 16, top: 12, bottom: 28 };

/**
 * A small line chart in plain SVG (no chart library: one series, a time axis and a value axis
 * are all the app draws). Labelled for screen readers; the same numbers are in a table next to it.
 */
export function LineChart({ title, unit, points }: { title: string; unit?: string; points: readonly Point[] }) {
  const sorted = [...points].sort((a, b) => a.x.localeCompare(b.x));
  const times = sorted.map((p) => Date.parse(p.x.length === 7 ? `${p.x}-01` : p.x));
  const ys = sorted.map((p) => p.y);
  const [tMin, tMax] = [Math.min(...times), Math.max(...times)];
  let [yMin, yMax] = [Math.min(...ys), Math.max(...ys)];
  if (yMin === yMax) [yMin, yMax] = [yMin - 1, yMax + 1];
  const x = (t: number) => PAD.left + (tMax === tMin ? 0.5 : (t - tMin) / (tMax - tMin)) * (WIDTH - PAD.left - PAD.right);
  const y = (v: number) => HEIGHT - PAD.bottom - ((v - yMin) / (yMax - yMin)) * (HEIGHT - PAD.top - PAD.bottom);
  const path = sorted.map((p, i) => `${i ? 'L' : 'M'}${x(times[i]).toFixed(1)},${y(p.y).toFixed(1)}`).join(' ');
  const label = `${title}${unit ? ` (${unit})` : ''}: ${sorted.length} points from ${sorted[0]?.x ?? '-'} to ${sorted.at(-1)?.x ?? '-'}, between ${Math.min(...ys)} and ${Math.max(...ys)}`;
  if (sorted.length === 0) return null;
  return (
    <figure className="mt-3">
      <figcaption className="text-sm font-semibold text-slate-800">
        {title}
        {unit ? <span className="font-normal text-slate-700"> ({unit})</span> : null}
      </figcaption>
      <svg role="img" aria-label={label} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} className="w-full max-w-xl text-slate-800">
        <title>{label}</title>
        <line x1={PAD.left} x2={WIDTH - PAD.right} y1={HEIGHT - PAD.bottom} y2={HEIGHT - PAD.bottom} stroke="currentColor" />
        <line x1={PAD.left} x2={PAD.left} y1={PAD.top} y2={HEIGHT - PAD.bottom} stroke="currentColor" />
        <text x={PAD.left - 6} y={y(yMax) + 4} textAnchor="end" fontSize="11" fill="currentColor">{yMax.toLocaleString('en-US', { maximumFractionDigits: 2 })}</text>
        <text x={PAD.left - 6} y={y(yMin) + 4} textAnchor="end" fontSize="11" fill="currentColor">{yMin.toLocaleString('en-US', { maximumFractionDigits: 2 })}</text>
        <text x={PAD.left} y={HEIGHT - 8} fontSize="11" fill="currentColor">{sorted[0].x.slice(0, 10)}</text>
        <text x={WIDTH - PAD.right} y={HEIGHT - 8} textAnchor="end" fontSize="11" fill="currentColor">{sorted.at(-1)!.x.slice(0, 10)}</text>
        <path d={path} fill="none" stroke="#1d4ed8" strokeWidth="2" />
        {sorted.map((p, i) => (
          <circle key={i} cx={x(times[i])} cy={y(p.y)} r="3" fill="#1d4ed8" />
        ))}
      </svg>
    </figure>
  );
}
