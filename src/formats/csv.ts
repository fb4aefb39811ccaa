/**
 * Host CSV -> clean Arrow -> Parquet, through DuckDB's built-in read_csv (works offline; stack-notes.md).
 *
 * API: importCsv(db: AsyncDuckDB, source: Blob, name, opts?: CsvImportOptions) -> Promise<ImportResult>
 *
 * The file is registered with DuckDB as a browser File handle (read in slices by DuckDB's worker, never whole),
 * the result streams back as Arrow record batches and goes out as Parquet row groups: memory stays bounded.
 *
 * Policy
 * - Fatal (BAD_CSV, nothing imported): an empty file, a UTF-16 file, no columns found, DuckDB unable to read the
 *   file at all, or every data line rejected. INVALID_INPUT: an unknown timezone or timestampColumn, or (with
 *   `requireTime`, for a series) no column that holds times: refused before reading, naming each column and why.
 * - Reported and skipped (ImportResult.rejects, line numbers count the header as line 1): lines with too few or
 *   too many fields, a bad quote, a value that does not fit its column's type (including an unreadable
 *   timestamp), a line over maxLineSize, invalid UTF-8 (INVALID ENCODING: never decoded silently).
 * - Kept as they are: duplicate and out-of-order timestamps, NaN/Inf, empty fields (as null).
 * - Dialect: quoting is RFC 4180 (double quotes, doubled inside them), so a stray quote is reported rather than
 *   read leniently; delimiter, header, newline and types come from DuckDB's sniffer (sniff_csv, first 20,480 rows),
 *   and the real read repeats them with auto_detect off (the time column's form replacing the sniffed date
 *   format). The sniffer keeps values with leading zeros (`08123`) as text. A later value that does not fit the
 *   sniffed type is a CAST reject, reported with its line.
 * - Event times (time-detect.ts has the rules): the time column is found over all columns by type and content —
 *   DuckDB's TIMESTAMP/DATE (ISO), and text in which EVERY value of a 5,000-row sample fits one form (month names,
 *   numeric day/month with `dayFirst` or decided by the content, ISO without seconds), or epoch numbers by name or
 *   by value. The real read gives DuckDB that form's strptime format (csv-dialect.ts), so a later value it cannot
 *   read is a CAST reject with its line, never a silent null. Ambiguous day/month text is read month-first and the
 *   result says so (`time.dayOrder: 'assumed'`). `requireTime` refuses before reading when no column holds times.
 * - Zones: zone-less times are UTC unless `timezone` is given; times with an offset are converted to UTC by
 *   DuckDB (TIMESTAMPTZ needs no ICU for numeric offsets). With `timezone`, the column is read as wall-clock time
 *   and converted here (timestamps.ts); offsets written in such a file would be ignored, so `timezone` is for
 *   files without them.
 */
import { DuckDBDataProtocol, type AsyncDuckDB, type AsyncDuckDBConnection } from '@duckdb/duckdb-wasm';
import type { RecordBatch, Schema } from 'apache-arrow';
import { PondError, throwIfAborted } from '../core/errors';
import { streamWithReadAhead } from './duckdb-read-ahead';
import { collectSink, emptyBatch, writeParquetStream } from './parquet-stream';
import { describeSchema } from './schema';
import { TimeStats } from './time-stats';
import { dialectSql, sampleCsv, sniff, sqlString, timePlan } from './csv-dialect';
import { detectTime, noTimeColumnError, timeChoice } from './time-detect';
import { assertTimeZone, normaliseTimeColumn } from './timestamps';
import type { CsvImportOptions, ImportResult, RejectedLine } from './types';

/** Rows whose raw text decides the time column and its form (the sniffer types from 20,480; text parsing costs more). */
const SAMPLE_ROWS = 5000;

/** Imports one CSV file; see the policy at the top of this file. */
export async function importCsv(db: AsyncDuckDB, source: Blob, name: string, opts: CsvImportOptions = {}): Promise<ImportResult> {
  const what = `import of ${name}`;
  throwIfAborted(opts.signal, what);
  if (opts.timezone) assertTimeZone(opts.timezone);
  await checkStart(source, name);
  const id = crypto.randomUUID().replace(/-/g, '');
  const file = `csv_import_${id}.csv`;
  const rejectsTable = `csv_rejects_${id}`;
  const scansTable = `csv_scans_${id}`;
  const bytesPerLine = await estimateBytesPerLine(source);
  const total = source.size;
  const fail = (e: unknown, doing: string): PondError => {
    if (e instanceof PondError) return e;
    const msg = String((e as Error)?.message ?? e).split(file).join(name);
    return new PondError('BAD_CSV', `${name}: ${doing}: ${msg}`, { cause: e, detail: { name } });
  };

  await db.registerFileHandle(file, source, DuckDBDataProtocol.BROWSER_FILEREADER, true);
  let conn: AsyncDuckDBConnection | undefined;
  let streaming = false;
  try {
    conn = await db.connect();
    const c = conn;
    const dialect = await sniff(c, file, opts.header).catch((e) => { throw fail(e, 'cannot read it as CSV'); });
    const sniffed = dialect.columns;
    if (sniffed.length === 0) throw new PondError('BAD_CSV', `${name}: no columns found`, { detail: { name } });

    // The time column and its form, from a sample of every column's raw text (time-detect.ts has the rules).
    const sample = await sampleCsv(c, file, dialect, SAMPLE_ROWS).catch((e) => { throw fail(e, 'cannot read it as CSV'); });
    const detection = detectTime(sample.samples, { timestampColumn: opts.timestampColumn, dayFirst: opts.dayFirst, timezone: opts.timezone, epochUnit: opts.epochUnit, source: name });
    if (opts.requireTime && !detection.chosen) throw noTimeColumnError(name, detection);
    const timeColumn = detection.chosen;
    const plan = timePlan(dialect, timeColumn, detection.reading, opts.timezone);
    const maxLine = opts.maxLineSize ? [`max_line_size=${Math.floor(opts.maxLineSize)}`] : [];
    const sql = `SELECT ${plan.select} FROM read_csv(${[sqlString(file), ...dialectSql(plan.dialect, plan.types), ...maxLine, 'store_rejects=true',
      `rejects_table=${sqlString(rejectsTable)}`, `rejects_scan=${sqlString(scansTable)}`].join(', ')})`;

    const times = new TimeStats();
    let rows = 0;
    let schema: Schema | undefined;
    let epochUnit = opts.epochUnit ?? (detection.reading?.kind === 'epoch' ? detection.reading.unit : undefined);
    const reader = await streamWithReadAhead(db, c, sql, { what: `import of ${name}`, ...(opts.stallMs ? { stallMs: opts.stallMs } : {}) }).catch((e) => { throw fail(e, 'cannot read it as CSV'); });
    streaming = true;
    async function* batches(): AsyncGenerator<RecordBatch> {
      try {
        for await (const raw of reader) {
          throwIfAborted(opts.signal, what);
          let b = raw as RecordBatch;
          if (timeColumn) {
            const n = normaliseTimeColumn(b, timeColumn, { timezone: opts.timezone, epochUnit, source: name });
            epochUnit ??= n.epochUnit; // one unit for the whole file, from its first value
            b = n.batch;
            times.add(b, timeColumn);
          }
          schema ??= b.schema;
          rows += b.numRows;
          opts.onProgress?.(Math.min(total, Math.round(rows * bytesPerLine)), total);
          yield b;
        }
      } catch (e) {
        throw fail(e, 'reading failed');
      }
    }
    const collected = opts.sink ? undefined : collectSink();
    const written = await writeParquetStream(batches(), opts.sink ?? collected!.sink, {
      compression: opts.compression, rowGroupRows: opts.rowGroupRows, signal: opts.signal, source: name,
      // A header-only file yields no batch; the stream's schema still gives the columns (0 rows).
      schema: () => (schema ??= timeColumn ? normaliseTimeColumn(emptyBatch(reader.schema), timeColumn, { source: name }).batch.schema : reader.schema),
    });
    streaming = false;
    if (!schema) throw new PondError('INTERNAL', `${name}: no schema`);
    const { rejects, rejectedLines } = await readRejects(c, rejectsTable, opts.maxRejectsReported ?? 1000);
    await physicalLines(source, rejects, opts.signal);
    rejects.sort((a, b) => a.line - b.line);
    if (rows === 0 && rejectedLines > 0) {
      const first = rejects[0];
      throw new PondError('BAD_CSV', `${name}: every data line was rejected (line ${first?.line}: ${first?.errors[0]?.message})`, { detail: { name, rejects } });
    }
    opts.onProgress?.(total, total);
    return {
      ...(collected ? { parquet: collected.bytes() } : {}),
      parquetBytes: written.bytes, rows, schema, columns: describeSchema(schema), timestampColumn: timeColumn,
      time: timeChoice(detection), ...times.facts(),
      rejects, rejectedLines,
    };
  } catch (e) {
    throw fail(e, 'import failed');
  } finally {
    if (conn) {
      if (streaming) await conn.cancelSent().catch(() => false);
      await conn.query(`DROP TABLE IF EXISTS ${rejectsTable}; DROP TABLE IF EXISTS ${scansTable}`).catch(() => undefined);
      await conn.close().catch(() => undefined);
    }
    await db.dropFile(file).catch(() => undefined);
  }
}

/** Fatal problems visible in the first bytes: nothing there, or UTF-16 (DuckDB reads UTF-8 only). */
export async function checkStart(source: Blob, name: string): Promise<void> {
  const head = new Uint8Array(await source.slice(0, 4).arrayBuffer());
  if (head.length === 0) throw new PondError('BAD_CSV', `${name}: the file is empty`, { detail: { name } });
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    throw new PondError('BAD_CSV', `${name}: the file is UTF-16; save it as UTF-8 CSV`, { detail: { name } });
  }
  // DuckDB would invent a `column0` for a file of blank lines; such a file has no columns.
  if (source.size <= 64 * 1024) {
    const all = new Uint8Array(await source.arrayBuffer());
    const start = all[0] === 0xef && all[1] === 0xbb && all[2] === 0xbf ? 3 : 0;
    if (all.subarray(start).every((b) => b === 10 || b === 13 || b === 32 || b === 9)) {
      throw new PondError('BAD_CSV', `${name}: no columns found (the file holds only blank lines)`, { detail: { name } });
    }
  }
}

/** Average line length in the first 64 KiB: turns DuckDB's row count into an estimate of bytes read. */
async function estimateBytesPerLine(source: Blob): Promise<number> {
  const head = new Uint8Array(await source.slice(0, 64 * 1024).arrayBuffer());
  let lines = 0;
  for (const b of head) if (b === 10) lines++;
  return head.length / Math.max(1, lines);
}

async function readRejects(c: AsyncDuckDBConnection, table: string, keep: number): Promise<{ rejects: RejectedLine[]; rejectedLines: number }> {
  const count = await c.query(`SELECT count(DISTINCT line)::INTEGER AS n FROM ${table}`);
  const rejectedLines = Number(count.getChild('n')?.get(0) ?? 0);
  const r = await c.query(`SELECT line::BIGINT AS line, line_byte_position::BIGINT AS at, error_type::VARCHAR AS type, column_name, error_message, csv_line
    FROM ${table} WHERE line IN (SELECT DISTINCT line FROM ${table} ORDER BY line LIMIT ${Math.max(0, Math.floor(keep))})
    ORDER BY line, byte_position`);
  const byLine = new Map<number, RejectedLine>();
  for (const row of r.toArray()) {
    const line = Number(row.line);
    let entry = byLine.get(line);
    if (!entry) byLine.set(line, (entry = { line, byte: Number(row.at), errors: [], text: String(row.csv_line ?? '') }));
    entry.errors.push({ type: String(row.type), column: row.column_name === null ? null : String(row.column_name), message: String(row.error_message) });
  }
  return { rejects: [...byLine.values()], rejectedLines };
}

/**
 * DuckDB numbers rejects by CSV record; a quoted field spanning lines makes that differ from the line an editor
 * shows. Counting newline bytes before each reject's byte position gives the physical line (one streaming pass,
 * only as far as the last reject).
 */
async function physicalLines(source: Blob, rejects: RejectedLine[], signal?: AbortSignal): Promise<void> {
  const wanted = [...rejects].sort((a, b) => a.byte - b.byte);
  if (wanted.length === 0) return;
  const end = Math.min(source.size, wanted[wanted.length - 1]!.byte);
  let newlines = 0;
  let next = 0;
  const CHUNK = 4 * 1024 * 1024;
  for (let at = 0; at <= end && next < wanted.length; at += CHUNK) {
    throwIfAborted(signal, 'counting lines');
    const bytes = new Uint8Array(await source.slice(at, Math.min(at + CHUNK, end)).arrayBuffer());
    for (let i = 0; i <= bytes.length && next < wanted.length; i++) {
      while (next < wanted.length && wanted[next]!.byte === at + i) wanted[next++]!.line = newlines + 1;
      if (i < bytes.length && bytes[i] === 10) newlines++;
    }
  }
  for (; next < wanted.length; next++) wanted[next]!.line = newlines + 1;
}
