// Builds the uPlot instances of <series-chart> from fetched points: one panel per trace (small multiples, the
// default: field parameters differ by orders of magnitude, so on one axis the small ones would be flat lines),
// or every trace on one panel with its own y scale. uPlot's own zoom is off: a brush reports its window to the
// component, which fetches fresh M4 points for it, so a zoomed view is never a stretched low-resolution one.
import uPlot from 'uplot';
import { YEAR_INCRS, yearAxis, yearTickLabels, type Range } from './chart-range';

export const PALETTE = ['#0b6e99', '#d9480f', '#2b8a3e', '#862e9c', '#c92a2a', '#5c940d', '#e67700', '#364fc7'];

/** One line: a column of a pond file. */
export interface Trace { path: string; column: string; label: string }
export interface TracePoints { trace: Trace; x: Float64Array; y: (number | null)[] }

export interface DrawOptions {
  width: number;
  height: number;
  combined: boolean;
  /** The window to show; null lets uPlot fit the data (the "all" view). */
  range: Range | null;
  syncKey: string;
  onBrush: (fromSec: number, toSec: number) => void;
}

/** Replaces the contents of `host` with fresh charts; returns them so the caller can resize and destroy them. */
export function drawPlots(host: HTMLElement, traces: TracePoints[], o: DrawOptions): uPlot[] {
  host.replaceChildren();
  if (traces.length === 0) return [];
  const dark = matchMedia('(prefers-color-scheme: dark)').matches;
  const axis: uPlot.Axis = { stroke: dark ? '#e4ebf0' : '#14202b', grid: { stroke: dark ? '#2c3a45' : '#e3e8ec' }, ticks: { show: false } };
  // Past Date's range, or over more centuries than uPlot's time ticks reach, the x scale is plain seconds with
  // ticks every 1, 2 or 5 × 10^k years, labelled with their years (utc-micros.ts).
  const timeScale = !yearAxis(traces.map((t) => t.x), o.range);
  const xAxis: uPlot.Axis = timeScale ? axis : { ...axis, incrs: YEAR_INCRS, values: (_u, splits) => yearTickLabels(splits) };
  const base = (title: string | undefined): uPlot.Options => ({
    width: Math.max(200, o.width), height: o.height, ...(title ? { title } : {}),
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'), // UTC like every other time in the UI
    // Brush selects along x only; the selection is handed to the component instead of zooming the scale here.
    // uPlot's double-click would reset to its own data range: the component resets to "all" instead.
    cursor: { sync: { key: o.syncKey }, drag: { x: true, y: false, setScale: false }, bind: { dblclick: () => null } },
    legend: { show: false },
    scales: { x: { time: timeScale, ...(o.range ? { range: (): uPlot.Range.MinMax => [o.range![0] / 1e6, o.range![1] / 1e6] } : {}) } },
    series: [{}],
    axes: [xAxis],
    hooks: {
      setSelect: [(u) => {
        const { left, width } = u.select;
        if (width < 3) return;
        const from = u.posToVal(left, 'x');
        const to = u.posToVal(left + width, 'x');
        u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
        o.onBrush(from, to);
      }],
    },
  });

  const panel = (name: string): HTMLDivElement => {
    const div = document.createElement('div');
    div.className = 'plot';
    div.dataset.column = name;
    host.append(div);
    return div;
  };

  if (!o.combined) {
    return traces.map((t, i) => {
      const opts = base(t.trace.label);
      opts.series.push({ label: t.trace.label, stroke: PALETTE[i % PALETTE.length], width: 1.5, spanGaps: false });
      opts.axes!.push({ ...axis, size: 56 });
      return new uPlot(opts, [t.x, t.y] as unknown as uPlot.AlignedData, panel(t.trace.label));
    });
  }

  // One panel: every trace on its own y scale (an axis left for the first, right for the second; more would
  // crowd a tablet), and the x values of different files merged by uPlot.join.
  const opts = base(undefined);
  traces.forEach((t, i) => {
    const scale = `y${i}`;
    opts.scales![scale] = {};
    opts.series.push({ label: t.trace.label, stroke: PALETTE[i % PALETTE.length], width: 1.5, scale, spanGaps: true });
    opts.axes!.push({ ...axis, scale, size: 56, show: i < 2, side: i === 1 ? 1 : 3, stroke: PALETTE[i % PALETTE.length] });
  });
  opts.legend = { show: true, live: false };
  const data = traces.length === 1
    ? ([traces[0]!.x, traces[0]!.y] as unknown as uPlot.AlignedData)
    : uPlot.join(traces.map((t) => [t.x, t.y] as unknown as uPlot.AlignedData));
  return [new uPlot(opts, data, panel(traces.map((t) => t.trace.label).join(', ')))];
}
