// Export of a table or series from <table-view>: CSV built in the page from pages of query results (each page's
// text becomes one Blob part, so memory holds text once and never one giant string), and Parquet for tables as
// the stored bytes of the latest version. A series has no single Parquet file: its versions download one by one.
import { cellReader } from '../core/arrow-cells';
import { isoFromMillis } from '../core/utc-micros';
import type { PondClient } from './pond-client';

export const EXPORT_PAGE = 50_000; // rows per query: big enough to amortise a worker round trip, small for memory

/** The page query every view of a file uses: ordered by event time when there is one, so pages line up. */
export function pageSql(tsColumn: string | undefined, limit: number, offset: number): string {
  const order = tsColumn ? ` ORDER BY "${tsColumn.replaceAll('"', '""')}"` : '';
  return `SELECT * FROM source${order} LIMIT ${limit} OFFSET ${offset}`;
}

/** A page of rows as arrays, in column order, with the column names and DuckDB types. */
export async function fetchRows(client: PondClient, path: string, sql: string, limit: number, signal?: AbortSignal):
    Promise<{ columns: { name: string; type: string }[]; rows: unknown[][] }> {
  const r = await client.longOp((op) => client.api.query(sql, { source: path }, { limit, ...op }), signal ? { signal } : {});
  // apache-arrow is loaded only when someone looks at rows: browsing needs none of it.
  const { tableFromIPC } = await import('apache-arrow');
  const table = tableFromIPC(r.ipc);
  const readers = r.columns.map((_, i) => cellReader(table.getChildAt(i))); // timestamps of any size (core/arrow-cells.ts)
  const rows: unknown[][] = [];
  for (let i = 0; i < table.numRows; i++) rows.push(readers.map((read) => read(i)));
  return { columns: r.columns, rows };
}

/** `count(*)` of the file as the query layer sees it (a series: all versions). */
export async function countRows(client: PondClient, path: string): Promise<number> {
  const { rows } = await fetchRows(client, path, 'SELECT count(*) AS n FROM source', 1);
  return Number(rows[0]?.[0] ?? 0);
}

/** First characters that make a spreadsheet run a cell as a formula (`=HYPERLINK(…)`, `@SUM(…)`, `+cmd|…`). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV field (RFC 4180): times as ISO-8601 UTC, numbers in full precision, text quoted when it must be. Text that
 * begins like a formula gets a leading `'` first (OWASP's rule against CSV injection), so a spreadsheet shows it as
 * text instead of running it. Whether a value is text is decided by its type, not its first character: Arrow gives
 * text columns (and column names) as JS strings, while numbers arrive as number, bigint or decimal objects whose
 * digits a spreadsheet reads as the number they are: -3.5 in a DOUBLE column must stay -3.5, not become text.
 */
export function csvField(v: unknown, type: string): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' && /timestamp/i.test(type)) return isoFromMillis(v); // toISOString's form, for any int64 time
  if (v instanceof Date) return v.toISOString();
  let s = typeof v === 'bigint' ? v.toString() : String(v);
  if (typeof v === 'string' && FORMULA_START.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Reads the whole file page by page and returns it as a CSV Blob; `onRows` reports progress between pages. */
export async function exportCsv(client: PondClient, path: string, tsColumn: string | undefined, total: number,
    onRows: (done: number) => void, signal: AbortSignal): Promise<Blob> {
  const parts: string[] = [];
  let done = 0;
  for (let offset = 0; offset < total || offset === 0; offset += EXPORT_PAGE) {
    signal.throwIfAborted();
    const { columns, rows } = await fetchRows(client, path, pageSql(tsColumn, EXPORT_PAGE, offset), EXPORT_PAGE, signal);
    if (offset === 0) parts.push(columns.map((c) => csvField(c.name, 'text')).join(',') + '\n');
    const types = columns.map((c) => c.type);
    let text = '';
    for (const row of rows) text += row.map((v, i) => csvField(v, types[i]!)).join(',') + '\n';
    parts.push(text);
    done += rows.length;
    onRows(done);
    if (rows.length < EXPORT_PAGE) break;
  }
  return new Blob(parts, { type: 'text/csv' });
}
