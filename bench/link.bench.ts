// Pond links (issue "Open a pond from a link"): a year of 15-minute data for 10 parameters with its temporal-reduce
// tables, in backup layout on a slow static host (tests/servers/throttle-server.mjs: 50 ms round trips, 10 Mbit/s,
// started by tools/bench.mjs). A fresh reader (no cache) opens the link and lists the tree, then draws the first
// chart as the UI does (plotAuto, 800 px); the baseline is downloading the whole pond's zip over the same link first.
// Then a zoom into one month (plotAuto draws the raw series there): read by HTTP Range, the footer and the row groups
// of that month only (the series is written with a week per row group); its baseline is fetching the series whole,
// as every version was read before ranged reads, over the same link in the same run.
// Then SQL over the link: one month's hourly means of the year's series, by a fresh reader: its plan's time filter
// fetches the footer and that month's row groups only (query/ranged-tables.ts); its baseline is the same SQL by a
// fresh reader whose requests carry no Range header, so the host answers whole and the version is read whole.
import { Float64, makeData, makeVector, Table, TimestampMicrosecond } from 'apache-arrow';
import { arrowToParquet } from '../src/formats/parquet';
import { MemoryCoordinator } from '../src/pond/coordination';
import { wideTableMeta } from '../src/service/nodes/factories/hydrovu';
import { MemoryPondNames } from '../src/service/settings/pond-names';
import { PondService } from '../src/service/service';
import { MemoryObjectCache } from '../src/storage/object-cache';
import { MemoryPondHost } from '../src/storage/pond-host';
import { median, round, timed, type BenchContext, type BenchResult, type Benchmark } from './types';

const THROTTLE_URL: string | undefined = import.meta.env.VITE_BENCH_THROTTLE_URL;
const PARAMETERS = 10;
const WIDTH = 800;
const SERIES = '/site/logger.series';
/** Rows per row group of the series: a week of 15-minute readings. */
const WEEK_ROWS = 7 * 96;
const DAY_US = 86_400_000_000;
/** The zoomed chart: 30 days from 1 June 2023 (2880 rows of the year's 35 040). */
const MONTH: [number, number] = [Date.UTC(2023, 5, 1) * 1000, Date.UTC(2023, 5, 1) * 1000 + 30 * DAY_US];

/** A year of 15-minute readings of 10 parameters from 2023-01-01 (smooth waves with a daily cycle, as loggers give). */
function year(rows: number): Table {
  const start = Date.UTC(2023, 0, 1) * 1000;
  const ts = new BigInt64Array(rows);
  const cols: Record<string, ReturnType<typeof makeVector>> = {};
  for (let i = 0; i < rows; i++) ts[i] = BigInt(start + i * 900_000_000);
  for (let p = 0; p < PARAMETERS; p++) {
    const v = new Float64Array(rows);
    for (let i = 0; i < rows; i++) v[i] = Math.round((10 + p + 5 * Math.sin(i / 96 * 2 * Math.PI) + 3 * Math.sin(i / 35040 * 2 * Math.PI + p)) * 1000) / 1000;
    cols[`P${p}.unit`] = makeVector(makeData({ type: new Float64(), length: rows, data: v }));
  }
  return new Table({ timestamp: makeVector(makeData({ type: new TimestampMicrosecond(), length: rows, data: ts })), ...cols });
}

interface Served { url: string; zipUrl: string; files: number; bytes: number; zipBytes: number }

let served: Promise<Served> | undefined;

/** Makes the pond (series + temporal-reduce run) in memory and puts its layout and its zip on the slow host. */
function serve(ctx: BenchContext): Promise<Served> {
  served ??= (async () => {
    if (!THROTTLE_URL) throw new Error('VITE_BENCH_THROTTLE_URL is not set: run through tools/bench.mjs, which starts the throttling server');
    const host = new MemoryPondHost();
    const svc = new PondService({ host, names: new MemoryPondNames(), coordinator: new MemoryCoordinator() });
    const { id } = await svc.createPond('bench link');
    const t = year(ctx.quick ? 96 * 30 : 365 * 96);
    const bytes = await arrowToParquet(t, { rowGroupRows: WEEK_ROWS });
    await svc.transact('bench data', async (tx) => { await tx.writeFile(SERIES, 'file:series', bytes, wideTableMeta(t, 'bench'), { parents: true }); });
    await svc.mknod('temporal-reduce', '/reduce', 'in_pattern: /site/*.series\nout_pattern: /reduced/$0\nresolutions: [1h, 2h, 4h, 12h, 24h]\n');
    await svc.runNode('/reduce');
    const store = host.stores.get(id)!;
    const files = [...store.snapshot()].filter(([p]) => /^(_delta_log|oplog|blobs)\//.test(p));
    const prefix = `${THROTTLE_URL}${id}`;
    for (const [p, b] of files) await fetch(`${prefix}/${p}`, { method: 'PUT', body: b as Uint8Array<ArrayBuffer> });
    const zip = await svc.exportZip();
    await fetch(`${prefix}.zip`, { method: 'PUT', body: zip.blob });
    const total = files.reduce((n, [, b]) => n + b.length, 0);
    ctx.log(`pond ${id}: ${files.length} files, ${round(total / 1e6, 2)} MB; zip ${round(zip.blob.size / 1e6, 2)} MB`);
    return { url: `${prefix}/`, zipUrl: `${prefix}.zip`, files: files.length, bytes: total, zipBytes: zip.blob.size };
  })();
  return served;
}

interface LinkRun {
  treeMs: number; chartMs: number; treeBytes: number; chartBytes: number; drawnBytes: number; source: string; requests: number;
  /** The zoomed chart (a month of the raw series): its time, bytes fetched, rows drawn, and the series' size and rows. */
  zoomMs: number; zoomBytes: number; zoomRows: number; zoomSource: string; seriesBytes: number; seriesRows: number;
  /** Baseline: the series fetched whole by the same reader (what the zoom cost before ranged reads). */
  wholeMs: number; wholeBytes: number;
}

/** One fresh reader: open the link and list the tree, then the first chart of one parameter. */
async function openAndChart(url: string): Promise<LinkRun> {
  const reader = new PondService({ host: new MemoryPondHost(), names: new MemoryPondNames(), coordinator: new MemoryCoordinator(), linkCache: new MemoryObjectCache() });
  const t0 = performance.now();
  await reader.openLink(url);
  await reader.list('/**');
  const treeMs = performance.now() - t0;
  const treeBytes = (await reader.info()).link!.bytes;
  const plot = await reader.plotAuto(SERIES, ['P0.unit'], WIDTH);
  const chartMs = performance.now() - t0;
  const link = (await reader.info()).link!;
  // The Parquet the chart drew from: the version(s) of the table (or series) plotAuto chose.
  const drawnBytes = (await reader.versions(plot.source)).reduce((n, v) => n + v.size, 0);
  const t1 = performance.now();
  const zoom = await reader.plotAuto(SERIES, ['P0.unit'], WIDTH, MONTH);
  const zoomMs = performance.now() - t1;
  const zoomBytes = (await reader.info()).link!.bytes - link.bytes;
  const series = (await reader.versions(SERIES)).at(-1)!;
  const [wholeMs] = await timed(() => reader.readFile(SERIES));
  const wholeBytes = (await reader.info()).link!.bytes - link.bytes - zoomBytes;
  return {
    treeMs, chartMs, treeBytes, chartBytes: link.bytes - treeBytes, drawnBytes, source: plot.source, requests: link.requests,
    zoomMs, zoomBytes, zoomRows: 30 * 96, zoomSource: zoom.source, seriesBytes: series.size, seriesRows: Number(series.attrs.rows), wholeMs, wholeBytes,
  };
}

/** The month's hourly means: the SQL a person would type in the SQL tab. */
const MONTH_SQL = `SELECT time_bucket(INTERVAL 1 HOUR, timestamp) AS hour, avg("P0.unit") AS p0, max("P3.unit") AS p3 FROM s `
  + `WHERE timestamp >= '2023-06-01' AND timestamp < '2023-07-01' GROUP BY hour ORDER BY hour`;

/** The real fetch without the Range header: the host answers every read whole (200), as a host without ranges does. */
const wholeFetch: typeof fetch = (input, init) => {
  const headers = new Headers(init?.headers);
  headers.delete('range');
  return fetch(input, { ...init, headers });
};

interface SqlRun { ms: number; bytes: number; rows: number }

/** A fresh reader opens the link, then (timed) runs MONTH_SQL; the bytes it fetched for the SQL. */
async function monthSql(url: string, f?: typeof fetch): Promise<SqlRun> {
  const reader = new PondService({ host: new MemoryPondHost(), names: new MemoryPondNames(), coordinator: new MemoryCoordinator(), linkCache: new MemoryObjectCache(), ...(f ? { fetch: f } : {}) });
  await reader.openLink(url);
  const before = (await reader.info()).link!.bytes;
  const [ms, r] = await timed(() => reader.query(MONTH_SQL, { s: SERIES }, { limit: 10_000 }));
  return { ms, bytes: (await reader.info()).link!.bytes - before, rows: r.rows };
}

let sqlMeasured: Promise<{ ranged: SqlRun[]; whole: SqlRun[]; seriesBytes: number }> | undefined;

async function sqlMonth(ctx: BenchContext): Promise<BenchResult> {
  const { ranged, whole, seriesBytes } = await (sqlMeasured ??= (async () => {
    const s = await serve(ctx);
    await monthSql(s.url); // DuckDB started (and its wasm compiled) before either side is timed
    const ranged: SqlRun[] = [];
    const whole: SqlRun[] = [];
    for (let i = 0; i < (ctx.quick ? 1 : 5); i++) {
      // Alternating, so drift in the machine's load falls on both sides alike.
      ranged.push(await monthSql(s.url));
      whole.push(await monthSql(s.url, wholeFetch));
      ctx.log(`sql run ${i + 1}: by ranges ${round(ranged.at(-1)!.ms)} ms / ${round(ranged.at(-1)!.bytes / 1e3, 1)} kB, whole ${round(whole.at(-1)!.ms)} ms / ${round(whole.at(-1)!.bytes / 1e3, 1)} kB`);
    }
    const reader = new PondService({ host: new MemoryPondHost(), names: new MemoryPondNames(), coordinator: new MemoryCoordinator(), linkCache: new MemoryObjectCache() });
    await reader.openLink(s.url);
    return { ranged, whole, seriesBytes: (await reader.versions(SERIES)).at(-1)!.size };
  })());
  const r = ranged[0]!;
  const w = whole[0]!;
  if (r.rows !== w.rows) throw new Error(`the two reads disagree: ${r.rows} rows by ranges, ${w.rows} whole`);
  return {
    figure: median(ranged.map((x) => x.ms)), unit: 'ms', baseline: median(whole.map((x) => x.ms)),
    baselineLabel: `the same SQL with the version read whole (the host answering without Range: ${round(w.bytes / 1e3, 1)} kB)`,
    notes: `one month's hourly means (${r.rows} rows) of a year's series (${round(seriesBytes / 1e3, 1)} kB, a week per row group): `
      + `${round(r.bytes / 1e3, 1)} kB fetched (${round(r.bytes / seriesBytes, 3)} of the version); time is the query alone, DuckDB already started`,
    details: { ranged, whole, seriesBytes, bytesShare: r.bytes / seriesBytes },
  };
}

async function wholeZip(url: string): Promise<number> {
  const [ms] = await timed(async () => (await fetch(url, { cache: 'no-store' })).arrayBuffer());
  return ms;
}

async function measure(ctx: BenchContext): Promise<{ runs: LinkRun[]; zipMs: number[]; s: Served }> {
  const s = await serve(ctx);
  const runs: LinkRun[] = [];
  const zipMs: number[] = [];
  for (let i = 0; i < (ctx.quick ? 1 : 3); i++) {
    zipMs.push(await wholeZip(s.zipUrl));
    runs.push(await openAndChart(s.url));
    ctx.log(`run ${i + 1}: tree ${round(runs.at(-1)!.treeMs)} ms, chart ${round(runs.at(-1)!.chartMs)} ms, zip ${round(zipMs.at(-1)!)} ms`);
  }
  return { runs, zipMs, s };
}

let measured: ReturnType<typeof measure> | undefined;

async function tree(ctx: BenchContext): Promise<BenchResult> {
  const { runs, zipMs, s } = await (measured ??= measure(ctx));
  const ms = median(runs.map((r) => r.treeMs));
  return {
    figure: ms, unit: 'ms', baseline: median(zipMs), baselineLabel: `download the pond's whole zip (${round(s.zipBytes / 1e6, 2)} MB) first`,
    notes: `${round(runs[0]!.treeBytes / 1e3, 1)} kB fetched for the tree (the pond: ${s.files} files, ${round(s.bytes / 1e6, 2)} MB); 50 ms RTT, 10 Mbit/s`,
    details: { runs, zipMs },
  };
}

async function firstChart(ctx: BenchContext): Promise<BenchResult> {
  const { runs, zipMs, s } = await (measured ??= measure(ctx));
  const ms = median(runs.map((r) => r.chartMs));
  const r = runs[0]!;
  return {
    figure: ms, unit: 'ms', baseline: median(zipMs), baselineLabel: `download the pond's whole zip (${round(s.zipBytes / 1e6, 2)} MB) first`,
    notes: `the chart drew from ${r.source}: ${round(r.chartBytes / 1e3, 1)} kB fetched for it, its Parquet is ${round(r.drawnBytes / 1e3, 1)} kB (${round(r.chartBytes / r.drawnBytes, 2)}x); `
      + `time includes starting DuckDB; ${r.requests} requests in all`,
    details: { runs, zipMs, bytesRatio: r.chartBytes / r.drawnBytes },
  };
}

async function zoomedChart(ctx: BenchContext): Promise<BenchResult> {
  const { runs } = await (measured ??= measure(ctx));
  const r = runs[0]!;
  // The Parquet bytes of the rows drawn: the series' bytes in proportion to the rows of the month.
  const drawn = r.seriesBytes * (r.zoomRows / r.seriesRows);
  return {
    figure: median(runs.map((x) => x.zoomMs)), unit: 'ms', baseline: median(runs.map((x) => x.wholeMs)),
    baselineLabel: `fetch the series whole (${round(r.seriesBytes / 1e3, 1)} kB), as before ranged reads`,
    notes: `drew ${r.zoomSource}: ${round(r.zoomBytes / 1e3, 1)} kB fetched for ${r.zoomRows} of ${r.seriesRows} rows, whose share of the Parquet is ${round(drawn / 1e3, 1)} kB `
      + `(${round(r.zoomBytes / drawn, 2)}x; the whole series ${round(r.wholeBytes / 1e3, 1)} kB); a week per row group`,
    details: { runs, bytesRatio: r.zoomBytes / drawn },
  };
}

export const benchmarks: Benchmark[] = [
  { name: 'link/tree', goal: 'link → tree < 1.5 s', met: (r) => r.figure < 1500, run: tree },
  {
    name: 'link/first-chart', goal: 'link → first chart < 3 s; bytes ≤ 2x the Parquet drawn',
    met: (r) => r.figure < 3000 && Number(r.details?.bytesRatio) <= 2, run: firstChart,
  },
  {
    name: 'link/zoomed-chart', goal: 'bytes ≤ 2x the Parquet of the rows drawn; faster than the whole series',
    met: (r) => Number(r.details?.bytesRatio) <= 2 && r.figure < r.baseline, run: zoomedChart,
  },
  {
    name: 'link/sql-month', goal: 'a month of a year by SQL: ≤ 1/6 of the version fetched; faster than reading it whole',
    met: (r) => Number(r.details?.bytesShare) <= 1 / 6 && r.figure < r.baseline, run: sqlMonth,
  },
];
