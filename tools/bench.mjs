#!/usr/bin/env node
// `npm run bench [-- filter…] [--quick] [--repeat N] [--profile DIR] [--list]`
// Starts a vite dev server on 127.0.0.1 (a free port) with the project's vite.config.ts, launches Chromium with a
// persistent profile (disk-backed OPFS: Playwright's default contexts are off-the-record, where OPFS lives in
// memory), opens bench/index.html and runs each benchmark in a fresh dedicated module worker. Prints
// name | figure | baseline | ratio | goal | met? and writes bench/results/latest.json.
//   filter…      run only benchmarks whose name contains one of these strings (e.g. `pond`, `pond/open`)
//   --quick      smaller sizes, fewer repetitions (to try the harness; not for BENCHMARKS.md)
//   --repeat N   run each benchmark N times (fresh worker each time) and report the median run (by figure); for
//                the UI benchmarks, N page loads per figure instead of 3
//   --profile D  keep the Chromium profile (and so OPFS) in D instead of a temporary folder
//   --list       list the benchmarks and exit
// Why the dev server and not build + preview: no build step (the run starts in seconds), the bench page needs no
// entry in vite.config.ts, and the code measured is the same TypeScript transpiled per module (vite only
// transforms it; nothing is minified or bundled differently in a way that changes hot loops). All imports load
// before a benchmark starts its clock.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from './chromium.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (f) => { const i = args.indexOf(f); if (i < 0) return false; args.splice(i, 1); return true; };
const option = (f) => { const i = args.indexOf(f); if (i < 0) return undefined; const v = args[i + 1]; args.splice(i, 2); return v; };
const quick = flag('--quick');
const listOnly = flag('--list');
const repeat = Math.max(1, Number(option('--repeat') ?? 1));
const profileOpt = option('--profile');
const filters = args.filter((a) => !a.startsWith('--'));

// --- UI benchmarks (bench/ui.bench.mjs): Playwright against the built app, not in a bench worker, because a worker
// cannot see the page. Filters starting with `ui` go there; the worker benchmarks run only if other filters remain. ---
if (filters.some((f) => f.startsWith('ui')) && !listOnly) {
  const { runUiBenchmarks } = await import('../bench/ui.bench.mjs');
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  // --repeat N there: N page loads (starts, imports) per figure instead of 3.
  const uiOutcomes = await runUiBenchmarks({ root, filters: filters.filter((f) => f.startsWith('ui')), quick, ...(repeat > 1 ? { repeats: repeat } : {}) });
  console.log(`Chromium (built app via vite preview), ${availableParallelism()} cores${quick ? ', QUICK mode' : ''}`);
  printTable(uiOutcomes);
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, 'bench/results/ui-latest.json'), JSON.stringify({ date: new Date().toISOString(), quick, filters, results: uiOutcomes }, null, 2) + '\n');
  filters.splice(0, filters.length, ...filters.filter((f) => !f.startsWith('ui')));
  if (filters.length === 0) process.exit(uiOutcomes.every((o) => o.result) ? 0 : 1);
}
// --- end of the UI addition ---

// --- S3 for bench/remote.bench.ts: s3rver on 127.0.0.1 (CORS for any origin: the dev server's port is not known
// yet), its URL handed to the bench page as VITE_BENCH_S3_URL (vite exposes VITE_* variables of its environment). ---
const benchS3 = await (async () => {
  const { default: S3rver } = await import('@20minutes/s3rver');
  const dir = mkdtempSync(join(tmpdir(), 'duckpond-bench-s3-'));
  const any = '<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod>'
    + '<AllowedMethod>POST</AllowedMethod><AllowedMethod>HEAD</AllowedMethod><AllowedMethod>DELETE</AllowedMethod><AllowedHeader>*</AllowedHeader>'
    + '<ExposeHeader>ETag</ExposeHeader><ExposeHeader>x-amz-meta-sha256</ExposeHeader></CORSRule></CORSConfiguration>';
  const s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: [{ name: 'bench', configs: [any] }] });
  const { port } = await s3.run();
  process.env.VITE_BENCH_S3_URL = `http://127.0.0.1:${port}/bench`;
  // The same s3rver behind a slow link (50 ms round trips, 10 Mbit/s), for the pull over a field link.
  const { startThrottleProxy } = await import('../tests/servers/throttle-server.mjs');
  const field = await startThrottleProxy({ target: process.env.VITE_BENCH_S3_URL });
  process.env.VITE_BENCH_S3_FIELD_URL = field.url;
  return { close: async () => { await field.close(); await s3.close(); rmSync(dir, { recursive: true, force: true }); } };
})();
// --- end of the S3 addition ---

// --- HydroVu for bench/collect.bench.ts: the HydroVu-shaped test server on 127.0.0.1 with one bench location (a year
// of 15-minute readings of 10 parameters from 2023-01-01), its URL handed over as VITE_BENCH_HYDROVU_URL. ---
const benchHydroVu = await (async () => {
  const { startHydroVuServer } = await import('../tests/servers/hydrovu-server.mjs');
  const start = Date.UTC(2023, 0, 1) / 1000;
  const parameters = ['1', '2', '4', '19', 'ph-x', 'b6', 'b7', 'b8', 'b9', 'b10'].map((parameterId) => ({ parameterId, unitId: '1' }));
  const s = await startHydroVuServer({ locations: [{ id: '5000', name: 'Bench', start, end: start + 365 * 86_400, intervalS: 900, parameters }] });
  process.env.VITE_BENCH_HYDROVU_URL = s.url;
  return s;
})();
// --- end of the HydroVu addition ---

// --- An echo server for bench/net.bench.ts (the network worker's cost), its URL as VITE_BENCH_ECHO_URL. ---
const benchEcho = await (async () => {
  const { startEchoServer } = await import('../tests/servers/echo-server.mjs');
  const s = await startEchoServer();
  process.env.VITE_BENCH_ECHO_URL = s.url;
  return s;
})();

// --- A slow static host for bench/link.bench.ts (pond links): 50 ms round trips, 10 Mbit/s, as VITE_BENCH_THROTTLE_URL. ---
const benchThrottle = await (async () => {
  const { startThrottleServer } = await import('../tests/servers/throttle-server.mjs');
  const s = await startThrottleServer();
  process.env.VITE_BENCH_THROTTLE_URL = s.url;
  return s;
})();

const server = await createServer({
  root,
  configFile: join(root, 'vite.config.ts'),
  logLevel: 'warn',
  clearScreen: false,
  server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false },
});
await server.listen();
const address = server.httpServer?.address();
if (!address || typeof address === 'string') throw new Error('vite did not report its port');
const url = `http://127.0.0.1:${address.port}/bench/index.html`;

const profile = profileOpt ? resolve(profileOpt) : mkdtempSync(join(tmpdir(), 'duckpond-bench-'));
mkdirSync(profile, { recursive: true });
const executablePath = await findChromium();
const context = await chromium.launchPersistentContext(profile, { executablePath, args: [...CHROMIUM_ARGS, '--js-flags=--expose-gc'], headless: true });
const browserVersion = context.browser()?.version() ?? (await (async () => {
  const p = await context.newPage(); const v = await p.evaluate(() => navigator.userAgent); await p.close(); return v;
})());

let exitCode = 0;
try {
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => { if (m.type() === 'log' || m.type() === 'error' || m.type() === 'warning') console.log(`  ${m.text()}`); });
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  const heapProbe = await workerHeapProbe(page);
  // A benchmark names the phase it enters with a `[heap-mark NAME]` log line; the probe keeps a peak per phase.
  page.on('console', (m) => { const mark = /\[heap-mark ([\w-]+)\]/.exec(m.text()); if (mark) heapProbe.mark(mark[1]); });
  await page.goto(url);
  await page.waitForFunction(() => window.bench?.ready === true, null, { timeout: 60_000 });
  const all = await page.evaluate(() => window.bench.list());
  const chosen = filters.length ? all.filter((b) => filters.some((f) => b.name.includes(f))) : all;
  if (listOnly || chosen.length === 0) {
    for (const b of all) console.log(`${b.name}  (goal: ${b.goal})`);
    if (chosen.length === 0) { console.error(`no benchmark matches ${filters.join(' ')}`); exitCode = 1; }
  } else {
    console.log(`Chromium ${browserVersion}, ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}), ${url}${quick ? ', QUICK mode' : ''}`);
    const outcomes = [];
    for (const b of chosen) {
      const runs = [];
      for (let r = 0; r < repeat; r++) {
        console.log(`> ${b.name}${repeat > 1 ? ` (run ${r + 1}/${repeat})` : ''}`);
        heapProbe.reset();
        const outcome = await page.evaluate(([name, q]) => window.bench.run(name, q), [b.name, quick]);
        runs.push({ ...outcome, workerHeapPeakMiB: heapProbe.peakMiB() });
      }
      const ok = runs.filter((o) => o.result).sort((x, y) => x.result.figure - y.result.figure);
      const chosenRun = ok.length ? ok[Math.floor((ok.length - 1) / 2)] : runs[0];
      outcomes.push({ ...chosenRun, runs: repeat > 1 ? runs.map((o) => o.result ? { figure: o.result.figure, baseline: o.result.baseline, ratio: o.result.ratio } : { error: o.error }) : undefined });
      if (chosenRun.error) console.error(`  FAILED: ${chosenRun.error}`);
    }
    printTable(outcomes);
    const out = {
      date: new Date().toISOString(), quick, repeat, filters,
      machine: { cores: availableParallelism(), cpu: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), chromium: browserVersion, node: process.version },
      results: outcomes,
    };
    mkdirSync(join(root, 'bench/results'), { recursive: true });
    writeFileSync(join(root, 'bench/results/latest.json'), JSON.stringify(out, null, 2) + '\n');
    console.log('\nwrote bench/results/latest.json');
    if (outcomes.some((o) => o.error)) exitCode = 1;
  }
} finally {
  await context.close();
  await server.close();
  await benchS3?.close();
  await benchHydroVu?.close();
  await benchEcho?.close();
  await benchThrottle?.close();
  if (!profileOpt) rmSync(profile, { recursive: true, force: true });
}
process.exit(exitCode);

function fmt(x) {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a >= 100 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : x.toFixed(2);
}

function printTable(outcomes) {
  const rows = [['name', 'figure', 'baseline', 'ratio', 'goal', 'met?']];
  for (const o of outcomes) {
    if (!o.result) { rows.push([o.name, 'ERROR', '', '', o.goal, 'no']); continue; }
    const r = o.result;
    rows.push([o.name, `${fmt(r.figure)} ${r.unit}`, `${fmt(r.baseline)} ${r.unit} (${r.baselineLabel})`, `${fmt(r.ratio)}x`, o.goal, o.met === undefined ? '-' : o.met ? 'yes' : 'NO']);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(`\n${line(rows[0])}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows.slice(1)) console.log(line(r));
  for (const o of outcomes) if (o.result?.notes) console.log(`\n${o.name}: ${o.result.notes}`);
  for (const o of outcomes) {
    const h = o.workerHeapPeakMiB;
    if (!h) continue;
    const byPhase = h.phases ? `; peak by phase: ${Object.entries(h.phases).map(([k, v]) => `${k} ${v}`).join(', ')} MiB` : '';
    console.log(`${o.name}: benchmark worker heap peak ${h.peak} MiB, lowest ${h.lowest} MiB${byPhase} (JS heap + ArrayBuffers incl. wasm memories and garbage not yet collected, CDP)`);
  }
}

// --- Worker heap sampling (for bench/remote.bench.ts's memory figures) ---
// performance.memory does not exist in dedicated workers, where benchmarks run, and measureUserAgentSpecificMemory
// needs cross-origin isolation. So the runner samples each worker of the page over CDP every 50 ms: V8's used heap
// plus ArrayBuffer backing stores (Runtime.getHeapUsage), and reports the peak per benchmark run.
async function workerHeapProbe(page) {
  const cdp = await page.context().newCDPSession(page);
  const sessions = new Set();
  const pending = new Map();
  let nextId = 1;
  let peak = 0;
  let low = Infinity;
  let phase = '';
  let phases = {};
  cdp.on('Target.attachedToTarget', (e) => { if (e.targetInfo.type === 'worker') sessions.add(e.sessionId); });
  cdp.on('Target.detachedFromTarget', (e) => sessions.delete(e.sessionId));
  cdp.on('Target.receivedMessageFromTarget', (e) => { const m = JSON.parse(e.message); pending.get(m.id)?.(m.result); pending.delete(m.id); });
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  const ask = (sessionId) => new Promise((resolve) => {
    const id = nextId++;
    pending.set(id, resolve);
    cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method: 'Runtime.getHeapUsage' }) }).catch(() => resolve(undefined));
  });
  const timer = setInterval(async () => {
    for (const s of sessions) {
      const u = await ask(s);
      if (!u) continue;
      const b = u.usedSize + (u.backingStorageSize ?? 0);
      peak = Math.max(peak, b);
      low = Math.min(low, b);
      if (phase) phases[phase] = Math.max(phases[phase] ?? 0, b);
    }
  }, 50);
  timer.unref();
  const mib = (b) => Math.round((b / 2 ** 20) * 10) / 10;
  // The lowest sample is usually the fresh worker before its work: the peak minus it is what the work held at most.
  return {
    reset: () => { peak = 0; low = Infinity; phase = ''; phases = {}; },
    mark: (name) => { phase = name; },
    peakMiB: () => ({ peak: mib(peak), lowest: Number.isFinite(low) ? mib(low) : 0, ...(Object.keys(phases).length ? { phases: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, mib(v)])) } : {}) }),
  };
}
