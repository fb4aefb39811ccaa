// Small SQL-building helpers shared by the query layer. Everything user-supplied that reaches SQL text goes
// through `ident` or a numeric check here, so the builders elsewhere never concatenate raw names.
import type { AsyncDuckDBConnection } from '@duckdb/duckdb-wasm';
import type { Table } from 'apache-arrow';
import { PondError } from '../core/errors';

/** A double-quoted SQL identifier (column, table or view name); embedded quotes are doubled. */
export function ident(name: string): string {
  if (name.length === 0) throw new PondError('INVALID_INPUT', 'an SQL identifier cannot be empty');
  if (name.includes('\u0000')) throw new PondError('INVALID_INPUT', `SQL identifier ${JSON.stringify(name)} contains a NUL character`);
  return `"${name.replaceAll('"', '""')}"`;
}

/** A single-quoted SQL string literal. */
export function str(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** An integer literal; refuses anything that is not a safe integer so a NaN never turns into SQL text. */
export function int(n: number, what = 'value'): string {
  if (!Number.isSafeInteger(n)) throw new PondError('INVALID_INPUT', `${what} must be a safe integer, got ${n}`);
  return String(n);
}

/**
 * DuckDB's TIMESTAMP range in µs (290309-12-22 BC to 294247-01-10), as bigints (neither is exact as a number);
 * int64's extremes beyond it mean -infinity and infinity to DuckDB.
 */
export const TIMESTAMP_MIN_US = -9_223_372_022_400_000_000n;
export const TIMESTAMP_MAX_US = 9_223_372_036_854_775_806n;

/** An integer literal of any size for a whole-number time (a number past 2^53 is an exact integer too). */
function bigIntLiteral(n: number, what: string): string {
  if (!Number.isInteger(n)) throw new PondError('INVALID_INPUT', `${what} must be a whole number, got ${n}`);
  return BigInt(n).toString(); // String(2 ** 60) would print rounded digits; BigInt gives the number's own value
}

/** A TIMESTAMP (UTC, no zone) literal for `us` microseconds since the epoch, inside DuckDB's TIMESTAMP range. */
export function tsLiteral(us: number): string {
  const text = bigIntLiteral(us, 'time');
  const v = BigInt(text);
  if (v < TIMESTAMP_MIN_US || v > TIMESTAMP_MAX_US) throw new PondError('INVALID_INPUT', `time ${text} µs is outside the range of a TIMESTAMP`);
  // make_timestamp(BIGINT) is exact to the microsecond, where a text literal would need careful formatting.
  return `make_timestamp(${text}::BIGINT)`;
}

/** An INTERVAL of `us` microseconds. */
export function intervalLiteral(us: number): string {
  if (!(Number.isSafeInteger(us) && us > 0)) throw new PondError('INVALID_INPUT', `an interval must be a positive whole number of microseconds, got ${us}`);
  // to_microseconds keeps the whole width in the interval's micros part (no month/day split), which
  // time_bucket handles as a fixed width.
  return `to_microseconds(${us}::BIGINT)`;
}

/**
 * `col >= start AND col < end`: time ranges are half-open everywhere in the query layer. A bound beyond DuckDB's
 * TIMESTAMP range excludes nothing and is left out, so a range may reach the ends of int64 (a version's bounds
 * near ±2^63, rounded outward) without building a literal DuckDB refuses.
 */
export function timeRangePredicate(column: string, [start, end]: readonly [number, number], tableAlias?: string): string {
  checkRange([start, end]);
  const c = tableAlias ? `${tableAlias}.${ident(column)}` : ident(column);
  const parts: string[] = [];
  if (BigInt(start) > TIMESTAMP_MIN_US) parts.push(`${c} >= ${tsLiteral(start)}`);
  if (BigInt(end) <= TIMESTAMP_MAX_US) parts.push(`${c} < ${tsLiteral(end)}`);
  return parts.length ? parts.join(' AND ') : `${c} IS NOT NULL`;
}

/**
 * Throws INVALID_INPUT unless `[start, end)` is a non-empty range of whole microseconds. Any integer counts, not
 * only safe ones: the years 1 and 9999 lie beyond 2^53 µs, and their numbers are still exact integers.
 */
export function checkRange([start, end]: readonly [number, number]): void {
  if (!Number.isInteger(start) || !Number.isInteger(end) || end <= start) {
    throw new PondError('INVALID_INPUT', `time range [${start}, ${end}) must be whole microseconds with start < end`);
  }
}

/** Where DuckDB located an error: its `LINE n:` excerpt and the caret under it. */
export interface SqlErrorPosition {
  line: number;
  /** 0-based column of the caret within the excerpt DuckDB printed (long lines are excerpted around it). */
  column: number;
}

/** Reads the `LINE n: …` / `^` position DuckDB appends to parser, binder and conversion errors. */
export function parseErrorPosition(message: string): SqlErrorPosition | undefined {
  const m = /LINE (\d+): ([^\n]*)\n( *)\^/.exec(message);
  if (!m) return undefined;
  const prefix = `LINE ${m[1]}: `.length;
  return { line: Number(m[1]), column: Math.max(0, (m[3]?.length ?? 0) - prefix) };
}

/** DuckDB's message without the JSON wrapper some duckdb-wasm paths use (`{"exception_type":…}`). */
export function duckDbMessage(e: unknown): string {
  const raw = String((e as { message?: unknown } | null)?.message ?? e).replace(/^Error: /, '');
  if (raw.startsWith('{')) {
    try {
      const j = JSON.parse(raw) as { exception_type?: string; exception_message?: string };
      if (j.exception_message) return `${j.exception_type ? `${j.exception_type} Error: ` : ''}${j.exception_message}`;
    } catch {
      // not JSON after all: keep the text as DuckDB gave it
    }
  }
  return raw;
}

/** Wraps a DuckDB failure as PondError QUERY carrying the SQL, DuckDB's message and its position when given. */
export function queryError(sql: string, e: unknown): PondError {
  if (e instanceof PondError) return e;
  const message = duckDbMessage(e);
  const position = parseErrorPosition(message);
  const firstLine = message.split('\n')[0] ?? message;
  return new PondError('QUERY', firstLine, { cause: e, detail: { sql, duckdbMessage: message, ...(position ? { position } : {}) } });
}

/** Runs one statement of ours on `conn`; a DuckDB failure becomes PondError QUERY naming it (queryError). */
export async function runSql(conn: AsyncDuckDBConnection, sql: string): Promise<Table> {
  try {
    return await conn.query(sql);
  } catch (e) {
    throw queryError(sql, e);
  }
}
