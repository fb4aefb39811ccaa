// User SQL through the whole path (client → comlink → pond worker → QueryEngine → duckdb-wasm), as the SQL tab and
// the shell's `sql` / `cat --sql` send it: refused statements are named, and DuckDB keeps working for imports.
import { describe, expect, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import type { PondClient } from '../../../src/ui/pond-client';
import { connect } from '../../helpers/pond-clients';
import { random } from './helpers';

const csv = (text: string, name = 'part.csv') => ({ name, data: new Blob([text]) });
const rowsOf = async (c: PondClient, sql: string, path: string) => tableFromIPC((await c.api.query(sql, { source: path })).ipc).toArray().map((r) => r.toJSON());

/** What issue 10 found breaking the instance, and the rest of the kinds, each with the keyword its refusal names. */
const ATTEMPTS: [string, string][] = [
  ["SET memory_limit='1MB'", 'SET'],
  ["-- comment first\nSET memory_limit='1MB'", 'SET'],
  ["SELECT 1 AS x; SET memory_limit='1MB'", 'SET'],
  ['RESET memory_limit', 'RESET'],
  ['SET autoload_known_extensions=true', 'SET'],
  ['INSTALL httpfs', 'INSTALL'],
  ['LOAD httpfs', 'LOAD'],
  ['PRAGMA threads=1', 'PRAGMA'],
  ["ATTACH ':memory:' AS o", 'ATTACH'],
  ['DETACH o', 'DETACH'],
  ["COPY (SELECT * FROM source) TO 'x.csv'", 'COPY'],
  ["EXPORT DATABASE 'd'", 'EXPORT'],
  ["IMPORT DATABASE 'd'", 'IMPORT'],
  ['CHECKPOINT', 'CHECKPOINT'],
  ['USE temp', 'USE'],
  ['VACUUM', 'VACUUM'],
  ["CREATE SECRET s (TYPE s3, KEY_ID 'k', SECRET 'v')", 'CREATE SECRET'],
  ['CALL checkpoint()', 'checkpoint()'],
];

function seriesCsv(seed: number, start: number, n: number): { text: string; values: number[] } {
  const rnd = random(seed);
  const values = Array.from({ length: n }, () => Math.round(rnd() * 2000 - 1000) / 100);
  const lines = values.map((v, i) => `${new Date(start + i * 3_600_000).toISOString()},${v}`);
  return { text: `timestamp,temp\n${lines.join('\n')}\n`, values };
}

describe('user SQL through the pond worker', () => {
  it('refuses each statement with its keyword named; settings stay, imports still work, reads still answer', async () => {
    const c = connect();
    await c.api.createPond('usersql');
    const first = seriesCsv(1, Date.UTC(2024, 0, 1), 48);
    await c.api.copyIn([csv(first.text)], '/t.series', { format: 'series' });
    const [{ m: before }] = (await rowsOf(c, "SELECT current_setting('memory_limit')::VARCHAR AS m FROM source LIMIT 1", '/t.series')) as [{ m: string }];

    for (const [sql, keyword] of ATTEMPTS) {
      const e = await c.api.query(sql, { source: '/t.series' }).catch((x: unknown) => x as { code?: string; message?: string });
      expect(e, sql).toMatchObject({ code: 'INVALID_INPUT' });
      expect((e as { message: string }).message.startsWith(`${keyword} is not allowed`), sql).toBe(true);
    }
    // The shell's `sql` and `cat --sql` go the same way and say why.
    const shellSql = await c.api.exec(`sql "SET memory_limit='1MB'" --table t=/t.series`);
    expect(shellSql.exitCode).not.toBe(0);
    expect(shellSql.stderr).toMatch(/SET is not allowed .*INVALID_INPUT/);
    const shellCat = await c.api.exec('cat /t.series --sql "INSTALL httpfs"');
    expect(shellCat.exitCode).not.toBe(0);
    expect(shellCat.stderr).toMatch(/INSTALL is not allowed/);

    const [{ m: after }] = (await rowsOf(c, "SELECT current_setting('memory_limit')::VARCHAR AS m FROM source LIMIT 1", '/t.series')) as [{ m: string }];
    expect(after).toBe(before);
    // A real CSV import after all the attempts (the one that failed "Out of Memory" in issue 10).
    const second = seriesCsv(2, Date.UTC(2024, 0, 3), 5000);
    await c.api.copyIn([csv(second.text, 'more.csv')], '/t.series', { format: 'series' });
    const all = [...first.values, ...second.values];
    const sum = all.reduce((s, v) => s + v, 0);
    const [r] = (await rowsOf(c, 'SELECT count(*)::INTEGER AS n, min(temp) AS lo, max(temp) AS hi, sum(temp) AS s FROM source', '/t.series')) as [{ n: number; lo: number; hi: number; s: number }];
    expect(r.n).toBe(all.length);
    expect(r.lo).toBe(Math.min(...all));
    expect(r.hi).toBe(Math.max(...all));
    expect(r.s).toBeCloseTo(sum, 6);
    const ok = await c.api.exec('cat /t.series --sql "SELECT count(*) AS n FROM source"');
    expect(ok).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(new RegExp(`^n\\s*\\n-+\\n${all.length}\\s*\\n`)) });
  });

  it('cancels a runaway user query by its operation id, and the next query answers', async () => {
    const c = connect();
    await c.api.createPond('cancel');
    await c.api.copyIn([csv(seriesCsv(3, Date.UTC(2024, 0, 1), 10).text)], '/t.series', { format: 'series' });
    const ac = new AbortController();
    const running = c.longOp((op) => c.api.query('SELECT count(*) AS n FROM range(20000000000) a, source', { source: '/t.series' }, op), { signal: ac.signal });
    setTimeout(() => ac.abort(), 300);
    const e = await running.catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'ABORTED' });
    expect(await rowsOf(c, 'SELECT count(*)::INTEGER AS n FROM source', '/t.series')).toEqual([{ n: 10 }]);
  });
});
