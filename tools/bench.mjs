#!/usr/bin/env node
// `npm run bench [-- filter…] [--quick] [--repeat N] [--profile DIR] [--list]`
// Starts a vite dev server on 127.0.0.1 (a free port) with the project's vite.config.ts, launches Chromium with a
// persistent profile (disk-backed OPFS: Playwright's default contexts are off-the-record, where OPFS lives in
// memory), opens bench/index.html and runs each benchmark in a fresh dedicated module worker. Prints
// name | figure | baseline | ratio | goal | met? and writes bench/results/latest.json.
//   filter…      run only benchmarks whose name contains one of these strings (e.g. `pond`, `pond/open`)
//   --quick      smaller sizes, fewer repetitions (to try the harness; not for BENCHMARKS.md)
//   --repeat N   run each benchmark N times (fresh worker each time) and report the median run (by figure)
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
        runs.push(await page.evaluate(([name, q]) => window.bench.run(name, q), [b.name, quick]));
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
}
