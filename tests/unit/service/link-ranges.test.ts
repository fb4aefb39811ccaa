// A large series opened from a link is charted from its footer and the row groups drawn, fetched by HTTP Range and
// each checked against the SHA-256 its writer recorded (formats/parquet-ranges.ts), against a real static server on
// 127.0.0.1 with and without Range support. The bound on the bytes is computed here from the file's own footer by
// parquet-wasm (not by the code under test); the chart is compared with the source pond's.
import { afterEach, describe, expect, it } from 'vitest';
import { Float64, makeData, makeVector, Table, TimestampMicrosecond } from 'apache-arrow';
import { arrowToParquet, parquetToArrow } from '../../../src/formats/parquet';
import { loadParquetWasm } from '../../../src/core/parquet-wasm';
import { MemoryCoordinator } from '../../../src/pond/coordination';
import { wideTableMeta } from '../../../src/service/nodes/factories/hydrovu';
import { MemoryPondNames } from '../../../src/service/settings/pond-names';
import { PondService } from '../../../src/service/service';
import { MemoryObjectCache } from '../../../src/storage/object-cache';
import { MemoryPondHost } from '../../../src/storage/pond-host';
import { startStaticPondServer, type StaticPondServer } from '../../helpers/static-pond-server';

const SERIES = '/site/logger.series';
const ROWS = 24_000;
const GROUP_ROWS = 2_000; // 12 row groups: small, so the test stays fast
const START = Date.UTC(2023, 0, 1) * 1000;
const STEP = 900_000_000; // 15 minutes in µs

function readings(): Table {
  const ts = new BigInt64Array(ROWS);
  const cols: Record<string, ReturnType<typeof makeVector>> = {};
  for (let i = 0; i < ROWS; i++) ts[i] = BigInt(START + i * STEP);
  for (const [p, name] of ['a.unit', 'b.unit'].entries()) {
    // Values that do not compress (a pseudo-random walk), so the file is large enough to be read by ranges.
    const v = new Float64Array(ROWS);
    let x = 10 + p;
    for (let i = 0; i < ROWS; i++) v[i] = x += Math.sin(i * 12.9898 + p * 78.233) * 0.37;
    cols[name] = makeVector(makeData({ type: new Float64(), length: ROWS, data: v }));
  }
  return new Table({ timestamp: makeVector(makeData({ type: new TimestampMicrosecond(), length: ROWS, data: ts })), ...cols });
}

async function sourcePond() {
  const host = new MemoryPondHost();
  const svc = new PondService({ host, names: new MemoryPondNames(), coordinator: new MemoryCoordinator() });
  const { id } = await svc.createPond('ranged');
  const t = readings();
  const bytes = await arrowToParquet(t, { rowGroupRows: GROUP_ROWS });
  await svc.transact('data', async (tx) => { await tx.writeFile(SERIES, 'file:series', bytes, wideTableMeta(t, 'test'), { parents: true }); });
  const files = new Map([...host.stores.get(id)!.snapshot()].filter(([p]) => /^(_delta_log|oplog|blobs)\//.test(p)));
  const [blob] = [...files].find(([, b]) => b.length === bytes.length)!;
  return { svc, bytes, files, blob };
}

/** The file's row groups as parquet-wasm reads them: each one's compressed bytes and first and last time. */
async function rowGroupsOf(bytes: Uint8Array) {
  const pw = await loadParquetWasm();
  const file = await pw.ParquetFile.fromFile(new Blob([bytes as Uint8Array<ArrayBuffer>]));
  const meta = file.metadata();
  const out: { bytes: number; first: number; last: number }[] = [];
  for (let i = 0; i < meta.numRowGroups(); i++) {
    const t = (await parquetToArrow(bytes, 'check', ['timestamp'], [i])).getChild('timestamp')!;
    out.push({ bytes: meta.rowGroup(i).compressedSize(), first: Number(t.get(0)) * 1000, last: Number(t.get(t.length - 1)) * 1000 });
  }
  const footer = new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 8, 4).getUint32(0, true) + 8;
  return { groups: out, footer };
}

function reader(cache = new MemoryObjectCache()) {
  return new PondService({ host: new MemoryPondHost(), names: new MemoryPondNames(), coordinator: new MemoryCoordinator(), linkCache: cache });
}

/** Body bytes the server sent for the blob since request `from`. */
const blobBytes = (s: StaticPondServer, blob: string, from = 0) => s.log.slice(from).filter((r) => r.path.endsWith(blob)).reduce((n, r) => n + r.bytes, 0);

let server: StaticPondServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

// Two weeks in the middle of the series: rows 9000 … 10343 (row groups 4 and 5 of 12).
const RANGE: [number, number] = [START + 9000 * STEP, START + 10344 * STEP];

describe('a large series over a link, by ranges', () => {
  it('records checked ranges when written, and charts a part of its time range from the footer and the row groups drawn', async () => {
    const src = await sourcePond();
    const v = (await src.svc.versions(SERIES)).at(-1)!;
    const recorded = JSON.parse(v.attrs.parquet_ranges!) as [number, number, string][];
    const { groups, footer } = await rowGroupsOf(src.bytes);
    expect(groups.length).toBe(ROWS / GROUP_ROWS);
    expect(recorded.length).toBe(groups.length + 1);
    server = await startStaticPondServer(src.files);
    const link = reader();
    await link.openLink(server.url);
    const before = server.log.length;
    const chart = await link.plot(SERIES, ['a.unit'], 400, RANGE);
    expect(chart).toEqual(await src.svc.plot(SERIES, ['a.unit'], 400, RANGE));
    expect(chart.x.length).toBeGreaterThan(0);
    const drawn = groups.filter((g) => g.first < RANGE[1] && g.last >= RANGE[0]);
    expect(drawn.length).toBe(2);
    const fetched = blobBytes(server, src.blob, before);
    expect(fetched).toBeLessThanOrEqual(footer + drawn.reduce((n, g) => n + g.bytes, 0));
    expect(fetched).toBeLessThan(src.bytes.length / 4);
    expect(server.log.slice(before).filter((r) => r.path.endsWith(src.blob)).every((r) => r.status === 206)).toBe(true);
    // The whole range's chart (all row groups) is still that of the source.
    expect(await link.plot(SERIES, ['a.unit', 'b.unit'], 300)).toEqual(await src.svc.plot(SERIES, ['a.unit', 'b.unit'], 300));
  });

  it('gives the same chart from whole reads where the server ignores Range', async () => {
    const src = await sourcePond();
    server = await startStaticPondServer(src.files, { range: false });
    const link = reader();
    await link.openLink(server.url);
    const before = server.log.length;
    expect(await link.plot(SERIES, ['a.unit'], 400, RANGE)).toEqual(await src.svc.plot(SERIES, ['a.unit'], 400, RANGE));
    expect((await link.info()).link!.rangeIgnored).toBe(true);
    // One whole download, checked against the blob's name; the footer and both row groups were cut from it.
    expect(server.log.slice(before).filter((r) => r.path.endsWith(src.blob)).map((r) => [r.status, r.bytes])).toEqual([[200, src.bytes.length]]);
  });

  it('refuses a tampered byte inside a row group drawn as CORRUPT naming the object', async () => {
    const src = await sourcePond();
    const recorded = JSON.parse((await src.svc.versions(SERIES)).at(-1)!.attrs.parquet_ranges!) as [number, number, string][];
    const bad = src.files.get(src.blob)!.slice();
    const [offset, length] = recorded[1 + 4]!; // row group 4, which the chart of RANGE draws
    bad[offset + Math.floor(length / 2)]! ^= 0x01;
    server = await startStaticPondServer(new Map([...src.files, [src.blob, bad]]));
    const link = reader();
    await link.openLink(server.url);
    const refused = await link.plot(SERIES, ['a.unit'], 400, RANGE).then(() => undefined, (e: unknown) => e);
    expect(refused).toMatchObject({ code: 'CORRUPT', detail: { key: src.blob } });
    expect(String((refused as Error).message)).toContain(`${SERIES} v1`);
    expect(String((refused as Error).message)).toContain(src.blob);
    // A chart of row groups left as written is drawn: only the tampered bytes are refused.
    const early: [number, number] = [START, START + 1000 * STEP];
    expect(await link.plot(SERIES, ['a.unit'], 400, early)).toEqual(await src.svc.plot(SERIES, ['a.unit'], 400, early));
  });

  it('answers a second open from the cache: no new request for the ranges fetched, and none at all offline', async () => {
    const src = await sourcePond();
    server = await startStaticPondServer(src.files);
    const cache = new MemoryObjectCache();
    const first = reader(cache);
    await first.openLink(server.url);
    const chart = await first.plot(SERIES, ['a.unit'], 400, RANGE);
    const seen = server.log.length;
    expect(blobBytes(server, src.blob)).toBeGreaterThan(0);
    const second = reader(cache);
    await second.openLink(server.url);
    expect(await second.plot(SERIES, ['a.unit'], 400, RANGE)).toEqual(chart);
    expect(server.log.slice(seen).filter((r) => r.path.endsWith(src.blob))).toEqual([]);
    // The server gone (offline): the pond as of the last visit, and the same chart from the cached ranges.
    const url = server.url;
    await server.close();
    server = undefined;
    const offline = reader(cache);
    expect((await offline.openLink(url)).link).toMatchObject({ offline: true });
    expect(await offline.plot(SERIES, ['a.unit'], 400, RANGE)).toEqual(chart);
  });

  it('records no ranges for a small series, and never keeps ranges a caller passes', async () => {
    const host = new MemoryPondHost();
    const svc = new PondService({ host, names: new MemoryPondNames(), coordinator: new MemoryCoordinator() });
    await svc.createPond('small');
    const t = readings();
    const small = await arrowToParquet(t.slice(0, 500), { rowGroupRows: 100 });
    const big = await arrowToParquet(t, { rowGroupRows: GROUP_ROWS });
    const stale = JSON.stringify([[0, 8, '0'.repeat(64)], [4, 4, '0'.repeat(64)]]);
    await svc.transact('small', async (tx) => { await tx.writeFile('/s.series', 'file:series', small, { attrs: { timestamp_column: 'timestamp', parquet_ranges: stale } }); });
    expect((await svc.versions('/s.series'))[0]!.attrs.parquet_ranges).toBeUndefined();
    await svc.transact('big', async (tx) => { await tx.writeFile('/b.series', 'file:series', big, { attrs: { timestamp_column: 'timestamp', parquet_ranges: stale } }); });
    expect((await svc.versions('/b.series'))[0]!.attrs.parquet_ranges).not.toBe(stale);
    expect(JSON.parse((await svc.versions('/b.series'))[0]!.attrs.parquet_ranges!)).toHaveLength(ROWS / GROUP_ROWS + 1);
    expect((await svc.fsck()).ok).toBe(true);
  });
});
