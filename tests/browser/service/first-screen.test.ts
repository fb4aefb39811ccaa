// The first screen of a pond needs no DuckDB: after a restart (a fresh pond worker, as a new tab), describe and
// charts of a stored series come from the pond's records and Parquet, and DuckDB is never started; its points are
// DuckDB's own M4 rows (asked for after, through SQL). A later SQL starts it; a CSV import names its stages.
import { describe, expect, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import { connect } from '../../helpers/pond-clients';
import { m4Sql } from '../../../src/query/m4';

const HOUR = 3600e6;
const T0 = Date.UTC(2024, 4, 1) * 1000;

/** A CSV of `n` hourly readings from hour `from`; `extra` adds a column (a later version may have more columns). */
function csv(name: string, from: number, n: number, extra = false): { name: string; data: Blob } {
  const lines = [`timestamp,temp${extra ? ',ph' : ''}`];
  for (let i = from; i < from + n; i++) {
    const temp = (Math.sin(i / 5) * 10 + (i % 13) / 7).toFixed(3);
    lines.push(`${new Date((T0 + i * HOUR) / 1000).toISOString()},${temp}${extra ? `,${(7 + Math.cos(i / 3)).toFixed(3)}` : ''}`);
  }
  return { name, data: new Blob([lines.join('\n') + '\n']) };
}

describe('the first screen without DuckDB', () => {
  it('describe and charts of a stored series after a restart start no DuckDB, and give DuckDB\'s M4 rows', async () => {
    const first = connect();
    const pond = await first.api.createPond('first-screen');
    await first.api.copyIn([csv('a.csv', 0, 300)], '/lake/t.series', { format: 'series' });
    await first.api.copyIn([csv('b.csv', 250, 300, true)], '/lake/t.series', { format: 'series' });
    first.worker.terminate();

    const c = connect(); // a restart: a new worker, DuckDB not started
    await c.api.openPond(pond.id);
    const d = await c.api.describe('/lake/t.series');
    expect(d).toMatchObject({ timestampColumn: 'timestamp', versions: [{ version: 1, rows: 300 }, { version: 2, rows: 300 }] });
    expect(d.columns.map((x) => x.name)).toEqual(['timestamp', 'temp', 'ph']);
    const whole = await c.api.plotAuto('/lake/t.series', ['temp', 'ph'], 40);
    const zoomed = await c.api.plot('/lake/t.series', ['temp', 'ph'], 25, [T0 + 240 * HOUR, T0 + 320 * HOUR]);
    expect(whole.x.length).toBeGreaterThan(40);
    expect(whole.extent).toEqual([T0, T0 + 549 * HOUR]);
    expect(await c.api.queryEngineStatus()).toMatchObject({ state: 'not started', starts: 0 });

    // DuckDB's answer for the same windows: the SQL form of M4 over the same series, run as user SQL.
    // Rows as [x, temp, ph], sorted: the two versions share hours 250-299, and rows of one time come in either order.
    const viaDuckDb = async (columns: string[], width: number, range: [number, number]) => {
      const t = tableFromIPC((await c.api.query(m4Sql('source', { timestampColumn: 'timestamp', columns, width, range }), { source: '/lake/t.series' })).ipc);
      return Array.from({ length: t.numRows }, (_, i) => JSON.stringify([Number(t.getChild('x')!.get(i)), ...columns.map((col) => t.getChild(col)!.get(i) as number | null)])).sort();
    };
    const rows = (p: { x: Float64Array; y: Record<string, (number | null)[]> }) => Array.from(p.x, (x, i) => JSON.stringify([x, p.y.temp![i], p.y.ph![i]])).sort();
    expect(rows(whole)).toEqual(await viaDuckDb(['temp', 'ph'], 40, [T0, T0 + 549 * HOUR + 1]));
    expect(rows(zoomed)).toEqual(await viaDuckDb(['temp', 'ph'], 25, [T0 + 240 * HOUR, T0 + 320 * HOUR]));
    // That SQL started DuckDB, once, on its own.
    expect(await c.api.queryEngineStatus()).toMatchObject({ state: 'ready', starts: 1, startedBy: 'query' });
  });

  /** Imports `file` into /w.series and returns the distinct `what`s its progress named, in order. */
  async function stagesOf(c: ReturnType<typeof connect>, file: { name: string; data: Blob }): Promise<string[]> {
    const stages: string[] = [];
    await c.longOp((op) => c.api.copyIn([file], '/w.series', { format: 'series', ...op }), {
      onProgress: (_done, _total, what) => { if (stages.at(-1) !== what) stages.push(what); },
    });
    return stages;
  }

  it('a small plain CSV in a worker whose DuckDB is not started is read without it; one it cannot take names the stages', async () => {
    const c = connect();
    await c.api.createPond('stages');
    expect(await c.api.queryEngineStatus()).toMatchObject({ state: 'not started', starts: 0 });
    // Read in JS (csv-small.ts): no DuckDB start for it, before or after.
    expect(await stagesOf(c, csv('w.csv', 0, 50))).toEqual(['w.csv: reading', 'w.csv: writing']);
    expect(await c.api.queryEngineStatus()).toMatchObject({ state: 'not started', starts: 0 });
    // Epoch times are DuckDB's to read: the import starts it and says so.
    const epoch = { name: 'e.csv', data: new Blob([`ts,temp\n${[60, 61, 62].map((h) => `${(T0 + h * HOUR) / 1e6},${h}.5`).join('\n')}\n`]) };
    expect(await stagesOf(c, epoch)).toEqual(['e.csv: starting the query engine', 'e.csv: reading', 'e.csv: writing']);
    expect(await c.api.queryEngineStatus()).toMatchObject({ state: 'ready', starts: 1, startedBy: 'import' });
    // Once DuckDB is up, an import goes straight to reading.
    expect(await stagesOf(c, csv('x.csv', 70, 50))).toEqual(['x.csv: reading', 'x.csv: writing']);
    // One series of the three, whichever path read each: 50 + 3 + 50 rows, times in order from both paths.
    const t = tableFromIPC((await c.api.query('SELECT count(*)::INTEGER AS n, min(timestamp) AS lo, max(timestamp) AS hi, sum(temp) AS s FROM source', { source: '/w.series' })).ipc);
    const expectedSum = [...Array.from({ length: 50 }, (_, i) => i), ...Array.from({ length: 50 }, (_, i) => i + 70)]
      .reduce((a, i) => a + Number((Math.sin(i / 5) * 10 + (i % 13) / 7).toFixed(3)), 60.5 + 61.5 + 62.5);
    const row = t.toArray()[0]!.toJSON();
    expect(row.n).toBe(103);
    expect(Number(row.lo)).toBe(T0 / 1000);
    expect(Number(row.hi)).toBe((T0 + 119 * HOUR) / 1000);
    expect(row.s).toBeCloseTo(expectedSum, 9);
  });

  it('startQueryEngine starts DuckDB in the background, and an import then uses that start', async () => {
    const c = connect();
    await c.api.createPond('warm-up');
    expect(await c.api.startQueryEngine()).toMatchObject({ state: 'starting', starts: 1, startedBy: 'background' });
    // Whether the start is still under way when the import needs it depends on the machine: either way it is the
    // same start (no second one), and the import reads and writes after it. (Epoch times: a CSV only DuckDB reads.)
    const epoch = { name: 'w.csv', data: new Blob([`ts,temp\n${[1, 2, 3].map((h) => `${(T0 + h * HOUR) / 1e6},${h}.5`).join('\n')}\n`]) };
    const stages = await stagesOf(c, epoch);
    expect(stages.slice(-2)).toEqual(['w.csv: reading', 'w.csv: writing']);
    expect(stages.slice(0, -2).every((s) => s === 'w.csv: starting the query engine')).toBe(true);
    const s = await c.api.queryEngineStatus();
    expect(s).toMatchObject({ state: 'ready', starts: 1, startedBy: 'background' });
    expect(Object.keys(s.stages)).toEqual(['worker', 'instantiate', 'open', 'settings']);
  });
});
