/**
 * A CSV file's dialect and column types from DuckDB's sniffer, a sample of its raw values, and the read_csv
 * options that read it with the event-time column's detected form (time-detect.ts).
 *
 * API: sniff(conn, file, header?) -> Dialect; sampleCsv(conn, file, dialect, rows) -> ColumnSample[] + first rows;
 * timePlan(dialect, column, reading, timezone?) -> { dialect, select }; dialectSql(dialect, types); sqlString(s).
 *
 * read_csv takes ONE dateformat and ONE timestampformat for all columns. The time column's form wins (so a value
 * it cannot read is a CAST reject with its line, never a null); another column that needed the old format (or ISO)
 * is read as text and converted in the SELECT with that format: a value there that does not fit fails the import
 * with DuckDB's error (rare: two date columns written in different forms).
 */
import type { AsyncDuckDBConnection } from '@duckdb/duckdb-wasm';
import type { ColumnSample, TimeReading } from './time-detect';

export const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;
const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

const TEMPORAL = /^(TIMESTAMP|DATE)/;
const NUMERIC = /^(BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT|UBIGINT|UINTEGER|USMALLINT|UTINYINT|DOUBLE|FLOAT|DECIMAL)/;

export interface Dialect {
  delim: string; newLine: string; skip: number; comment: string; header: boolean;
  columns: { name: string; type: string }[]; dateFormat: string | null; timestampFormat: string | null;
}

/**
 * The file's dialect and column types from DuckDB's sniffer. RFC 4180 quoting first; if the sniffer gives up
 * (it can when bad lines make up much of a small file) it tries again with quoting sniffed too.
 * ignore_errors: a bad line in the sample (invalid UTF-8, say) must not stop the import; the real read reports it.
 */
export async function sniff(c: AsyncDuckDBConnection, file: string, header: boolean | undefined): Promise<Dialect> {
  const h = header === undefined ? [] : [`header=${header}`];
  let first: unknown;
  for (const extra of [[`quote='"'`, `escape='"'`], []]) {
    try {
      const r = await c.query(`SELECT * FROM sniff_csv(${[sqlString(file), 'ignore_errors=true', ...extra, ...h].join(', ')})`);
      const row = r.toArray()[0];
      if (!row) break;
      const cols = row.Columns?.toArray?.() ?? [];
      const empty = (v: unknown) => (v === null || v === undefined || v === '(empty)' ? '' : String(v));
      return {
        delim: String(row.Delimiter), newLine: empty(row.NewLineDelimiter), skip: Number(row.SkipRows), comment: empty(row.Comment),
        header: Boolean(row.HasHeader), columns: cols.map((x: { name: string; type: string }) => ({ name: String(x.name), type: String(x.type) })),
        dateFormat: row.DateFormat ?? null, timestampFormat: row.TimestampFormat ?? null,
      };
    } catch (e) {
      first ??= e;
    }
  }
  throw first ?? new Error('the sniffer found nothing');
}

/** read_csv options that fix the sniffed dialect, so the real read does not sniff again (and cannot disagree). */
export function dialectSql(d: Dialect, types: Record<string, string>): string[] {
  const cols = d.columns.map((x) => `${sqlString(x.name)}: ${sqlString(types[x.name] ?? x.type)}`).join(', ');
  return [
    'auto_detect=false', `delim=${sqlString(d.delim)}`, `quote='"'`, `escape='"'`, `skip=${d.skip}`, `header=${d.header}`,
    ...(d.newLine ? [`new_line=${sqlString(d.newLine)}`] : []), ...(d.comment ? [`comment=${sqlString(d.comment)}`] : []),
    ...(d.dateFormat ? [`dateformat=${sqlString(d.dateFormat)}`] : []), ...(d.timestampFormat ? [`timestampformat=${sqlString(d.timestampFormat)}`] : []),
    `columns={${cols}}`,
  ];
}


/** The first `rows` records with every column as text (bad lines skipped here; the real read reports them). */
export async function sampleCsv(c: AsyncDuckDBConnection, file: string, d: Dialect, rows: number): Promise<{ samples: ColumnSample[]; rows: (string | null)[][] }> {
  const text: Dialect = { ...d, dateFormat: null, timestampFormat: null };
  const types = Object.fromEntries(d.columns.map((x) => [x.name, 'VARCHAR']));
  const r = await c.query(`SELECT * FROM read_csv(${[sqlString(file), ...dialectSql(text, types), 'ignore_errors=true'].join(', ')}) LIMIT ${Math.max(1, Math.floor(rows))}`);
  const cols = d.columns.map((_, i) => r.getChildAt(i));
  const values = cols.map((v) => Array.from({ length: r.numRows }, (_, k) => {
    const x = v?.get(k);
    return x === null || x === undefined ? null : String(x);
  }));
  const samples: ColumnSample[] = d.columns.map((x, i) => {
    const temporal = TEMPORAL.test(x.type);
    const fmt = temporal ? (x.type.startsWith('DATE') ? d.dateFormat : d.timestampFormat) : null;
    return {
      name: x.name, type: x.type, values: values[i]!,
      kind: temporal ? 'temporal' : NUMERIC.test(x.type) ? 'numeric' : x.type === 'VARCHAR' ? 'text' : 'other',
      // The sniffer picks %d/%m/%Y for 01/02/2000 without saying so: only ISO (no format) is taken as it is.
      ...(fmt && fmt !== '%Y-%m-%d' ? { sniffedFormat: fmt } : {}),
    };
  });
  return { samples, rows: Array.from({ length: r.numRows }, (_, k) => values.map((v) => v[k]!)) };
}

/**
 * The dialect to read with (types and the two formats) and the SELECT list, for `column` read as `reading`.
 * `timezone`: zone-less text stays wall-clock TIMESTAMP (converted in timestamps.ts); without it TIMESTAMPTZ reads
 * offsets as UTC instants and zone-less times as UTC (no ICU needed for numeric offsets).
 */
export function timePlan(d: Dialect, column: string | null, reading: TimeReading | undefined, timezone?: string): { dialect: Dialect; types: Record<string, string>; select: string } {
  const types: Record<string, string> = Object.fromEntries(d.columns.map((x) => [x.name, x.type]));
  let dateFormat = d.dateFormat;
  let timestampFormat = d.timestampFormat;
  if (column && reading && (reading.kind === 'iso' || reading.kind === 'text')) {
    const dateOnly = reading.kind === 'iso' ? reading.dateOnly : reading.format.dateOnly;
    const format = reading.kind === 'text' ? reading.format.strptime : null;
    types[column] = dateOnly ? 'DATE' : reading.kind === 'text' || timezone ? 'TIMESTAMP' : 'TIMESTAMPTZ';
    // ISO dates need no format; the sniffer's `%Y-%m-%d` reads them the same, so other date columns keep it.
    if (dateOnly) dateFormat = format ?? (d.dateFormat === '%Y-%m-%d' ? d.dateFormat : null); else timestampFormat = format;
  }
  // Other temporal columns whose format the time column displaced: text, converted in the SELECT.
  const projections = new Map<string, string>();
  for (const x of d.columns) {
    if (x.name === column || !TEMPORAL.test(x.type)) continue;
    const isDate = x.type.startsWith('DATE');
    const had = isDate ? d.dateFormat : d.timestampFormat;
    const now = isDate ? dateFormat : timestampFormat;
    if (had === now) continue;
    types[x.name] = 'VARCHAR';
    projections.set(x.name, had ? `strptime(${ident(x.name)}, ${sqlString(had)})::${x.type} AS ${ident(x.name)}` : `CAST(${ident(x.name)} AS ${x.type}) AS ${ident(x.name)}`);
  }
  const select = projections.size === 0 ? '*' : d.columns.map((x) => projections.get(x.name) ?? ident(x.name)).join(', ');
  return { dialect: { ...d, dateFormat, timestampFormat }, types, select };
}
