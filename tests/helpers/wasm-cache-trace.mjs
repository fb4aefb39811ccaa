// Watching Chromium's wasm code cache from outside: Blink marks each step of a streamed wasm compile with trace
// events in the `disabled-by-default-devtools.timeline` category (third_party/blink/renderer/bindings/core/v8/
// v8_wasm_response_extensions.cc): `v8.wasm.streamFromResponseCallback` (a compile from a Response began),
// `v8.wasm.moduleCacheHit` (compiled code was found for the response's URL and is deserialised instead of compiled;
// `v8.wasm.moduleCacheInvalid` / `…InvalidDigest` if it could not be used), `v8.wasm.compiledModule` and
// `v8.wasm.cachedModule` (V8 offered tiered-up code and it was written to the cache); V8's own `wasm.Deserialize`
// (category v8.wasm) follows a hit. V8 offers code only once enough of it is optimised (TurboFan) and a quiet spell
// has passed (its wasm_caching_* flags), so a DuckDB started and barely used leaves nothing in the cache.
// Plain .mjs: shared by the e2e spec (tests/e2e/wasm-code-cache.spec.ts), bench/wasm-cache.bench.mjs and
// tools/wasm-cache-probe.mjs.

const CATEGORIES = ['disabled-by-default-devtools.timeline', 'v8.wasm'];

/**
 * Traces the renderer while `run()` goes (a CDP session on `page`) and returns the `v8.wasm.*` events, each with the
 * name of the thread it was on (the page's is CrRendererMain, a worker's DedicatedWorker thread).
 */
export async function duckDbWasmTrace(page, run) {
  const cdp = await page.context().newCDPSession(page);
  const collected = [];
  cdp.on('Tracing.dataCollected', (e) => collected.push(...e.value));
  const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: CATEGORIES, excludedCategories: ['*'] }, transferMode: 'ReportEvents' });
  try {
    await run();
  } finally {
    await cdp.send('Tracing.end');
    await complete;
    await cdp.detach().catch(() => undefined); // the page may have gone with the run: nothing left to detach from
  }
  const threads = new Map();
  for (const e of collected) if (e.ph === 'M' && e.name === 'thread_name') threads.set(`${e.pid}:${e.tid}`, e.args?.name ?? '?');
  const events = collected
    .filter((e) => typeof e.name === 'string' && (e.name.startsWith('v8.wasm.') || /^wasm\.(CompilationChunkFinished|BaselineFinished|Deserialize|SerializeModule)/.test(e.name)))
    .map((e) => ({ name: e.name, thread: threads.get(`${e.pid}:${e.tid}`) ?? `${e.pid}:${e.tid}`, args: e.args?.data ?? e.args ?? {}, ts: e.ts }));
  return { events };
}

const DUCKDB_WASM = /\/duckdb-eh[^/]*\.wasm$/;

/** The events of `name` for DuckDB's module (its URL ends in duckdb-eh-<hash>.wasm in the build). */
export function duckDbEvents(events, name) {
  return events.filter((e) => e.name === name && DUCKDB_WASM.test(String(e.args.url ?? '')));
}

/** What one start did with DuckDB's module: hits (read from the cache), compiles offered to it, writes. */
export function codeCacheSummary(events) {
  return {
    hits: duckDbEvents(events, 'v8.wasm.moduleCacheHit').map((e) => e.thread),
    offered: duckDbEvents(events, 'v8.wasm.compiledModule').length,
    written: events.filter((e) => e.name === 'v8.wasm.cachedModule').length,
    invalid: events.filter((e) => /^v8\.wasm\.moduleCacheInvalid/.test(e.name)).length,
    deserialised: events.filter((e) => e.name === 'wasm.Deserialize').map((e) => e.thread),
  };
}

/**
 * Uses DuckDB (useDuckDb) under a trace, then idles until V8 has written DuckDB's module to the cache
 * (`v8.wasm.compiledModule` for its URL, then `v8.wasm.cachedModule`), up to `rounds` rounds of use: the write
 * happens off the main thread some seconds after the last optimised code. Returns the events of all rounds.
 */
export async function useDuckDbUntilCached(page, rounds = 4) {
  const all = [];
  for (let i = 0; i < rounds; i++) {
    const { events } = await duckDbWasmTrace(page, async () => {
      await useDuckDb(page);
      await page.waitForTimeout(4000);
    });
    all.push(...events);
    if (duckDbEvents(all, 'v8.wasm.compiledModule').length > 0 && all.some((e) => e.name === 'v8.wasm.cachedModule')) return { events: all, cached: true };
  }
  return { events: all, cached: false };
}

/** Waits (up to 120 s) for DuckDB's start in the app, begun by the warm-up after the first screen; starts nothing itself. */
export async function untilEngineReady(page) {
  await page.evaluate(async () => {
    for (const until = Date.now() + 120_000; Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
      const s = await window.pond.api.queryEngineStatus();
      if (s.state === 'ready') return;
      if (s.state === 'failed') throw new Error(`DuckDB did not start: ${s.error}`);
    }
    throw new Error('DuckDB did not start within 120 s');
  });
}

/**
 * Real use of DuckDB in the open app, so V8 tiers enough of its code up to offer it to the cache: waits for the
 * background start (the warm-up after the first screen), then runs scans, aggregates and string work.
 */
export async function useDuckDb(page) {
  await untilEngineReady(page);
  await page.evaluate(async (work) => {
    const q = (sql) => window.pond.api.query(sql, {}, { limit: 100 });
    for (let round = 0; round < 3; round++) for (const sql of work) await q(sql);
  }, WORK);
}

/** ms for one pass over the same statements as useDuckDb (its first use after a start: what DuckDB's code costs then). */
export async function timeOnePass(page) {
  return page.evaluate(async (work) => {
    const t = performance.now();
    for (const sql of work) await window.pond.api.query(sql, {}, { limit: 100 });
    return performance.now() - t;
  }, WORK);
}

/** Scans, aggregates, joins, windows, strings, dates, lists: enough different code for V8 to optimise. */
const WORK = [
  'SELECT count(*) AS n, sum(i % 7) AS s FROM range(10000000) t(i)',
  'SELECT i % 100 AS k, avg(i) AS a, max(i) AS m, stddev(i) AS sd FROM range(3000000) t(i) GROUP BY k ORDER BY k',
  "SELECT count(DISTINCT 'x' || (i % 1000)::VARCHAR) AS d, min(strftime(TIMESTAMP '2020-01-01' + INTERVAL (i) SECOND, '%Y-%m-%d')) AS t FROM range(500000) t(i)",
  'SELECT a.k, count(*) AS n FROM (SELECT i % 1000 AS k FROM range(1000000) t(i)) a JOIN (SELECT i AS k FROM range(1000) t(i)) b USING (k) GROUP BY a.k ORDER BY n DESC LIMIT 5',
  'SELECT k, sum(v) OVER (PARTITION BY k ORDER BY v ROWS BETWEEN 3 PRECEDING AND CURRENT ROW) AS w FROM (SELECT i % 10 AS k, i AS v FROM range(300000) t(i)) ORDER BY w DESC LIMIT 3',
  "SELECT regexp_replace(upper('ab' || i::VARCHAR), '[0-9]+', '#') AS r, count(*) AS n FROM range(200000) t(i) GROUP BY r",
  "SELECT date_trunc('hour', TIMESTAMP '2021-01-01' + INTERVAL (i * 37) SECOND) AS h, quantile_cont(i, 0.5) AS q FROM range(500000) t(i) GROUP BY h ORDER BY h LIMIT 10",
  'SELECT list_sum(list_transform(range(i % 20), x -> x * 2)) AS l FROM range(100000) t(i) ORDER BY l DESC LIMIT 1',
  "SELECT CAST(i AS DOUBLE) / 3 AS d, printf('%08d', i) AS p, md5(i::VARCHAR) AS h FROM range(100000) t(i) ORDER BY h LIMIT 3",
];
