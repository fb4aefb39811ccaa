// Pure helpers of the chart's time window: presets, pan and zoom steps, and the visible-range summary.
// Kept out of the component so the arithmetic (microseconds in, microseconds out) is easy to read and test.
import { formatUtc } from '../core/text';
import { isoFromMicros, nextMicros } from '../core/utc-micros';

/** A visible time window, UTC µs, half-open [start, end) like every range in the query layer. */
export type Range = [number, number];

const DAY = 86_400_000_000;
export const PRESETS: { key: string; label: string; us: number | null }[] = [
  { key: 'day', label: 'Day', us: DAY },
  { key: 'week', label: 'Week', us: 7 * DAY },
  { key: 'month', label: 'Month', us: 30 * DAY },
  { key: 'year', label: 'Year', us: 365 * DAY },
  { key: 'all', label: 'All', us: null },
];

/**
 * The whole extent as a half-open window: the extent is inclusive of the last reading. Past 2^53 µs (the years
 * 1 and 9999) `max + 1` would round back to `max`, so the end is the next number up (core/utc-micros.ts).
 */
export function allRange(extent: Range): Range {
  return [extent[0], nextMicros(extent[1])];
}

/** The preset's window, ending where the data ends (not at "now": a logger's last upload may be weeks old). */
export function presetRange(extent: Range, us: number | null): Range | null {
  if (us === null) return null;
  const end = allRange(extent)[1];
  return [Math.max(extent[0], end - us), end];
}

/** Shifts the window by `fraction` of its width, clamped so it never leaves the data entirely. */
export function panRange(r: Range, fraction: number, extent: Range): Range {
  const w = r[1] - r[0];
  let start = Math.round(r[0] + w * fraction);
  start = Math.min(Math.max(start, extent[0] - w / 2), extent[1] - w / 2);
  start = Math.round(start);
  return [start, start + w];
}

/** Zooms around the window's centre by `factor` (<1 in, >1 out); null once it covers the whole extent. */
export function zoomRange(r: Range, factor: number, extent: Range): Range | null {
  const mid = (r[0] + r[1]) / 2;
  const half = Math.max(1_000_000, ((r[1] - r[0]) * factor) / 2); // a second is the narrowest useful window
  const next: Range = [Math.round(mid - half), Math.round(mid + half)];
  return next[0] <= extent[0] && next[1] > extent[1] ? null : next;
}

/** A window from a brushed pixel selection, given its edges in seconds (uPlot's x unit). */
export function brushRange(fromSec: number, toSec: number): Range | null {
  const a = Math.round(Math.min(fromSec, toSec) * 1e6);
  const b = Math.round(Math.max(fromSec, toSec) * 1e6);
  return b - a >= 1_000_000 ? [a, b] : null; // a click, not a brush
}

/** Date's limit in seconds (±8.64e15 ms, the year ±275 760): uPlot's time axis formats its ticks through Date. */
const DATE_LIMIT_S = 8.64e12;
/** The mean Gregorian year in seconds (400 years are exactly 146 097 days). */
const YEAR_S = 31_556_952;
/** uPlot's time axis steps up to 100 years, so it has no ticks for longer spans than about this. */
const YEAR_AXIS_SPAN_S = 500 * YEAR_S;

/**
 * Whether the x axis counts years instead of using uPlot's time axis: for x (sorted seconds, uPlot's unit) or a
 * window that lies where Date cannot go (Spark's INT96 9089380393200000000 µs is the year 290000), or spans
 * more centuries than uPlot's time ticks reach (the years 1 to 9999 got no tick at all).
 */
export function yearAxis(xs: readonly ArrayLike<number>[], range: Range | null): boolean {
  let lo = Infinity;
  let hi = -Infinity;
  if (range) { lo = range[0] / 1e6; hi = range[1] / 1e6; } else {
    for (const x of xs) if (x.length) { lo = Math.min(lo, x[0]!); hi = Math.max(hi, x[x.length - 1]!); }
  }
  if (!(hi >= lo)) return false;
  return Math.abs(lo) > DATE_LIMIT_S || Math.abs(hi) > DATE_LIMIT_S || hi - lo > YEAR_AXIS_SPAN_S;
}

/** Tick steps of a year axis in seconds: 1, 2, 5 × 10^k mean years, up to int64's whole range. */
export const YEAR_INCRS: number[] = [1, 10, 100, 1e3, 1e4, 1e5, 1e6].flatMap((k) => [k, 2 * k, 5 * k].map((n) => n * YEAR_S));

/** Tick labels of a year axis: the UTC year of each x in seconds (steps of mean years land within a day of 1 January). */
export function yearTickLabels(splits: readonly number[]): string[] {
  return splits.map((s) => String(Number(/^[+-]?\d+/.exec(isoFromMicros(Math.round(s * 1e6), 0))![0])));
}

export interface ColumnStats { label: string; min: number; max: number; mean: number; points: number }

/** Min, max and mean of the plotted points: min and max are exact (M4 keeps each pixel's extremes), the mean is of points. */
export function stats(label: string, ys: ArrayLike<number | null>): ColumnStats | undefined {
  let min = Infinity, max = -Infinity, sum = 0, n = 0;
  for (let i = 0; i < ys.length; i++) {
    const v = ys[i];
    if (v === null || v === undefined || !Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    n++;
  }
  return n ? { label, min, max, mean: sum / n, points: n } : undefined;
}

export const num = (v: number) => (Number.isInteger(v) ? String(v) : v.toPrecision(4).replace(/\.?0+$/, '').replace(/\.?0+e/, 'e'));

/** A duration in words, coarse: what a person reads off a chart's window. */
export function spanText(us: number): string {
  const units: [number, string][] = [[365 * DAY, 'year'], [30 * DAY, 'month'], [7 * DAY, 'week'], [DAY, 'day'], [3_600_000_000, 'hour'], [60_000_000, 'minute']];
  for (const [u, name] of units) {
    const n = us / u;
    if (n >= 1) {
      const r = Math.round(n * 10) / 10;
      return `${num(r)} ${name}${r === 1 ? '' : 's'}`;
    }
  }
  return `${num(us / 1e6)} s`;
}

/** The caption screen readers hear after every redraw: window, then one sentence per column. */
export function summaryText(range: Range, cols: (ColumnStats | undefined)[], labels: string[]): string {
  const head = `Showing ${formatUtc(range[0])} to ${formatUtc(range[1])} UTC (${spanText(range[1] - range[0])}).`;
  const body = labels.map((l, i) => {
    const s = cols[i];
    return s ? `${l}: min ${num(s.min)}, max ${num(s.max)}, mean ${num(s.mean)}.` : `${l}: no data in this range.`;
  });
  return [head, ...body].join(' ');
}
