// User SQL through the real QueryEngine and duckdb-wasm: refused statements never reach DuckDB (settings unchanged),
// user SQL runs on its own connection, and the lexer agrees with DuckDB's on the tricky cases.
import { afterAll, describe, expect, it } from 'vitest';
import { isPondError, PondError } from '../../../src/core/errors';
import { QueryEngine } from '../../../src/query/engine';
import { catchError, col, f64, HOUR, random, series, T0, times, version } from './helpers';

const engine = new QueryEngine();
afterAll(() => engine.close());


/** Statements DuckDB itself would accept (most change the instance), with the keyword their refusal names. */
const REFUSED: [string, string][] = [
  ["SET memory_limit='1MB'", 'SET'],
  ["/* hidden */ SET memory_limit='2MB'", 'SET'],
  ["select 1; set memory_limit='3MB'", 'SET'],
  ['SET autoload_known_extensions=true', 'SET'],
  ['SET autoinstall_known_extensions=true', 'SET'],
  ['SET threads = 1', 'SET'],
  ['SET search_path = \'temp\'', 'SET'],
  ['RESET memory_limit', 'RESET'],
  ['PRAGMA threads=1', 'PRAGMA'],
  ['PRAGMA enable_profiling', 'PRAGMA'],
  ['INSTALL httpfs', 'INSTALL'],
  ['FORCE INSTALL httpfs', 'FORCE INSTALL'],
  ['LOAD httpfs', 'LOAD'],
  ["ATTACH ':memory:' AS other", 'ATTACH'],
  ['DETACH other', 'DETACH'],
  ["COPY (SELECT 1 AS x) TO 'out.csv'", 'COPY'],
  ["EXPORT DATABASE 'exported'", 'EXPORT'],
  ["IMPORT DATABASE 'exported'", 'IMPORT'],
  ['CHECKPOINT', 'CHECKPOINT'],
  ['FORCE CHECKPOINT', 'FORCE CHECKPOINT'],
  ['VACUUM', 'VACUUM'],
  ['USE temp', 'USE'],
  ["CREATE SECRET s (TYPE s3, KEY_ID 'k', SECRET 'v')", 'CREATE SECRET'],
  ['CALL enable_logging()', 'enable_logging()'],
  ['SELECT * FROM checkpoint()', 'checkpoint()'],
  ["SELECT * FROM query('SELECT * FROM disable_logging()')", 'query()'],
  ['BEGIN TRANSACTION', 'BEGIN'],
  ['PREPARE p AS SELECT 1', 'PREPARE'],
];

const setting = async (name: string, via: 'engine' | 'user' = 'engine') => {
  const sql = `SELECT current_setting('${name}')::VARCHAR AS s`;
  return col(await (via === 'engine' ? engine.query(sql) : engine.userQuery(sql)), 's')[0];
};

describe('user SQL on the QueryEngine', () => {
  it('refuses each instance-changing statement naming its keyword, and DuckDB never saw it', async () => {
    const before = { memory: await setting('memory_limit'), threads: await setting('threads'), autoload: await setting('autoload_known_extensions'), path: await setting('search_path'), logging: await setting('enable_logging') };
    expect(before.autoload).toBe('false');
    for (const [sql, keyword] of REFUSED) {
      const e = await catchError(engine.userQuery(sql));
      expect(e.code, sql).toBe('INVALID_INPUT');
      expect(e.message.startsWith(`${keyword} is not allowed`), `${sql}: ${e.message}`).toBe(true);
    }
    expect(await setting('memory_limit')).toBe(before.memory);
    expect(await setting('threads')).toBe(before.threads);
    expect(await setting('autoload_known_extensions')).toBe('false');
    expect(await setting('autoinstall_known_extensions')).toBe('false');
    expect(await setting('search_path')).toBe(before.path);
    expect(await setting('enable_logging')).toBe(before.logging);
    expect(await setting('search_path', 'user')).toBe(before.path);
    const attached = await engine.query("SELECT count(*)::INTEGER AS n FROM duckdb_databases() WHERE database_name = 'other'");
    expect(col(attached, 'n')).toEqual([0]);
    // The engine's own SQL is not user SQL: the worker may still set what it needs.
    expect((await engine.query('SELECT 1 AS x')).numRows).toBe(1);
  });

  it('refuses naming the engine\u2019s version tables, which back every view', async () => {
    const v1 = await version(1, times(T0, HOUR, 3), { v: f64([1, 2, 3]) });
    await engine.bind('guarded', series('guarded', [v1]));
    const tables = await engine.query("SELECT table_name FROM duckdb_tables() WHERE table_name LIKE '\\_\\_pond\\_%' ESCAPE '\\'");
    const name = String(col(tables, 'table_name')[0]);
    expect(name).toMatch(/^__pond_c\d+_v\d+$/);
    for (const sql of [`DROP TABLE "${name}"`, `UPDATE ${name} SET v = 0`, `SELECT * FROM memory.main."${name.toUpperCase()}"`]) {
      const e = await catchError(engine.userQuery(sql));
      expect(e.code).toBe('INVALID_INPUT');
      expect(e.message).toMatch(/query engine's own table/);
    }
    expect(col(await engine.userQuery('SELECT sum(v) AS s FROM guarded'), 's')).toEqual([6]);
  });

  it('answers reads of bound series on its own connection, cached, with the engine\u2019s views untouched', async () => {
    const rnd = random(7);
    const a = Array.from({ length: 50 }, () => Math.round(rnd() * 1000) / 10);
    const b = Array.from({ length: 30 }, () => Math.round(rnd() * 1000) / 10);
    const v1 = await version(1, times(T0, HOUR, a.length), { v: f64(a) });
    const v2 = await version(2, times(T0 + a.length * HOUR, HOUR, b.length), { v: f64(b) });
    await engine.bind('mine', series('mine', [v1, v2]));
    const all = [...a, ...b];
    const sql = 'SELECT count(*)::INTEGER AS n, max(v) AS hi, min(v) AS lo FROM mine';
    const first = await engine.userQuery(sql);
    expect(col(first, 'n')).toEqual([all.length]);
    expect(col(first, 'hi')).toEqual([Math.max(...all)]);
    expect(col(first, 'lo')).toEqual([Math.min(...all)]);
    expect(await engine.userQuery(sql)).toBe(first); // the result cache serves user SQL too

    // The user's session is its own: a temp table and a replaced view there are invisible to the engine.
    await engine.userQuery('CREATE OR REPLACE TEMP TABLE scratch AS SELECT 42 AS x');
    await engine.userQuery('CREATE OR REPLACE TEMP VIEW mine AS SELECT 0 AS v');
    const e = await catchError(engine.query('SELECT * FROM scratch'));
    expect(e.code).toBe('QUERY');
    expect(col(await engine.query('SELECT count(*)::INTEGER AS n FROM mine'), 'n')).toEqual([all.length]);
    // …and the user's next read sees the bound view again, not its replacement.
    expect(col(await engine.userQuery('SELECT count(*)::INTEGER AS n FROM mine'), 'n')).toEqual([all.length]);
    expect(col(await engine.userQuery('SELECT x FROM scratch'), 'x')).toEqual([42]);

    // A re-bind to other versions reaches the user connection's copy of the view.
    await engine.bind('mine', series('mine', [v2]));
    expect(col(await engine.userQuery('SELECT count(*)::INTEGER AS n FROM mine'), 'n')).toEqual([b.length]);
    await engine.unbind('mine');
    expect((await catchError(engine.userQuery('SELECT * FROM mine'))).code).toBe('QUERY');
  });

  it('a view of the user\u2019s own over a bound view reads what is bound now', async () => {
    const v1 = await version(1, times(T0, HOUR, 4), { v: f64([1, 2, 3, 4]) });
    const v2 = await version(2, times(T0 + 4 * HOUR, HOUR, 2), { v: f64([10, 20]) });
    await engine.bind('ind', series('ind', [v1]));
    await engine.userQuery('CREATE OR REPLACE TEMP VIEW over_ind AS SELECT sum(v) AS s FROM ind');
    expect(col(await engine.userQuery('SELECT s FROM over_ind'), 's')).toEqual([10]);
    await engine.bind('ind', series('ind', [v1, v2]));
    expect(col(await engine.userQuery('SELECT s FROM over_ind'), 's')).toEqual([40]); // names no bound view itself
    await engine.bind('ind', series('ind', [v1, v2]), { timeRange: [T0 + 4 * HOUR, T0 + 6 * HOUR] });
    expect(col(await engine.userQuery('SELECT s FROM over_ind'), 's')).toEqual([30]);
  });

  it('runs what the lexer calls one read exactly as DuckDB reads it', async () => {
    const cases: [string, unknown][] = [
      ["SELECT 'SET x' AS s", 'SET x'],
      ["SELECT 'it''s; SET x=1' AS s", "it's; SET x=1"],
      ["SELECT E'it\\'s; SET x=1' AS s", "it's; SET x=1"],
      ["SELECT $$a'; SET x=1$$ AS s", "a'; SET x=1"],
      ["SELECT $t$ $$; SET x=1 $t$ AS s", ' $$; SET x=1 '],
      ['SELECT "SET; x" AS s FROM (SELECT 7 AS "SET; x")', 7],
      ["/* a /* nested */ SET x=1 */ SELECT 'after' AS s", 'after'],
      ["SELECT 'a\\' AS s", 'a\\'],
      ["-- ; SET x=1\nSELECT 'line' AS s", 'line'],
      ["SELECT e'\\'; SET x=1; --' AS s", "'; SET x=1; --"],
      ['SELECT $_$; SET x=1; $_$ AS s', '; SET x=1; '],
    ];
    for (const [sql, want] of cases) expect(col(await engine.userQuery(sql), 's'), sql).toEqual([want]);
  });

  it('lets DuckDB report a typo with its syntax error and position, running nothing', async () => {
    const e = await catchError(engine.userQuery('SELECT 1 AS x;\nSELEC oops'));
    expect(e.code).toBe('QUERY');
    expect(e.message).toMatch(/syntax error/i);
    const one = await catchError(engine.userQuery('\n  SELEC oops FROM nowhere'));
    expect(one.code).toBe('QUERY');
    expect(one.detail?.position).toMatchObject({ line: 2 });
  });

  it('keeps opfs:// paths and other hosts unreachable from user SQL', async () => {
    const opfs = await catchError(engine.userQuery("SELECT * FROM read_csv('opfs://ponds/x.csv')"));
    expect(opfs.code).toBe('QUERY');
    const other = await catchError(engine.userQuery("SELECT * FROM read_csv('http://127.0.0.2:9/x.csv')"));
    expect(other.code).toBe('QUERY');
  });

  it('cancels a runaway user query with its AbortSignal and stays usable', async () => {
    const ac = new AbortController();
    const p = engine.userQuery('SELECT count(*) FROM range(20000000000) a', { signal: ac.signal });
    setTimeout(() => ac.abort(), 200);
    expect(isPondError(await catchError(p), 'ABORTED')).toBe(true);
    expect(col(await engine.userQuery('SELECT 42 AS x'), 'x')).toEqual([42]);
  });
});
