// ui/duckdb-code-cache (run from bench/ui.bench.mjs): DuckDB's `instantiate` stage (its 34 MB wasm fetched from the
// service worker's precache, compiled or read from Chromium's wasm code cache, and run; src/query/duckdb.ts) on
// restarts of one persistent profile whose DuckDB was used before each close, against the same start in a fresh
// profile each time, interleaved in one run. Both arms start the same way: a fresh profile gets one visit with the
// same use first (the service worker takes over during that visit, so the code it leaves goes with the HTTP cache's
// entry, not the precache's: its second start has nothing cached) and is measured on its second start. Each start
// is traced, so the figure says which starts read DuckDB's module from the cache (tests/helpers/wasm-cache-trace.mjs).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { codeCacheSummary, duckDbWasmTrace, timeOnePass, untilEngineReady, useDuckDbUntilCached } from '../tests/helpers/wasm-cache-trace.mjs';

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };

/**
 * Returns, each as { figure (kept profile), baseline (fresh), notes } in ms: DuckDB's `instantiate` stage, and one
 * pass over tests/helpers/wasm-cache-trace.mjs's statements right after the start (`firstPass`: the code the
 * cache holds is what those statements had optimised).
 */
export async function duckDbCodeCache({ url, executablePath, args, repeats, log }) {
  const profiles = [];
  const profile = () => { const d = mkdtempSync(join(tmpdir(), 'duckpond-wasm-cache-bench-')); profiles.push(d); return d; };
  /** One browser start on `dir`: the app opened (service worker in control), DuckDB's background start awaited. */
  const start = async (dir, { measure }) => {
    const ctx = await chromium.launchPersistentContext(dir, { executablePath, args, headless: true, serviceWorkers: 'allow', viewport: { width: 1280, height: 800 } });
    try {
      const page = ctx.pages()[0] ?? (await ctx.newPage());
      let status;
      const { events } = await duckDbWasmTrace(page, async () => {
        await page.goto(url);
        await page.waitForFunction(() => !!navigator.serviceWorker.controller, undefined, { timeout: 120_000 });
        await page.waitForFunction(() => !!window.pond, undefined, { timeout: 60_000 });
        await page.evaluate(() => window.pond.ready);
        await untilEngineReady(page);
        status = await page.evaluate(() => window.pond.api.queryEngineStatus());
      });
      const pass = measure ? await timeOnePass(page) : undefined; // DuckDB's first work after the start
      const used = await useDuckDbUntilCached(page); // real use before the close, until V8 has written the cache
      return measure ? { ms: status.stages.instantiate, pass: Math.round(pass), stages: status.stages, hit: codeCacheSummary(events).hits.length > 0, cachedAfter: used.cached } : undefined;
    } finally {
      await ctx.close();
    }
  };
  try {
    const kept = profile();
    for (let i = 0; i < 2; i++) await start(kept, { measure: false }); // the first visit, then the one that fills the precache's entry
    const warm = [], cold = [];
    for (let i = 0; i < repeats; i++) {
      const fresh = profile();
      await start(fresh, { measure: false });
      cold.push(await start(fresh, { measure: true }));
      warm.push(await start(kept, { measure: true }));
      log(`  duckdb-code-cache ${i + 1}: kept profile instantiate ${warm[i].ms} ms, first pass ${warm[i].pass} ms (cache hit: ${warm[i].hit}); fresh profile ${cold[i].ms} ms, ${cold[i].pass} ms (cache hit: ${cold[i].hit})`);
    }
    const all = (xs, k) => xs.map((x) => `${x[k]}${x.hit ? '*' : ''}`).join(', ');
    const hits = `${warm.filter((x) => x.hit).length}/${repeats} kept-profile starts and ${cold.filter((x) => x.hit).length}/${repeats} fresh ones read DuckDB's module from the code cache (*)`;
    return {
      instantiate: { figure: median(warm.map((x) => x.ms)), baseline: median(cold.map((x) => x.ms)), notes: `median of ${repeats}; kept profile ${all(warm, 'ms')} ms, fresh ${all(cold, 'ms')} ms; ${hits}` },
      firstPass: { figure: median(warm.map((x) => x.pass)), baseline: median(cold.map((x) => x.pass)), notes: `median of ${repeats}; kept profile ${all(warm, 'pass')} ms, fresh ${all(cold, 'pass')} ms` },
      warm, cold,
    };
  } finally {
    for (const d of profiles) rmSync(d, { recursive: true, force: true, maxRetries: 3 });
  }
}
