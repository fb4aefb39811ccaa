// DuckDB's compiled module comes from Chromium's wasm code cache on later starts (issue 12): the built app in a
// persistent profile, DuckDB used until V8 has written its optimised code to the cache, the browser restarted twice
// (the first visit's code goes with the HTTP cache's entry, as the service worker takes over only during that visit;
// the second visit's with the service worker's Cache Storage entry, which later starts read), and on the last start
// a Chromium trace shows DuckDB's module read from the cache (`v8.wasm.moduleCacheHit` for its URL, in DuckDB's
// worker, then V8's `wasm.Deserialize`) instead of compiled. It needs workers/duckdb-streaming.worker.ts: without it
// duckdb-wasm compiles a Response made in JS, which has no cache entry, and no start ever hits.
import { expect, test } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstPage, launchProfile, openApp } from '../helpers/browser-profile';
// @ts-expect-error plain .mjs helper shared with the bench and the probe
import { codeCacheSummary, duckDbWasmTrace, useDuckDb, useDuckDbUntilCached } from '../helpers/wasm-cache-trace.mjs';

interface Summary { hits: string[]; offered: number; written: number; invalid: number; deserialised: string[] }
const summary = codeCacheSummary as (events: unknown[]) => Summary;
const useUntilCached = useDuckDbUntilCached as (page: unknown, rounds?: number) => Promise<{ events: unknown[]; cached: boolean }>;

test('after use and two restarts, DuckDB\'s wasm module is deserialised from the code cache, not compiled', async ({ baseURL }) => {
  test.setTimeout(360_000);
  const profile = mkdtempSync(join(tmpdir(), 'duckpond-wasm-cache-'));
  try {
    for (let visit = 1; visit <= 2; visit++) {
      const context = await launchProfile(profile, baseURL!);
      const page = await openApp(context);
      const used = await useUntilCached(page);
      expect(used.cached, `visit ${visit}: V8 wrote DuckDB's optimised code to the cache (${JSON.stringify(summary(used.events))})`).toBe(true);
      await context.close();
    }

    const context = await launchProfile(profile, baseURL!);
    const page = await firstPage(context);
    const { events } = await duckDbWasmTrace(page, async () => {
      await page.goto('/');
      await page.waitForFunction(() => !!window.pond, undefined, { timeout: 60_000 });
      await page.evaluate(() => window.pond.ready);
      await useDuckDb(page); // waits for DuckDB's background start, then queries: its module must work, not only load
    });
    const s = summary(events);
    expect(s.invalid, JSON.stringify(s)).toBe(0);
    expect(s.hits.length, `DuckDB's module read from the code cache on the third start: ${JSON.stringify(s)}`).toBeGreaterThan(0);
    expect(s.hits.every((thread) => /DedicatedWorker/.test(thread)), JSON.stringify(s)).toBe(true); // DuckDB's own worker
    expect(s.deserialised.length, JSON.stringify(s)).toBeGreaterThan(0);
    expect(await page.evaluate(() => window.pond.api.queryEngineStatus())).toMatchObject({ state: 'ready', starts: 1 });
    await context.close();
  } finally {
    rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
  }
});
