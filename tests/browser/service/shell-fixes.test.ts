// Shell answers a field user tripped over: `cat --version N` with --sql and as a table, `cat SERIES` as rows instead
// of Parquet bytes, `list /` listing the root's entries, and `help` naming `log` as itself. Real worker and DuckDB.
import { describe, expect, it } from 'vitest';
import { connect } from '../../helpers/pond-clients';

const csv = (name: string, rows: string[]) => ({ name, data: new Blob([`timestamp,v\n${rows.join('\n')}\n`]) });

describe('shell fixes', () => {
  it('cat reads one version with --version, shows a series as rows, and list / lists the root', async () => {
    const c = connect();
    await c.api.createPond('shell');
    await c.api.copyIn([csv('one.csv', ['2024-01-01T00:00:00Z,1', '2024-01-01T01:00:00Z,2'])], '/s.series', { format: 'series' });
    await c.api.copyIn([csv('two.csv', ['2024-01-02T00:00:00Z,10', '2024-01-02T01:00:00Z,20', '2024-01-02T02:00:00Z,30'])], '/s.series', { format: 'series' });
    await c.api.mkdir('/dir');
    const count = (args: string) => c.api.exec(`cat /s.series ${args} --sql "SELECT count(*)::INTEGER AS n, sum(v)::INTEGER AS total FROM source"`);
    expect((await count('')).stdout).toMatch(/\n5 +\| 63 *\n/);
    expect((await count('--version 1')).stdout).toMatch(/\n2 +\| 3 *\n/);
    expect((await count('--version 2')).stdout).toMatch(/\n3 +\| 60 *\n/);
    expect((await count('--version 3')).stderr).toMatch(/no version 3 \(it has 1, 2\)/);
    const v1 = await c.api.exec('cat /s.series --version 1 --format table');
    expect(v1.stdout).toMatch(/\(rows 1–2 of 2\)\n$/);
    const rows = await c.api.exec('cat /s.series');
    expect(rows.stdout).toMatch(/^timestamp +\| v\n/);
    expect(rows.stdout).not.toContain('PAR1');
    expect(rows.stdout).toMatch(/\(rows 1–5 of 5\)\n$/);
    expect((await c.api.exec('list /')).stdout).toBe('/dir/\n/s.series\n');
    expect((await c.api.exec('help')).stdout).toMatch(/^ *log \[--limit N\] +same as show$/m);
  });
});
