// UI benchmarks: what a person waits for, measured in the BUILT app (vite build + vite preview on a free
// 127.0.0.1 port) with Playwright, because bench/*.bench.ts run inside a worker and cannot see the page.
// Run by tools/bench.mjs when a filter starts with `ui` (`npm run bench -- ui/`). Each figure has a baseline
// from the same page load or the same run:
//   ui/first-visit-chart        first visit: demo pond created, its series selected and charted (baseline: `load`)
//   ui/start-{online,offline}-tree   a later visit: tree interactive (baseline: the same load's `load` event)
//   ui/start-{online,offline}-chart  … and the demo series charted, its folders clicked open as soon as they appear
//   ui/zoom-10M                 a zoom/pan click to the redrawn chart on a 10 000 000-row series (baseline: the
//                               `api.plot` call alone for the same window and width, from the page)
// Offline: a second profile with the service worker allowed, one online visit until "Ready to work offline",
// then the browser context is set offline. Times are from navigation start (performance.now() of the page).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as netServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preview } from 'vite';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../tools/chromium.mjs';

const GOALS = { tree: 1000, chart: 3000, zoom: 100 };

/** Walks every open shadow root (the app is Lit components all the way down); installed in each page. */
function installDeep() {
  window.__deep = (selector) => {
    const stack = [document];
    while (stack.length) {
      const root = stack.pop();
      const hit = root.querySelector(selector);
      if (hit) return hit;
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot) stack.push(el.shadowRoot);
    }
    return null;
  };
}

/** In the page: waits for the tree, opens the demo series' folders as they appear, waits for its chart. */
async function coldStart() {
  const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
  const until = async (f) => { for (;;) { const v = f(); if (v) return v; await frame(); } };
  const root = await until(() => window.__deep('li[data-path="/sensors"]'));
  const tree = performance.now();
  for (const path of ['/sensors', '/sensors/lake-station']) {
    const li = await until(() => window.__deep(`li[data-path="${path}"]`));
    if (li.getAttribute('aria-expanded') !== 'true') li.click();
  }
  void root;
  (await until(() => window.__deep('li[data-path="/sensors/lake-station/water.series"]'))).click();
  await until(() => window.__deep('series-chart[data-plots]'));
  await frame();
  const chart = performance.now();
  const nav = performance.getEntriesByType('navigation')[0];
  await until(() => nav.loadEventEnd > 0);
  return { tree, chart, load: nav.loadEventEnd };
}

/** In the page: clicks a chart button and times it to the frame after the redraw; returns the drawn window. */
async function chartAction(label) {
  const chart = window.__deep('series-chart');
  const before = chart.dataset.plots;
  const button = [...chart.shadowRoot.querySelectorAll('button')].find((b) => (b.getAttribute('aria-label') ?? b.textContent.trim()) === label);
  const t0 = performance.now();
  const done = new Promise((resolve, reject) => {
    setTimeout(() => reject(new Error(`"${label}" did not redraw the chart within 20 s`)), 20_000);
    const mo = new MutationObserver(() => { if (chart.dataset.plots !== before) { mo.disconnect(); resolve(); } });
    mo.observe(chart, { attributes: true, attributeFilter: ['data-plots'] });
  });
  button.click();
  await done;
  await new Promise((r) => requestAnimationFrame(() => r()));
  return { ms: performance.now() - t0, range: chart.dataset.range, width: Math.floor(chart.getBoundingClientRect().width) };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };
const freePort = () => new Promise((resolve) => { const s = netServer(); s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); }); });

/** Builds, serves and measures; returns outcomes in the shape tools/bench.mjs prints. */
export async function runUiBenchmarks({ root, filters, quick, log = console.log }) {
  const want = (name) => filters.some((f) => name.startsWith(f));
  const wantGroup = (prefix) => filters.some((f) => prefix.startsWith(f) || f.startsWith(prefix));
  const outDir = 'dist-bench-ui';
  log('> building the app (vite build)…');
  const built = spawnSync('npx', ['vite', 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('vite build failed');
  const port = await freePort();
  const server = await preview({ root, configFile: join(root, 'vite.config.ts'), logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port, strictPort: true } });
  const url = `http://127.0.0.1:${port}/`;
  const executablePath = await findChromium();
  const repeats = quick ? 1 : 3;
  const outcomes = [];
  const profiles = [];
  const launch = async (serviceWorkers) => {
    const dir = mkdtempSync(join(tmpdir(), 'duckpond-ui-bench-'));
    profiles.push(dir);
    const ctx = await chromium.launchPersistentContext(dir, { executablePath, args: CHROMIUM_ARGS, headless: true, serviceWorkers, viewport: { width: 1280, height: 800 } });
    await ctx.addInitScript(installDeep);
    return ctx;
  };
  const visit = async (ctx) => {
    for (const p of ctx.pages()) await p.close(); // one tab at a time: a second would be read-only
    const page = await ctx.newPage();
    await page.bringToFront(); // a background tab gets no animation frames
    page.on('pageerror', (e) => log(`  page error: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error' || m.text().startsWith('  version')) log(`  console: ${m.text()}`); });
    await page.goto(url, { waitUntil: 'commit' });
    return { page, t: await page.evaluate(coldStart) };
  };
  const add = (name, goal, figure, baseline, baselineLabel, notes, goalMs) => outcomes.push({
    name, goal, met: figure < goalMs,
    result: { figure, unit: 'ms', baseline, baselineLabel, ratio: figure / baseline, notes },
  });
  const starts = async (ctx, kind) => {
    const runs = [];
    for (let i = 0; i < repeats; i++) {
      runs.push((await visit(ctx)).t);
      log(`  ${kind} start: tree ${Math.round(runs[i].tree)} ms, chart ${Math.round(runs[i].chart)} ms, load ${Math.round(runs[i].load)} ms`);
    }
    const tree = median(runs.map((r) => r.tree)), chart = median(runs.map((r) => r.chart)), load = median(runs.map((r) => r.load));
    const all = (k) => runs.map((r) => Math.round(r[k])).join(', ');
    if (want(`ui/start-${kind}-tree`)) add(`ui/start-${kind}-tree`, 'tree < 1 s', tree, load, 'load event', `median of ${repeats} loads; tree ${all('tree')} ms, load ${all('load')} ms`, GOALS.tree);
    if (want(`ui/start-${kind}-chart`)) add(`ui/start-${kind}-chart`, 'first chart < 3 s', chart, load, 'load event', `median of ${repeats}; chart ${all('chart')} ms (folders opened by script as soon as shown)`, GOALS.chart);
  };

  try {
    // Online (no service worker): the first visit makes the demo pond, later visits reopen it.
    const online = await launch('block');
    for (const p of online.pages()) await p.close();
    const first = await online.newPage();
    await first.bringToFront();
    first.on('console', (m) => { if (m.type() === 'error') log(`  console: ${m.text()}`); });
    await first.goto(url, { waitUntil: 'commit' });
    const t = await first.evaluate(async () => {
      const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
      while (!window.__deep('series-chart[data-plots]')) await frame();
      await frame();
      const chart = performance.now();
      const nav = performance.getEntriesByType('navigation')[0];
      while (!(nav.loadEventEnd > 0)) await frame();
      return { chart, load: nav.loadEventEnd };
    });
    log(`  first visit: chart ${Math.round(t.chart)} ms`);
    if (want('ui/first-visit-chart')) add('ui/first-visit-chart', 'first chart < 3 s', t.chart, t.load, 'load event', 'includes creating the demo pond (import of 1 008 rows)', GOALS.chart);
    if (wantGroup('ui/start-online')) await starts(online, 'online');

    if (want('ui/zoom-10M')) await zoom(online, quick ? 1 : 10);
    await online.close();

    if (wantGroup('ui/start-offline')) {
      const sw = await launch('allow');
      const { page } = await visit(sw);
      await page.waitForFunction(() => /Ready to work offline/.test(window.__deep('sw-notices')?.shadowRoot?.textContent ?? ''), null, { timeout: 180_000 });
      await sw.setOffline(true);
      await starts(sw, 'offline');
      await sw.close();
    }
  } finally {
    await server.close();
    for (const d of profiles) rmSync(d, { recursive: true, force: true });
  }
  return outcomes;

  async function zoom(ctx, millions) {
    const { page } = await visit(ctx);
    log(`> creating a ${millions * 1_000_000}-row series (${millions} CSV versions of 1M rows)…`);
    const made = Date.now();
    await page.evaluate(async (n) => {
      await window.pond.ready;
      // The tab closed just before may still hold the writer lock for a moment: wait until this one writes.
      for (let i = 0; (await window.pond.api.info()).readOnly; i++) {
        if (i > 300) throw new Error('the page stayed read-only for 30 s');
        await new Promise((r) => setTimeout(r, 100));
      }
      const t0 = Date.UTC(2026, 0, 1) / 1000;
      for (let v = 0; v < n; v++) {
        const parts = ['timestamp,v\n'];
        for (let i = 0; i < 1_000_000; i += 10_000) {
          let s = '';
          for (let j = i; j < i + 10_000; j++) {
            const k = v * 1_000_000 + j;
            s += `${new Date((t0 + k) * 1000).toISOString().slice(0, 19)},${(Math.sin(k / 5000) * 10 + (k % 97) / 10).toFixed(2)}\n`;
          }
          parts.push(s);
        }
        await window.pond.api.copyIn([{ name: `v${v}.csv`, data: new Blob(parts, { type: 'text/csv' }) }], '/zoom10m.series', { format: 'series' });
        console.log(`  version ${v + 1} of ${n} imported`);
      }
    }, millions);
    log(`  created in ${Math.round((Date.now() - made) / 1000)} s`);
    const firstDraw = await page.evaluate(async () => {
      const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
      let li;
      while (!(li = window.__deep('li[data-path="/zoom10m.series"]'))) await frame();
      const t0 = performance.now();
      li.click();
      // The demo series' chart is the same element: wait for a window that starts where the new series does.
      while (!window.__deep('series-chart')?.dataset.range?.startsWith(`${Date.UTC(2026, 0, 1) * 1000},`)) await frame();
      await frame();
      return performance.now() - t0;
    });
    const actions = ['Month', 'Week', 'Day', 'Zoom in', 'Zoom in', 'Earlier', 'Later', 'Zoom out', 'All', 'Week', 'Earlier', 'Later'];
    const acts = [];
    for (const a of actions) acts.push({ action: a, ...(await page.evaluate(chartAction, a)) });
    const alone = [];
    for (const a of acts) {
      const [s, e] = a.range.split(',').map(Number);
      const isAll = a.action === 'All';
      alone.push(await page.evaluate(async ({ s, e, w, isAll }) => {
        const t0 = performance.now();
        await window.pond.api.plot('/zoom10m.series', ['v'], w, isAll ? undefined : [s, e]);
        return performance.now() - t0;
      }, { s, e, w: a.width, isAll }));
    }
    const fig = median(acts.map((a) => a.ms));
    const base = median(alone);
    add('ui/zoom-10M', 'zoom redraw < 100 ms', fig, base, 'api.plot alone, same windows', `${millions}M rows in ${millions} versions; median of ${acts.length} actions (${acts.map((a) => `${a.action} ${Math.round(a.ms)}`).join(', ')}); plot alone ${alone.map(Math.round).join(', ')} ms; first chart of the series ${Math.round(firstDraw)} ms after its click`, GOALS.zoom);
  }
}
