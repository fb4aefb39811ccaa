// temporal-reduce nodes through the real pond worker: exact bucket values, counts per bucket, incremental updates
// equal to a full recompute, and plots drawn from the coarsest derived table that still fills the width.
import { describe, expect, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import type { PondClient } from '../../../src/ui/pond-client';
import { connect } from '../../helpers/pond-clients';


const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
/** CSV `timestamp,<columns>` every `stepMs` over [startMs, endMs). */
function csv(startMs: number, endMs: number, stepMs: number, columns: Record<string, (ms: number) => number>): Blob {
  const names = Object.keys(columns);
  const lines = [`timestamp,${names.join(',')}`];
  for (let t = startMs; t < endMs; t += stepMs) lines.push(`${iso(t)},${names.map((n) => columns[n]!(t)).join(',')}`);
  return new Blob([`${lines.join('\n')}\n`]);
}
const rows = async (c: PondClient, sql: string, path: string) => tableFromIPC((await c.api.query(sql, { source: path }, { limit: 1_000_000 })).ipc).toArray().map((r) => r.toJSON());
const reducer = (input: string, output: string, extra = '') => new Blob([`input: "${input}"\noutput: ${output}\n${extra}`]);
const DAY1 = Date.UTC(2024, 4, 1);

async function mknodReduce(c: PondClient, path: string, input: string, output: string, extra = '') {
  const r = await c.api.exec(`mknod temporal-reduce ${path} --config host:r.yaml`, { files: [{ name: 'r.yaml', data: reducer(input, output, extra) }] });
  expect(r.stderr).toBe('');
}

describe('temporal-reduce through the pond worker', () => {
  it('24 h of 1-minute constant data: 24 hourly rows, avg exactly the constant, min <= avg <= max', async () => {
    const c = connect();
    await c.api.createPond('reduce-const');
    const data = csv(DAY1, DAY1 + 24 * HOUR, 60_000, { c: () => 7.3, w: (t) => Math.sin(t / 1e7) * 3.1 + 0.1 });
    await c.api.copyIn([{ name: 'const.csv', data }], '/raw/const.series', { format: 'series' });
    await mknodReduce(c, '/reduce', '/raw/*.series', '/reduced');
    const r = await c.api.runNode('/reduce');
    expect(r.written.map((w) => w.path)).toEqual(['1h', '2h', '4h', '12h', '24h'].map((x) => `/reduced/const/res=${x}.parquet`));
    expect(r.written.map((w) => w.rows)).toEqual([24, 12, 6, 2, 1]);
    const hourly = await rows(c, 'SELECT * FROM source ORDER BY timestamp', '/reduced/const/res=1h.parquet');
    expect(hourly).toHaveLength(24);
    for (const [i, row] of hourly.entries()) {
      expect(Number(row.timestamp)).toBe(DAY1 + i * HOUR);
      expect(row['c.avg']).toBe(7.3);
      expect(Number(row['c.count'])).toBe(60);
      expect(Number(row['timestamp.count'])).toBe(60);
      expect(row['w.min']).toBeLessThanOrEqual(row['w.avg']);
      expect(row['w.avg']).toBeLessThanOrEqual(row['w.max']);
    }
    const daily = await rows(c, 'SELECT "c.avg" AS a, "c.min" AS lo, "c.max" AS hi FROM source', '/reduced/const/res=24h.parquet');
    expect(daily).toEqual([{ a: 7.3, lo: 7.3, hi: 7.3 }]);
  });

  it('1-second data: timestamp.count is 3600 in every hourly row', async () => {
    const c = connect();
    await c.api.createPond('reduce-seconds');
    await c.api.copyIn([{ name: 's.csv', data: csv(DAY1, DAY1 + 3 * HOUR, 1000, { v: (t) => (t / 1000) % 17 }) }], '/raw/s.series', { format: 'series' });
    await mknodReduce(c, '/reduce', '/raw/s.series', '/reduced', 'resolutions: [1h]\n');
    await c.api.runNode('/reduce');
    expect(await rows(c, 'SELECT "timestamp.count"::INTEGER AS n FROM source ORDER BY timestamp', '/reduced/s/res=1h.parquet')).toEqual([{ n: 3600 }, { n: 3600 }, { n: 3600 }]);
  });

  it('appending a day folds in only the new version and equals a full recompute', async () => {
    const c = connect();
    await c.api.createPond('reduce-incremental');
    const f = { v: (t: number) => Math.round(Math.sin(t / 5e6) * 1000) / 100, u: (t: number) => (t / 60_000) % 7 };
    await c.api.copyIn([{ name: 'd1.csv', data: csv(DAY1, DAY1 + 24 * HOUR, 60_000, f) }], '/raw/x.series', { format: 'series' });
    await mknodReduce(c, '/inc', '/raw/x.series', '/inc-out');
    await c.api.runNode('/inc');
    // The new day starts half an hour early: buckets already reduced must be recomputed with both versions.
    await c.api.copyIn([{ name: 'd2.csv', data: csv(DAY1 + 23.5 * HOUR, DAY1 + 48 * HOUR, 60_000, f) }], '/raw/x.series', { format: 'series' });
    const second = await c.api.runNode('/inc');
    expect(second.written).toHaveLength(5);
    const v = (await c.api.versions('/inc-out/x/res=1h.parquet')).at(-1)!;
    expect(v.attrs).toMatchObject({ update: 'incremental', input_versions: '1,2' });
    await mknodReduce(c, '/full', '/raw/x.series', '/full-out');
    await c.api.runNode('/full');
    expect((await c.api.versions('/full-out/x/res=1h.parquet')).at(-1)!.attrs.update).toBe('full');
    for (const r of ['1h', '2h', '4h', '12h', '24h']) {
      const inc = await rows(c, 'SELECT * FROM source ORDER BY timestamp', `/inc-out/x/res=${r}.parquet`);
      const full = await rows(c, 'SELECT * FROM source ORDER BY timestamp', `/full-out/x/res=${r}.parquet`);
      expect(inc.length).toBe(full.length);
      // Bucket starts, counts, min and max are exact; an average is a float sum whose order DuckDB may vary
      // between query shapes, so it may differ in the last bits.
      const exact = (rs: Record<string, unknown>[]) => rs.map((x) => Object.fromEntries(Object.entries(x).filter(([k]) => !k.endsWith('.avg'))));
      expect(exact(inc)).toEqual(exact(full));
      for (const [i, row] of inc.entries()) {
        for (const k of Object.keys(row).filter((x) => x.endsWith('.avg'))) {
          expect(Math.abs((row[k] as number) - (full[i]![k] as number))).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(full[i]![k] as number)));
        }
      }
    }
    const overlapHour = await rows(c, `SELECT "timestamp.count"::INTEGER AS n FROM source WHERE timestamp = make_timestamp(${(DAY1 + 23 * HOUR) * 1000}::BIGINT)`, '/inc-out/x/res=1h.parquet');
    expect(overlapHour).toEqual([{ n: 90 }]); // 60 from day 1 plus the 30 minutes day 2 repeats
    // Nothing new: no output version, no commit.
    const version = (await c.api.info()).version;
    expect((await c.api.runNode('/inc')).written).toEqual([]);
    expect((await c.api.info()).version).toBe(version);
  });

  it('plotAuto picks the coarsest resolution with at least one point per pixel, else the raw series', async () => {
    const c = connect();
    await c.api.createPond('reduce-plot');
    await c.api.copyIn([{ name: 'p.csv', data: csv(DAY1, DAY1 + 48 * HOUR, 60_000, { v: (t) => (t / 60_000) % 11 }) }], '/raw/p.series', { format: 'series' });
    await mknodReduce(c, '/reduce', '/raw/*.series', '/reduced');
    await c.api.runNode('/reduce');
    const wide = await c.api.plotAuto('/raw/p.series', ['v'], 10);
    expect(wide).toMatchObject({ source: '/reduced/p/res=4h.parquet', resolution: '4h', extent: [DAY1 * 1000, (DAY1 + 48 * HOUR - 60_000) * 1000] });
    expect(wide.x.length).toBe(12);
    expect(wide.y.v).toHaveLength(12);
    expect((await c.api.plotAuto('/raw/p.series', ['v'], 40)).resolution).toBe('1h');
    const oneHour: [number, number] = [(DAY1 + 5 * HOUR) * 1000, (DAY1 + 6 * HOUR) * 1000];
    const zoomed = await c.api.plotAuto('/raw/p.series', ['v'], 30, oneHour);
    expect(zoomed).toMatchObject({ source: '/raw/p.series', resolution: null });
    expect(zoomed.x.length).toBeGreaterThan(0);
  });
});
