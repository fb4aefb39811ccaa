// importParquet on the shared parquet-testing files: every good file imports, every bad one fails cleanly.
import { describe, expect, it } from 'vitest';
import { isPondError } from '../../../src/core/errors';
import { arrowToParquet, parquetToArrow } from '../../../src/formats/parquet';
import { importParquet } from '../../../src/formats/parquet-import';
import { tableFromArrays } from 'apache-arrow';

const good = import.meta.glob('../../../../shared/testdata/parquet/good/*.parquet', { query: '?url', import: 'default', eager: true }) as Record<string, string>;
const badFiles = import.meta.glob('../../../../shared/testdata/parquet/bad/*.parquet', { query: '?url', import: 'default', eager: true }) as Record<string, string>;
const base = (p: string) => p.split('/').pop()!;
const load = async (url: string) => new Uint8Array(await (await fetch(url)).arrayBuffer());
const urlOf = (files: Record<string, string>, name: string) => Object.entries(files).find(([p]) => base(p) === name)![1];

const expectedRows: Record<string, number> = {
  'alltypes_plain.parquet': 8, 'alltypes_plain.snappy.parquet': 2, 'datapage_v2.snappy.parquet': 5, 'nulls.snappy.parquet': 8,
  'single_nan.parquet': 1, 'nan_in_stats.parquet': 2, 'int96_from_spark.parquet': 6, 'byte_array_decimal.parquet': 24,
  'nested_structs.rust.parquet': 1,
};
// Files that fail in arrow-rs; the others are either "either result is fine" or CRC-only corruption (CRCs unchecked).
const mustFail = ['PARQUET-1481.parquet', 'ARROW-RS-GH-6229-DICTHEADER.parquet', 'ARROW-RS-GH-6229-LEVELS.parquet', 'ARROW-GH-41321.parquet',
  'ARROW-GH-41317.parquet', 'ARROW-GH-45185.parquet', 'ARROW-GH-47662.parquet'];

describe('parquet/good', () => {
  it('has the 9 files the README lists', () => expect(Object.keys(good).map(base).sort()).toEqual(Object.keys(expectedRows).sort()));
  for (const name of Object.keys(expectedRows)) {
    it(`${name} imports with ${expectedRows[name]} rows, from bytes and from a Blob`, async () => {
      const bytes = await load(urlOf(good, name));
      const r = await importParquet(bytes, name);
      expect(r.rows).toBe(expectedRows[name]);
      expect((await parquetToArrow(r.parquet!)).numRows).toBe(r.rows);
      const fromBlob = await importParquet(new Blob([bytes]), name);
      expect(fromBlob.rows).toBe(r.rows);
      expect(fromBlob.columns).toEqual(r.columns);
    });
  }
  it('reads Spark INT96 timestamps as exact µs, past the int64-ns range', async () => {
    const r = await importParquet(await load(urlOf(good, 'int96_from_spark.parquet')), 'int96_from_spark.parquet', { timestampColumn: 'a' });
    const t = await parquetToArrow(r.parquet!);
    const col = t.getChild('a')!;
    const values = col.data.flatMap((d) => Array.from(d.values as BigInt64Array, (v, i) => (d.getValid(i) ? v : null)));
    expect(values).toEqual([1704141296123456n, 1704070800000000n, 253402225200000000n, 1735599600000000n, null, 9089380393200000000n]);
    expect(r.minEventTime).toBe(1704070800000000);
    expect(r.maxEventTime).toBe(Number(9089380393200000000n));
  });
  it('keeps the alltypes_plain ids and INT96 column', async () => {
    const r = await importParquet(await load(urlOf(good, 'alltypes_plain.parquet')), 'alltypes_plain.parquet');
    const t = await parquetToArrow(r.parquet!);
    expect(Array.from(t.getChild('id')!.toArray() as Int32Array)).toEqual([4, 5, 6, 7, 2, 3, 0, 1]);
    expect(r.columns.find((c) => c.name === 'timestamp_col')!.type).toMatch(/^timestamp \(µs/);
    expect(r.timestampColumn).toBe('timestamp_col'); // not a known name, but the first column whose type holds times
  });
});

describe('parquet/bad', () => {
  it('has the 10 files the README lists', () => expect(Object.keys(badFiles)).toHaveLength(10));
  for (const name of mustFail) {
    it(`${name} is BAD_PARQUET naming the file, and a good file still reads after it`, async () => {
      const e = await importParquet(await load(urlOf(badFiles, name)), name).then(() => undefined, (x: unknown) => x);
      expect(isPondError(e, 'BAD_PARQUET'), String(e)).toBe(true);
      expect((e as Error).message.startsWith(`${name}: `)).toBe(true);
      expect((await importParquet(await load(urlOf(good, 'alltypes_plain.parquet')), 'ok.parquet')).rows).toBe(8);
    });
  }
  for (const name of ['datapage_v1-corrupt-checksum.parquet', 'rle-dict-uncompressed-corrupt-checksum.parquet']) {
    it(`${name} is refused: its page CRCs are checked (parquet-wasm does not)`, async () => {
      const e = await importParquet(await load(urlOf(badFiles, name)), name).then(() => undefined, (x: unknown) => x);
      expect(isPondError(e, 'BAD_PARQUET'), String(e)).toBe(true);
      expect((e as Error).message).toMatch(new RegExp(`^${name.replace(/\./g, '\\.')}: page checksum mismatch in column \\w+, row group 0`));
    });
  }
  for (const name of ['ARROW-GH-43605.parquet']) {
    it(`${name} either imports or is BAD_PARQUET (no crash)`, async () => {
      const r = await importParquet(await load(urlOf(badFiles, name)), name).then((x) => x.rows, (x: unknown) => x);
      if (typeof r !== 'number') expect(isPondError(r, 'BAD_PARQUET'), String(r)).toBe(true);
      else expect(r).toBeGreaterThan(0);
    });
  }
  it('refuses a CSV and a truncated file by name', async () => {
    const csv = new TextEncoder().encode('a,b\n1,2\n3,4\n');
    await expect(importParquet(csv, 'data.csv')).rejects.toThrow(/^data\.csv: not a Parquet file/);
    const ok = await arrowToParquet(tableFromArrays({ v: Float64Array.from([1, 2]) }));
    const cut = new Uint8Array([...ok.subarray(0, 20), ...ok.subarray(ok.length - 4)]);
    await expect(importParquet(cut, 'cut.parquet')).rejects.toThrow(/^cut\.parquet: /);
  });
  it('normalises an epoch-ms column named ts and honours an aborted signal', async () => {
    const bytes = await arrowToParquet(tableFromArrays({ ts: BigInt64Array.from([1704067200000n, 1704067100000n]), v: Float64Array.from([1, 2]) }));
    const r = await importParquet(bytes, 'x.parquet');
    expect(r.timestampColumn).toBe('ts');
    expect([r.minEventTime, r.maxEventTime]).toEqual([1704067100000000, 1704067200000000]);
    await expect(importParquet(bytes, 'x.parquet', { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
