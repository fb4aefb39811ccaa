// LakeTech imports and Hive-partitioned exports through the real pond worker.
import { describe, expect, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import { unzipSync } from 'fflate';
import { parquetToArrow } from '../../../src/formats/parquet';
import type { PondClient } from '../../../src/ui/pond-client';
import { connect } from '../../helpers/pond-clients';
import surfaceUrl from '../../fixtures/laketech/fb-surface.csv?url';
import bottomUrl from '../../fixtures/laketech/fb-bottom-report.htm?url';


const fixture = async (url: string, name: string) => ({ name, data: await (await fetch(url)).blob() });
const rows = async (c: PondClient, sql: string, path: string) => tableFromIPC((await c.api.query(sql, { source: path })).ipc).toArray().map((r) => r.toJSON());
const LA = 'America/Los_Angeles';

describe('LakeTech import through the pond worker', () => {
  it('imports a CSV export and an Excel HTML report as series, local times read in the zone', async () => {
    const c = connect();
    await c.api.createPond('laketech');
    const files = [await fixture(surfaceUrl, 'fb-surface.csv'), await fixture(bottomUrl, 'fb-bottom-report.htm')];
    const nodes = await c.api.importLaketech(files, '/lake/', { zone: LA });
    expect(nodes.map((n) => [n.path, n.type, n.version])).toEqual([['/lake/fb-surface.series', 'file:series', 1], ['/lake/fb-bottom-report.series', 'file:series', 1]]);
    const surface = await rows(c, 'SELECT epoch_ms(timestamp) AS t, "AT500_Surface.DO.mg/L" AS "do", "AT500_Surface.Depth.m" AS depth FROM source ORDER BY timestamp', '/lake/fb-surface.series');
    // 01:00 PST is 09:00Z; after the spring-forward gap 03:00 PDT is 10:00Z. Depth is Value - Offset; a blank DO is null.
    expect(surface.map((r) => Number(r.t))).toEqual([Date.UTC(2024, 2, 10, 9), Date.UTC(2024, 2, 10, 9, 30), Date.UTC(2024, 2, 10, 10), Date.UTC(2024, 2, 10, 10, 30)]);
    expect(surface.map((r) => r.do)).toEqual([8.21, 8.19, 8.3, null]);
    expect(surface[0]!.depth).toBeCloseTo(1.5, 12);
    const d = await c.api.describe('/lake/fb-bottom-report.series');
    expect(d.timestampColumn).toBe('timestamp');
    expect(d.columns.map((x) => x.name)).toContain('DO.mg/L');
    expect(d.versions[0]).toMatchObject({ rows: 4, minEventTime: Date.UTC(2024, 10, 3, 6) * 1000, source: 'fb-bottom-report.htm' });
    // The same file again is a new version of the same series (as copy does).
    const again = await c.api.exec('import-laketech host:fb-surface.csv /lake/fb-surface.series --zone America/Los_Angeles', { files });
    expect(again).toMatchObject({ exitCode: 0, stdout: '/lake/fb-surface.series v2\n' });
  });

  it('a bad zone fails naming it and commits nothing', async () => {
    const c = connect();
    await c.api.createPond('laketech-bad');
    const err = await c.api.importLaketech([await fixture(surfaceUrl, 'fb-surface.csv')], '/lake/', { zone: 'Nowhere/Land' }).catch((e: unknown) => e);
    expect(String((err as Error).message)).toMatch(/Nowhere\/Land/);
    expect((await c.api.info()).version).toBe(0);
  });
});

describe('export through the pond worker', () => {
  it('writes year=/month= partitions with every row exactly once', async () => {
    const c = connect();
    await c.api.createPond('export');
    // Every 6 hours from 2024-02-27 up to 2024-03-03 (across the leap-year month boundary), then one row in 2025.
    const lines = ['timestamp,v'];
    for (let t = Date.UTC(2024, 1, 27); t < Date.UTC(2024, 2, 3); t += 6 * 3_600_000) lines.push(`${new Date(t).toISOString()},${t / 1e9}`);
    lines.push('2025-01-15T00:00:00Z,1');
    await c.api.copyIn([{ name: 'x.csv', data: new Blob([lines.join('\n') + '\n']) }], '/data/site/x.series', { format: 'series' });
    const r = await c.api.exportSeries('/data/**/*.series', { temporal: ['year', 'month'] });
    expect(r.files).toEqual([
      { path: 'data/site/x/year=2024/month=02/data.parquet', rows: 12 }, // Feb 27, 28, 29: 3 days x 4
      { path: 'data/site/x/year=2024/month=03/data.parquet', rows: 8 },
      { path: 'data/site/x/year=2025/month=01/data.parquet', rows: 1 },
    ]);
    const zip = unzipSync(r.data);
    expect(Object.keys(zip).sort()).toEqual(r.files.map((f) => f.path));
    for (const f of r.files) {
      const t = await parquetToArrow(zip[f.path]!, f.path);
      expect(t.numRows).toBe(f.rows);
      const month = f.path.match(/month=(\d+)/)![1]!;
      for (const ts of t.getChild('timestamp')!.toArray() as BigInt64Array) expect(new Date(Number(ts / 1000n)).getUTCMonth() + 1).toBe(Number(month));
    }
    const shell = await c.api.exec('export /data/site/x.series --temporal year');
    expect(shell.exitCode).toBe(0);
    expect(shell.downloads?.[0]?.name).toMatch(/^export-.*\.zip$/);
    expect(Object.keys(unzipSync(shell.downloads![0]!.data))).toEqual(['data/site/x/year=2024/data.parquet', 'data/site/x/year=2025/data.parquet']);
  });
});
