// Derived series through the real pond worker (OPFS, DuckDB): a sensor swap joined across two devices with a rename,
// a pivot across sites, SQL over a glob, a synthetic series; listing, describe, plot, time travel, and the refusals
// (a cycle, an input that matches nothing, settings SQL). Expected values are worked out from the inputs by hand.
import { describe, expect, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import type { PondClient } from '../../../src/ui/pond-client';
import { connect } from '../../helpers/pond-clients';

const T0 = Date.UTC(2024, 2, 1) * 1000; // 2024-03-01T00:00Z in µs
const HOUR = 3600e6;
const at = (h: number) => `2024-03-01T${String(h).padStart(2, '0')}:00:00Z`;
const csv = (name: string, column: string, rows: [number, number][]) => ({ name, data: new Blob([`timestamp,${column}\n${rows.map(([h, v]) => `${at(h)},${v}`).join('\n')}\n`]) });
const yaml = (name: string, text: string) => ({ name, data: new Blob([text]) });
const rowsOf = async (c: PondClient, sql: string, path: string) => tableFromIPC((await c.api.query(sql, { source: path })).ipc).toArray().map((r) => r.toJSON() as Record<string, unknown>);
const hours = (n: number, f: (h: number) => number, from = 0): [number, number][] => Array.from({ length: n }, (_, i) => [from + i, f(from + i)]);

async function mknod(c: PondClient, factory: string, path: string, text: string): Promise<void> {
  const r = await c.api.exec(`mknod ${factory} ${path} --config host:c.yaml`, { files: [yaml('c.yaml', text)] });
  expect(r.stderr).toBe('');
}

describe('derived series', () => {
  it('a sensor swap: the old device until 04:00 (renamed temp → temperature), the new one from 04:00, joined with the air', async () => {
    const c = connect();
    await c.api.createPond('swap');
    await c.api.copyIn([csv('old.csv', 'temp', hours(6, (h) => h))], '/lake/old.series', { format: 'series' });
    await c.api.copyIn([csv('new.csv', 'temperature', hours(6, (h) => 100 + h, 3))], '/lake/new.series', { format: 'series' });
    await c.api.copyIn([csv('air.csv', 'air', hours(9, (h) => 50 - h))], '/air/a.series', { format: 'series' });
    await mknod(c, 'column-rename', '/t/rename.yaml', 'rules:\n  - {from: "^temp$", to: temperature}\n');
    await mknod(c, 'timeseries-join', '/lake/joined', [
      'inputs:',
      `  - {pattern: /lake/old.series, scope: Lake, range: {end: "${at(4)}"}, transforms: [/t/rename.yaml]}`,
      `  - {pattern: /lake/new.series, scope: Lake, range: {begin: "${at(4)}"}}`,
      '  - {pattern: /air/a.series, scope: Air}',
    ].join('\n'));
    const rows = await rowsOf(c, 'SELECT epoch_us(timestamp) AS t, "Lake.temperature"::DOUBLE AS lake, "Air.air"::DOUBLE AS air FROM source', '/lake/joined');
    expect(rows.map((r) => Number(r.t))).toEqual(hours(9, (h) => T0 + h * HOUR).map(([, t]) => t));
    expect(rows.map((r) => r.lake)).toEqual([0, 1, 2, 3, 104, 105, 106, 107, 108]); // no duplicate or gap at 04:00
    expect(rows.map((r) => r.air)).toEqual([50, 49, 48, 47, 46, 45, 44, 43, 42]);

    const listing = await c.api.exec('list -l /lake/*');
    expect(listing.stdout).toMatch(/^DRV .* \/lake\/joined \(timeseries-join\)$/m);
    expect((await c.api.stat('/lake/joined'))).toMatchObject({ derived: true, factory: 'timeseries-join' });
    const d = await c.api.describe('/lake/joined');
    expect(d.columns.map((x) => x.name)).toEqual(['timestamp', 'Lake.temperature', 'Air.air']);
    expect(d.derived?.inputs.map((i) => i.matches)).toEqual([['/lake/old.series'], ['/lake/new.series'], ['/air/a.series']]);
    const plot = await c.api.plot('/lake/joined', ['Lake.temperature'], 100);
    expect(plot.y['Lake.temperature']).toEqual([0, 1, 2, 3, 104, 105, 106, 107, 108]);
    expect(plot.extent).toEqual([T0, T0 + 8 * HOUR]);

    // A derived node reading another: the hottest joined reading.
    await mknod(c, 'sql-derived-table', '/lake/hottest', 'patterns:\n  j: /lake/joined\nquery: SELECT max("Lake.temperature")::DOUBLE AS t FROM j\n');
    expect(await rowsOf(c, 'SELECT t FROM source', '/lake/hottest')).toEqual([{ t: 108 }]);

    // In a zip snapshot the configs travel, not the rows: the imported pond computes the same join.
    const zip = await c.api.exportZip();
    const here = (await c.api.info()).id;
    await c.api.deletePond(here);
    const imported = await c.api.importZip(zip.blob);
    await c.api.openPond(imported.id);
    expect((await rowsOf(c, 'SELECT "Lake.temperature"::DOUBLE AS lake FROM source', '/lake/joined')).map((r) => r.lake)).toEqual([0, 1, 2, 3, 104, 105, 106, 107, 108]);

    // Exported like a stored series: Hive partitions of its computed rows.
    const exported = await c.api.exportSeries('/lake/joined', { temporal: ['year', 'month'] });
    expect(exported.files).toEqual([{ path: 'lake/joined/year=2024/month=03/data.parquet', rows: 9 }]);

    // An append to an input shows at the next read; opened as of the version before it, the join reads as it was.
    const before = (await c.api.info()).version;
    await c.api.copyIn([csv('new2.csv', 'temperature', [[9, 109]])], '/lake/new.series', { format: 'series' });
    expect((await rowsOf(c, 'SELECT count(*)::INTEGER AS n FROM source', '/lake/joined'))[0]).toEqual({ n: 10 });
    await c.api.openPond((await c.api.info()).id, { asOf: before });
    expect((await rowsOf(c, 'SELECT count(*)::INTEGER AS n FROM source', '/lake/joined'))[0]).toEqual({ n: 9 });
  });

  it('a pivot of three sites, one without "temp"; SQL over a glob of two series; a synthetic series', async () => {
    const c = connect();
    await c.api.createPond('pivot');
    const site = (name: string, cols: string[], rows: [number, ...number[]][]) => ({
      name, data: new Blob([`timestamp,${cols.join(',')}\n${rows.map(([h, ...v]) => `${at(h)},${v.join(',')}`).join('\n')}\n`]),
    });
    await c.api.copyIn([site('x.csv', ['do', 'temp'], [[0, 8, 20], [1, 8.5, 21]])], '/sites/x/water.series', { format: 'series' });
    await c.api.copyIn([site('y.csv', ['do', 'temp'], [[1, 7, 19], [2, 7.5, 18]])], '/sites/y/water.series', { format: 'series' });
    await c.api.copyIn([site('z.csv', ['do'], [[0, 9], [2, 9.5]])], '/sites/z/water.series', { format: 'series' });
    await mknod(c, 'timeseries-pivot', '/cmp/temp', 'pattern: /sites/*/water.series\ncolumns: [do, temp]\n');
    const rows = await rowsOf(c, 'SELECT "x.temp"::DOUBLE AS x, "y.temp"::DOUBLE AS y, "z.temp"::DOUBLE AS z, "z.do"::DOUBLE AS zdo FROM source', '/cmp/temp');
    expect(rows).toEqual([{ x: 20, y: null, z: null, zdo: 9 }, { x: 21, y: 19, z: null, zdo: null }, { x: null, y: 18, z: null, zdo: 9.5 }]);

    await mknod(c, 'sql-derived-table', '/cmp/totals', 'patterns:\n  w: /sites/[xy]/water.series\nquery: SELECT count(*)::INTEGER AS n, sum(temp)::DOUBLE AS total FROM w\n');
    expect(await rowsOf(c, 'SELECT * FROM source', '/cmp/totals')).toEqual([{ n: 4, total: 20 + 21 + 19 + 18 }]);

    await mknod(c, 'synthetic-timeseries', '/test/wave', [
      'start: "2024-01-01T00:00:00Z"', 'end: "2024-01-01T01:00:00Z"', 'interval: 15m',
      'points:', '  - {name: s, components: [{type: sine, amplitude: 2, period: 1h, offset: 10}]}',
      '  - {name: l, components: [{type: line, slope: 0.5}]}',
    ].join('\n'));
    const wave = await rowsOf(c, 'SELECT s, l FROM source ORDER BY timestamp', '/test/wave');
    expect(wave.length).toBe(5); // 00:00, 00:15, … 01:00 inclusive
    expect(wave[1]!.s).toBeCloseTo(12, 12); // a quarter period: offset + amplitude
    expect(wave.map((r) => r.l)).toEqual([0, 450, 900, 1350, 1800]); // 0.5 per second
  });

  it('refuses a cycle at mknod naming it, names a pattern that matches nothing, and refuses settings SQL', async () => {
    const c = connect();
    await c.api.createPond('refusals');
    await c.api.copyIn([csv('a.csv', 'v', [[0, 1]])], '/a.series', { format: 'series' });
    await mknod(c, 'sql-derived-series', '/d/one', 'patterns:\n  x: /d/two\nquery: SELECT * FROM x\n'); // /d/two not there yet: fine
    const cycle = await c.api.exec('mknod sql-derived-series /d/two --config host:c.yaml', { files: [yaml('c.yaml', 'patterns:\n  y: /d/one\nquery: SELECT * FROM y\n')] });
    expect(cycle.stderr).toMatch(/cycle: \/d\/two → \/d\/one → \/d\/two/);
    expect(cycle.exitCode).not.toBe(0);
    const missing = await c.api.query('SELECT * FROM source', { source: '/d/one' }).catch((e: { code?: string; message?: string }) => e);
    expect(missing).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('input x (/d/two) matches no series, table or derived node') });
    const settings = await c.api.exec('mknod sql-derived-series /d/bad --config host:c.yaml', { files: [yaml('c.yaml', "patterns:\n  a: /a.series\nquery: SET memory_limit='1MB'\n")] });
    expect(settings.stderr).toMatch(/SET is not allowed/);
    expect((await c.api.exec('list-factories')).stdout).toMatch(/^timeseries-join \[derived\]/m);

    // An input that no longer has what the node's SQL reads: the error names the node and its input.
    await mknod(c, 'sql-derived-table', '/d/temps', 'patterns:\n  s: /a.series\nquery: SELECT max(temp) AS hottest FROM s\n');
    const gone = await c.api.query('SELECT * FROM source', { source: '/d/temps' }).catch((e: { code?: string; message?: string }) => e);
    expect(gone).toMatchObject({ code: 'QUERY', message: expect.stringMatching(/^\/d\/temps cannot be computed from its inputs \(s: \/a\.series\): .*temp/) });
  });
});

describe('dynamic-dir', () => {
  it('lays out its entries as derived nodes: listed, queried, described; read-only; a changed config changes them', async () => {
    const c = connect();
    await c.api.createPond('dyn');
    await c.api.copyIn([csv('a.csv', 'v', hours(3, (h) => h + 0.5))], '/raw/a.series', { format: 'series' });
    const config = (extra: string) => [
      'entries:',
      '  - name: wave',
      '    factory: synthetic-timeseries',
      '    config: {start: "2024-01-01T00:00:00Z", end: "2024-01-01T00:02:00Z", interval: 1m, points: [{name: x, components: [{type: line, slope: 1}]}]}',
      '  - name: sums',
      '    factory: sql-derived-table',
      '    config: {patterns: {a: /raw/a.series}, query: "SELECT sum(v) AS total FROM a"}',
      extra,
    ].join('\n');
    await mknod(c, 'dynamic-dir', '/views', config(''));
    expect((await c.api.list('/views/')).map((n) => [n.path, n.derived, n.factory])).toEqual([
      ['/views/sums', true, 'sql-derived-table'], ['/views/wave', true, 'synthetic-timeseries'],
    ]);
    expect((await c.api.stat('/views')).type).toBe('directory');
    expect(await rowsOf(c, 'SELECT total FROM source', '/views/sums')).toEqual([{ total: 0.5 + 1.5 + 2.5 }]);
    expect((await rowsOf(c, 'SELECT x FROM source ORDER BY timestamp', '/views/wave')).map((r) => r.x)).toEqual([0, 60, 120]);
    expect((await c.api.describe('/views/wave')).columns.map((x) => x.name)).toEqual(['timestamp', 'x']);
    expect((await c.api.exec('list -l /views/**')).stdout).toMatch(/^DRV .* \/views\/wave \(synthetic-timeseries\)$/m);
    expect(await c.api.mkdir('/views/more').catch((e: { code?: string }) => e.code)).toBe('NOT_A_DIRECTORY');

    const bad = await c.api.exec('mknod dynamic-dir /bad --config host:c.yaml', { files: [yaml('c.yaml', 'entries:\n  - {name: h, factory: hydrovu, config: {}}\n')] });
    expect(bad.stderr).toMatch(/entries\[0\]\.factory is unknown: "hydrovu"/);

    await mknod(c, 'dynamic-dir', '/views', 'entries:\n  - name: only\n    factory: sql-derived-table\n    config: {patterns: {a: /raw/a.series}, query: "SELECT count(*)::INTEGER AS n FROM a"}\n');
    expect((await c.api.list('/views/')).map((n) => n.path)).toEqual(['/views/only']);
    expect(await rowsOf(c, 'SELECT n FROM source', '/views/only')).toEqual([{ n: 3 }]);
  });
});
