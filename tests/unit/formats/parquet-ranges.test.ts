// The checked ranges of a large Parquet file (formats/parquet-ranges.ts) against parquet-wasm's own reading of the
// footer, and the refusals of a malformed `parquet_ranges` attribute.
import { describe, expect, it } from 'vitest';
import { Float64, makeData, makeVector, Table, TimestampMicrosecond, TimestampMillisecond } from 'apache-arrow';
import { loadParquetWasm } from '../../../src/core/parquet-wasm';
import { arrowToParquet } from '../../../src/formats/parquet';
import { computeRanges, decodeRanges, encodeRanges, footerFile, RANGES_MIN_BYTES } from '../../../src/formats/parquet-ranges';
import { microsTimestampColumns, parseFooter } from '../../../src/formats/parquet-footer';
import { rowGroupsMeeting, type RangedFooter } from '../../../src/query/ranged-parquet';
import { rowGroupSpans } from '../../../src/formats/parquet-footer';
import type { Schema } from 'apache-arrow';

const ROWS = 30_000;

function table(): Table {
  const us = new BigInt64Array(ROWS);
  const ms = new BigInt64Array(ROWS);
  const v = new Float64Array(ROWS);
  for (let i = 0; i < ROWS; i++) {
    us[i] = BigInt(1_700_000_000_000_000 + i * 60_000_000);
    ms[i] = BigInt(1_700_000_000_000 + i * 60_000);
    v[i] = Math.sin(i * 12.9898) * 43758.5453;
  }
  return new Table({
    t: makeVector(makeData({ type: new TimestampMicrosecond(), length: ROWS, data: us })),
    t_ms: makeVector(makeData({ type: new TimestampMillisecond(), length: ROWS, data: ms })),
    v: makeVector(makeData({ type: new Float64(), length: ROWS, data: v })),
  });
}

const reader = (bytes: Uint8Array) => async (offset: number, length: number) => bytes.slice(offset, offset + length);

async function sha(bytes: Uint8Array): Promise<string> {
  return [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

describe('parquet ranges', () => {
  it('records the footer and each row group as parquet-wasm sees them, each with the SHA-256 of its bytes', async () => {
    const bytes = await arrowToParquet(table(), { rowGroupRows: 5_000 });
    expect(bytes.length).toBeGreaterThan(RANGES_MIN_BYTES);
    const r = (await computeRanges(bytes.length, reader(bytes), 'test'))!;
    const pw = await loadParquetWasm();
    const meta = (await pw.ParquetFile.fromFile(new Blob([bytes as Uint8Array<ArrayBuffer>]))).metadata();
    expect(r.rowGroups.length).toBe(meta.numRowGroups());
    expect(r.rowGroups.map((g) => g.length)).toEqual(meta.rowGroups().map((g) => g.compressedSize()));
    expect(r.footer.offset + r.footer.length).toBe(bytes.length);
    expect(r.footer.length).toBe(new DataView(bytes.buffer, bytes.length - 8, 4).getUint32(0, true) + 8);
    for (const c of [r.footer, ...r.rowGroups]) expect(c.sha256).toBe(await sha(bytes.slice(c.offset, c.offset + c.length)));
    expect(decodeRanges(encodeRanges(r), bytes.length, 'x')).toEqual(r);
  });

  it('records none for a file read whole anyway: one row group, small, or not Parquet', async () => {
    const one = await arrowToParquet(table());
    expect(await computeRanges(one.length, reader(one), 'one')).toBeUndefined();
    const small = await arrowToParquet(table().slice(0, 2000), { rowGroupRows: 100 });
    expect(await computeRanges(small.length, reader(small), 'small')).toBeUndefined();
    const noise = new Uint8Array(RANGES_MIN_BYTES + 10).map((_, i) => (i * 31) % 251);
    expect(await computeRanges(noise.length, reader(noise), 'noise')).toBeUndefined();
  });

  it('prunes row groups by µs time statistics only', async () => {
    const bytes = await arrowToParquet(table(), { rowGroupRows: 5_000 });
    const r = (await computeRanges(bytes.length, reader(bytes), 'test'))!;
    const footer = parseFooter(footerFile(bytes.slice(r.footer.offset)), 'test');
    expect([...microsTimestampColumns(footer)]).toEqual(['t']);
    const f: RangedFooter = { schema: undefined as unknown as Schema, spans: rowGroupSpans(footer), micros: microsTimestampColumns(footer) };
    // Rows 12 000 … 12 999 lie in row group 2 (rows 10 000 … 14 999).
    const range: [number, number] = [1_700_000_000_000_000 + 12_000 * 60_000_000, 1_700_000_000_000_000 + 13_000 * 60_000_000];
    expect(rowGroupsMeeting(f, 't', range)).toEqual([2]);
    // The first row of group 3 at the range's (exclusive) end: not drawn.
    expect(rowGroupsMeeting(f, 't', [range[0], 1_700_000_000_000_000 + 15_000 * 60_000_000])).toEqual([2]);
    expect(rowGroupsMeeting(f, 't_ms', range)).toEqual([0, 1, 2, 3, 4, 5]); // ms statistics are not compared with µs
  });

  it('refuses a malformed attribute as CORRUPT naming the version', () => {
    const h = 'a'.repeat(64);
    for (const [attr, why] of [
      ['nope', /not a list/], ['[]', /not a list/], [JSON.stringify([[0, 10, h], [4, 4, 'xyz']]), /malformed entry 1/],
      [JSON.stringify([[90, 10, h], [4, 200, h]]), /outside the 100-byte content/], [JSON.stringify([[80, 10, h], [4, 4, h]]), /does not end the content/],
    ] as const) {
      expect(() => decodeRanges(attr, 100, '/s.series v2')).toThrow(expect.objectContaining({ code: 'CORRUPT', message: expect.stringMatching(why) }));
      expect(() => decodeRanges(attr, 100, '/s.series v2')).toThrow(/\/s\.series v2/);
    }
  });
});
