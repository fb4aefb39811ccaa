/**
 * Small, plain CSV files read in JS, so the first import after start-up does not wait for DuckDB's start (1.5–2.5 s
 * on a loaded tablet; BENCHMARKS.md ui/first-import-24k). DuckDB's read_csv (csv.ts) stays the reference: this path
 * takes a file only when it is certain to give what csv.ts gives — the same columns, types, values, time column and
 * time facts (tests/browser/formats/csv-small.test.ts checks that against csv.ts over the test corpus) — and
 * otherwise returns undefined, so the caller uses csv.ts. It never reports a reject or a refusal of its own: any
 * irregular line, encoding or value, and any doubt about a type, sends the file to csv.ts, whose errors are the
 * app's errors.
 *
 * Certain means, besides size (SMALL_CSV_BYTES): valid UTF-8; one delimiter (, ; tab |) that gives every record the
 * same two or more fields; RFC 4180 quotes; a header that DuckDB's sniffer must see (a typed column whose first value
 * does not fit its type); column types that its sniffer gives without doubt (BIGINT, DOUBLE, BOOLEAN, VARCHAR, and
 * ISO DATE/TIMESTAMP) over its 20 480-row sample and that every later row fits; and an ISO time column.
 */
import { Bool, DateDay, Field, Float64, Int64, makeData, RecordBatch, Schema, Struct, TimestampMicrosecond, Utf8, type Data, type DataType, type TypeMap } from 'apache-arrow';
import { throwIfAborted } from '../core/errors';
import { utf8Column, validity } from '../core/arrow-columns';
import { checkStart } from './csv';
import { collectSink, writeParquetStream } from './parquet-stream';
import { describeSchema } from './schema';
import { TEXT_TIME_FORMATS } from './time-formats';
import { detectTime, timeChoice, type ColumnSample } from './time-detect';
import { normaliseTimeColumn } from './timestamps';
import { TimeStats } from './time-stats';
import type { CsvImportOptions, ImportResult } from './types';

/** Files up to this size may be read here (a few MiB parse in tens of milliseconds). */
export const SMALL_CSV_BYTES = 4 * 1024 * 1024;
/** DuckDB's sniffer types columns from this many rows; the real read casts the rest to those types. */
const SNIFF_ROWS = 20_480;
/** Rows whose text time-detect.ts judges (csv.ts's SAMPLE_ROWS). */
const SAMPLE_ROWS = 5000;
const DELIMITERS = [',', ';', '\t', '|'];

type SqlType = 'BIGINT' | 'DOUBLE' | 'BOOLEAN' | 'VARCHAR' | 'DATE' | 'TIMESTAMP' | 'TIMESTAMP WITH TIME ZONE';

const INT = /^-?(0|[1-9]\d{0,18})$/;
const FLOAT = /^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d{1,3})?$/;
const BOOL = /^(true|false)$/i;
/** ISO dates and times as DuckDB's sniffer certainly types them: seconds present, at most µs, Z or ±HH:MM. */
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:\d{2})?$/;
/** Text DuckDB might read as a number, a special float or a time where this path would not: such a file goes to csv.ts. */
const DOUBTFUL = /^([-+]?[\d.]|[-+]?(nan|inf|infinity)$|(t|f|y|n|yes|no|on|off)$)|\d:\d\d/i;

/** A field as read: its text, and whether it was quoted (a quoted empty field is not the same as an empty one). */
interface Records { rows: string[][]; quotedEmpty: boolean }

/** Reads a small CSV without DuckDB, or returns undefined when csv.ts must (see the top of this file). */
export async function importSmallCsv(source: Blob, name: string, opts: CsvImportOptions = {}): Promise<ImportResult | undefined> {
  if (source.size > SMALL_CSV_BYTES || opts.maxLineSize !== undefined || opts.header === false || opts.epochUnit !== undefined) return undefined;
  await checkStart(source, name); // empty and UTF-16 files: the same fatal errors as csv.ts, from the same code
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(await source.arrayBuffer());
  } catch {
    return undefined; // invalid UTF-8: csv.ts reports the lines (INVALID ENCODING); nothing to report from here
  }
  throwIfAborted(opts.signal, `import of ${name}`);
  const parsed = parseWithOneDelimiter(text);
  if (!parsed || parsed.rows.length < 2) return undefined;
  const [header, ...data] = parsed.rows as [string[], ...string[][]];
  if (header.some((h) => h === '' || h !== h.trim()) || new Set(header).size !== header.length) return undefined;

  const types: SqlType[] = [];
  for (let c = 0; c < header.length; c++) {
    const t = columnType(data, c);
    if (!t) return undefined;
    types.push(t);
  }
  // DuckDB's sniffer sees a header only where a typed column's first value does not fit that type.
  if (!types.some((t, c) => t !== 'VARCHAR' && !fits(t, header[c]!))) return undefined;

  const samples: ColumnSample[] = header.map((h, c) => ({
    name: h, type: types[c]!, kind: kindOf(types[c]!), values: data.slice(0, SAMPLE_ROWS).map((r) => (r[c] === '' ? null : r[c]!)),
  }));
  const detection = detectTime(samples, { timestampColumn: opts.timestampColumn, dayFirst: opts.dayFirst, timezone: opts.timezone, source: name });
  const timeColumn = detection.chosen;
  if (!timeColumn && opts.requireTime) return undefined; // the refusal, with its columns tried, is csv.ts's
  const timeIndex = timeColumn === null ? -1 : header.indexOf(timeColumn);
  // Another date or time column: csv.ts may convert it in its SELECT (csv-dialect.ts timePlan); not taken here.
  if (types.some((t, c) => c !== timeIndex && (t === 'DATE' || t === 'TIMESTAMP' || t === 'TIMESTAMP WITH TIME ZONE'))) return undefined;
  if (timeColumn !== null) {
    const t = types[timeIndex]!;
    if (detection.reading?.kind !== 'iso' || (t !== 'DATE' && t !== 'TIMESTAMP' && t !== 'TIMESTAMP WITH TIME ZONE')) return undefined;
    // With a zone named, csv.ts reads the column as wall-clock TIMESTAMP, dropping offsets; not taken here.
    if (opts.timezone && t === 'TIMESTAMP WITH TIME ZONE') return undefined;
  }

  const zoneless = !!opts.timezone && opts.timezone !== 'UTC';
  const fields = header.map((h, c) => new Field(h, arrowType(types[c]!, zoneless), true));
  const children = header.map((_, c) => columnData(data, c, types[c]!, fields[c]!.type));
  const schemaIn = new Schema(fields);
  let batch = new RecordBatch(schemaIn, makeData({ type: new Struct<TypeMap>(fields), length: data.length, nullCount: 0, children }));
  const times = new TimeStats();
  if (timeColumn !== null) {
    batch = normaliseTimeColumn(batch, timeColumn, { timezone: opts.timezone, source: name }).batch;
    times.add(batch, timeColumn);
  }
  const collected = opts.sink ? undefined : collectSink();
  const written = await writeParquetStream((async function* () { yield batch; })(), opts.sink ?? collected!.sink, {
    compression: opts.compression, rowGroupRows: opts.rowGroupRows, signal: opts.signal, source: name,
  });
  // No progress of its own: the whole read takes milliseconds, and the caller names its stage once it is done.
  return {
    ...(collected ? { parquet: collected.bytes() } : {}),
    parquetBytes: written.bytes, rows: data.length, schema: batch.schema, columns: describeSchema(batch.schema), timestampColumn: timeColumn,
    time: timeChoice(detection), ...times.facts(), rejects: [], rejectedLines: 0,
  };
}

/** The records under the one delimiter that gives all of them the same number (≥ 2) of fields; undefined otherwise. */
function parseWithOneDelimiter(text: string): Records | undefined {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  let found: Records | undefined;
  for (const d of DELIMITERS) {
    if (!firstLine.includes(d)) continue;
    const r = parseRecords(text, d);
    if (!r || r.quotedEmpty) continue;
    const n = r.rows[0]!.length;
    if (n < 2 || r.rows.some((row) => row.length !== n)) continue;
    if (found) return undefined; // two delimiters fit: the sniffer's choice is not certain
    found = r;
  }
  return found;
}

/**
 * RFC 4180 records (quotes only at a field's start, doubled inside), one newline style per file; undefined for
 * anything csv.ts would report or read its own way: a bad or unterminated quote, a lone CR, mixed newlines, or a
 * blank line before the end.
 */
function parseRecords(text: string, delim: string): Records | undefined {
  const crlf = text.includes('\r\n');
  if (crlf ? /\r(?!\n)|(?<!\r)\n/.test(text.replace(/"(?:[^"]|"")*"/g, '')) : text.includes('\r')) return undefined;
  const rows: string[][] = [];
  let row: string[] = [];
  let quotedEmpty = false;
  let i = 0;
  const n = text.length;
  for (;;) {
    // One field.
    let value: string;
    if (text[i] === '"') {
      let out = '';
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) return undefined; // unterminated
        out += text.slice(j, q);
        if (text[q + 1] === '"') { out += '"'; j = q + 2; continue; }
        i = q + 1;
        break;
      }
      if (out === '') quotedEmpty = true;
      value = out;
      if (i < n && text[i] !== delim && text[i] !== '\n' && text[i] !== '\r') return undefined; // text after the closing quote
    } else {
      let j = i;
      while (j < n && text[j] !== delim && text[j] !== '\n' && text[j] !== '\r') j++;
      value = text.slice(i, j);
      if (value.includes('"')) return undefined; // a quote inside an unquoted field
      i = j;
    }
    row.push(value);
    if (i < n && text[i] === delim) { i++; continue; }
    // End of record.
    rows.push(row);
    row = [];
    if (i < n) i += text[i] === '\r' ? 2 : 1;
    if (i >= n) break;
    if (text[i] === '\n' || text[i] === '\r') return undefined; // a blank line
  }
  return { rows, quotedEmpty };
}

/** The type DuckDB's sniffer gives column `c`, if certain, with every later row fitting it; undefined when in doubt. */
function columnType(data: string[][], c: number): SqlType | undefined {
  const sample = data.length > SNIFF_ROWS ? data.slice(0, SNIFF_ROWS) : data;
  const values = sample.map((r) => r[c]!).filter((v) => v !== '');
  if (values.length === 0) return data.some((r) => r[c] !== '') ? undefined : 'VARCHAR'; // all empty in the sample only: in doubt
  if (values.some((v) => v !== v.trim())) return undefined;
  const all = (t: SqlType) => values.every((v) => fits(t, v));
  let type: SqlType;
  if (all('BOOLEAN')) type = 'BOOLEAN';
  else if (all('BIGINT')) type = 'BIGINT';
  else if (all('DOUBLE')) type = 'DOUBLE';
  else if (all('DATE')) type = 'DATE';
  else if (all('TIMESTAMP')) type = 'TIMESTAMP';
  else if (all('TIMESTAMP WITH TIME ZONE')) type = 'TIMESTAMP WITH TIME ZONE';
  else if (values.every((v) => ISO_TIME.test(v))) return undefined; // zoned and zone-less times mixed
  else {
    // Text: unless some value could be read as something else by DuckDB (a number, a time, a date form).
    if (values.some((v) => DOUBTFUL.test(v) || TEXT_TIME_FORMATS.some((f) => f.parse(v) !== null))) return undefined;
    type = 'VARCHAR';
  }
  for (let r = sample.length; r < data.length; r++) if (data[r]![c] !== '' && !fits(type, data[r]![c]!)) return undefined;
  return type;
}

function fits(t: SqlType, v: string): boolean {
  switch (t) {
    case 'BOOLEAN': return BOOL.test(v);
    case 'BIGINT': return INT.test(v) && BigInt(v) <= 9223372036854775807n && BigInt(v) >= -9223372036854775808n;
    case 'DOUBLE': return FLOAT.test(v) && Number.isFinite(Number(v));
    case 'DATE': return ISO_DATE.test(v) && isoMicros(v) !== null;
    case 'TIMESTAMP': return ISO_TIME.test(v) && !/(Z|[+-]\d{2}:\d{2})$/.test(v) && isoMicros(v) !== null;
    case 'TIMESTAMP WITH TIME ZONE': return ISO_TIME.test(v) && /(Z|[+-]\d{2}:\d{2})$/.test(v) && isoMicros(v) !== null;
    case 'VARCHAR': return true;
  }
}

function kindOf(t: SqlType): ColumnSample['kind'] {
  if (t === 'BIGINT' || t === 'DOUBLE') return 'numeric';
  if (t === 'VARCHAR') return 'text';
  return t === 'BOOLEAN' ? 'other' : 'temporal';
}

/**
 * The Arrow type DuckDB hands over for a column of type `t`. The time column is read as csv.ts's plan reads it:
 * TIMESTAMPTZ (UTC instants) without a zone, wall-clock TIMESTAMP with one; normaliseTimeColumn makes both UTC µs.
 */
function arrowType(t: SqlType, zoneless: boolean): DataType {
  switch (t) {
    case 'BOOLEAN': return new Bool();
    case 'BIGINT': return new Int64();
    case 'DOUBLE': return new Float64();
    case 'VARCHAR': return new Utf8();
    case 'DATE': return new DateDay();
    default: return zoneless ? new TimestampMicrosecond() : new TimestampMicrosecond('UTC'); // only the time column gets here
  }
}

/** UTC µs of an ISO date or timestamp (an offset applied), or null for a day or time that does not exist. */
function isoMicros(v: string): bigint | null {
  const m = ISO_TIME.exec(v) ?? ISO_DATE.exec(v);
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const date = new Date(ms);
  // Years below 1000 are left to csv.ts (Date.UTC reads 0-99 as 1900-1999).
  if (Number(y) < 1000 || date.getUTCDate() !== Number(d) || date.getUTCMonth() !== Number(mo) - 1 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  let offsetMin = 0;
  if (zone && zone !== 'Z') {
    const hh = Number(zone.slice(1, 3));
    const mm = Number(zone.slice(4, 6));
    if (hh > 23 || mm > 59) return null;
    offsetMin = (zone[0] === '-' ? -1 : 1) * (hh * 60 + mm);
  }
  return BigInt(ms - offsetMin * 60_000) * 1000n + BigInt((frac + '000000').slice(0, 6));
}

/** Column `c` of `data` as Arrow data of `type` (empty fields are nulls; values already known to fit), built from
 * typed arrays (core/arrow-columns.ts says why not with Arrow's builders). */
function columnData(data: string[][], c: number, t: SqlType, type: DataType): Data {
  const n = data.length;
  const cell = (r: number) => data[r]![c]!;
  if (t === 'VARCHAR') return utf8Column(data.map((_, r) => (cell(r) === '' ? null : cell(r)))).data[0]!;
  const { nullBitmap, nullCount } = validity((r) => cell(r) === '', n);
  const bitmap = nullBitmap ?? null;
  if (t === 'BOOLEAN') {
    const bits = new Uint8Array(Math.ceil(n / 8));
    for (let r = 0; r < n; r++) if (cell(r).toLowerCase() === 'true') bits[r >> 3]! |= 1 << (r & 7);
    return makeData({ type: new Bool(), length: n, nullCount, nullBitmap: bitmap, data: bits });
  }
  if (t === 'DOUBLE') {
    const values = new Float64Array(n);
    for (let r = 0; r < n; r++) if (cell(r) !== '') values[r] = Number(cell(r));
    return makeData({ type: new Float64(), length: n, nullCount, nullBitmap: bitmap, data: values });
  }
  const values = t === 'DATE' ? new Int32Array(n) : new BigInt64Array(n);
  for (let r = 0; r < n; r++) {
    const v = cell(r);
    if (v === '') continue;
    if (t === 'BIGINT') (values as BigInt64Array)[r] = BigInt(v);
    else if (t === 'DATE') (values as Int32Array)[r] = Number(isoMicros(v)! / 86_400_000_000n);
    else (values as BigInt64Array)[r] = isoMicros(v)!;
  }
  return makeData({ type: type as never, length: n, nullCount, nullBitmap: bitmap, data: values as never });
}
