// The floor of ui/first-chart-offline (bench/ui.bench.mjs): the least a page can do to show the demo series' chart
// after a cold start — start a worker, which reads the stored Parquet from OPFS, decodes it with parquet-wasm and M4s
// it with the app's own code; then draw the points with the app's own uPlot set-up. Nothing else: no pond, no tree,
// no framework. Built by the UI benchmark beside the app (vite.config.ts here), started offline from its own
// service worker (public/sw.js, which the benchmark registers) as the app is from its precache.
import uPlot from 'uplot';
import uplotCss from 'uplot/dist/uPlot.min.css?inline';
import { drawPlots, type TracePoints } from '../../src/ui/chart-plots';
import type { BareChartAnswer } from './worker';

declare global {
  interface Window { bareChart?: { drawnAt: number; points: number } | { error: string } }
}

const style = document.createElement('style');
style.textContent = uplotCss;
document.head.append(style);
void uPlot; // drawPlots draws with it; imported here so the page's one chunk carries it, as the app's chart does

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
worker.onmessage = (e: MessageEvent<BareChartAnswer>) => {
  const a = e.data;
  if ('error' in a) return void (window.bareChart = { error: a.error });
  const traces: TracePoints[] = a.columns.map((column) => ({ trace: { path: 'demo', column, label: column }, x: a.x, y: a.y[column]! }));
  drawPlots(document.getElementById('plots')!, traces, { width: 900, height: 150, combined: false, range: null, syncKey: 'bare', onBrush: () => undefined });
  requestAnimationFrame(() => { window.bareChart = { drawnAt: performance.now(), points: a.x.length }; });
};
