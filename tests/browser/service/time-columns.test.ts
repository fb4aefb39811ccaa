// Time columns found honestly: a date column that is not the first becomes the series' time, and a file with no
// times at all is refused as a series, naming the columns tried (it used to import "as a series" without times).
import { describe, expect, it } from 'vitest';
import { connect } from '../../helpers/pond-clients';

const file = (name: string, text: string) => ({ name, data: new Blob([text]) });

describe('time columns on import', () => {
  it('a date column after others is the time column; its days are the event-time range', async () => {
    const c = connect();
    await c.api.createPond('dates');
    const csv = 'location,date,precipitation\nCapitola,2012-01-01,0.0\nCapitola,2012-01-02,10.9\nCapitola,2012-01-03,0.8\n';
    const [n] = await c.api.copyIn([file('daily.csv', csv)], '/w/daily.series', { format: 'series' });
    expect(n).toMatchObject({ version: 1 });
    const d = await c.api.describe('/w/daily.series');
    expect(d.timestampColumn).toBe('date');
    expect(d.versions[0]).toMatchObject({ rows: 3, minEventTime: Date.UTC(2012, 0, 1) * 1000, maxEventTime: Date.UTC(2012, 0, 3) * 1000 });
    expect((await c.api.plot('/w/daily.series', ['precipitation'], 100)).y.precipitation).toEqual([0, 10.9, 0.8]);
  });

  it('a file with no times is refused as a series, naming its columns, and nothing is committed', async () => {
    const c = connect();
    await c.api.createPond('no dates');
    const err = await c.api.copyIn([file('counts.csv', 'site,count\nA,3\nB,5\n')], '/w/counts.series', { format: 'series' }).catch((e: { code?: string; message?: string }) => e);
    expect(err).toMatchObject({
      code: 'INVALID_INPUT', detail: { reason: 'no-time-column', columns: ['site', 'count'] },
      message: expect.stringMatching(/^counts\.csv: no column holds times, so it cannot be a series \(columns tried: site \(VARCHAR: "A" fits no time form\); count \(BIGINT: numbers, not times \([^)]*\)\)\)\. Forms tried: ISO 8601 .*Jan 31 2000.* Name a column with --timestamp-column, or import it as a table or as raw data$/),
    });
    expect((await c.api.info()).version).toBe(0);
    // As raw data it is kept as it is.
    expect((await c.api.copyIn([file('counts.csv', 'site,count\nA,3\n')], '/w/counts.csv', { format: 'data' }))[0]).toMatchObject({ version: 1 });
  });

  it('the same CSV becomes a table without a time column, through the CSV → Parquet path', async () => {
    const c = connect();
    await c.api.createPond('table');
    const [n] = await c.api.copyIn([file('counts.csv', 'site,count\nA,3\nB,5\n')], '/w/counts', { format: 'table' });
    expect(n).toMatchObject({ type: 'file:table', version: 1 });
    expect(n!.time).toBeUndefined();
    const r = await c.api.query('SELECT site, count FROM t ORDER BY site', { t: '/w/counts' });
    expect(r.rows).toBe(2);
    expect((await c.api.describe('/w/counts')).columns.map((x) => x.name)).toEqual(['site', 'count']);
  });

  it('says how the times were read; the day/month order given turns ambiguous dates', async () => {
    const c = connect();
    await c.api.createPond('order');
    const csv = 'site,day,v\nA,01/02/2000,1\nA,03/04/2000,2\n';
    const [m] = await c.api.copyIn([file('a.csv', csv)], '/w/m.series', { format: 'series' });
    expect(m!.time).toEqual({ column: 'day', format: '01/31/2000 (%m/%d/%Y)', zone: 'UTC', dayFirst: false, dayOrder: 'assumed' });
    expect((await c.api.describe('/w/m.series')).versions[0]).toMatchObject({ minEventTime: Date.UTC(2000, 0, 2) * 1000, maxEventTime: Date.UTC(2000, 2, 4) * 1000 });
    const [d] = await c.api.copyIn([file('a.csv', csv)], '/w/d.series', { format: 'series', dayFirst: true });
    expect(d!.time).toMatchObject({ dayFirst: true, dayOrder: 'given' });
    expect((await c.api.describe('/w/d.series')).versions[0]).toMatchObject({ minEventTime: Date.UTC(2000, 1, 1) * 1000, maxEventTime: Date.UTC(2000, 3, 3) * 1000 });
    expect((await c.api.versions('/w/d.series'))[0]!.attrs).toMatchObject({ time_format: '31/01/2000 (%d/%m/%Y)', day_order: 'day first (given)' });
    const out = await c.api.exec('copy host:a.csv /w/s.series --format series', { files: [file('a.csv', csv)] });
    expect(out.stdout).toMatch(/time column day: 01\/31\/2000 \(%m\/%d\/%Y\), UTC, month first \(assumed: the dates are ambiguous; --day-first reads them the other way\)/);
    expect((await c.api.exec('copy host:a.csv /w/t.series --format series --day-first', { files: [file('a.csv', csv)] })).stdout).toMatch(/time column day: 31\/01\/2000 \(%d\/%m\/%Y\), UTC, day first\n/);
  });

  it('previews a CSV: first rows, the time candidates, the chosen column; another column on request', async () => {
    const c = connect();
    const lines = ['id,opened,day,v'];
    for (let i = 1; i <= 12; i++) lines.push(`${i},2001-03-${String(i).padStart(2, '0')},Jan ${i} 2000,${i * 10}`);
    const p = await c.api.previewImport(file('p.csv', lines.join('\n') + '\n'));
    expect(p.kind).toBe('csv');
    expect(p.rows).toHaveLength(10);
    expect(p.rows[0]).toEqual(['1', '2001-03-01', 'Jan 1 2000', '10']);
    expect(p.columns.map((x) => [x.name, x.timeCandidate])).toEqual([['id', false], ['opened', true], ['day', true], ['v', false]]);
    expect(p.timestampColumn).toBe('opened');
    expect(p.time).toMatchObject({ column: 'opened', format: 'ISO 8601 dates', zone: 'UTC' });
    const other = await c.api.previewImport(file('p.csv', lines.join('\n') + '\n'), { timestampColumn: 'day' });
    expect(other.time).toMatchObject({ column: 'day', format: 'Jan 31 2000 (%b %d %Y)' });
  });

  it('previews a Parquet file with parquet-wasm, its typed time column found', async () => {
    const c = connect();
    await c.api.createPond('pq');
    await c.api.copyIn([file('w.csv', 'site,when,v\nA,2000-01-01 13:00,1\nB,2000-01-02 14:30,2\n')], '/w/w.series', { format: 'series' });
    const bytes = await c.api.readFile('/w/w.series');
    const p = await c.api.previewImport({ name: 'w.parquet', data: new Blob([bytes.slice()]) });
    expect(p.kind).toBe('parquet');
    expect(p.timestampColumn).toBe('when');
    expect(p.rows).toEqual([['A', '2000-01-01T13:00:00Z', '1'], ['B', '2000-01-02T14:30:00Z', '2']]);
  });
});
