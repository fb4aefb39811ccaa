// In Chromium: SQL over a large series opened by a signed link (s3rver on 127.0.0.1, presigned ranged GETs) fetches
// the footer and only the row groups its time filter needs, each checked against the hash its writer recorded, and
// answers exactly what the same SQL answers on the source pond (which reads the version whole). The bound on bytes
// comes from parquet-wasm's own reading of the file (each row group's compressed size and its first and last time),
// not from the code under test.
import { afterAll, describe, expect, it } from 'vitest';
import { Float64, makeData, makeVector, Table, tableFromIPC, TimestampMicrosecond, Utf8, vectorFromArray } from 'apache-arrow';
import { loadParquetWasm } from '../../../src/core/parquet-wasm';
import { arrowToParquet, parquetToArrow } from '../../../src/formats/parquet';
import { MemoryCoordinator } from '../../../src/pond/coordination';
import { wideTableMeta } from '../../../src/service/nodes/factories/hydrovu';
import { PondService } from '../../../src/service/service';
import { MemoryPondNames } from '../../../src/service/settings/pond-names';
import { CacheStorageObjectCache } from '../../../src/storage/object-cache';
import { MemoryPondHost } from '../../../src/storage/pond-host';
import { keyRemote } from '../remote/s3-helpers';
import { publishToBucket, sourcePond } from './link-source';

const SERIES = '/site/logger.series';
const ROWS = 365 * 96; // a year of 15-minute readings
const GROUP_ROWS = 2_920; // 12 row groups of about a month each
const START = Date.UTC(2023, 0, 1) * 1000;
const STEP = 900_000_000;
const MARCH: [number, number] = [Date.UTC(2023, 2, 1) * 1000, Date.UTC(2023, 3, 1) * 1000];

function readings(): Table {
  const ts = new BigInt64Array(ROWS);
  const a = new Float64Array(ROWS);
  const b = new Float64Array(ROWS);
  const valid = new Uint8Array(Math.ceil(ROWS / 8)).fill(0xff);
  let x = 10;
  for (let i = 0; i < ROWS; i++) {
    ts[i] = BigInt(START + i * STEP);
    a[i] = x += Math.sin(i * 12.9898) * 0.37; // does not compress: the file is large enough for ranges
    b[i] = Math.cos(i * 78.233) * 5;
    if (i % 997 === 5) valid[i >> 3]! &= ~(1 << (i & 7)); // a gap now and then: `IS NULL` has rows to find
  }
  return new Table({
    timestamp: makeVector(makeData({ type: new TimestampMicrosecond(), length: ROWS, data: ts })),
    'a.unit': makeVector(makeData({ type: new Float64(), length: ROWS, data: a })),
    'b.unit': makeVector(makeData({ type: new Float64(), length: ROWS, data: b, nullBitmap: valid, nullCount: -1 })),
    // A text column: the empty table a version starts as must type it as the row groups decoded into it will.
    site: vectorFromArray(Array.from({ length: ROWS }, (_, i) => `station ${i % 3}`), new Utf8()),
  });
}

interface Sent { url: string; status: number; length: number }

function recordingFetch() {
  const log: Sent[] = [];
  const f = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const res = await fetch(input, init);
    log.push({ url: String(input), status: res.status, length: Number(res.headers.get('content-length') ?? -1) });
    return res;
  };
  return { log, fetch: f as typeof fetch };
}

const caches_: string[] = [];
afterAll(async () => {
  for (const c of caches_) await caches.delete(c);
});

/** A fresh profile (its own Cache Storage) with the link open, and what it fetches of the blob from now on. */
async function openFresh(link: string, blob: string) {
  const name = `test-link-sql-${crypto.randomUUID().slice(0, 8)}`;
  caches_.push(name);
  const rec = recordingFetch();
  const svc = new PondService({ host: new MemoryPondHost(), names: new MemoryPondNames(), coordinator: new MemoryCoordinator(), linkCache: new CacheStorageObjectCache(name), fetch: rec.fetch });
  await svc.openLink(link);
  const from = rec.log.length;
  const fetched = () => rec.log.slice(from).filter((r) => new URL(r.url).pathname.endsWith(blob));
  return { svc, fetched, bytes: () => fetched().reduce((n, r) => n + r.length, 0) };
}

const rowsOf = async (svc: PondService, sql: string) => tableFromIPC((await svc.query(sql, { s: SERIES }, { limit: 1e9 })).ipc).toArray().map((r) => JSON.stringify(r.toJSON(), (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));

let setup: Promise<{ src: PondService; bytes: Uint8Array; blob: string; link: string; footer: number; groups: { bytes: number; first: number; last: number }[]; remote: ReturnType<typeof keyRemote>; prefix: string; id: string; recorded: [number, number, string][] }> | undefined;

function source() {
  setup ??= (async () => {
    const { host, src, id } = await sourcePond('link-sql');
    const t = readings();
    const bytes = await arrowToParquet(t, { rowGroupRows: GROUP_ROWS });
    await src.transact('data', async (tx) => { await tx.writeFile(SERIES, 'file:series', bytes, wideTableMeta(t, 'test'), { parents: true }); });
    const prefix = `link-sql-${crypto.randomUUID().slice(0, 8)}`;
    const { files, remote, link } = await publishToBucket(host, id, prefix);
    const [blob] = files.find(([, b]) => b.length === bytes.length)!;
    // The file's row groups as parquet-wasm reads them: compressed bytes, first and last time.
    const pw = await loadParquetWasm();
    const meta = (await pw.ParquetFile.fromFile(new Blob([bytes as Uint8Array<ArrayBuffer>]))).metadata();
    const groups: { bytes: number; first: number; last: number }[] = [];
    for (let i = 0; i < meta.numRowGroups(); i++) {
      const times = (await parquetToArrow(bytes, 'check', ['timestamp'], [i])).getChild('timestamp')!;
      groups.push({ bytes: meta.rowGroup(i).compressedSize(), first: Number(times.get(0)) * 1000, last: Number(times.get(times.length - 1)) * 1000 });
    }
    const footer = new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 8, 4).getUint32(0, true) + 8;
    const recorded = JSON.parse((await src.versions(SERIES)).at(-1)!.attrs.parquet_ranges!) as [number, number, string][];
    return { src, bytes, blob, link, footer, groups, remote, prefix, id, recorded };
  })();
  return setup;
}

/** The footer and the row groups whose times meet [start, end): the most a query of that range may fetch. */
async function boundFor([start, end]: [number, number]) {
  const s = await source();
  const meeting = s.groups.filter((g) => g.first < end && g.last >= start);
  return { meeting: meeting.length, bytes: s.footer + meeting.reduce((n, g) => n + g.bytes, 0) };
}

const MARCH_SQL = {
  rows: `SELECT * FROM s WHERE timestamp >= '2023-03-01' AND timestamp < '2023-04-01' ORDER BY timestamp`,
  text: `SELECT site, count(*) AS n, avg("a.unit") AS a FROM s WHERE timestamp >= '2023-03-01' AND timestamp < '2023-04-01' AND site <> 'station 1' GROUP BY site ORDER BY site`,
  cte: `WITH m AS (SELECT timestamp, "a.unit" AS a FROM s) SELECT count(*) AS n, sum(a) AS total, min(timestamp) AS first, max(timestamp) AS last FROM (SELECT * FROM m WHERE timestamp BETWEEN TIMESTAMP '2023-03-01' AND TIMESTAMP '2023-03-31 23:59:59')`,
  bucket: `SELECT time_bucket(INTERVAL 1 DAY, timestamp) AS day, avg("a.unit") AS a, max("b.unit") AS b FROM s WHERE timestamp >= '2023-03-01'::TIMESTAMP AND timestamp < '2023-04-01'::TIMESTAMP GROUP BY day ORDER BY day`,
};

describe('SQL over a large series by a signed S3 link, by ranges (Chromium, real duckdb-wasm)', () => {
  for (const [what, sql] of Object.entries(MARCH_SQL)) {
    it(`a one-month query (${what}) answers as the source pond does from the footer and that month's row groups`, async () => {
      const s = await source();
      const bound = await boundFor(MARCH);
      expect(bound.meeting).toBe(2); // March lies across the ends of two month-long row groups
      const expected = await rowsOf(s.src, sql);
      expect(expected.length).toBeGreaterThan(0);
      const r = await openFresh(s.link, s.blob);
      expect(await rowsOf(r.svc, sql)).toEqual(expected);
      expect(r.fetched().every((x) => x.status === 206)).toBe(true);
      expect(r.bytes()).toBeGreaterThan(0);
      expect(r.bytes()).toBeLessThanOrEqual(bound.bytes);
      expect(r.bytes()).toBeLessThan(s.bytes.length / 4);
    });
  }

  it('a query with no time filter, or an OR across columns, reads every row group and is still exact; a narrower one after fetches nothing more', async () => {
    const s = await source();
    const r = await openFresh(s.link, s.blob);
    const marchOr = `SELECT count(*) AS n, sum("a.unit") AS a FROM s WHERE timestamp >= '2023-03-01' OR "b.unit" > 4.9`;
    expect(await rowsOf(r.svc, marchOr)).toEqual(await rowsOf(s.src, marchOr));
    const all = s.footer + s.groups.reduce((n, g) => n + g.bytes, 0);
    expect(r.bytes()).toBeGreaterThanOrEqual(all - s.footer); // every row group was needed
    expect(r.bytes()).toBeLessThanOrEqual(all);
    const whole = `SELECT count(*) AS n, sum("a.unit") AS a, min(timestamp) AS first, max(timestamp) AS last FROM s`;
    expect(await rowsOf(r.svc, whole)).toEqual(await rowsOf(s.src, whole));
    const seen = r.fetched().length;
    expect(await rowsOf(r.svc, MARCH_SQL.rows)).toEqual(await rowsOf(s.src, MARCH_SQL.rows));
    expect(r.fetched().length).toBe(seen);
  });

  it('finds the gaps a query asks for (IS NULL: a filter that narrows nothing), in a table that held none of them', async () => {
    const s = await source();
    const r = await openFresh(s.link, s.blob);
    const gaps = `SELECT count(*) AS n, min(timestamp) AS first FROM s WHERE "b.unit" IS NULL`;
    const expected = await rowsOf(s.src, gaps);
    expect(expected[0]).toContain(`"n":"${Math.ceil((ROWS - 5) / 997)}"`);
    expect(await rowsOf(r.svc, gaps)).toEqual(expected);
  });

  it('reads through a view of the person\'s own over the bound name, which no later statement names', async () => {
    const s = await source();
    const r = await openFresh(s.link, s.blob);
    await r.svc.query(`CREATE TEMP VIEW march AS SELECT * FROM s WHERE timestamp >= '2023-03-01' AND timestamp < '2023-04-01'`, { s: SERIES });
    const sql = `SELECT count(*) AS n, max("a.unit") AS top, min(timestamp) AS first FROM march`;
    const expected = tableFromIPC((await s.src.query(`SELECT count(*) AS n, max("a.unit") AS top, min(timestamp) AS first FROM s WHERE timestamp >= '2023-03-01' AND timestamp < '2023-04-01'`, { s: SERIES })).ipc).toArray().map((x) => JSON.stringify(x.toJSON(), (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
    const got = tableFromIPC((await r.svc.query(sql, {})).ipc).toArray().map((x) => JSON.stringify(x.toJSON(), (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
    expect(got).toEqual(expected);
    expect(r.bytes()).toBeLessThanOrEqual((await boundFor(MARCH)).bytes);
  });

  it('reports the bytes of the row groups it fetches, and is cancelled between them; the same query then answers exactly', async () => {
    const s = await source();
    const r = await openFresh(s.link, s.blob);
    const sql = `SELECT count(*) AS n, max("a.unit") AS top FROM s WHERE timestamp >= '2023-02-01' AND timestamp < '2023-08-01'`;
    const meeting = s.groups.filter((g) => g.first < Date.UTC(2023, 7, 1) * 1000 && g.last >= Date.UTC(2023, 1, 1) * 1000);
    expect(meeting.length).toBeGreaterThan(2);
    const cancelled: [number, number | undefined, string][] = [];
    const refused = await r.svc.query(sql, { s: SERIES }, {
      opId: 'q1', onProgress: (done, total, what) => { cancelled.push([done, total, what]); r.svc.cancel('q1'); },
    }).then(() => undefined, (e: unknown) => e);
    expect(refused).toMatchObject({ code: 'ABORTED' });
    expect(cancelled.length).toBeGreaterThan(0);
    const fetchedBeforeCancel = r.fetched().length;
    expect(fetchedBeforeCancel).toBeLessThan(1 + meeting.length); // stopped before the last row group
    const reports: [number, number | undefined, string][] = [];
    expect(await rowsOf(r.svc, sql)).toEqual(await rowsOf(s.src, sql));
    await r.svc.query(`SELECT count(*) FROM s WHERE timestamp >= '2023-08-01' AND timestamp < '2023-09-01'`, { s: SERIES }, { onProgress: (d, t, w) => reports.push([d, t, w]) });
    const total = reports.at(-1)![1]!;
    expect(reports.at(-1)![0]).toBe(total);
    expect(reports.at(-1)![2]).toContain(`${SERIES} v1`);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(s.groups.filter((g) => g.first < Date.UTC(2023, 8, 1) * 1000 && g.last >= Date.UTC(2023, 7, 1) * 1000).reduce((n, g) => n + g.bytes, 0));
  });

  it('reads every row group for a text of several statements, and runs each once (a table made by one, read after)', async () => {
    const s = await source();
    const r = await openFresh(s.link, s.blob);
    // EXPLAIN plans only the first statement of a text (and duckdb-wasm runs the rest): a text of several is not planned.
    await r.svc.query(`SELECT 1 AS one; CREATE TEMP TABLE june AS SELECT * FROM s WHERE timestamp >= '2023-06-01' AND timestamp < '2023-07-01'`, { s: SERIES });
    const expected = await rowsOf(s.src, `SELECT count(*) AS n, min("b.unit") AS low FROM s WHERE timestamp >= '2023-06-01' AND timestamp < '2023-07-01'`);
    const got = tableFromIPC((await r.svc.query(`SELECT count(*) AS n, min("b.unit") AS low FROM june`, {})).ipc).toArray().map((x) => JSON.stringify(x.toJSON(), (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
    expect(got).toEqual(expected);
    const view = `CREATE OR REPLACE TEMP VIEW july AS SELECT * FROM s WHERE timestamp >= '2023-07-01' AND timestamp < '2023-08-01'; SELECT count(*) AS n, min("b.unit") AS low FROM july`;
    expect(await rowsOf(r.svc, view)).toEqual(await rowsOf(s.src, `SELECT count(*) AS n, min("b.unit") AS low FROM s WHERE timestamp >= '2023-07-01' AND timestamp < '2023-08-01'`));
  });

  it('fetches nothing for a statement DuckDB cannot parse or bind: its error, named as for a local pond', async () => {
    const s = await source();
    const r = await openFresh(s.link, s.blob);
    for (const bad of [`SELECT * FROM s WHERE`, `SELECT nosuch FROM s WHERE timestamp >= '2023-03-01'`]) {
      const e = await r.svc.query(bad, { s: SERIES }).then(() => undefined, (x: unknown) => x);
      const local = await s.src.query(bad, { s: SERIES }).then(() => undefined, (x: unknown) => x);
      expect(e).toMatchObject({ code: 'QUERY' });
      expect((e as Error).message).toBe((local as Error).message);
    }
    expect(r.fetched().length).toBeLessThanOrEqual(1); // the footer (bound by the first) at most: no row group
  });

  it('widens as later queries need more: a month, then a quarter, then the year, each exact', async () => {
    const s = await source();
    const r = await openFresh(s.link, s.blob);
    const q = (from: string, to: string) => `SELECT count(*) AS n, avg("a.unit") AS a, min(timestamp) AS first FROM s WHERE timestamp >= '${from}' AND timestamp < '${to}'`;
    expect(await rowsOf(r.svc, q('2023-03-01', '2023-04-01'))).toEqual(await rowsOf(s.src, q('2023-03-01', '2023-04-01')));
    const month = r.bytes();
    expect(await rowsOf(r.svc, q('2023-01-01', '2023-04-01'))).toEqual(await rowsOf(s.src, q('2023-01-01', '2023-04-01')));
    expect(r.bytes()).toBeGreaterThan(month);
    expect(r.bytes()).toBeLessThanOrEqual((await boundFor([Date.UTC(2023, 0, 1) * 1000, Date.UTC(2023, 3, 1) * 1000])).bytes);
    expect(await rowsOf(r.svc, q('2022-01-01', '2025-01-01'))).toEqual(await rowsOf(s.src, q('2022-01-01', '2025-01-01')));
  });

  it('a series of two large versions (half a year each): a query across their boundary reads a few row groups of each, exactly', async () => {
    const t = readings();
    const half = ROWS / 2;
    const { host, src, id } = await sourcePond('link-sql-two');
    const parts = [t.slice(0, half), t.slice(half)];
    const blobs: Uint8Array[] = [];
    for (const [i, part] of parts.entries()) {
      const bytes = await arrowToParquet(part, { rowGroupRows: GROUP_ROWS });
      blobs.push(bytes);
      await src.transact(`half ${i}`, async (tx) => { await tx.writeFile(SERIES, 'file:series', bytes, wideTableMeta(part, 'test'), { parents: true }); });
    }
    const versions = await src.versions(SERIES);
    expect(versions.map((v) => v.attrs.parquet_ranges !== undefined)).toEqual([true, true]);
    const prefix = `link-sql-two-${crypto.randomUUID().slice(0, 8)}`;
    const { files, link } = await publishToBucket(host, id, prefix);
    const names = blobs.map((b) => files.find(([, x]) => x.length === b.length)![0]);
    const sql = `SELECT time_bucket(INTERVAL 1 DAY, timestamp) AS day, count(*) AS n, avg("a.unit") AS a FROM s WHERE timestamp >= '2023-06-15' AND timestamp < '2023-07-15' GROUP BY day ORDER BY day`;
    const rec = recordingFetch();
    const svc = new PondService({ host: new MemoryPondHost(), names: new MemoryPondNames(), coordinator: new MemoryCoordinator(), linkCache: new CacheStorageObjectCache(`${prefix}-cache`), fetch: rec.fetch });
    caches_.push(`${prefix}-cache`);
    await svc.openLink(link);
    const from = rec.log.length;
    expect(await rowsOf(svc, sql)).toEqual(await rowsOf(src, sql));
    const sent = (blob: string) => rec.log.slice(from).filter((r) => new URL(r.url).pathname.endsWith(blob)).reduce((n, r) => n + r.length, 0);
    for (const [i, name] of names.entries()) {
      expect(sent(name)).toBeGreaterThan(0);
      expect(sent(name)).toBeLessThan(blobs[i]!.length / 2); // its footer and the row groups next to the boundary
    }
  });

  it('after "Keep a copy" (the same nodes, now read whole) answers from the whole versions, not the row groups a link query held', async () => {
    const s = await source();
    const r = await openFresh(s.link, s.blob);
    const whole = `SELECT count(*) AS n, min(timestamp) AS first, max(timestamp) AS last FROM s`;
    expect(await rowsOf(r.svc, MARCH_SQL.text)).toEqual(await rowsOf(s.src, MARCH_SQL.text)); // the link's table holds March
    await r.svc.keepLinkCopy({ name: 'kept' });
    expect((await r.svc.info()).link).toBeFalsy();
    expect(await rowsOf(r.svc, whole)).toEqual(await rowsOf(s.src, whole));
  });

  it('refuses a tampered row group the query needs as CORRUPT naming the version; a month it does not need still answers', async () => {
    const s = await source();
    const bad = s.bytes.slice();
    const march = s.groups.findIndex((g) => g.first < MARCH[1] && g.last >= MARCH[0]);
    const [offset, length] = s.recorded[1 + march]!;
    bad[offset + Math.floor(length / 2)]! ^= 0x20;
    // The same pond under another prefix, its blob altered in the bucket.
    const { host, src, id } = await sourcePond('link-sql-bad');
    const t = readings();
    await src.transact('data', async (tx) => { await tx.writeFile(SERIES, 'file:series', s.bytes, wideTableMeta(t, 'test'), { parents: true }); });
    const { link } = await publishToBucket(host, id, `${s.prefix}-bad`, (p, b) => (p.endsWith(s.blob) ? bad : b));
    const r = await openFresh(link, s.blob);
    const refused = await rowsOf(r.svc, MARCH_SQL.rows).then(() => undefined, (e: unknown) => e);
    expect(refused).toMatchObject({ code: 'CORRUPT' });
    expect(String((refused as Error).message)).toContain(`${SERIES} v1`);
    const late = `SELECT count(*) AS n, sum("a.unit") AS a FROM s WHERE timestamp >= '2023-10-01'`;
    expect(await rowsOf(r.svc, late)).toEqual(await rowsOf(s.src, late));
  });
});
