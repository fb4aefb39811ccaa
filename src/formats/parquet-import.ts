/**
 * Host Parquet -> validated, normalised Parquet version (same result shape as the CSV import).
 *
 * API: importParquet(source: Uint8Array | Blob, name, opts?: ImportOptions) -> Promise<ImportResult>
 *
 * - Untrusted input: the magic, the footer and every page are checked by decoding the whole file once; any failure
 *   is BAD_PARQUET naming the file. parquet-wasm returns errors rather than panicking on the bad files we test
 *   (parquet/bad), and a bad file does not disturb the next read (tested).
 * - Page CRCs are not verified (parquet-wasm has no option for it): the two corrupt-checksum test files import.
 * - INT96 timestamps are read as exact microseconds (parquet-footer.ts explains how); such files are read whole.
 * - A Blob is read in slices by parquet-wasm (ParquetFile.fromFile), batch by batch: memory stays bounded.
 * - The event-time column is detected and normalised as for CSV (timestamps.ts); the output is re-encoded by us
 *   (zstd, bounded row groups) so every stored version looks alike.
 */
import { RecordBatch, Schema, Field, TimestampMicrosecond, Table, tableFromIPC, tableToIPC, DataType } from 'apache-arrow';
import { PondError, throwIfAborted } from '../core/errors';
import { loadParquetWasm } from '../core/parquet-wasm';
import { hasParquetMagic } from './parquet';
import { int96Columns, parseFooter, withKeyValue } from './parquet-footer';
import { collectSink, writeParquetStream } from './parquet-stream';
import { describeSchema } from './schema';
import { assertTimeZone, normaliseTimeColumn, pickTimestampColumn } from './timestamps';
import type { ImportOptions, ImportResult } from './types';

const BATCH_ROWS = 64 * 1024;

function bad(name: string, e: unknown, doing: string): PondError {
  if (e instanceof PondError) return e;
  return new PondError('BAD_PARQUET', `${name}: ${doing}: ${String((e as Error)?.message ?? e)}`, { cause: e, detail: { name } });
}

/** Reads the first and last bytes only, to refuse non-Parquet early without loading a big Blob. */
async function checkMagic(source: Blob, name: string): Promise<void> {
  const n = source.size;
  const head = new Uint8Array(await source.slice(0, 4).arrayBuffer());
  const tail = new Uint8Array(await source.slice(Math.max(0, n - 4)).arrayBuffer());
  const probe = new Uint8Array(12);
  probe.set(head, 0);
  probe.set(tail, 8);
  if (n < 12 || !hasParquetMagic(probe)) {
    throw new PondError('BAD_PARQUET', `${name}: not a Parquet file (it lacks the PAR1 magic at its start and end)`, { detail: { name } });
  }
}

/** The footer bytes alone (last 8 bytes give its length), to look for INT96 columns. */
async function readFooterOnly(source: Blob, name: string) {
  const n = source.size;
  const len = new DataView(await source.slice(n - 8, n - 4).arrayBuffer()).getUint32(0, true);
  if (len + 12 > n) throw new PondError('BAD_PARQUET', `${name}: the footer length does not fit the file`, { detail: { name } });
  // Parse the footer as if it were a whole file: 'PAR1' + footer + length + 'PAR1'.
  const bytes = new Uint8Array(await source.slice(n - 8 - len).arrayBuffer());
  const framed = new Uint8Array(4 + bytes.length);
  framed.set(bytes, 4);
  return parseFooter(framed, name);
}

/**
 * For files with INT96 columns: the same file with an `ARROW:schema` hint that makes arrow-rs read those columns
 * as Timestamp(MICROSECOND) (no ns wrap-around). The hint is the schema parquet-wasm infers, with those fields changed.
 */
async function withInt96Hint(source: Blob, name: string): Promise<Blob> {
  const footer = await readFooterOnly(source, name);
  const int96 = int96Columns(footer);
  if (int96.length === 0) return source;
  const pw = await loadParquetWasm();
  const bytes = new Uint8Array(await source.arrayBuffer());
  const full = parseFooter(bytes, name);
  let schema: Schema;
  try {
    schema = tableFromIPC(pw.readSchema(bytes).intoIPCStream()).schema;
  } catch (e) {
    throw bad(name, e, 'cannot read its schema');
  }
  const fields = schema.fields.map((f) => (int96.includes(f.name) ? new Field(f.name, new TimestampMicrosecond(), f.nullable, f.metadata) : f));
  const ipc = tableToIPC(new Table(new Schema(fields, schema.metadata)), 'stream');
  // Keep only the schema message (continuation marker, length, flatbuffer), as arrow-rs expects.
  const msgLen = new DataView(ipc.buffer, ipc.byteOffset + 4, 4).getInt32(0, true);
  const message = ipc.subarray(0, 8 + msgLen);
  let bin = '';
  for (const b of message) bin += String.fromCharCode(b);
  const patched = withKeyValue(bytes, full, 'ARROW:schema', btoa(bin));
  return new Blob([patched as Uint8Array<ArrayBuffer>]);
}

/** Imports one host Parquet file; see the notes at the top of this file. */
export async function importParquet(input: Uint8Array | Blob, name: string, opts: ImportOptions = {}): Promise<ImportResult> {
  const what = `import of ${name}`;
  throwIfAborted(opts.signal, what);
  if (opts.timezone) assertTimeZone(opts.timezone);
  let source: Blob = input instanceof Blob ? input : new Blob([input as Uint8Array<ArrayBuffer>]);
  await checkMagic(source, name);
  source = await withInt96Hint(source, name);
  const pw = await loadParquetWasm();
  let file: Awaited<ReturnType<typeof pw.ParquetFile.fromFile>>;
  let stream: ReadableStream;
  try {
    file = await pw.ParquetFile.fromFile(source);
    stream = await file.stream({ batchSize: BATCH_ROWS });
  } catch (e) {
    throw bad(name, e, 'cannot read its footer');
  }
  const total = Number((() => { try { return file.metadata().fileMetadata().numRows(); } catch { return 0; } })());
  let timeColumn: string | null | undefined;
  let min: bigint | null = null;
  let max: bigint | null = null;
  let rows = 0;
  let schema: Schema | undefined;
  let epochUnit = opts.epochUnit;
  async function* batches(): AsyncGenerator<RecordBatch> {
    const reader = stream.getReader();
    try {
      for (;;) {
        let next: ReadableStreamReadResult<{ intoIPCStream(): Uint8Array }>;
        try {
          next = await reader.read();
        } catch (e) {
          throw bad(name, e, 'cannot read its data');
        }
        if (next.done) break;
        throwIfAborted(opts.signal, what);
        let b = tableFromIPC(next.value.intoIPCStream()).batches[0];
        if (!b) continue;
        if (timeColumn === undefined) {
          const infos = b.schema.fields.map((f) => ({ name: f.name, temporal: DataType.isTimestamp(f.type) || DataType.isDate(f.type), numeric: DataType.isInt(f.type) || DataType.isFloat(f.type) }));
          timeColumn = pickTimestampColumn(infos, opts.timestampColumn, name) ?? null;
        }
        if (timeColumn) {
          const n = normaliseTimeColumn(b, timeColumn, { timezone: opts.timezone, epochUnit, source: name });
          epochUnit ??= n.epochUnit;
          b = n.batch;
          if (n.min !== null && (min === null || n.min < min)) min = n.min;
          if (n.max !== null && (max === null || n.max > max)) max = n.max;
        }
        schema ??= b.schema;
        rows += b.numRows;
        opts.onProgress?.(Math.round(source.size * Math.min(1, rows / Math.max(1, total))), source.size);
        yield b;
      }
    } finally {
      reader.releaseLock();
    }
  }
  const collected = opts.sink ? undefined : collectSink();
  const written = await writeParquetStream(batches(), opts.sink ?? collected!.sink, {
    compression: opts.compression, rowGroupRows: opts.rowGroupRows, signal: opts.signal, source: name,
    schema: () => (schema ??= emptySchema(file, opts.timestampColumn, name)),
  });
  if (!schema) throw new PondError('INTERNAL', `${name}: no schema`);
  opts.onProgress?.(source.size, source.size);
  return {
    ...(collected ? { parquet: collected.bytes() } : {}),
    parquetBytes: written.bytes, rows, schema, columns: describeSchema(schema), timestampColumn: timeColumn ?? null,
    minEventTime: min === null ? null : Number(min), maxEventTime: max === null ? null : Number(max),
    rejects: [], rejectedLines: 0,
  };
}

/** Schema of a file with no rows, with the event-time column (if any) as it would be normalised. */
function emptySchema(file: { schema(): { intoIPCStream(): Uint8Array } }, override: string | undefined, name: string): Schema {
  const s = tableFromIPC(file.schema().intoIPCStream()).schema;
  const infos = s.fields.map((f) => ({ name: f.name, temporal: DataType.isTimestamp(f.type) || DataType.isDate(f.type), numeric: DataType.isInt(f.type) || DataType.isFloat(f.type) }));
  const t = pickTimestampColumn(infos, override, name);
  return new Schema(s.fields.map((f) => (f.name === t ? new Field(f.name, new TimestampMicrosecond(), true) : f)), s.metadata);
}
