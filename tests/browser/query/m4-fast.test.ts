import { afterAll, describe, expect, it } from 'vitest';
import { makeVector } from 'apache-arrow';
import { QueryEngine } from '../../../src/query/engine';
import { m4, m4Arrays, m4Sql, type M4Options, type M4Result } from '../../../src/query/m4';
import { f64, i32, random, SECOND, series, T0, times, version } from './helpers';

const engine = new QueryEngine();
const sqlOnly = new QueryEngine({ maxPlotBytes: 0 });
afterAll(async () => { await engine.close(); await sqlOnly.close(); });

/** Rows as sortable tuples (ties in time may come in either order). */
function rows(r: M4Result, cols: string[]): string[] {
  return Array.from(r.x, (x, i) => JSON.stringify([x, ...cols.map((c) => { const v = r.y[c]![i]; return v !== null && Number.isNaN(v) ? 'NaN' : v; })])).sort();
}

async function same(name: string, o: M4Options, fastExpected = true) {
  const fast = await engine.m4Fast(name, o);
  expect(fast !== undefined).toBe(fastExpected);
  const viaM4 = await m4(engine, name, o);
  const sql = m4Arrays(await sqlOnly.query(m4Sql(name, o)), o.columns);
  expect(rows(viaM4, o.columns)).toEqual(rows(sql, o.columns));
  for (let i = 1; i < viaM4.x.length; i++) expect(viaM4.x[i]!).toBeGreaterThanOrEqual(viaM4.x[i - 1]!);
  return viaM4;
}

describe('M4 in JS gives the SQL form\'s rows', () => {
  it('over versions that overlap, repeat times, miss a column, hold NULLs and NaN, are unsorted or integer', async () => {
    const rnd = random(7);
    const n = 5000;
    const a = Array.from({ length: n }, () => rnd() * 100);
    a[17] = NaN;
    const v1 = await version(1, times(T0, SECOND, n), { a: f64(a), b: i32(Array.from({ length: n }, () => Math.floor(rnd() * 1e6))) });
    // v2 overlaps v1's second half (with the same times), and has no column b
    const v2 = await version(2, times(T0 + 2500 * SECOND, SECOND, n), { a: f64(Array.from({ length: n }, () => rnd() * 100)) });
    // v3 is unsorted, and a has NULLs
    const t3 = Array.from(times(T0 + 8000 * SECOND, 3 * SECOND, 1000)).reverse();
    const a3 = Array.from({ length: 1000 }, (_, i) => (i % 7 === 0 ? null : rnd() * 300));
    const v3 = await version(3, t3, { a: makeVector(Float64Array.from(a3, (x) => x ?? 0)), b: i32(Array.from({ length: 1000 }, () => Math.floor(rnd() * 1e6))) });
    await setNulls(v3, a3);
    const src = series('fast_mix', [v1, v2, v3]);
    await engine.bind('fast_mix', src);
    await sqlOnly.bind('fast_mix', src);
    const cols = ['a', 'b'];
    for (const [range, width] of [
      [[T0, T0 + 12_000 * SECOND], 100],
      [[T0, T0 + 12_000 * SECOND], 7], // pixel boundaries at fractional seconds
      [[T0 + 1234 * SECOND + 1, T0 + 9000 * SECOND - 7], 333],
      [[T0 - 1000 * SECOND, T0 + 3 * SECOND], 5000], // more pixels than rows
      [[T0 + 20_000 * SECOND, T0 + 30_000 * SECOND], 10], // nothing in range
    ] as [[number, number], number][]) {
      await same('fast_mix', { timestampColumn: 'ts', columns: cols, range, width });
      await same('fast_mix', { timestampColumn: 'ts', columns: ['a'], range, width });
    }
  });

  it('puts rows on pixel boundaries where the SQL does', async () => {
    // 3 pixels over 10 s: boundaries at 3.33… s and 6.66… s; rows every µs around them
    const ts = [0, 3_333_332, 3_333_333, 3_333_334, 6_666_666, 6_666_667, 9_999_999].map((d) => T0 + d);
    const v = await version(1, ts, { v: f64([5, 1, 9, 2, 8, 3, 7]) });
    await engine.bind('edges', series('edges', [v]));
    await sqlOnly.bind('edges', series('edges', [v]));
    const r = await same('edges', { timestampColumn: 'ts', columns: ['v'], range: [T0, T0 + 10_000_000], width: 3 });
    expect(r.x.length).toBe(7);
  });

  it('respects the view\'s own time range', async () => {
    const n = 2000;
    const v1 = await version(1, times(T0, SECOND, n), { v: f64(Array.from({ length: n }, (_, i) => Math.sin(i))) });
    const bound: [number, number] = [T0 + 500 * SECOND, T0 + 1500 * SECOND];
    await engine.bind('ranged', series('ranged', [v1]), { timeRange: bound });
    await sqlOnly.bind('ranged', series('ranged', [v1]), { timeRange: bound });
    const r = await same('ranged', { timestampColumn: 'ts', columns: ['v'], range: [T0, T0 + n * SECOND], width: 20 });
    expect(r.x[0]).toBe((T0 + 500 * SECOND) / 1e6);
  });

  it('leaves other cases to SQL: unknown columns error the same way, big integers are not converted', async () => {
    const v1 = await version(1, times(T0, SECOND, 10), { v: f64(Array(10).fill(1)), big: makeVector(BigInt64Array.from({ length: 10 }, (_, i) => BigInt(i))) });
    await engine.bind('other', series('other', [v1]));
    await sqlOnly.bind('other', series('other', [v1]));
    const range: [number, number] = [T0, T0 + 10 * SECOND];
    expect(await engine.m4Fast('other', { timestampColumn: 'ts', columns: ['nope'], range, width: 2 })).toBeUndefined();
    await expect(m4(engine, 'other', { timestampColumn: 'ts', columns: ['nope'], range, width: 2 })).rejects.toMatchObject({ code: 'QUERY' });
    await same('other', { timestampColumn: 'ts', columns: ['big'], range, width: 2 }, false);
  });
});

/** Rewrites a test version so that `a` is NULL where `values` is null (the helper builds non-null columns). */
async function setNulls(v: Awaited<ReturnType<typeof version>>, values: (number | null)[]): Promise<void> {
  const { Table, vectorFromArray, Float64, tableFromIPC } = await import('apache-arrow');
  const { arrowToParquet, parquetToArrow } = await import('../../../src/formats/parquet');
  void tableFromIPC;
  const t = await parquetToArrow(await v.load());
  v.loads = 0;
  const cols: Record<string, unknown> = {};
  for (const f of t.schema.fields) cols[f.name] = f.name === 'a' ? vectorFromArray(values, new Float64()) : t.getChild(f.name);
  const bytes = await arrowToParquet(new Table(cols as never), { compression: 'snappy' });
  v.load = async () => { v.loads += 1; return bytes.slice(); };
}
