// Collect-and-reduce benchmarks (issue "Collect and reduce"): a HydroVu run of one year of 15-minute data for 10
// parameters against the local HydroVu-shaped server (started by tools/bench.mjs), and temporal-reduce of a
// 10 000 000-row series to all five resolutions, then the incremental update after appending one day. Each runs
// through PondService (the worker's API object) over OPFS, beside a baseline measured in the same run.
import { Float64, makeData, makeVector, Table, TimestampMicrosecond } from 'apache-arrow';
import { wideTableMeta } from '../src/service/nodes/factories/hydrovu';
import { MemorySecretStore } from '../src/service/settings/collect-secrets';
import { MemoryPondNames } from '../src/service/settings/pond-names';
import { PondService } from '../src/service/service';
import { arrowToParquet } from '../src/formats/parquet';
import { MemoryCoordinator } from '../src/pond/coordination';
import { QueryEngine } from '../src/query/engine';
import { parseResolution } from '../src/query/reduce';
import { intervalLiteral } from '../src/query/sql';
import { storedSource } from '../src/service/sources';
import { OpfsPondHost } from '../src/storage/pond-host';
import { parsePath } from '../src/tinyfs/paths';
import { resolve } from '../src/tinyfs/resolve';
import { collectGarbage, round, timed, type BenchContext, type BenchResult, type Benchmark } from './types';

/** Set by tools/bench.mjs (its HydroVu block) before vite starts. */
const HYDROVU_URL: string | undefined = import.meta.env.VITE_BENCH_HYDROVU_URL;
/** The bench location the runner serves: one year from 2023-01-01, every 15 minutes, 10 parameters. */
const BENCH_LOCATION = '5000';
const YEAR_START = Date.UTC(2023, 0, 1) / 1000;
const RESOLUTIONS = ['1h', '2h', '4h', '12h', '24h'];

async function service(ctx: BenchContext, name: string): Promise<{ svc: PondService; done: () => Promise<void> }> {
  const svc = new PondService({ host: new OpfsPondHost('bench-collect-ponds'), names: new MemoryPondNames(), coordinator: new MemoryCoordinator(), secrets: new MemorySecretStore() });
  const info = await svc.createPond(name);
  ctx.log(`pond ${info.id}`);
  return { svc, done: () => svc.deletePond(info.id) };
}

/** Baseline: the same pages with plain fetch + JSON.parse (token, then follow X-ISI-Next-Page), nothing stored. */
async function plainFetch(base: string): Promise<{ ms: number; requests: number; readings: number }> {
  const t0 = performance.now();
  const tok = await fetch(`${base}oauth/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&client_id=test-client&client_secret=test-secret' });
  const auth = { Authorization: `Bearer ${(await tok.json()).access_token}` };
  let requests = 1;
  let readings = 0;
  let page = '';
  for (;;) {
    const r = await fetch(`${base}v1/locations/${BENCH_LOCATION}/data?startTime=${YEAR_START}`, { headers: { ...auth, 'X-ISI-Start-Page': page } });
    requests++;
    const body = (await r.json()) as { parameters: { readings: unknown[] }[] };
    for (const p of body.parameters) readings += p.readings.length;
    page = r.headers.get('X-ISI-Next-Page') ?? '';
    if (!page) break;
  }
  return { ms: performance.now() - t0, requests, readings };
}

async function collectYear(ctx: BenchContext): Promise<BenchResult> {
  if (!HYDROVU_URL) throw new Error('VITE_BENCH_HYDROVU_URL is not set: run through tools/bench.mjs, which starts the HydroVu test server');
  const base = HYDROVU_URL;
  const { svc, done } = await service(ctx, 'bench-collect');
  try {
    const yaml = `baseUrl: ${base}\nclientId: test-client\nmaxPointsPerRun: 1000000\nstartTime: ${YEAR_START}\ndevices:\n  - {name: Bench, id: ${BENCH_LOCATION}}\n`;
    await svc.mknod('hydrovu', '/hydrovu', yaml, { secret: 'test-secret' });
    const warm = await plainFetch(base); // warms the server's code paths and the connection
    ctx.log(`plain fetch (warm-up): ${round(warm.ms)} ms, ${warm.requests} requests, ${warm.readings} readings`);
    const baseline = await plainFetch(base);
    collectGarbage();
    const [ms, r] = await timed(() => svc.runNode('/hydrovu'));
    ctx.log(`run: ${round(ms)} ms, ${r.summary}`);
    if (r.points !== baseline.readings) throw new Error(`run collected ${r.points} readings, the server has ${baseline.readings}`);
    return {
      figure: ms, unit: 'ms', baseline: baseline.ms, baselineLabel: `plain fetch + JSON.parse of the same ${baseline.requests} requests`,
      notes: `${r.points} readings (${r.written[0]?.rows} rows x 10 parameters) in ${r.requests} requests (token, friendly names, ${r.requests! - 2} data pages of 2 days); the run also pivots to a wide table, writes Parquet and commits one transaction.`,
      details: { requests: r.requests, readings: r.points, rows: r.written[0]?.rows, plainRequests: baseline.requests },
    };
  } finally {
    await done();
  }
}

/** A 1-second series chunk: `rows` rows from `startUs`, two value columns (a slow wave and a sawtooth). */
function chunk(startUs: number, rows: number): Table {
  const ts = new BigInt64Array(rows);
  const a = new Float64Array(rows);
  const b = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const t = startUs + i * 1_000_000;
    ts[i] = BigInt(t);
    a[i] = 12 + 6 * Math.sin(t / 8.64e10 * 2 * Math.PI);
    b[i] = (i % 600) / 10;
  }
  return new Table({
    timestamp: makeVector(makeData({ type: new TimestampMicrosecond(), length: rows, data: ts })),
    'Temperature.C': makeVector(makeData({ type: new Float64(), length: rows, data: a })),
    'Conductivity.uS/cm': makeVector(makeData({ type: new Float64(), length: rows, data: b })),
  });
}

/** Writes `total` rows as versions of 1M rows each (as daily imports would), one transaction per version. */
async function fill(svc: PondService, path: string, startUs: number, total: number, ctx: BenchContext): Promise<number> {
  const per = Math.min(total, 1_000_000);
  let at = startUs;
  for (let done = 0; done < total; done += per) {
    const t = chunk(at, Math.min(per, total - done));
    const bytes = await arrowToParquet(t);
    await svc.transact(`bench data ${done}`, async (tx) => { await tx.writeFile(path, 'file:series', bytes, wideTableMeta(t, 'bench'), { parents: true }); });
    at += t.numRows * 1_000_000;
    ctx.log(`wrote ${done + t.numRows} rows`);
  }
  return at;
}

const reduceYaml = (output: string) => new TextEncoder().encode(`input: /raw/s.series\noutput: ${output}\n`);

/** Baseline: a plain GROUP BY (avg/min/max/count per column) per resolution over the same series, fresh engine. */
async function plainGroupBy(svc: PondService): Promise<{ ms: number; queryMs: number }> {
  const engine = new QueryEngine();
  try {
    const node = resolve(svc.pond.fs, parsePath('/raw/s.series')).node;
    const t0 = performance.now();
    await engine.bind('s', storedSource(svc.pond, '/raw/s.series', node));
    const t1 = performance.now();
    const aggs = ['"Temperature.C"', '"Conductivity.uS/cm"'].map((c) => `avg(${c}), min(${c}), max(${c}), count(${c})`).join(', ');
    for (const r of RESOLUTIONS) {
      await engine.query(`SELECT time_bucket(${intervalLiteral(parseResolution(r))}, timestamp, TIMESTAMP '1970-01-01') AS b, count(timestamp), ${aggs} FROM s GROUP BY 1 ORDER BY 1`);
    }
    const t2 = performance.now();
    return { ms: t2 - t0, queryMs: t2 - t1 };
  } finally {
    await engine.close();
  }
}

async function reduceSeries(ctx: BenchContext, incremental: boolean): Promise<BenchResult> {
  const rows = ctx.quick ? 1_000_000 : 10_000_000;
  const { svc, done } = await service(ctx, 'bench-reduce');
  try {
    const end = await fill(svc, '/raw/s.series', Date.UTC(2024, 0, 1) * 1000, rows, ctx);
    await svc.mknod('temporal-reduce', '/reduce', new TextDecoder().decode(reduceYaml('/reduced')));
    await svc.query('SELECT 1 AS warm', {}); // DuckDB starts here, not inside the first timed run
    collectGarbage();
    const [fullMs, full] = await timed(() => svc.runNode('/reduce'));
    ctx.log(`full reduce: ${round(fullMs)} ms, ${full.summary}`);
    if (!incremental) {
      collectGarbage();
      const plain = await plainGroupBy(svc);
      ctx.log(`plain GROUP BY: ${round(plain.ms)} ms (queries alone ${round(plain.queryMs)} ms)`);
      return {
        figure: fullMs, unit: 'ms', baseline: plain.ms, baselineLabel: 'plain GROUP BY avg/min/max/count x 5 resolutions (load + query)',
        notes: `${rows} rows (1 s apart, 2 value columns) in ${Math.ceil(rows / 1e6)} versions -> ${full.written.map((w) => `${w.rows}`).join('/')} rows at ${RESOLUTIONS.join('/')}; the node run also writes 5 Parquet tables and commits. Plain GROUP BY queries alone (data loaded): ${round(plain.queryMs)} ms.`,
        details: { rows, fullMs, plainMs: plain.ms, plainQueryMs: plain.queryMs, written: full.written },
      };
    }
    // Append one day, fold it in incrementally; the baseline recomputes everything into another folder.
    await fill(svc, '/raw/s.series', end, 86_400, ctx);
    collectGarbage();
    const [incMs, inc] = await timed(() => svc.runNode('/reduce'));
    ctx.log(`incremental: ${round(incMs)} ms, ${inc.summary}`);
    await svc.mknod('temporal-reduce', '/reduce-full', new TextDecoder().decode(reduceYaml('/reduced-full')));
    collectGarbage();
    const [againMs] = await timed(() => svc.runNode('/reduce-full'));
    ctx.log(`full recompute after the append: ${round(againMs)} ms`);
    return {
      figure: incMs, unit: 'ms', baseline: againMs, baselineLabel: `full recompute of ${rows + 86_400} rows (same run)`,
      notes: `one day (86 400 rows, one new version) appended to ${rows} rows; the incremental run reads only versions whose time range reaches the touched buckets and merges them into the previous tables. First full reduce: ${round(fullMs)} ms.`,
      details: { rows, incMs, fullAfterAppendMs: againMs, firstFullMs: fullMs },
    };
  } finally {
    await done();
  }
}

export const benchmarks: Benchmark[] = [
  { name: 'collect/hydrovu-year', goal: '<= 3x plain fetch', met: (r) => r.figure <= 3 * r.baseline, run: collectYear },
  { name: 'collect/reduce-10m', goal: '<= 2x plain GROUP BY', met: (r) => r.figure <= 2 * r.baseline, run: (ctx) => reduceSeries(ctx, false) },
  { name: 'collect/reduce-incremental', goal: '<= 0.1x full recompute', met: (r) => r.figure <= 0.1 * r.baseline, run: (ctx) => reduceSeries(ctx, true) },
];
