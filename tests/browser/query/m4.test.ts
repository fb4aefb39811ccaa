import { afterAll, describe, expect, it } from 'vitest';
import { QueryEngine } from '../../../src/query/engine';
import { m4, m4Sql, toUPlotData } from '../../../src/query/m4';
import { col, f64, random, SECOND, series, T0, times, version } from './helpers';

const engine = new QueryEngine();
afterAll(() => engine.close());

describe('M4 downsampling', () => {
  it('turns 1M rows into at most 4 points per pixel and keeps the true global min and max', async () => {
    const n = 1_000_000;
    const rnd = random(1);
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = Math.sin(i / 5000) + rnd() * 0.5;
    v[123_457] = 42; // a spike and a dip far outside the signal, mid-pixel
    v[876_543] = -42;
    const ts = times(T0, SECOND, n);
    await engine.bind('big', series('big', [await version(1, ts, { v: f64(v) })]));
    const width = 1000;
    const range: [number, number] = [T0, T0 + n * SECOND];
    const r = await m4(engine, 'big', { timestampColumn: 'ts', columns: ['v'], range, width });
    expect(r.x.length).toBeGreaterThan(width); // every pixel has data, so at least first/last of most
    expect(r.x.length).toBeLessThanOrEqual(4 * width);
    const ys = r.y.v!;
    expect(Math.max(...(ys as number[]))).toBe(42);
    expect(Math.min(...(ys as number[]))).toBe(-42);
    // x is seconds, ascending, and each point is a real row (its value matches the data at that time)
    for (let i = 1; i < r.x.length; i++) expect(r.x[i]!).toBeGreaterThan(r.x[i - 1]!);
    const spike = r.x[ys.indexOf(42)]!;
    expect(spike).toBe((T0 + 123_457 * SECOND) / 1e6);
    expect(r.x[0]).toBe(T0 / 1e6);
    expect(r.x[r.x.length - 1]).toBe((T0 + (n - 1) * SECOND) / 1e6);
    const [xs, ys2] = toUPlotData(r, ['v']);
    expect(xs).toBe(r.x);
    expect(ys2).toBe(ys);
  });

  it('downsamples several columns at once, keeping each one\'s extremes, within a sub-range', async () => {
    const n = 20_000;
    const a = Array.from({ length: n }, (_, i) => Math.cos(i / 100));
    const b = Array.from({ length: n }, (_, i) => (i % 97) - 48);
    a[15_000] = 9;
    b[12_345] = -100;
    await engine.bind('two', series('two', [await version(1, times(T0, SECOND, n), { a: f64(a), b: f64(b) })]));
    const range: [number, number] = [T0 + 10_000 * SECOND, T0 + 16_000 * SECOND];
    const width = 50;
    const r = await m4(engine, 'two', { timestampColumn: 'ts', columns: ['a', 'b'], range, width });
    expect(r.x.length).toBeLessThanOrEqual(6 * width); // first, last, and min/max of each of 2 columns
    expect(Math.max(...(r.y.a as number[]))).toBe(9);
    expect(Math.min(...(r.y.b as number[]))).toBe(-100);
    expect(r.x[0]).toBe(range[0] / 1e6);
    expect(r.x[r.x.length - 1]).toBe((range[1] - SECOND) / 1e6); // the end is exclusive
  });

  it('returns every row when there are fewer than four per pixel', async () => {
    await engine.bind('sparse', series('sparse', [await version(1, times(T0, SECOND, 30), { v: f64(Array.from({ length: 30 }, (_, i) => i)) })]));
    const t = await engine.query(m4Sql('sparse', { timestampColumn: 'ts', columns: ['v'], range: [T0, T0 + 30 * SECOND], width: 100 }));
    expect(col(t, 'v')).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });
});
