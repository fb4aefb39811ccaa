import { afterAll, describe, expect, it } from 'vitest';
import { QueryEngine } from '../../../src/query/engine';
import { numericColumns, reduce, reduceAll, reduceIncremental } from '../../../src/query/reduce';
import { col, f64, HOUR, MINUTE, SECOND, series, T0, times, version } from './helpers';

const engine = new QueryEngine();
afterAll(() => engine.close());

describe('temporal reduce', () => {
  it('24 h of 1-minute data of a constant gives 24 hourly rows whose avg is exactly the constant', async () => {
    const c = 0.1; // not representable exactly: a plain sum of 60 copies divided by 60 need not give it back
    const n = 24 * 60;
    await engine.bind('const', series('const', [await version(1, times(T0, MINUTE, n), { v: f64(Array(n).fill(c)), w: f64(Array.from({ length: n }, (_, i) => (i * 7919) % 113 / 7)) })]));
    const t = await reduce(engine, 'const', { timestampColumn: 'ts', columns: ['v', 'w'], resolution: '1h' });
    expect(t.numRows).toBe(24);
    expect(col(t, 'v.avg')).toEqual(Array(24).fill(c));
    expect(col(t, 'v.min')).toEqual(Array(24).fill(c));
    expect(col(t, 'v.max')).toEqual(Array(24).fill(c));
    expect(col(t, 'ts.count')).toEqual(Array(24).fill(60));
    expect(col(t, 'ts')).toEqual(Array.from({ length: 24 }, (_, h) => (T0 + h * HOUR) / 1000)); // Arrow gives ms
    const [avg, min, max] = ['w.avg', 'w.min', 'w.max'].map((k) => col(t, k) as number[]);
    for (let h = 0; h < 24; h++) {
      expect(min![h]!).toBeLessThanOrEqual(avg![h]!);
      expect(avg![h]!).toBeLessThanOrEqual(max![h]!);
    }
  });

  it('1-second data gives timestamp.count = 3600 per hourly row', async () => {
    const n = 3 * 3600;
    await engine.bind('secs', series('secs', [await version(1, times(T0, SECOND, n), { v: f64(Array.from({ length: n }, (_, i) => i)) })]));
    const t = await reduce(engine, 'secs', { timestampColumn: 'ts', columns: ['v'], resolution: '1h', aggregations: ['count', 'sum'] });
    expect(col(t, 'ts.count')).toEqual([3600, 3600, 3600]);
    expect(col(t, 'v.count')).toEqual([3600, 3600, 3600]);
    expect(col(t, 'v.sum')).toEqual([0, 1, 2].map((h) => 3600 * (3600 * h) + (3599 * 3600) / 2));
  });

  it('reduces at the default resolutions, buckets counted from the epoch', async () => {
    const n = 48 * 60;
    const start = T0 + 30 * MINUTE; // not on a bucket edge
    await engine.bind('multi', series('multi', [await version(1, times(start, MINUTE, n), { v: f64(Array(n).fill(1)) })]));
    const cols = await numericColumns(engine, 'multi');
    expect(cols).toEqual(['v']);
    const all = await reduceAll(engine, 'multi', { timestampColumn: 'ts', columns: cols });
    expect([...all.keys()]).toEqual(['1h', '2h', '4h', '12h', '24h']);
    expect([...all.values()].map((t) => t.numRows)).toEqual([49, 25, 13, 5, 3]);
    expect(col(all.get('24h')!, 'ts')).toEqual([0, 1, 2].map((d) => (T0 + d * 24 * HOUR) / 1000));
    expect(col(all.get('24h')!, 'ts.count')).toEqual([24 * 60 - 30, 24 * 60, 30]);
  });

  it('recomputes only the buckets a new version touches and matches a full recompute', async () => {
    const v1 = await version(1, times(T0, MINUTE, 12 * 60), { v: f64(Array.from({ length: 12 * 60 }, (_, i) => i % 10)) });
    await engine.bind('inc', series('inc', [v1]));
    const opts = { timestampColumn: 'ts', columns: ['v'], resolution: '1h', aggregations: ['avg', 'min', 'max', 'count', 'sum'] as const };
    const before = await reduce(engine, 'inc', { ...opts, aggregations: [...opts.aggregations] });
    // v2 overlaps v1's last hours and runs past them, and adds a column
    const v2ts = times(T0 + 10 * HOUR + 30 * MINUTE, MINUTE, 3 * 60);
    const v2 = await version(2, v2ts, { v: f64(Array(3 * 60).fill(100)), w: f64(Array(3 * 60).fill(1)) });
    await engine.bind('inc', series('inc', [v1, v2]));
    const merged = await reduceIncremental(engine, 'inc', before, [v2.minEventTime!, v2.maxEventTime!], { ...opts, aggregations: [...opts.aggregations] });
    const full = await reduce(engine, 'inc', { ...opts, aggregations: [...opts.aggregations] });
    expect(merged.numRows).toBe(14);
    for (const name of ['ts', 'ts.count', 'v.avg', 'v.min', 'v.max', 'v.sum']) expect(col(merged, name)).toEqual(col(full, name));
    expect(col(merged, 'v.max').slice(9)).toEqual([9, 100, 100, 100, 100]);
  });
});
