// Starts the query engine (DuckDB, in the pond worker) once the first screen is drawn: the tree, the details and
// the charts of stored series need none of it, and its start (worker, 34 MB of wasm, open: 0.8-2.6 s on a 2-core
// tablet-class machine) would only slow that first screen down. Started then, a first SQL or CSV import a few
// seconds later finds it ready instead of waiting for the whole start.
import type { PondRemote } from './pond-client';

/** The event <series-chart> sends (bubbling out of shadow roots) each time it has drawn. */
export const CHART_DRAWN = 'chart-drawn';

/**
 * After start-up (`booted`), waits for the first chart to be drawn, or `noChartMs` when none is on the way, then for
 * the main thread to be idle, and asks the worker to start DuckDB. Once per call; a failure is the worker's to
 * report when DuckDB is needed (startQueryEngine never rejects for a failed start).
 */
export function warmUpAfterFirstScreen(host: EventTarget, api: PondRemote, booted: Promise<unknown>, noChartMs = 1500): void {
  const drawn = new Promise<void>((resolve) => host.addEventListener(CHART_DRAWN, () => resolve(), { once: true }));
  // A start-up that failed still leaves SQL and imports to come: warm up all the same.
  const afterBoot = booted.catch(() => undefined).then(() => new Promise<void>((resolve) => setTimeout(resolve, noChartMs)));
  void Promise.race([drawn, afterBoot])
    .then(() => new Promise<void>((resolve) => (typeof requestIdleCallback === 'function' ? requestIdleCallback(() => resolve(), { timeout: 1000 }) : setTimeout(resolve, 0))))
    .then(() => api.startQueryEngine())
    .catch(() => undefined); // the worker gone (tab closing): nothing to warm
}
