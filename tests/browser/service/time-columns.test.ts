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
    expect(err).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/^counts\.csv: no column holds times, so it cannot be a series \(columns: site \(\w+\), count \(\w+\)\); name one with --timestamp-column, or import it as raw data$/) });
    expect((await c.api.info()).version).toBe(0);
    // As raw data it is kept as it is.
    expect((await c.api.copyIn([file('counts.csv', 'site,count\nA,3\n')], '/w/counts.csv', { format: 'data' }))[0]).toMatchObject({ version: 1 });
  });
});
