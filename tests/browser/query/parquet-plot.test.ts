// Plots of stored sources straight from Parquet (no DuckDB) give the rows DuckDB's SQL form of M4 gives over the
// bound view of the same versions: the expected answer is DuckDB's, computed here with the JS path switched off.
import { afterAll, describe, expect, it } from 'vitest';
import { makeVector, vectorFromArray, Float64, Table, Timestamp, TimeUnit, makeData } from 'apache-arrow';
import { QueryEngine, type BindSource } from '../../../src/query/engine';
import { m4Arrays, m4Sql, type M4Options, type M4Result } from '../../../src/query/m4';
import { ParquetPlots } from '../../../src/query/parquet-plot';
import { arrowToParquet } from '../../../src/formats/parquet';
import { f64, i32, random, SECOND, series, T0, times, version, type TestVersion } from './helpers';

const sqlOnly = new QueryEngine({ maxPlotBytes: 0 });
afterAll(async () => { await sqlOnly.close(); });

/** Rows as sortable tuples (ties in time may come in either order). */
function rows(r: M4Result, cols: string[]): string[] {
  return Array.from(r.x, (x, i) => JSON.stringify([x, ...cols.map((c) => { const v = r.y[c]![i]; return v !== null && Number.isNaN(v) ? 'NaN' : v; })])).sort();
}

/** The Parquet path's answer, checked against DuckDB's SQL M4 over the view bound as Queries.plot binds it. */
async function same(plots: ParquetPlots, src: BindSource, o: M4Options): Promise<M4Result> {
  const direct = await plots.plot(src, o);
  expect(direct, 'the Parquet path answers').toBeDefined();
  const view = `v_${src.fileKey}`;
  await sqlOnly.bind(view, src, { timeRange: o.range });
  const expected = m4Arrays(await sqlOnly.query(m4Sql(view, o)), o.columns);
  expect(rows(direct!, o.columns)).toEqual(rows(expected, o.columns));
  for (let i = 1; i < direct!.x.length; i++) expect(direct!.x[i]!).toBeGreaterThanOrEqual(direct!.x[i - 1]!);
  return direct!;
}

/** A version whose column `a` is NULL where `values` is null. */
async function withNulls(n: number, ts: ArrayLike<number>, values: (number | null)[]): Promise<TestVersion> {
  const micros = new BigInt64Array(ts.length);
  for (let i = 0; i < ts.length; i++) micros[i] = BigInt(ts[i]!);
  const table = new Table({
    ts: makeVector(makeData({ type: new Timestamp(TimeUnit.MICROSECOND, 'UTC'), length: ts.length, data: micros })),
    a: vectorFromArray(values, new Float64()),
  });
  const bytes = await arrowToParquet(table, { compression: 'snappy' });
  const v: TestVersion = { version: n, minEventTime: Math.min(...Array.from(ts)), maxEventTime: Math.max(...Array.from(ts)), loads: 0, load: async () => { v.loads++; return bytes.slice(); } };
  return v;
}

describe('plots of stored series from Parquet, without DuckDB', () => {
  it('give DuckDB\'s rows over overlapping, unsorted, NULL and NaN versions, a column added later, and zoomed windows', async () => {
    const rnd = random(11);
    const n = 4000;
    const a1 = Array.from({ length: n }, () => rnd() * 100);
    a1[99] = NaN;
    const v1 = await version(1, times(T0, SECOND, n), { a: f64(a1) });
    // v2 overlaps v1's second half with the same times, and adds column b (v1 reads it as NULL)
    const v2 = await version(2, times(T0 + 2000 * SECOND, SECOND, n), { a: f64(Array.from({ length: n }, () => rnd() * 100)), b: i32(Array.from({ length: n }, () => Math.floor(rnd() * 1e6))) });
    // v3 is unsorted and a has NULLs
    const t3 = Array.from(times(T0 + 7000 * SECOND, 3 * SECOND, 900)).reverse();
    const v3 = await withNulls(3, t3, t3.map((_, i) => (i % 5 === 0 ? null : rnd() * 300)));
    const src = { ...series('mix', [v1, v2, v3]), path: '/mix.series' };
    const plots = new ParquetPlots();
    const end = T0 + 10_000 * SECOND;
    for (const [range, width] of [
      [[T0, end], 100],
      [[T0, end], 7],
      [[T0 + 1234 * SECOND + 1, T0 + 6000 * SECOND - 7], 333], // prunes v3
      [[T0 + 1990 * SECOND, T0 + 2003 * SECOND], 5000], // more pixels than rows
    ] as [[number, number], number][]) {
      await same(plots, src, { timestampColumn: 'ts', columns: ['a', 'b'], range, width });
      await same(plots, src, { timestampColumn: 'ts', columns: ['b'], range, width });
    }
    // Each version was decoded once (its time and the columns it has): later windows and columns come from the cache.
    expect(plots.counts.decoded).toBe(3);
  });

  it('a table plots its latest version only', async () => {
    const v1 = await version(1, times(T0, SECOND, 100), { v: f64(Array.from({ length: 100 }, (_, i) => i)) });
    const v2 = await version(2, times(T0 + 50 * SECOND, SECOND, 100), { v: f64(Array.from({ length: 100 }, (_, i) => -i)) });
    const src: BindSource = { fileKey: 'tbl', path: '/t.table', kind: 'table', timestampColumn: 'ts', versions: [v1, v2] };
    const r = await same(new ParquetPlots(), src, { timestampColumn: 'ts', columns: ['v'], range: [T0, T0 + 200 * SECOND], width: 10 });
    expect(Math.min(...r.x)).toBe((T0 + 50 * SECOND) / 1e6);
    expect(v1.loads).toBe(0);
  });

  it('leaves to DuckDB what it cannot answer exactly: an unknown column, 64-bit integers, millisecond times', async () => {
    const v = await version(1, times(T0, SECOND, 10), { v: f64(Array(10).fill(1)), big: makeVector(BigInt64Array.from({ length: 10 }, (_, i) => BigInt(i))) });
    const src = series('other', [v]);
    const plots = new ParquetPlots();
    const range: [number, number] = [T0, T0 + 10 * SECOND];
    expect(await plots.plot(src, { timestampColumn: 'ts', columns: ['nope'], range, width: 2 })).toBeUndefined();
    expect(await plots.plot(src, { timestampColumn: 'ts', columns: ['big'], range, width: 2 })).toBeUndefined();
    const ms = new Table({ ts: makeVector(makeData({ type: new Timestamp(TimeUnit.MILLISECOND, null), length: 2, data: BigInt64Array.from([BigInt(T0 / 1000), BigInt(T0 / 1000 + 1000)]) })), v: f64([1, 2]) });
    const bytes = await arrowToParquet(ms, { compression: 'snappy' });
    const msSrc = series('ms', [{ version: 1, minEventTime: T0, maxEventTime: T0 + SECOND, load: async () => bytes.slice() }]);
    expect(await plots.plot(msSrc, { timestampColumn: 'ts', columns: ['v'], range, width: 2 })).toBeUndefined();
    expect(plots.counts.plots).toBe(0);
  });
});
