// In Chromium: a large series pushed to a real S3 server (s3rver on 127.0.0.1) and opened by a signed link is charted
// from its footer and the row groups drawn, fetched by HTTP Range (presigned GETs) and each checked against the hash
// its writer recorded; the ranges are kept in real Cache Storage, so a second open fetches none of them; a tampered
// byte in a row group drawn is CORRUPT naming the object. The bound on bytes comes from parquet-wasm's own reading of
// the file's footer, not from the code under test.
import { afterAll, describe, expect, it } from 'vitest';
import { Float64, makeData, makeVector, Table, TimestampMicrosecond } from 'apache-arrow';
import { loadParquetWasm } from '../../../src/core/parquet-wasm';
import { arrowToParquet, parquetToArrow } from '../../../src/formats/parquet';
import { MemoryCoordinator } from '../../../src/pond/coordination';
import { objectKey } from '../../../src/remote/config';
import { wideTableMeta } from '../../../src/service/nodes/factories/hydrovu';
import { PondService } from '../../../src/service/service';
import { MemoryPondNames } from '../../../src/service/settings/pond-names';
import { CacheStorageObjectCache } from '../../../src/storage/object-cache';
import { MemoryPondHost } from '../../../src/storage/pond-host';
import { publishToBucket, sourcePond } from './link-source';

const SERIES = '/site/logger.series';
const ROWS = 24_000;
const GROUP_ROWS = 2_000;
const START = Date.UTC(2023, 0, 1) * 1000;
const STEP = 900_000_000;
const RANGE: [number, number] = [START + 9000 * STEP, START + 10344 * STEP]; // row groups 4 and 5 of 12

function readings(): Table {
  const ts = new BigInt64Array(ROWS);
  const v = new Float64Array(ROWS);
  let x = 10;
  for (let i = 0; i < ROWS; i++) {
    ts[i] = BigInt(START + i * STEP);
    v[i] = x += Math.sin(i * 12.9898) * 0.37; // does not compress: the file is large enough for ranges
  }
  return new Table({
    timestamp: makeVector(makeData({ type: new TimestampMicrosecond(), length: ROWS, data: ts })),
    'a.unit': makeVector(makeData({ type: new Float64(), length: ROWS, data: v })),
  });
}

interface Sent { url: string; range: string | null; status: number; length: number }

/** The real fetch, recording each request's URL, Range header, status and body length. */
function recordingFetch() {
  const log: Sent[] = [];
  const f = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const res = await fetch(input, init);
    const range = new Headers(init?.headers).get('range');
    log.push({ url: String(input), range, status: res.status, length: Number(res.headers.get('content-length') ?? -1) });
    return res;
  };
  return { log, fetch: f as typeof fetch };
}

const caches_: string[] = [];
afterAll(async () => {
  for (const c of caches_) await caches.delete(c);
});

function reader(cacheName: string, f: typeof fetch) {
  caches_.push(cacheName);
  return new PondService({ host: new MemoryPondHost(), names: new MemoryPondNames(), coordinator: new MemoryCoordinator(), linkCache: new CacheStorageObjectCache(cacheName), fetch: f });
}

describe('a large series over a signed S3 link, by ranges (Chromium, Cache Storage)', () => {
  it('fetches the footer and the row groups drawn, checked; a second open takes them from the cache; a tampered one is CORRUPT', async () => {
    const { host, src, id } = await sourcePond('ranged');
    const t = readings();
    const bytes = await arrowToParquet(t, { rowGroupRows: GROUP_ROWS });
    await src.transact('data', async (tx) => { await tx.writeFile(SERIES, 'file:series', bytes, wideTableMeta(t, 'test'), { parents: true }); });
    const prefix = `ranges-${crypto.randomUUID().slice(0, 8)}`;
    const { files, remote, link } = await publishToBucket(host, id, prefix);
    const [blob] = files.find(([, b]) => b.length === bytes.length)!;

    // The bound, from parquet-wasm's reading of the file: the footer, and the row groups whose times meet RANGE.
    const pw = await loadParquetWasm();
    const meta = (await pw.ParquetFile.fromFile(new Blob([bytes as Uint8Array<ArrayBuffer>]))).metadata();
    let bound = new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 8, 4).getUint32(0, true) + 8;
    let drawn = 0;
    for (let i = 0; i < meta.numRowGroups(); i++) {
      const times = (await parquetToArrow(bytes, 'check', ['timestamp'], [i])).getChild('timestamp')!;
      if (Number(times.get(0)) * 1000 < RANGE[1] && Number(times.get(times.length - 1)) * 1000 >= RANGE[0]) {
        bound += meta.rowGroup(i).compressedSize();
        drawn++;
      }
    }
    expect(drawn).toBe(2);

    const expected = await src.plot(SERIES, ['a.unit'], 400, RANGE);
    const cacheName = `test-link-ranges-${prefix}`;
    const first = recordingFetch();
    const a = reader(cacheName, first.fetch);
    await a.openLink(link);
    const opened = first.log.length;
    expect(await a.plot(SERIES, ['a.unit'], 400, RANGE)).toEqual(expected);
    const ranged = first.log.slice(opened).filter((r) => new URL(r.url).pathname.endsWith(blob));
    expect(ranged.map((r) => r.status)).toEqual([206, 206, 206]); // the footer, then row groups 4 and 5
    expect(ranged.every((r) => r.range !== null)).toBe(true);
    const fetched = ranged.reduce((n, r) => n + r.length, 0);
    expect(fetched).toBeLessThanOrEqual(bound);
    expect(fetched).toBeLessThan(bytes.length / 4);

    // A second open (a new service, the same Cache Storage): the same chart, no request for the blob.
    const second = recordingFetch();
    const b = reader(cacheName, second.fetch);
    await b.openLink(link);
    expect(await b.plot(SERIES, ['a.unit'], 400, RANGE)).toEqual(expected);
    expect(second.log.filter((r) => new URL(r.url).pathname.endsWith(blob))).toEqual([]);

    // The blob tampered with in the bucket, one byte inside row group 4: a fresh profile's chart is refused by name.
    const recorded = JSON.parse((await src.versions(SERIES)).at(-1)!.attrs.parquet_ranges!) as [number, number, string][];
    const bad = bytes.slice();
    bad[recorded[1 + 4]![0] + 100]! ^= 0x20;
    await remote.put(objectKey(prefix, id, blob), bad);
    const c = reader(`${cacheName}-fresh`, recordingFetch().fetch);
    await c.openLink(link);
    await expect(c.plot(SERIES, ['a.unit'], 400, RANGE)).rejects.toMatchObject({ code: 'CORRUPT', detail: { key: blob } });
  });
});
