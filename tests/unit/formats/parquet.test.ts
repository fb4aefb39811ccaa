import { describe, expect, it } from 'vitest';
import { tableFromArrays } from 'apache-arrow';
import { arrowToParquet, hasParquetMagic, parquetToArrow } from '../../../src/formats/parquet';

describe('parquet (node)', () => {
  it('round-trips an Arrow table through Parquet', async () => {
    const t = tableFromArrays({ a: Int32Array.from([1, 2, 3]), b: ['x', 'y', 'z'] });
    const bytes = await arrowToParquet(t);
    expect(hasParquetMagic(bytes)).toBe(true);
    const back = await parquetToArrow(bytes);
    expect(back.numRows).toBe(3);
    expect(back.getChild('b')?.toArray()).toEqual(['x', 'y', 'z']);
  });
  it('names the input that lacks the magic', async () => {
    await expect(parquetToArrow(new TextEncoder().encode('a,b\n1,2\n'), 'data.csv')).rejects.toThrow(/data\.csv: not a Parquet file.*PAR1/);
  });
});
