// The same file appended to a series twice is refused (it would double every row), unless forced; an import whose
// time range overlaps existing versions says so, with the overlapping range. Real worker, OPFS and DuckDB.
import { describe, expect, it } from 'vitest';
import { connect } from '../../helpers/pond-clients';

const csv = (name: string, hours: number[]) => ({
  name,
  data: new Blob([`timestamp,v\n${hours.map((h) => `2024-03-01T${String(h).padStart(2, '0')}:00:00Z,${h}`).join('\n')}\n`]),
});
const HOUR = 3600e6;
const T0 = Date.UTC(2024, 2, 1) * 1000;

describe('re-import guard', () => {
  it('refuses the same file twice, appends it when forced, and reports overlapping ranges', async () => {
    const c = connect();
    await c.api.createPond('guard');
    const first = csv('day.csv', [0, 1, 2, 3]);
    const [v1] = await c.api.copyIn([first], '/s.series', { format: 'series' });
    expect(v1).toMatchObject({ version: 1 });
    expect(v1!.overlaps).toBeUndefined();
    const committed = (await c.api.versions('/s.series'))[0]!;
    expect(v1!.modified).toBe(committed.timestamp); // the answer carries the commit time

    const again = await c.api.copyIn([csv('renamed-copy.csv', [0, 1, 2, 3])], '/s.series', { format: 'series' }).catch((e: { code?: string; message?: string }) => e);
    expect(again).toMatchObject({ code: 'ALREADY_EXISTS', message: expect.stringMatching(/^renamed-copy\.csv is already version 1 of \/s\.series, imported 2024|^renamed-copy\.csv is already version 1 of \/s\.series, imported \d{4}-/) });
    expect((await c.api.info()).version).toBe(1); // nothing committed

    const forced = await c.api.copyIn([first], '/s.series', { format: 'series', force: true });
    expect(forced[0]).toMatchObject({ version: 2, overlaps: [{ version: 1, start: T0, end: T0 + 3 * HOUR }] });

    const later = await c.api.copyIn([csv('next.csv', [3, 4, 5])], '/s.series', { format: 'series' });
    expect(later[0]!.overlaps).toEqual([{ version: 1, start: T0 + 3 * HOUR, end: T0 + 3 * HOUR }, { version: 2, start: T0 + 3 * HOUR, end: T0 + 3 * HOUR }]);
    const shell = await c.api.exec('copy host:more.csv /s.series --format series', { files: [csv('more.csv', [5, 6])] });
    expect(shell.stdout).toMatch(/^\/s\.series v4\n {2}overlaps v3 from 2024-03-01 05:00(:00)?Z? to 2024-03-01 05:00(:00)?Z?\n$/);
    expect((await c.api.exec('copy host:more.csv /s.series --format series', { files: [csv('more.csv', [5, 6])] })).stderr).toMatch(/already version 4 of \/s\.series/);
    expect((await c.api.exec('copy host:more.csv /s.series --format series --force', { files: [csv('more.csv', [5, 6])] })).stdout).toMatch(/^\/s\.series v5\n/);
  });

  it('two copies of one file in one import: the second is refused and nothing is committed', async () => {
    const c = connect();
    await c.api.createPond('twice');
    const err = await c.api.copyIn([csv('a.csv', [1, 2]), csv('b.csv', [1, 2])], '/d/', { format: 'series' }).then(() => undefined, (e: unknown) => e);
    // Different names are different series: both import.
    expect(err).toBeUndefined();
    const same = await c.api.copyIn([csv('a.csv', [7]), csv('a.csv', [7])], '/one.series', { format: 'series' }).catch((e: { code?: string }) => e);
    expect(same).toMatchObject({ code: 'USAGE' }); // two sources need a folder destination: refused before any import
  });
});
