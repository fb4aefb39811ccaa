#!/usr/bin/env node
// Probe (not a test): restarts the built app N times in one persistent Chromium profile and prints, per start, the
// wasm code-cache trace events Blink emits (v8.wasm.moduleCacheHit / compiledModule / cachedModule, category
// disabled-by-default-devtools.timeline) with the thread they came from, and DuckDB's start stages.
// Usage: node tools/wasm-cache-probe.mjs URL [restarts] [--fresh | --no-sw]   (URL: a `vite preview` of the build)
//   --fresh  a new profile for each start; --no-sw  service workers blocked (the HTTP cache only)
//   PROBE_DIR=dir  keep the profile there; PROBE_ARGS='--js-flags=…'  extra Chromium flags (e.g. V8's
//   --wasm-caching-threshold / --wasm-caching-timeout-ms, to see the cache without much use)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from './chromium.mjs';
import { duckDbWasmTrace, useDuckDb } from '../tests/helpers/wasm-cache-trace.mjs';

const [url, n = '4', mode] = process.argv.slice(2);
const noSw = process.argv.includes('--no-sw');
const executablePath = await findChromium();
let dir = process.env.PROBE_DIR ?? mkdtempSync(join(tmpdir(), 'wasm-probe-'));
for (let i = 0; i < Number(n); i++) {
  if (mode === '--fresh' && i > 0) { rmSync(dir, { recursive: true, force: true }); dir = mkdtempSync(join(tmpdir(), 'wasm-probe-')); }
  const ctx = await chromium.launchPersistentContext(dir, { executablePath, args: [...CHROMIUM_ARGS, ...(process.env.PROBE_ARGS ? process.env.PROBE_ARGS.split(' ') : [])], headless: true, serviceWorkers: noSw ? 'block' : 'allow' });
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  const trace = await duckDbWasmTrace(page, async () => {
    await page.goto(url);
    if (!noSw) await page.waitForFunction(() => !!navigator.serviceWorker.controller, undefined, { timeout: 120_000 });
    await page.waitForFunction(() => !!window.pond, undefined, { timeout: 60_000 });
    await page.evaluate(() => window.pond.ready);
    await useDuckDb(page);
    await page.waitForTimeout(8000); // V8 writes the cache once enough code is tiered up: give it time before closing
  });
  const status = await page.evaluate(() => window.pond.api.queryEngineStatus());
  console.log(`start ${i + 1}: stages ${JSON.stringify(status.stages)} startedBy ${status.startedBy}`);
  const counts = new Map();
  for (const e of trace.events) { if (/compileConsume|compileDigest/.test(e.name)) continue; const k = `${e.name} on ${e.thread} ${JSON.stringify(e.args)}`; counts.set(k, (counts.get(k) ?? 0) + 1); }
  for (const [k, c] of counts) console.log(`   ${c}x ${k}`);
  await ctx.close();
}
if (!process.env.PROBE_DIR) rmSync(dir, { recursive: true, force: true });
