// Shell answers a field user tripped over: `cat --version N` with --sql and as a table, `cat SERIES` as rows instead
// of Parquet bytes, `list /` listing the root's entries, `help` naming `log` as itself, and a series copied out whole.
// Real worker and DuckDB.
import { describe, expect, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import { loadParquetWasm } from '../../../src/core/parquet-wasm';
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

    // Copied out, a two-version series is one Parquet file of all 5 rows (it used to be the last version's 3).
    const out = await c.api.exec('copy /s.series host:');
    expect(out.downloads?.map((d) => d.name)).toEqual(['s.series']);
    const rowsOut = tableFromIPC((await loadParquetWasm()).readParquet(out.downloads![0]!.data).intoIPCStream());
    expect(rowsOut.numRows).toBe(5);
    expect(Array.from(rowsOut.getChild('v')!.toArray() as ArrayLike<number | bigint>, Number)).toEqual([1, 2, 10, 20, 30]);
  });
});
