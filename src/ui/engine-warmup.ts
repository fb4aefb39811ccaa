// Starts the query engine (DuckDB, in the pond worker) once the first screen is drawn: the tree, the details and
// the charts of stored series need none of it, and its start (worker, 34 MB of wasm, open: 0.8-2.6 s on a 2-core
// tablet-class machine) would only slow that first screen down. Started then, a first SQL or CSV import a few
// seconds later finds it ready instead of waiting for the whole start.
import type { StartChart } from '../api/pond-api';
import type { PondRemote } from './pond-client';

/** The event <series-chart> sends (bubbling out of shadow roots) each time it has drawn. */
export const CHART_DRAWN = 'chart-drawn';

/** CHART_DRAWN's detail when the chart shows its default view (a series' first columns over its whole span). */
export type ChartDrawn = StartChart;

/**
 * After start-up (`booted`), once the first screen is drawn — the first chart, when `chartComing()` says one is on
 * the way (a series or table is selected), else the tree itself — and the main thread is idle, asks the worker to
 * start DuckDB. A chart that never draws (an error) stops the wait after `chartCapMs`. A failed start is the
 * worker's to report when DuckDB is needed (startQueryEngine never rejects for it).
 */
export function warmUpAfterFirstScreen(host: EventTarget, api: PondRemote, booted: Promise<unknown>, chartComing: () => boolean, chartCapMs = 3000): void {
  const drawn = new Promise<void>((resolve) => host.addEventListener(CHART_DRAWN, () => resolve(), { once: true }));
  const firstScreen = booted
    .catch(() => undefined) // a start-up that failed still leaves SQL and imports to come: warm up all the same
    .then(() => (chartComing() ? Promise.race([drawn, new Promise<void>((resolve) => setTimeout(resolve, chartCapMs))]) : undefined));
  void firstScreen
    .then(() => new Promise<void>((resolve) => (typeof requestIdleCallback === 'function' ? requestIdleCallback(() => resolve(), { timeout: 500 }) : setTimeout(resolve, 0))))
    .then(() => api.startQueryEngine())
    .catch(() => undefined); // the worker gone (tab closing): nothing to warm
}
