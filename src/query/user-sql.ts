// What SQL typed by a person (the SQL tab, the shell's `sql` and `cat --sql`) may run, decided before DuckDB sees it.
//
// duckdb-wasm 1.32 offers no way to ask DuckDB for a statement's type: its JS API has no extract_statements and a
// prepared statement is only a number; json_serialize_sql lives in the JSON extension, which cannot load offline (and
// serialises SELECTs only). So this module lexes the text itself, the way DuckDB's (Postgres-derived) lexer does:
// `--` comments, nesting `/* */` comments, '…' strings ('' escapes), E'…' strings (backslash escapes), $tag$…$tag$
// strings and "…" identifiers. Each case was checked against DuckDB 1.4.3 (tests/browser/query/user-sql.test.ts).
// Text it cannot lex whole (an unterminated string or comment) is refused rather than guessed at.
import { PondError } from '../core/errors';

export type SqlTokenKind = 'word' | 'quoted' | 'string' | 'punct';

export interface SqlToken {
  kind: SqlTokenKind;
  /** A word upper-cased, a quoted identifier unquoted, a string as written, one punctuation character. */
  text: string;
  /** Offset in the SQL text. */
  at: number;
}

/**
 * read: returns rows and changes nothing (SELECT, WITH, FROM-first, VALUES, TABLE, DESCRIBE, SHOW, SUMMARIZE, PIVOT,
 * EXPLAIN of a read, CALL of a read-only table function). data: creates or changes the caller's own tables, views
 * or macros (CREATE, INSERT, UPDATE, DELETE, DROP, ALTER …). session: changes the DuckDB instance or connection
 * itself, reaches files or other databases, or hides a statement from this check: refused for user SQL. unknown:
 * its first word starts no statement of DuckDB 1.4's grammar (third_party/libpg_query/grammar/statements), so it is
 * a typo DuckDB can only reject; the engine lets DuckDB parse it (without running it) for the syntax error and its
 * position, and refuses it should it parse. Re-check the word lists here when duckdb-wasm is upgraded.
 */
export type StatementKind = 'read' | 'data' | 'session' | 'unknown';

export interface SqlStatement {
  /** The statement's text, comments included, without its `;`. */
  text: string;
  /** 1-based position among the statements of the string. */
  index: number;
  tokens: SqlToken[];
  /** The words that say what it is: `SELECT`, `SET`, `CREATE SECRET`, `FORCE INSTALL`, `CALL checkpoint` … */
  keyword: string;
  kind: StatementKind;
  /** Why a session statement is refused (for the message). */
  reason?: string;
}

const READ_KEYWORDS = new Set(['SELECT', 'WITH', 'FROM', 'VALUES', 'TABLE', 'DESCRIBE', 'DESC', 'SHOW', 'SUMMARIZE', 'PIVOT', 'UNPIVOT', 'PIVOT_WIDER', 'PIVOT_LONGER']);
const DATA_KEYWORDS = new Set(['CREATE', 'DROP', 'ALTER', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'MERGE', 'COMMENT', 'ANALYZE']);
/** Statements whose main query a "one read-only SELECT" may start with. */
const SELECT_KEYWORDS = new Set(['SELECT', 'WITH', 'FROM', 'VALUES']);

const SETTINGS = 'it would change the settings of the DuckDB instance the pond shares with imports and plots';
const SESSION_REASONS: Record<string, string> = {
  SET: SETTINGS,
  RESET: SETTINGS,
  PRAGMA: SETTINGS,
  USE: SETTINGS,
  INSTALL: 'extensions cannot be installed: they come from extensions.duckdb.org, and a failed load breaks DuckDB until reload',
  LOAD: 'extensions cannot be loaded: they come from extensions.duckdb.org, and a failed load breaks DuckDB until reload',
  ATTACH: 'SQL here reads the pond\u2019s files only, not other databases or files',
  DETACH: 'SQL here reads the pond\u2019s files only, not other databases or files',
  COPY: 'SQL here reads the pond\u2019s files only; export results with Export CSV or the shell',
  EXPORT: 'SQL here reads the pond\u2019s files only; export results with Export CSV or the shell',
  IMPORT: 'SQL here reads the pond\u2019s files only; bring data in with import or copy',
  CHECKPOINT: 'the database is managed by the pond, not by SQL typed here',
  VACUUM: 'the database is managed by the pond, not by SQL typed here',
  SECRET: 'secrets are kept by the app (Remotes), never in DuckDB',
  TRANSACTION: 'a transaction left open would hide new versions of the pond from later queries',
  PREPARED: 'a prepared statement would run SQL this check cannot see',
};
const TRANSACTION_WORDS = new Set(['BEGIN', 'START', 'COMMIT', 'END', 'ROLLBACK', 'ABORT', 'SAVEPOINT', 'RELEASE']);
/** Every other word that starts a statement in DuckDB's grammar or its Postgres parent: refused, never guessed at. */
const SESSION_WORDS = new Set([
  'SET', 'RESET', 'PRAGMA', 'USE', 'INSTALL', 'LOAD', 'ATTACH', 'DETACH', 'COPY', 'EXPORT', 'IMPORT', 'CHECKPOINT', 'VACUUM',
  'REFRESH', 'CLUSTER', 'REINDEX', 'LISTEN', 'NOTIFY', 'UNLISTEN', 'GRANT', 'REVOKE', 'LOCK', 'DISCARD', 'DECLARE', 'FETCH',
  'MOVE', 'CLOSE', 'SECURITY', 'REASSIGN', 'DO',
]);
const PREPARED_WORDS = new Set(['PREPARE', 'EXECUTE', 'DEALLOCATE']);
const CHANGES = 'it changes the database or its settings';
const HIDDEN = 'it runs SQL text this check cannot see';
/**
 * Table functions (from DuckDB 1.4.3's `duckdb_functions()`) that change the database or its settings when called,
 * or run SQL given as a string (`query('SELECT * FROM enable_logging()')` would hide the call in a literal).
 * PRAGMA-type functions are not here: only PRAGMA reaches them (CALL and FROM take table functions alone).
 */
const SIDE_EFFECT_FUNCTIONS = new Map([
  ['checkpoint', CHANGES], ['force_checkpoint', CHANGES], ['enable_logging', CHANGES], ['disable_logging', CHANGES],
  ['truncate_duckdb_logs', CHANGES], ['query', HIDDEN], ['json_execute_serialized_sql', HIDDEN],
]);
/** Words between CREATE/DROP and the kind of object. */
const OBJECT_MODIFIERS = new Set(['OR', 'REPLACE', 'TEMP', 'TEMPORARY', 'PERSISTENT', 'UNIQUE', 'IF', 'NOT', 'EXISTS']);

/** The tokens of `sql`, comments and white space left out; INVALID_INPUT for an unterminated string or comment. */
export function tokenize(sql: string): SqlToken[] {
  const out: SqlToken[] = [];
  let i = 0;
  const unterminated = (what: string, at: number): never => {
    throw new PondError('INVALID_INPUT', `SQL has an unterminated ${what} starting at character ${at + 1}`, { detail: { sql, at } });
  };
  while (i < sql.length) {
    const c = sql[i]!;
    const at = i;
    if (/[ \t\n\r\f\v]/.test(c)) {
      // DuckDB's white space is ASCII only: other characters (U+00A0 …) are identifier characters to it, as here.
      i++;
    } else if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n' && sql[i] !== '\r') i++;
    } else if (c === '/' && sql[i + 1] === '*') {
      // DuckDB's lexer nests block comments: `/* a /* b */ SELECT 1 */` is one comment.
      let depth = 0;
      do {
        if (sql.startsWith('/*', i)) {
          depth++;
          i += 2;
        } else if (sql.startsWith('*/', i)) {
          depth--;
          i += 2;
        } else if (i >= sql.length) {
          unterminated('comment', at);
        } else {
          i++;
        }
      } while (depth > 0);
    } else if (c === "'" || ((c === 'E' || c === 'e') && sql[i + 1] === "'" && !continuesWord(sql, i))) {
      const escapes = c !== "'";
      i += escapes ? 2 : 1;
      for (;;) {
        if (i >= sql.length) unterminated('string', at);
        if (escapes && sql[i] === '\\') i += 2;
        else if (sql[i] === "'" && sql[i + 1] === "'") i += 2;
        else if (sql[i] === "'") break;
        else i++;
      }
      i++;
      out.push({ kind: 'string', text: sql.slice(at, i), at });
    } else if (c === '"') {
      i++;
      for (;;) {
        if (i >= sql.length) unterminated('quoted identifier', at);
        if (sql[i] === '"' && sql[i + 1] === '"') i += 2;
        else if (sql[i] === '"') break;
        else i++;
      }
      i++;
      out.push({ kind: 'quoted', text: sql.slice(at + 1, i - 1).replaceAll('""', '"'), at });
    } else if (c === '$' && /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.test(sql.slice(i, i + 66)) && !continuesWord(sql, i)) {
      const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 66))![0];
      const end = sql.indexOf(tag, i + tag.length);
      if (end < 0) unterminated('dollar-quoted string', at);
      i = end + tag.length;
      out.push({ kind: 'string', text: sql.slice(at, i), at });
    } else if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      while (i < sql.length && /[A-Za-z0-9_$\u0080-\uffff]/.test(sql[i]!)) i++;
      out.push({ kind: 'word', text: sql.slice(at, i).toUpperCase(), at });
    } else if (/[0-9]/.test(c)) {
      while (i < sql.length && /[0-9A-Za-z_.]/.test(sql[i]!)) i++; // numbers (1e5, 0x1F, 1_000) are never keywords
    } else {
      out.push({ kind: 'punct', text: c, at });
      i++;
    }
  }
  return out;
}

/**
 * Whether the character before `i` belongs to a word or number, so that `E'` or `$tag$` there starts no literal
 * (`1$a$` is lexed on as SQL; a mismatch with DuckDB can then only make the check refuse more, never less).
 */
function continuesWord(sql: string, i: number): boolean {
  return i > 0 && /[A-Za-z0-9_$]/.test(sql[i - 1]!);
}

/** The statements of `sql` (empty ones between `;;` dropped), each classified. */
export function parseStatements(sql: string): SqlStatement[] {
  const tokens = tokenize(sql);
  const out: SqlStatement[] = [];
  let start = 0;
  let from = 0;
  const flush = (end: number, textEnd: number) => {
    const mine = tokens.slice(start, end);
    if (mine.length > 0) out.push({ text: sql.slice(from, textEnd).trim(), index: out.length + 1, tokens: mine, ...classify(mine) });
  };
  tokens.forEach((t, k) => {
    if (t.kind === 'punct' && t.text === ';') {
      flush(k, t.at);
      start = k + 1;
      from = t.at + 1;
    }
  });
  flush(tokens.length, sql.length);
  return out;
}

function classify(tokens: SqlToken[]): Pick<SqlStatement, 'keyword' | 'kind' | 'reason'> {
  const call = sideEffectCall(tokens);
  if (call) return { keyword: `${call}()`, kind: 'session', reason: SIDE_EFFECT_FUNCTIONS.get(call)! };
  let k = 0;
  while (tokens[k]?.kind === 'punct' && tokens[k]!.text === '(') k++; // `(SELECT 1)`
  const first = tokens[k];
  if (!first || first.kind !== 'word') return { keyword: first?.text ?? '', kind: 'session', reason: 'it does not start with an SQL keyword' };
  const w = first.text;
  const next = tokens[k + 1]?.kind === 'word' ? tokens[k + 1]!.text : '';
  if (w === 'EXPLAIN') {
    // EXPLAIN ANALYZE runs the statement: what it explains decides.
    let j = k + 1;
    if (tokens[j]?.kind === 'word' && tokens[j]!.text === 'ANALYZE') j++;
    if (tokens[j]?.kind === 'punct' && tokens[j]!.text === '(') j = closingParen(tokens, j) + 1; // EXPLAIN (FORMAT JSON)
    const inner = classify(tokens.slice(j));
    return inner.kind === 'read' ? { keyword: 'EXPLAIN', kind: 'read' } : { ...inner, keyword: `EXPLAIN ${inner.keyword}` };
  }
  if (w === 'WITH') {
    // A WITH may lead to INSERT/UPDATE/DELETE after its CTEs: a write then.
    const dml = depthZeroWords(tokens.slice(k + 1)).find((x) => x === 'INSERT' || x === 'UPDATE' || x === 'DELETE' || x === 'MERGE');
    return dml ? { keyword: `WITH … ${dml}`, kind: 'data' } : { keyword: 'WITH', kind: 'read' };
  }
  if (READ_KEYWORDS.has(w)) return { keyword: w, kind: 'read' };
  if (w === 'UPDATE' && next === 'EXTENSIONS') return { keyword: 'UPDATE EXTENSIONS', kind: 'session', reason: SESSION_REASONS.INSTALL! };
  if (w === 'CREATE' || w === 'DROP') {
    let j = k + 1;
    while (tokens[j]?.kind === 'word' && OBJECT_MODIFIERS.has(tokens[j]!.text)) j++;
    if (tokens[j]?.kind === 'word' && tokens[j]!.text === 'SECRET') return { keyword: `${w} SECRET`, kind: 'session', reason: SESSION_REASONS.SECRET! };
    return { keyword: w, kind: 'data' };
  }
  if (DATA_KEYWORDS.has(w)) return { keyword: w, kind: 'data' };
  if (w === 'CALL') {
    // CALL reaches table functions only (not PRAGMA functions); the side-effect ones were refused above.
    const fn = tokens[k + 1];
    return { keyword: `CALL ${fn?.kind === 'word' ? fn.text.toLowerCase() : (fn?.text ?? '')}`.trim(), kind: 'read' };
  }
  if (w === 'FORCE') {
    const what = next === 'INSTALL' || next === 'CHECKPOINT' ? next : '';
    return { keyword: `FORCE ${what}`.trim(), kind: 'session', reason: SESSION_REASONS[what] ?? 'it is not a statement SQL here may run' };
  }
  if (TRANSACTION_WORDS.has(w)) return { keyword: w, kind: 'session', reason: SESSION_REASONS.TRANSACTION! };
  if (PREPARED_WORDS.has(w)) return { keyword: w, kind: 'session', reason: SESSION_REASONS.PREPARED! };
  if (SESSION_WORDS.has(w)) return { keyword: w, kind: 'session', reason: SESSION_REASONS[w] ?? 'it is not a statement SQL here may run' };
  return { keyword: w, kind: 'unknown', reason: 'it is not a statement SQL here may run' };
}

/** A call of a side-effect table function anywhere (`CALL checkpoint()`, `FROM main."checkpoint"()`), by name. */
function sideEffectCall(tokens: SqlToken[]): string | undefined {
  for (let k = 0; k + 1 < tokens.length; k++) {
    const t = tokens[k]!;
    if ((t.kind === 'word' || t.kind === 'quoted') && tokens[k + 1]!.kind === 'punct' && tokens[k + 1]!.text === '(') {
      // DuckDB matches names case-insensitively, quoted or not.
      const name = t.text.toLowerCase();
      if (SIDE_EFFECT_FUNCTIONS.has(name)) return name;
    }
  }
  return undefined;
}

function closingParen(tokens: SqlToken[], open: number): number {
  let depth = 0;
  for (let j = open; j < tokens.length; j++) {
    const t = tokens[j]!;
    if (t.kind !== 'punct') continue;
    if (t.text === '(') depth++;
    else if (t.text === ')' && --depth === 0) return j;
  }
  return tokens.length;
}

/** The words outside any parentheses. */
function depthZeroWords(tokens: SqlToken[]): string[] {
  const out: string[] = [];
  let depth = 0;
  for (const t of tokens) {
    if (t.kind === 'punct' && t.text === '(') depth++;
    else if (t.kind === 'punct' && t.text === ')') depth--;
    else if (t.kind === 'word' && depth === 0) out.push(t.text);
  }
  return out;
}

export function refusal(sql: string, s: SqlStatement, total: number): PondError {
  const where = total > 1 ? ` (statement ${s.index} of ${total})` : '';
  return new PondError('INVALID_INPUT', `${s.keyword} is not allowed in SQL typed here${where}: ${s.reason ?? 'it is not a statement SQL here may run'}`, {
    detail: { sql, keyword: s.keyword, statement: s.index },
  });
}

/**
 * The statements of user SQL if every one of them may run (reads, and writes to the user's own tables and views);
 * otherwise INVALID_INPUT naming the first refused statement's keyword. Nothing reaches DuckDB before this passes.
 * `unknown: 'return'` lets statements of kind unknown through for a caller that has DuckDB parse (never run) them.
 */
export function checkUserSql(sql: string, opts: { unknown?: 'refuse' | 'return' } = {}): SqlStatement[] {
  const statements = parseStatements(sql);
  if (statements.length === 0) throw new PondError('INVALID_INPUT', 'no SQL statement to run (only comments or white space)', { detail: { sql } });
  const refused = statements.find((s) => s.kind === 'session' || (s.kind === 'unknown' && opts.unknown !== 'return'));
  if (refused) throw refusal(sql, refused, statements.length);
  return statements;
}

/**
 * Exactly one read-only query (SELECT, WITH … SELECT, VALUES or FROM-first), as a derived node's SQL must be;
 * INVALID_INPUT naming what it found otherwise. `what` names the SQL's owner in the message.
 */
export function requireReadOnlySelect(sql: string, what = 'SQL'): SqlStatement {
  const statements = checkUserSql(sql);
  if (statements.length !== 1) {
    throw new PondError('INVALID_INPUT', `${what} must be one SELECT statement, found ${statements.length}`, { detail: { sql, statements: statements.length } });
  }
  const s = statements[0]!;
  let k = 0;
  while (s.tokens[k]?.kind === 'punct' && s.tokens[k]!.text === '(') k++;
  if (s.kind !== 'read' || !SELECT_KEYWORDS.has(s.tokens[k]?.text ?? '') || s.tokens[k]?.kind !== 'word') {
    throw new PondError('INVALID_INPUT', `${what} must be a read-only SELECT (or WITH, VALUES, FROM) query, not ${s.keyword}`, { detail: { sql, keyword: s.keyword } });
  }
  return s;
}

/** Whether `sql` is one statement that only reads (so its result may be cached). Never throws. */
export function isReadOnlySql(sql: string): boolean {
  try {
    const s = parseStatements(sql);
    return s.length === 1 && s[0]!.kind === 'read';
  } catch (e) {
    if (e instanceof PondError && e.code === 'INVALID_INPUT') return false; // unlexable text: DuckDB will report it
    throw e;
  }
}
