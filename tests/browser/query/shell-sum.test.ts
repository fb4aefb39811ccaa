// `sum()` of a BIGINT column in the shell (issue 12): DuckDB sums BIGINT as HUGEINT, which reaches the page as an
// Arrow DECIMAL(38,0) of four 32-bit words; the shell printed it as `"\"20003603\""`. Through the real pond worker
// and duckdb-wasm, with sums computed here in BigInt (past the int64 range too).
import { describe, expect, it } from 'vitest';
import { Int64, makeData, makeVector, Table, TimestampMicrosecond } from 'apache-arrow';
import { arrowToParquet } from '../../../src/formats/parquet';
import { connect } from '../../helpers/pond-clients';

async function bigintSeries(values: bigint[]): Promise<Blob> {
  const t0 = 1_704_067_200_000_000n; // 2024-01-01T00:00:00Z in µs
  const table = new Table({
    timestamp: makeVector(makeData({ type: new TimestampMicrosecond(), length: values.length, data: BigInt64Array.from(values, (_, i) => t0 + BigInt(i) * 3_600_000_000n) })),
    v: makeVector(makeData({ type: new Int64(), length: values.length, data: BigInt64Array.from(values) })),
  });
  return new Blob([(await arrowToParquet(table)) as BlobPart]);
}

/** The value cells of an aligned shell table (header, rule, rows, footer). */
const cells = (stdout: string) => stdout.trimEnd().split('\n').slice(2, -1).map((l) => l.split(' | ').map((c) => c.trim()));

describe('shell sums of BIGINT', () => {
  it('prints sum(v) as the number, small and past the int64 range', async () => {
    const c = connect();
    await c.api.createPond('bigint sums');
    const small = [20_000_000n, 3_600n, 3n];
    const large = [4_000_000_000_000_000_001n, 4_000_000_000_000_000_002n, 4_000_000_000_000_000_003n, -5n];
    await c.api.copyIn([{ name: 'small.parquet', data: await bigintSeries(small) }], '/small.series', { format: 'series' });
    await c.api.copyIn([{ name: 'large.parquet', data: await bigintSeries(large) }], '/large.series', { format: 'series' });
    const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n).toString();

    const r = await c.api.exec('cat /small.series --sql "SELECT sum(v) AS total, typeof(sum(v)) AS t, count(*) AS n FROM source"');
    expect(r.stderr).toBe('');
    expect(cells(r.stdout)).toEqual([[sum(small), 'HUGEINT', String(small.length)]]);
    expect(sum(small)).toBe('20003603');

    const big = await c.api.exec('cat /large.series --sql "SELECT sum(v) AS total, min(v) AS lo FROM source"');
    expect(big.stderr).toBe('');
    expect(BigInt(sum(large)) > 2n ** 63n).toBe(true); // beyond BIGINT: only a HUGEINT holds it
    expect(cells(big.stdout)).toEqual([[sum(large), '-5']]);

    // Negative sums and DECIMAL with a scale read right too.
    const neg = await c.api.exec('cat /large.series --sql "SELECT sum(-v) AS total, CAST(-12.345 AS DECIMAL(38,3)) AS d FROM source"');
    expect(cells(neg.stdout)).toEqual([[`-${sum(large)}`, '-12.345']]);
  });
});
