import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { tableFromArrays } from 'apache-arrow';
import { arrowToParquet, parquetToArrow } from '../../../src/formats/parquet';
import { int96Columns, parseFooter, rowGroupCount, withKeyValue } from '../../../src/formats/parquet-footer';

const testdata = (p: string) => new Uint8Array(readFileSync(new URL(`../../../../shared/testdata/parquet/${p}`, import.meta.url)));

describe('parquet footer (Thrift compact)', () => {
  it('finds the INT96 columns of the Spark and Impala files, and none in ours', async () => {
    expect(int96Columns(parseFooter(testdata('good/int96_from_spark.parquet')))).toEqual(['a']);
    expect(int96Columns(parseFooter(testdata('good/alltypes_plain.parquet')))).toEqual(['timestamp_col']);
    expect(int96Columns(parseFooter(testdata('good/nested_structs.rust.parquet')))).toEqual([]);
    const ours = await arrowToParquet(tableFromArrays({ v: Float64Array.from([1, 2, 3]) }), { rowGroupRows: 2 });
    expect(int96Columns(parseFooter(ours))).toEqual([]);
    expect(rowGroupCount(parseFooter(ours))).toBe(2);
  });
  it('adds a key/value without disturbing the data', async () => {
    const bytes = await arrowToParquet(tableFromArrays({ v: Float64Array.from([1, 2, 3]), s: ['a', 'b', 'c'] }));
    const patched = withKeyValue(bytes, parseFooter(bytes), 'note', 'hello');
    const again = withKeyValue(patched, parseFooter(patched), 'note', 'bye'); // replaces, not duplicates
    const t = await parquetToArrow(again);
    expect(t.getChild('s')!.toArray()).toEqual(['a', 'b', 'c']);
    expect(t.schema.metadata.get('note')).toBe('bye');
  });
  it('refuses a footer that is cut or whose length does not fit, with the name', () => {
    const b = testdata('good/single_nan.parquet');
    const withLength = (len: number) => {
      const c = b.slice();
      new DataView(c.buffer).setUint32(c.length - 8, len, true);
      return c;
    };
    expect(() => parseFooter(withLength(b.length), 'x.parquet')).toThrow(/^x\.parquet: the footer length does not fit/);
    expect(() => parseFooter(withLength(2), 'y.parquet')).toThrow(/^y\.parquet: cannot parse the footer/);
    expect(() => parseFooter(testdata('bad/PARQUET-1481.parquet'), 'p.parquet')).not.toThrow(); // the bad value is an enum, still valid Thrift
  });
});
