// temporal-reduce in the original's form through the real pond worker (OPFS, DuckDB): a reduce of a timeseries-join,
// in_pattern captures fanning two series to two outputs, two series unioned into one output, per-aggregation column
// globs with sum. Every expected bucket is worked out here from the generated rows, never read back from the code.
import { describe, expect, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import type { PondClient } from '../../../src/ui/pond-client';
import { connect } from '../../helpers/pond-clients';

const HOUR = 3_600_000;
const MIN = 60_000;
const T0 = Date.UTC(2024, 6, 1);
type Row = Record<string, unknown>;
/** `n` rows every `step` ms from `from`, each column a function of the row's time. */
function points(from: number, n: number, step: number, columns: Record<string, (ms: number) => number>): { t: number; v: Record<string, number> }[] {
  return Array.from({ length: n }, (_, i) => {
    const t = from + i * step;
    return { t, v: Object.fromEntries(Object.entries(columns).map(([k, f]) => [k, f(t)])) };
  });
}
const csvOf = (name: string, ps: ReturnType<typeof points>) => {
  const cols = Object.keys(ps[0]!.v);
  return { name, data: new Blob([`timestamp,${cols.join(',')}\n${ps.map((p) => `${new Date(p.t).toISOString()},${cols.map((c) => p.v[c]).join(',')}`).join('\n')}\n`]) };
};
/** Per hour (bucket start in ms): avg, min, max, count and sum of `column` over the rows that have it. */
function hourly(ps: readonly { t: number; v: Record<string, number> }[], column: string) {
  const out = new Map<number, { avg: number; min: number; max: number; count: number; sum: number }>();
  const by = new Map<number, number[]>();
  for (const p of ps) if (column in p.v) by.set(Math.floor(p.t / HOUR) * HOUR, [...(by.get(Math.floor(p.t / HOUR) * HOUR) ?? []), p.v[column]!]);
  for (const [h, vs] of [...by].sort((a, b) => a[0] - b[0])) {
    const sum = vs.reduce((a, b) => a + b, 0);
    out.set(h, { avg: sum / vs.length, min: Math.min(...vs), max: Math.max(...vs), count: vs.length, sum });
  }
  return out;
}
const rows = async (c: PondClient, sql: string, path: string): Promise<Row[]> => tableFromIPC((await c.api.query(sql, { source: path }, { limit: 100_000 })).ipc).toArray().map((r) => r.toJSON() as Row);
async function mknod(c: PondClient, factory: string, path: string, text: string): Promise<void> {
  const r = await c.api.exec(`mknod ${factory} ${path} --config host:c.yaml`, { files: [{ name: 'c.yaml', data: new Blob([text]) }] });
  expect(r.stderr).toBe('');
}
const bucketRows = (c: PondClient, path: string) => rows(c, 'SELECT * EXCLUDE (timestamp), epoch_ms(timestamp) AS t FROM source ORDER BY timestamp', path);
/** Checks a reduce table's rows against the hand-computed buckets of one column (`name` its prefix there). */
function expectBuckets(got: Row[], want: ReturnType<typeof hourly>, name: string, aggs: readonly ('avg' | 'min' | 'max' | 'count' | 'sum')[]) {
  const have = got.filter((r) => r[`${name}.${aggs[0]}`] !== null);
  expect(have.map((r) => Number(r.t))).toEqual([...want.keys()]);
  for (const r of have) {
    const w = want.get(Number(r.t))!;
    for (const a of aggs) {
      if (a === 'avg' || a === 'sum') expect(r[`${name}.${a}`]).toBeTypeOf('number');
      if (a === 'avg' || a === 'sum') expect(r[`${name}.${a}`]).toBeCloseTo(w[a], 9);
      else expect(Number(r[`${name}.${a}`])).toBe(w[a]);
    }
  }
}

describe('temporal-reduce with in_pattern / out_pattern', () => {
  it('reduces a timeseries-join of two series; an append to one input recomputes it, an unchanged input does not', async () => {
    const c = connect();
    await c.api.createPond('reduce-join');
    // a every 10 min from 00:00, b every 10 min from 00:05: the join has 12 rows an hour, each column null in half.
    const a = points(T0, 18, 10 * MIN, { do: (t) => ((t - T0) / MIN) % 7 + 0.5 });
    const b = points(T0 + 5 * MIN, 18, 10 * MIN, { do: (t) => 20 - (((t - T0) / MIN) % 11) });
    await c.api.copyIn([csvOf('a.csv', a)], '/lake/a.series', { format: 'series' });
    await c.api.copyIn([csvOf('b.csv', b)], '/lake/b.series', { format: 'series' });
    await mknod(c, 'timeseries-join', '/lake/joined', 'inputs:\n  - {pattern: /lake/a.series, scope: A}\n  - {pattern: /lake/b.series, scope: B}\n');
    await mknod(c, 'temporal-reduce', '/etc/reduce-join', 'in_pattern: /lake/joined\nout_pattern: /reduced/joined\nresolutions: [1h]\naggregations: [avg, min, max, count]\n');
    const first = await c.api.runNode('/etc/reduce-join');
    expect(first.written.map((w) => [w.path, w.rows])).toEqual([['/reduced/joined/res=1h.parquet', 3]]);
    const got = await bucketRows(c, '/reduced/joined/res=1h.parquet');
    expectBuckets(got, hourly(a, 'do'), 'A.do', ['avg', 'min', 'max', 'count']);
    expectBuckets(got, hourly(b, 'do'), 'B.do', ['avg', 'min', 'max', 'count']);
    expect(got.map((r) => Number(r['timestamp.count']))).toEqual([12, 12, 12]);

    expect((await c.api.runNode('/etc/reduce-join')).written).toEqual([]); // nothing changed under the join
    const more = points(T0 + 3 * HOUR + 5 * MIN, 3, 10 * MIN, { do: () => 99 });
    await c.api.copyIn([csvOf('b2.csv', more)], '/lake/b.series', { format: 'series' });
    const third = await c.api.runNode('/etc/reduce-join');
    expect(third.written.map((w) => [w.path, w.rows])).toEqual([['/reduced/joined/res=1h.parquet', 4]]);
    expect((await c.api.versions('/reduced/joined/res=1h.parquet')).at(-1)!.attrs.update).toBe('full');
    const after = await bucketRows(c, '/reduced/joined/res=1h.parquet');
    expectBuckets(after, hourly([...b, ...more], 'do'), 'B.do', ['avg', 'min', 'max', 'count']);
    expectBuckets(after, hourly(a, 'do'), 'A.do', ['avg', 'min', 'max', 'count']);
  });

  it('/sites/*/water.series → /reduced/$0: two inputs, two outputs, each with its own rows; plotAuto draws from them', async () => {
    const c = connect();
    await c.api.createPond('reduce-fan-out');
    const north = points(T0, 18, 10 * MIN, { do: (t) => ((t - T0) / MIN) % 13 });
    const south = points(T0 + 2 * MIN, 12, 15 * MIN, { do: (t) => 100 + (((t - T0) / MIN) % 5) });
    await c.api.copyIn([csvOf('n.csv', north)], '/sites/north/water.series', { format: 'series' });
    await c.api.copyIn([csvOf('s.csv', south)], '/sites/south/water.series', { format: 'series' });
    await c.api.copyIn([csvOf('air.csv', north)], '/sites/north/air.series', { format: 'series' }); // not matched
    await mknod(c, 'temporal-reduce', '/etc/fan', 'in_pattern: /sites/*/water.series\nout_pattern: /reduced/$0\nresolutions: [1h, 2h]\n');
    const r = await c.api.runNode('/etc/fan');
    expect(r.written.map((w) => w.path).sort()).toEqual(['/reduced/north/res=1h.parquet', '/reduced/north/res=2h.parquet', '/reduced/south/res=1h.parquet', '/reduced/south/res=2h.parquet']);
    expectBuckets(await bucketRows(c, '/reduced/north/res=1h.parquet'), hourly(north, 'do'), 'do', ['avg', 'min', 'max', 'count']);
    expectBuckets(await bucketRows(c, '/reduced/south/res=1h.parquet'), hourly(south, 'do'), 'do', ['avg', 'min', 'max', 'count']);
    expect((await c.api.stat('/reduced/north/res=1h.parquet')).type).toBe('file:table');

    // One stored series per output still folds appends in incrementally.
    const later = points(T0 + 3 * HOUR, 6, 10 * MIN, { do: () => 50 });
    await c.api.copyIn([csvOf('n2.csv', later)], '/sites/north/water.series', { format: 'series' });
    const again = await c.api.runNode('/etc/fan');
    expect(again.written.map((w) => w.path)).toEqual(['/reduced/north/res=1h.parquet', '/reduced/north/res=2h.parquet']);
    expect((await c.api.versions('/reduced/north/res=1h.parquet')).at(-1)!.attrs).toMatchObject({ update: 'incremental', input_versions: '1,2' });
    expectBuckets(await bucketRows(c, '/reduced/north/res=1h.parquet'), hourly([...north, ...later], 'do'), 'do', ['avg', 'min', 'max', 'count']);

    // 3h50m of north at 2 px: the 1h table has 3.8 buckets per px, the 2h 1.9 → the 1h one, the coarsest that fills.
    const plot = await c.api.plotAuto('/sites/north/water.series', ['do'], 2);
    expect(plot).toMatchObject({ source: '/reduced/north/res=1h.parquet', resolution: '1h' });
    const wide = await c.api.plotAuto('/sites/north/water.series', ['do'], 1);
    expect(wide).toMatchObject({ source: '/reduced/north/res=2h.parquet', resolution: '2h' });
  });

  it('two inputs into one output (out_pattern without the capture) are unioned by name: counts add up', async () => {
    const c = connect();
    await c.api.createPond('reduce-fan-in');
    const north = points(T0, 18, 10 * MIN, { do: (t) => ((t - T0) / MIN) % 13 });
    const south = points(T0 + 2 * MIN, 12, 15 * MIN, { do: (t) => 100 + (((t - T0) / MIN) % 5), temp: (t) => ((t - T0) / MIN) % 3 });
    await c.api.copyIn([csvOf('n.csv', north)], '/sites/north/water.series', { format: 'series' });
    await c.api.copyIn([csvOf('s.csv', south)], '/sites/south/water.series', { format: 'series' });
    await mknod(c, 'temporal-reduce', '/etc/all', 'in_pattern: /sites/*/water.series\nout_pattern: /reduced/all\nresolutions: [1h]\naggregations: [count, avg, min, max]\n');
    const r = await c.api.runNode('/etc/all');
    expect(r.written.map((w) => [w.path, w.rows])).toEqual([['/reduced/all/res=1h.parquet', 3]]);
    const got = await bucketRows(c, '/reduced/all/res=1h.parquet');
    const both = [...north, ...south];
    expectBuckets(got, hourly(both, 'do'), 'do', ['count', 'avg', 'min', 'max']);
    expect(got.map((r) => Number(r['do.count']))).toEqual([6 + 4, 6 + 4, 6 + 4]);
    expect(got.map((r) => Number(r['timestamp.count']))).toEqual([10, 10, 10]);
    expectBuckets(got, hourly(south, 'temp'), 'temp', ['count', 'avg']); // a column of one input only: its rows alone
    expect((await c.api.versions('/reduced/all/res=1h.parquet')).at(-1)!.attrs.source).toBe('/sites/north/water.series,/sites/south/water.series');
    expect((await c.api.runNode('/etc/all')).written).toEqual([]);
    // A union is not one series' data: plotAuto of north draws the raw series.
    expect(await c.api.plotAuto('/sites/north/water.series', ['do'], 1)).toMatchObject({ source: '/sites/north/water.series', resolution: null });
  });

  it('per-aggregation columns with * globs, and sum; a glob that matches no column fails the run, naming it', async () => {
    const c = connect();
    await c.api.createPond('reduce-columns');
    const ps = points(T0, 12, 15 * MIN, { 'North.DO.mg/L': (t) => ((t - T0) / MIN) % 4, 'South.DO.mg/L': (t) => 2 + ((t - T0) / MIN) % 3, 'North.Temp.C': (t) => 10 + ((t - T0) / MIN) % 6 });
    await c.api.copyIn([csvOf('w.csv', ps)], '/lake/w.series', { format: 'series' });
    await mknod(c, 'temporal-reduce', '/etc/cols', [
      'in_pattern: /lake/*.series', 'out_pattern: /reduced/$0', 'resolutions: [1h]', 'aggregations:',
      '  - {type: sum, columns: ["*"]}', '  - {type: avg, columns: ["*.mg/L"]}', '  - {type: count, columns: ["North.*"]}', '',
    ].join('\n'));
    await c.api.runNode('/etc/cols');
    const d = await c.api.describe('/reduced/w/res=1h.parquet');
    expect(d.columns.map((x) => x.name)).toEqual([
      'timestamp', 'timestamp.count', 'North.DO.mg/L.sum', 'North.DO.mg/L.avg', 'North.DO.mg/L.count',
      'South.DO.mg/L.sum', 'South.DO.mg/L.avg', 'North.Temp.C.sum', 'North.Temp.C.count',
    ]);
    const got = await bucketRows(c, '/reduced/w/res=1h.parquet');
    expectBuckets(got, hourly(ps, 'North.DO.mg/L'), 'North.DO.mg/L', ['sum', 'avg', 'count']);
    expectBuckets(got, hourly(ps, 'South.DO.mg/L'), 'South.DO.mg/L', ['sum', 'avg']);
    expectBuckets(got, hourly(ps, 'North.Temp.C'), 'North.Temp.C', ['sum', 'count']);
    // Minutes 0, 15, 30, 45 of every hour: 10 + (minute % 6) is 10, 13, 10, 13.
    expect(got.map((r) => r['North.Temp.C.sum'])).toEqual([46, 46, 46]);

    await mknod(c, 'temporal-reduce', '/etc/none', 'in_pattern: /lake/*.series\nout_pattern: /r2/$0\naggregations:\n  - {type: max, columns: ["*.ppm"]}\n');
    const err = await c.api.runNode('/etc/none').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INVALID_INPUT' });
    expect((err as Error).message).toMatch(/\/etc\/none \(\/lake\/w\.series\): aggregations\[0\] \(max\) column "\*\.ppm" matches no numeric column/);
  });
});
