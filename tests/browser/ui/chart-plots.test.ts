// <series-chart>'s uPlot panels in real Chromium for x values past Date's range (Spark's INT96 year 290000).
import { afterEach, describe, expect, it } from 'vitest';
import { drawPlots, type TracePoints } from '../../../src/ui/chart-plots';

const host = document.createElement('div');
document.body.append(host);
afterEach(() => host.replaceChildren());

const trace = (x: number[], y: number[]): TracePoints => ({ trace: { path: '/s', column: 'v', label: 'v' }, x: Float64Array.from(x), y });
const opts = { width: 600, height: 200, combined: false, range: null, syncKey: 'test', onBrush: () => undefined };

/** The x axis' tick labels as uPlot formatted them for its last draw (its own record of them, `_values`). */
const xLabels = (u: unknown) => ((u as { axes: { _values?: (string | number)[] | null }[] }).axes[0]!._values ?? []).map(String);
/** uPlot draws in a microtask after construction; a frame later the axes are laid out. */
const drawn = () => new Promise<void>((ok) => requestAnimationFrame(() => ok()));

describe('chart x axis', () => {
  it('keeps uPlot\'s time axis for spans it can tick (here 1970-2069)', async () => {
    const [u] = drawPlots(host, [trace([0, 1e9, 3.1e9], [1, 2, 3])], opts);
    await drawn();
    expect(u!.scales.x!.time).toBe(true);
    expect(xLabels(u).length).toBeGreaterThan(1);
    expect(xLabels(u).every((l) => !/NaN|Invalid/.test(l))).toBe(true);
    u!.destroy();
  });

  it('ticks the years 1 to 9999 (where uPlot\'s time axis had no tick) with their years', async () => {
    const [u] = drawPlots(host, [trace([-62135596800, 0, 253402300799], [1, 2, 3])], opts);
    await drawn();
    expect(u!.scales.x!.time).toBe(false);
    const years = xLabels(u).map(Number);
    expect(years.length).toBeGreaterThan(2);
    for (const y of years) expect(Number.isInteger(y) && y >= 1 && y <= 9999, String(y)).toBe(true);
    u!.destroy();
  });

  it('ticks x values out to the year 290000 (past Date) with real years instead of NaN', async () => {
    const [u] = drawPlots(host, [trace([-62135596800, 253402300799, 9089380393200], [1, 2, 3])], opts);
    await drawn();
    expect(u!.scales.x!.time).toBe(false);
    const years = xLabels(u).map(Number);
    expect(years.length).toBeGreaterThan(2);
    for (const y of years) expect(Number.isInteger(y) && y >= 1 && y <= 290000, String(y)).toBe(true);
    expect(Math.max(...years)).toBeGreaterThan(100000);
    u!.destroy();
  });
});
