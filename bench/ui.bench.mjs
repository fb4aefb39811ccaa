// UI benchmarks: what a person waits for, measured in the BUILT app (vite build + vite preview on a free
// 127.0.0.1 port) with Playwright, because bench/*.bench.ts run inside a worker and cannot see the page.
// Run by tools/bench.mjs when a filter starts with `ui` (`npm run bench -- ui/`). Each figure has a baseline
// from the same page load or the same run:
//   ui/first-visit-chart        first visit: demo pond created, its series selected and charted (baseline: `load`)
//   ui/start-{online,offline}-tree   a later visit: tree interactive (baseline: the same load's `load` event)
//   ui/start-{online,offline}-chart  … and the demo series charted, its folders clicked open as soon as they appear
//   ui/zoom-10M                 a zoom/pan click to the redrawn chart on a 10 000 000-row series (baseline: the
//                               `api.plot` call alone for the same window and width, from the page)
//   ui/first-chart-offline      the offline later visit's first chart again (the same loads as start-offline-chart),
//                               against reading + M4-ing the demo series' own Parquet in a bare worker
//                               (bench/firstscreen.bench.ts on the dev server, median of 3 fresh workers)
//   ui/first-chart-offline-bare-page   the same figure against a bare page's cold offline start doing that work
//                               (bench/bare-chart/: a worker reads, decodes and M4s the same Parquet, uPlot draws it)
//   ui/first-import-24k         a 24 KiB CSV imported 0.3 s after a cold offline start, to committed (baseline: the
//                               same import again in the same page, warm)
//   ui/sql-tab-{cold,warm}      one GROUP BY over a 3M-row table through the SQL tab (typed, Run, rows shown) against
//                               the same query through the shell (`pond.exec('cat … --sql …')`), each after its own
//                               reload (cold) and repeated in that page with another literal (warm, no result cache)
//   ui/duckdb-code-cache        DuckDB's `instantiate` stage on restarts of a profile whose DuckDB was used before each
//                               close (its module from Chromium's wasm code cache) against a fresh profile's second
//                               start (bench/wasm-cache.bench.mjs); ui/duckdb-code-cache-first-pass the same starts'
//                               first pass over a fixed set of statements
// Offline: a second profile with the service worker allowed, one online visit until "Ready to work offline",
// then the browser context is set offline. Times are from navigation start (performance.now() of the page).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as netServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { preview } from 'vite';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../tools/chromium.mjs';
import { duckDbCodeCache } from './wasm-cache.bench.mjs';

const GOALS = { tree: 1000, chart: 3000, zoom: 100, firstChart: 1500, firstImport: 1500 };
const DEMO = '/sensors/lake-station/water.series';

/** Writes the demo version's `bytes` to `page`'s origin's OPFS, where both baselines read it (bench/bare-chart/read-m4.ts). */
const writeDemoParquet = (page, bytes) => page.evaluate(async (data) => {
  const w = await (await (await navigator.storage.getDirectory()).getFileHandle('firstscreen-demo.parquet', { create: true })).createWritable();
  await w.write(new Uint8Array(data));
  await w.close();
}, bytes);

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
  // A restart lands on the series selected last (the app remembers it): clicked only when it is not selected yet.
  const series = await until(() => window.__deep('li[data-path="/sensors/lake-station/water.series"]'));
  if (series.getAttribute('aria-selected') !== 'true') series.click();
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

/**
 * ui/first-chart-offline's bare page (bench/bare-chart/), built on its own into `<outDir>/bench/bare-chart/` (so the
 * app's build is untouched), with the list of its files that its service worker caches.
 */
function buildBarePage(root, outDir) {
  const dir = join(root, outDir, 'bench', 'bare-chart');
  const built = spawnSync('npx', ['vite', 'build', '--config', join(root, 'bench', 'bare-chart', 'vite.config.ts'), '--outDir', dir], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('vite build of bench/bare-chart failed');
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile() && !f.name.endsWith('.map'))
    .map((f) => relative(dir, join(f.parentPath ?? f.path, f.name)).split('\\').join('/'));
  writeFileSync(join(dir, 'files.json'), JSON.stringify(files));
}

/** Builds, serves and measures; returns outcomes in the shape tools/bench.mjs prints. */
export async function runUiBenchmarks({ root, filters, quick, repeats: asked, log = console.log }) {
  const want = (name) => filters.some((f) => name.startsWith(f));
  const wantGroup = (prefix) => filters.some((f) => prefix.startsWith(f) || f.startsWith(prefix));
  const outDir = process.env.E2E_OUT_DIR ?? 'dist-bench-ui'; // its own folder when two checkouts bench at once
  log('> building the app (vite build)…');
  const built = spawnSync('npx', ['vite', 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('vite build failed');
  buildBarePage(root, outDir);
  const port = await freePort();
  const server = await preview({ root, configFile: join(root, 'vite.config.ts'), logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port, strictPort: true } });
  const url = `http://127.0.0.1:${port}/`;
  const executablePath = await findChromium();
  const repeats = asked ?? (quick ? 1 : 3);
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
    return runs;
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
    if (wantGroup('ui/sql-tab')) await sqlTabAgainstShell(online);
    await online.close();

    if (want('ui/duckdb-code-cache')) {
      const r = await duckDbCodeCache({ url, executablePath, args: CHROMIUM_ARGS, repeats, log });
      add('ui/duckdb-code-cache', 'instantiate faster than without the cache', r.instantiate.figure, r.instantiate.baseline, "fresh profile's second start", r.instantiate.notes, r.instantiate.baseline);
      add('ui/duckdb-code-cache-first-pass', 'first queries faster than without the cache', r.firstPass.figure, r.firstPass.baseline, "fresh profile's second start", r.firstPass.notes, r.firstPass.baseline);
    }

    if (wantGroup('ui/start-offline') || want('ui/first-chart-offline') || want('ui/first-import-24k')) {
      const sw = await launch('allow');
      const { page } = await visit(sw);
      await page.waitForFunction(() => /Ready to work offline/.test(window.__deep('sw-notices')?.shadowRoot?.textContent ?? ''), null, { timeout: 180_000 });
      await sw.setOffline(true);
      const runs = await starts(sw, 'offline');
      if (want('ui/first-chart-offline')) await firstChartAgainstBareWorker(sw, runs);
      if (want('ui/first-import-24k')) await firstImport(sw);
      await sw.close();
    }
  } catch (e) {
    log(`  FAILED: ${e?.stack ?? e}`); // before the clean-up below, whose own errors would hide this one
    throw e;
  } finally {
    await server.close();
    for (const d of profiles) rmSync(d, { recursive: true, force: true, maxRetries: 3 });
  }
  return outcomes;

  /** The bare-worker baseline: the demo version's bytes from the app, read and M4-ed in bench/firstscreen.bench.ts. */
  async function firstChartAgainstBareWorker(ctx, runs) {
    const app = ctx.pages().at(-1);
    const bytes = await app.evaluate(async (path) => Array.from(await window.pond.api.readFile(path)), DEMO);
    const barePage = await bareChartPage(ctx, bytes);
    await ctx.setOffline(false);
    const { createServer } = await import('vite');
    const dev = await createServer({ root, configFile: join(root, 'vite.config.ts'), logLevel: 'warn', clearScreen: false, server: { host: '127.0.0.1', port: 0, hmr: false } });
    await dev.listen();
    try {
      const page = await ctx.newPage();
      await page.goto(`http://127.0.0.1:${dev.httpServer.address().port}/bench/index.html`);
      await page.waitForFunction(() => window.bench?.ready === true, null, { timeout: 60_000 });
      await writeDemoParquet(page, bytes);
      const bare = [];
      for (let i = 0; i < repeats; i++) {
        const o = await page.evaluate(() => window.bench.run('firstscreen/bare-read-m4'));
        if (!o.result) throw new Error(`bare worker baseline failed: ${o.error}`);
        bare.push(o.result.figure);
      }
      await page.close();
      const chart = median(runs.map((r) => r.chart));
      const base = median(bare);
      outcomes.push({
        name: 'ui/first-chart-offline', goal: 'first chart < 1.5 s and ≤ 1.5x bare read+M4', met: chart < GOALS.firstChart && chart / base <= 1.5,
        result: { figure: chart, unit: 'ms', baseline: base, baselineLabel: 'bare worker: parquet-wasm start + OPFS read + decode + M4', ratio: chart / base,
          notes: `the offline loads of ui/start-offline-chart (chart ${runs.map((r) => Math.round(r.chart)).join(', ')} ms from navigation start; tree ${runs.map((r) => Math.round(r.tree)).join(', ')} ms); bare worker ${bare.map(Math.round).join(', ')} ms; ${bytes.length} B of Parquet` },
      });
      const pageBase = median(barePage);
      outcomes.push({
        name: 'ui/first-chart-offline-bare-page', goal: 'first chart ≤ 1.5x a bare page doing the same from a cold offline start', met: chart / pageBase <= 1.5,
        result: { figure: chart, unit: 'ms', baseline: pageBase, baselineLabel: 'bare page, cold offline start: worker, parquet-wasm, OPFS read, decode, M4, uPlot drawn', ratio: chart / pageBase,
          notes: `the app's offline loads as above; the bare page (bench/bare-chart/: same origin, offline from its own service worker) ${barePage.map(Math.round).join(', ')} ms from navigation start to the frame after drawing` },
      });
    } finally {
      await dev.close();
      await ctx.setOffline(true);
    }
  }

  /**
   * The bare page's cold offline starts (bench/bare-chart/): `bytes`, the demo version, written to this origin's OPFS
   * where the page's worker reads it; its service worker installed; one start untimed, then `repeats` timed, each in a
   * new tab with no other tab open, as the app's starts are. Times from navigation start to the frame after drawing.
   */
  async function bareChartPage(ctx, bytes) {
    await writeDemoParquet(ctx.pages().at(-1), bytes);
    // Its own service worker, registered online from a page of the origin: until then the app's would answer the
    // navigation with the app's index.html (a narrower scope's worker takes over once it is active).
    await ctx.setOffline(false);
    await ctx.pages().at(-1).evaluate(async () => {
      const reg = await navigator.serviceWorker.register('/bench/bare-chart/sw.js', { scope: '/bench/bare-chart/' });
      const worker = reg.installing ?? reg.waiting ?? reg.active;
      if (worker.state !== 'activated') await new Promise((ok, fail) => worker.addEventListener('statechange', () => (worker.state === 'activated' ? ok() : worker.state === 'redundant' ? fail(new Error('bare page service worker failed to install')) : undefined)));
    });
    await ctx.setOffline(true);
    const times = [];
    for (let i = 0; i <= repeats; i++) { // the first start untimed: the app's first offline start came after a visit too
      for (const p of ctx.pages()) await p.close();
      const page = await ctx.newPage();
      await page.bringToFront();
      await page.goto(`${url}bench/bare-chart/index.html`, { waitUntil: 'commit' });
      await page.waitForFunction(() => window.bareChart !== undefined, null, { timeout: 60_000 });
      const r = await page.evaluate(() => window.bareChart);
      if (r.error) throw new Error(`bare page failed: ${r.error}`);
      if (i > 0) times.push(r.drawnAt);
      log(`  bare page${i === 0 ? ' (untimed)' : ''}: drawn ${Math.round(r.drawnAt)} ms, ${r.points} points`);
      await page.close();
    }
    return times;
  }

  /** A 24 KiB CSV imported right after a cold offline start, then the same import warm (another file) in that page. */
  async function firstImport(ctx) {
    const cold = [], warm = [], stages = [];
    for (let i = 0; i < repeats; i++) {
      for (const p of ctx.pages()) await p.close();
      const page = await ctx.newPage();
      await page.bringToFront();
      await page.goto(url, { waitUntil: 'commit' });
      await page.waitForFunction(() => !!window.pond, null, { timeout: 60_000 });
      const r = await page.evaluate(async (run) => {
        await window.pond.ready;
        for (let k = 0; (await window.pond.api.info()).readOnly; k++) { // the closed tab may hold the writer lock a moment
          if (k > 300) throw new Error('the page stayed read-only for 30 s');
          await new Promise((ok) => setTimeout(ok, 100));
        }
        await new Promise((ok) => setTimeout(ok, 300)); // "right after start-up", as the person in the field did
        const csv = (part) => {
          const lines = ['date,temperature_c,precipitation_mm,wind_m_s'];
          for (let d = 0; lines.join('\n').length < 24 * 1024; d++) {
            const t = new Date(Date.UTC(1990 + run, 0, 1) + (part * 1000 + d) * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
            lines.push(`${t},${(10 + Math.sin(d / 9) * 8).toFixed(2)},${((d * 7) % 13 / 10).toFixed(1)},${(3 + Math.cos(d / 5)).toFixed(2)}`);
          }
          return new Blob([lines.join('\n') + '\n'], { type: 'text/csv' });
        };
        const time = async (part) => {
          const t0 = performance.now();
          await window.pond.api.copyIn([{ name: `weather-${run}-${part}.csv`, data: csv(part) }], `/bench/import-${run}.series`, { format: 'series' });
          return performance.now() - t0;
        };
        const cold = await time(0);
        const engine = await window.pond.api.queryEngineStatus();
        const warm = await time(1);
        return { cold, warm, engine, bytes: (await csv(0).size) };
      }, i);
      cold.push(r.cold); warm.push(r.warm); stages.push(r.engine);
      log(`  first import: ${Math.round(r.cold)} ms (${r.bytes} B), again ${Math.round(r.warm)} ms; DuckDB started by ${r.engine.startedBy}, stages ${JSON.stringify(r.engine.stages)}`);
    }
    const fig = median(cold), base = median(warm);
    outcomes.push({
      name: 'ui/first-import-24k', goal: 'committed < 1.5 s', met: fig < GOALS.firstImport,
      result: { figure: fig, unit: 'ms', baseline: base, baselineLabel: 'the same import warm, same page', ratio: fig / base,
        notes: `median of ${repeats} cold offline starts, import 0.3 s after pond.ready: ${cold.map(Math.round).join(', ')} ms; warm ${warm.map(Math.round).join(', ')} ms; DuckDB start stages (ms): ${stages.map((s) => `${s.startedBy} ${Object.values(s.stages).join('/')}`).join('; ')}` },
    });
  }

  /** One GROUP BY over 3M rows: the SQL tab (typed, Run, rows shown) against the shell, cold (after a reload) and warm. */
  async function sqlTabAgainstShell(ctx) {
    const flights = join(root, outDir, 'bench-flights.parquet');
    await writeFlightsParquet(flights, quick ? 300_000 : 3_000_000);
    let page = (await visit(ctx)).page;
    await page.evaluate(async () => {
      for (let k = 0; (await window.pond.api.info()).readOnly; k++) { if (k > 300) throw new Error('read-only for 30 s'); await new Promise((ok) => setTimeout(ok, 100)); }
      const data = await (await fetch('/bench-flights.parquet')).blob();
      await window.pond.api.copyIn([{ name: 'flights.parquet', data }], '/flights.table', { format: 'table' });
    });
    const sql = (k) => `SELECT carrier, count(*) AS flights, avg(dep_delay) AS mean_delay FROM source WHERE distance > ${k} GROUP BY carrier ORDER BY flights DESC`;
    const viaTab = (q) => page.evaluate(async (q) => {
      const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
      const tab = [...window.__deep('duckpond-app').shadowRoot.querySelectorAll('[role="tab"]')].find((b) => b.textContent.trim() === 'SQL');
      tab.click();
      let con;
      while (!(con = window.__deep('sql-console'))?.shadowRoot?.querySelector('#sql')) await frame();
      const set = (sel, v) => { const el = con.shadowRoot.querySelector(sel); el.value = v; el.dispatchEvent(new Event('input')); };
      set('#bind', 'source = /flights.table');
      set('#sql', q);
      await con.updateComplete;
      const t0 = performance.now();
      con.shadowRoot.querySelector('button[type="submit"]').click(); // runs the console's Task at once
      await con.answer.taskComplete; // rejects with the query's error
      await con.updateComplete;
      await frame();
      return { ms: performance.now() - t0, rows: con.shadowRoot.querySelector('[data-testid="sql-rows"]')?.textContent };
    }, q);
    // The Shell tab as a person uses it: the command run by the panel, its output rendered, one frame after.
    const viaShell = (q) => page.evaluate(async (q) => {
      const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
      const tab = [...window.__deep('duckpond-app').shadowRoot.querySelectorAll('[role="tab"]')].find((b) => b.textContent.trim() === 'Shell');
      tab.click();
      let panel;
      while (!(panel = window.__deep('shell-panel'))?.shadowRoot?.querySelector('input[type="text"]')) await frame();
      const t0 = performance.now();
      const r = await panel.run(`cat /flights.table --sql "${q}"`);
      await panel.updateComplete;
      await frame();
      if (!r || r.exitCode !== 0) throw new Error(`shell: ${r?.stderr}`);
      return { ms: performance.now() - t0, rows: r.stdout.trim().split('\n').at(-1) };
    }, q);
    const reload = async () => {
      for (const p of ctx.pages()) await p.close();
      page = await ctx.newPage();
      await page.bringToFront();
      await page.goto(url, { waitUntil: 'commit' });
      await page.waitForFunction(() => !!window.pond, null, { timeout: 60_000 });
      await page.evaluate(() => window.pond.ready);
    };
    const cold = { tab: [], shell: [] }, warm = { tab: [], shell: [] };
    for (let i = 0; i < repeats; i++) {
      for (const kind of i % 2 ? ['shell', 'tab'] : ['tab', 'shell']) { // interleaved, each after its own reload
        await reload();
        const run = kind === 'tab' ? viaTab : viaShell;
        const c = await run(sql(0));
        cold[kind].push(c.ms);
        const w = [];
        for (let k = 1; k <= 3; k++) w.push((await run(sql(k))).ms);
        warm[kind].push(median(w));
        log(`  ${kind}: cold ${Math.round(c.ms)} ms, warm ${w.map(Math.round).join(', ')} ms (${c.rows})`);
      }
    }
    for (const [name, m] of [['ui/sql-tab-cold', cold], ['ui/sql-tab-warm', warm]]) {
      if (!want(name)) continue;
      const fig = median(m.tab), base = median(m.shell);
      outcomes.push({
        name, goal: 'SQL tab ≤ 1.2x the shell', met: fig / base <= 1.2,
        result: { figure: fig, unit: 'ms', baseline: base, baselineLabel: 'the Shell tab (cat --sql), same query', ratio: fig / base,
          notes: `${quick ? '300k' : '3M'}-row table; tab ${m.tab.map(Math.round).join(', ')} ms, shell ${m.shell.map(Math.round).join(', ')} ms` },
      });
    }
  }

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

/** A flights-like table (3M rows: date, carrier, origin, dep_delay, distance) as Parquet, written with parquet-wasm in node. */
async function writeFlightsParquet(path, rows) {
  const { writeFileSync } = await import('node:fs');
  const arrow = await import('apache-arrow');
  const pw = await import('parquet-wasm');
  const carriers = ['AA', 'AS', 'B6', 'DL', 'F9', 'G4', 'HA', 'MQ', 'NK', 'OH', 'OO', 'UA', 'WN', 'YX'];
  const airports = Array.from({ length: 300 }, (_, i) => String.fromCharCode(65 + (i % 26), 65 + ((i / 26) | 0) % 26, 65 + (i * 7) % 26));
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const date = new BigInt64Array(rows), delay = new Int32Array(rows), distance = new Int32Array(rows);
  const carrier = new Array(rows), origin = new Array(rows);
  const t0 = BigInt(Date.UTC(2024, 0, 1)) * 1000n;
  for (let i = 0; i < rows; i++) {
    date[i] = t0 + BigInt(Math.floor(i * 10.5)) * 1_000_000n;
    carrier[i] = carriers[Math.floor(rnd() * carriers.length)];
    origin[i] = airports[Math.floor(rnd() * airports.length)];
    delay[i] = Math.round((rnd() - 0.3) * 120);
    distance[i] = 100 + Math.floor(rnd() * 2500);
  }
  const table = arrow.tableFromArrays({ carrier, origin, dep_delay: delay, distance });
  const ts = arrow.makeVector(arrow.makeData({ type: new arrow.TimestampMicrosecond('UTC'), length: rows, nullCount: 0, data: date }));
  const withTime = new arrow.Table({ date: ts, carrier: table.getChild('carrier'), origin: table.getChild('origin'), dep_delay: table.getChild('dep_delay'), distance: table.getChild('distance') });
  const props = new pw.WriterPropertiesBuilder().setCompression(pw.Compression.ZSTD).setMaxRowGroupSize(128 * 1024).build();
  writeFileSync(path, pw.writeParquet(pw.Table.fromIPCStream(arrow.tableToIPC(withTime, 'stream')), props));
}
