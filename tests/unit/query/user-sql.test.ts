import { describe, expect, it } from 'vitest';
import { isPondError, type PondError } from '../../../src/core/errors';
import { checkUserSql, isReadOnlySql, parseStatements, requireReadOnlySelect, tokenize } from '../../../src/query/user-sql';

function refusedBy(sql: string): PondError {
  try {
    checkUserSql(sql);
  } catch (e) {
    if (isPondError(e)) return e;
    throw e;
  }
  throw new Error(`not refused: ${sql}`);
}

/** Each statement user SQL may not run, with the keyword its refusal must name. */
const REFUSED: [string, string][] = [
  ["SET memory_limit='1MB'", 'SET'],
  ['SET autoload_known_extensions=true', 'SET'],
  ['SET GLOBAL threads = 1', 'SET'],
  ['SET VARIABLE v = 1', 'SET'],
  ['RESET memory_limit', 'RESET'],
  ['RESET ALL', 'RESET'],
  ['PRAGMA enable_profiling', 'PRAGMA'],
  ['PRAGMA memory_limit=\'1MB\'', 'PRAGMA'],
  ['INSTALL httpfs', 'INSTALL'],
  ['FORCE INSTALL httpfs', 'FORCE INSTALL'],
  ['INSTALL spatial FROM community', 'INSTALL'],
  ['UPDATE EXTENSIONS', 'UPDATE EXTENSIONS'],
  ['LOAD httpfs', 'LOAD'],
  ["ATTACH 'opfs://other.duckdb' AS o", 'ATTACH'],
  ["ATTACH DATABASE ':memory:' AS m", 'ATTACH'],
  ['DETACH o', 'DETACH'],
  ["COPY (SELECT 1) TO 'out.csv'", 'COPY'],
  ["COPY t FROM 'x.csv'", 'COPY'],
  ["EXPORT DATABASE 'dir'", 'EXPORT'],
  ["IMPORT DATABASE 'dir'", 'IMPORT'],
  ['CHECKPOINT', 'CHECKPOINT'],
  ['FORCE CHECKPOINT', 'FORCE CHECKPOINT'],
  ['VACUUM', 'VACUUM'],
  ['USE memory.main', 'USE'],
  ["CREATE SECRET s (TYPE s3, KEY_ID 'k', SECRET 'x')", 'CREATE SECRET'],
  ["CREATE OR REPLACE PERSISTENT SECRET s (TYPE s3)", 'CREATE SECRET'],
  ["CREATE TEMPORARY SECRET IF NOT EXISTS s (TYPE s3)", 'CREATE SECRET'],
  ['DROP SECRET s', 'DROP SECRET'],
  ['DROP PERSISTENT SECRET IF EXISTS s', 'DROP SECRET'],
  ['CALL checkpoint()', 'checkpoint()'],
  ['CALL enable_logging()', 'enable_logging()'],
  ['SELECT * FROM force_checkpoint()', 'force_checkpoint()'],
  ['SELECT * FROM main."Truncate_DuckDB_Logs" ()', 'truncate_duckdb_logs()'],
  ["SELECT * FROM query('SELECT * FROM enable_logging()')", 'query()'],
  ['BEGIN TRANSACTION', 'BEGIN'],
  ['START TRANSACTION', 'START'],
  ['COMMIT', 'COMMIT'],
  ['ROLLBACK', 'ROLLBACK'],
  ['PREPARE p AS SELECT 1', 'PREPARE'],
  ['EXECUTE p', 'EXECUTE'],
  ['DEALLOCATE p', 'DEALLOCATE'],
  ['EXPLAIN ANALYZE COPY (SELECT 1) TO \'x.csv\'', 'EXPLAIN COPY'],
  ['LISTEN x', 'LISTEN'],
];

describe('user SQL: statements refused before DuckDB', () => {
  it.each(REFUSED)('refuses %s naming %s', (sql, keyword) => {
    const e = refusedBy(sql);
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message.startsWith(`${keyword} is not allowed`)).toBe(true);
    expect(e.detail?.keyword).toBe(keyword);
    expect(e.detail?.sql).toBe(sql);
  });

  it('is not fooled by case, white space or comments before the keyword', () => {
    for (const sql of ["  set memory_limit='1MB'", "\n\tSeT x = 1", "/* */ SET x=1", "-- hello\nSET x=1", "/* a /* nested */ still a comment */ SET x=1", '((SET x=1))', '/**/install httpfs']) {
      const k = refusedBy(sql).detail?.keyword;
      expect(k === 'SET' || k === 'INSTALL').toBe(true);
    }
  });

  it('refuses a string of several statements when any one is refused, naming it and where it is', () => {
    const e = refusedBy("select 1; set x=1");
    expect(e.detail).toMatchObject({ keyword: 'SET', statement: 2 });
    expect(e.message).toMatch(/statement 2 of 2/);
    expect(refusedBy("SELECT ';'; /* ; */ -- ;\n ATTACH 'x'").detail).toMatchObject({ keyword: 'ATTACH', statement: 2 });
    expect(refusedBy('SELECT 1;;;LOAD httpfs;').detail).toMatchObject({ keyword: 'LOAD', statement: 2 });
  });

  it('does not take keywords inside strings, quoted identifiers or comments for statements', () => {
    const fine = [
      "SELECT 'SET x' AS s",
      "SELECT 'it''s; SET x=1' AS s",
      "SELECT E'it\\'s; SET x=1' AS s",
      "SELECT $$a'; SET x=1$$ AS s",
      "SELECT $t$ $$; SET x=1 $t$ AS s",
      'SELECT "SET; x" FROM (SELECT 1 AS "SET; x")',
      'SELECT 1 -- ; SET x=1',
      'SELECT 1 /* ; SET x=1 */',
      'SELECT 1 /* nested /* ; */ SET x=1 */',
      "SELECT 'a\\' AS backslash_is_plain_here",
      'SELECT $1',
      "SELECT $_$; SET x=1; $_$ AS s",
      "SELECT e'\\'; SET x=1; --'",
    ];
    for (const sql of fine) expect(checkUserSql(sql).map((s) => s.kind), sql).toEqual(['read']);
  });

  it('refuses text it cannot lex whole, and text without a statement', () => {
    for (const sql of ["SELECT 'open", 'SELECT "open', 'SELECT 1 /* open', 'SELECT $x$ open', "SELECT E'open\\'"]) {
      expect(refusedBy(sql).message, sql).toMatch(/unterminated/);
    }
    expect(refusedBy('  -- nothing\n /* at all */ ;').message).toMatch(/no SQL statement/);
    // A `$` right after a word or number is no dollar quote (as in DuckDB): what follows is lexed as SQL.
    expect(refusedBy('SELECT 1$a$; SET x=1; $a$').message).toMatch(/unterminated dollar-quoted/);
    // Non-ASCII white space is an identifier character to DuckDB, so the word is not a keyword here either.
    expect(refusedBy('SELECT\u00a01').detail?.keyword).toBe('SELECT\u00a01');
  });

  it('lets reads and writes to the user\u2019s own tables through, classified', () => {
    const cases: [string, 'read' | 'data', string][] = [
      ['SELECT 1', 'read', 'SELECT'],
      ['(SELECT 1) UNION ALL (SELECT 2)', 'read', 'SELECT'],
      ['WITH a AS (SELECT 1) SELECT * FROM a', 'read', 'WITH'],
      ['FROM source SELECT v', 'read', 'FROM'],
      ['VALUES (1), (2)', 'read', 'VALUES'],
      ['TABLE source', 'read', 'TABLE'],
      ['DESCRIBE source', 'read', 'DESCRIBE'],
      ['SHOW TABLES', 'read', 'SHOW'],
      ['SUMMARIZE source', 'read', 'SUMMARIZE'],
      ['PIVOT source ON k USING sum(v)', 'read', 'PIVOT'],
      ['EXPLAIN SELECT 1', 'read', 'EXPLAIN'],
      ['EXPLAIN (FORMAT JSON) SELECT 1', 'read', 'EXPLAIN'],
      ["CALL pragma_table_info('source')", 'read', 'CALL pragma_table_info'],
      ['CREATE TEMP TABLE mine AS SELECT 1 AS x', 'data', 'CREATE'],
      ['CREATE OR REPLACE TEMP VIEW secret_view AS SELECT 1', 'data', 'CREATE'],
      ['CREATE TABLE secret (x INT)', 'data', 'CREATE'],
      ['INSERT INTO mine VALUES (2)', 'data', 'INSERT'],
      ['UPDATE mine SET x = 3', 'data', 'UPDATE'],
      ['WITH a AS (SELECT 2 AS x) INSERT INTO mine SELECT * FROM a', 'data', 'WITH … INSERT'],
      ['DROP VIEW mine', 'data', 'DROP'],
      ['DELETE FROM mine', 'data', 'DELETE'],
    ];
    for (const [sql, kind, keyword] of cases) {
      const [s] = checkUserSql(sql);
      expect({ kind: s!.kind, keyword: s!.keyword }, sql).toEqual({ kind, keyword });
    }
  });

  it('refuses a word that starts no DuckDB statement, or returns it for DuckDB to parse when asked', () => {
    expect(refusedBy('SELEC oops FROM t').detail?.keyword).toBe('SELEC');
    const [s] = checkUserSql('SELEC oops FROM t', { unknown: 'return' });
    expect(s).toMatchObject({ kind: 'unknown', keyword: 'SELEC' });
    expect(() => checkUserSql('SELECT 1; SET x = 1; SELEC 2', { unknown: 'return' })).toThrow(/^SET is not allowed/);
  });

  it('keeps each statement\u2019s text and index', () => {
    const s = parseStatements("SELECT 'a;b' AS x ; -- c\n SELECT 2");
    expect(s.map((x) => [x.index, x.text])).toEqual([[1, "SELECT 'a;b' AS x"], [2, '-- c\n SELECT 2']]);
  });

  it('tokenizes words upper-cased, quoted identifiers unquoted, and skips numbers and comments', () => {
    expect(tokenize('select "A""b", 1e5 /* x */ from t').map((t) => [t.kind, t.text])).toEqual([
      ['word', 'SELECT'], ['quoted', 'A"b'], ['punct', ','], ['word', 'FROM'], ['word', 'T'],
    ]);
  });
});

describe('one read-only SELECT (for SQL-derived nodes)', () => {
  it('accepts SELECT, WITH … SELECT, VALUES and FROM-first', () => {
    for (const sql of ['SELECT 1', ' -- c\n(SELECT 1)', 'WITH a AS (SELECT 1) SELECT * FROM a', 'VALUES (1)', 'FROM t', 'select 1;']) {
      expect(requireReadOnlySelect(sql).kind).toBe('read');
    }
  });

  it('refuses several statements, writes and non-SELECT reads, naming what it found', () => {
    expect(() => requireReadOnlySelect('SELECT 1; SELECT 2', 'node /a')).toThrow(/node \/a must be one SELECT statement, found 2/);
    expect(() => requireReadOnlySelect('INSERT INTO t VALUES (1)')).toThrow(/not INSERT/);
    expect(() => requireReadOnlySelect('WITH a AS (SELECT 1) DELETE FROM t')).toThrow(/not WITH … DELETE/);
    expect(() => requireReadOnlySelect('DESCRIBE t')).toThrow(/not DESCRIBE/);
    expect(() => requireReadOnlySelect('SET x = 1')).toThrow(/^SET is not allowed/);
    expect(() => requireReadOnlySelect('SELECT * FROM checkpoint()')).toThrow(/checkpoint\(\) is not allowed/);
  });
});

describe('isReadOnlySql (result cache)', () => {
  it('is true for one read and false for writes, several statements or unlexable text', () => {
    expect(isReadOnlySql('/* c */ SELECT 1')).toBe(true);
    expect(isReadOnlySql('SELECT 1;')).toBe(true);
    expect(isReadOnlySql('SELECT 1; SELECT 2')).toBe(false);
    expect(isReadOnlySql('CREATE TEMP TABLE a AS SELECT 1')).toBe(false);
    expect(isReadOnlySql('SET threads = 1')).toBe(false);
    expect(isReadOnlySql("SELECT 'open")).toBe(false);
  });
});
