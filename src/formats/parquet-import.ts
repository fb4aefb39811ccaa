/**
 * Host Parquet -> validated, normalised Parquet version (same result shape as the CSV import).
 *
 * API: importParquet(source: Uint8Array | Blob, name, opts?: ImportOptions) -> Promise<ImportResult>
 *
 * - Untrusted input: the magic, the footer and every page are checked by decoding the whole file once; any failure
 *   is BAD_PARQUET naming the file. parquet-wasm returns errors rather than panicking on the bad files we test
 *   (parquet/bad), and a bad file does not disturb the next read (tested).
 * - Page CRCs are verified where the writer recorded them (parquet-crc.ts; parquet-wasm never checks them).
 * - INT96 timestamps are read as exact microseconds (parquet-footer.ts explains how).
 * - The file's bytes are held whole (Parquet is compact), but decoded one row group at a time, so decoded memory
 *   stays bounded by the largest row group. (parquet-wasm's async Blob reader would avoid holding the bytes, but
 *   it panics without settling on several parquet/bad files, so untrusted input goes through the sync reader.)
 * - The event-time column is detected (types, and epoch numbers by their values: time-detect.ts) and normalised as
 *   for CSV (timestamps.ts); the output is re-encoded by us
 *   (zstd, bounded row groups) so every stored version looks alike.
 */
import { RecordBatch, Schema, Field, TimestampMicrosecond, Table, tableFromIPC, tableToIPC, DataType } from 'apache-arrow';
import { PondError, throwIfAborted } from '../core/errors';
import { loadParquetWasm, type ParquetWasm } from '../core/parquet-wasm';
import { hasParquetMagic } from './parquet';
import { int96Columns, parseFooter, rowGroupCount, withKeyValue, type Footer } from './parquet-footer';
import { collectSink, writeParquetStream } from './parquet-stream';
import { describeSchema } from './schema';
import { verifyPageChecksums } from './parquet-crc';
import { TimeStats } from './time-stats';
import { sampleParquet } from './parquet-sample';
import { detectTime, noTimeColumnError, timeChoice } from './time-detect';
import { assertTimeZone, normaliseTimeColumn } from './timestamps';
import type { ImportOptions, ImportResult } from './types';


function bad(name: string, e: unknown, doing: string): PondError {
  if (e instanceof PondError) return e;
  return new PondError('BAD_PARQUET', `${name}: ${doing}: ${String((e as Error)?.message ?? e)}`, { cause: e, detail: { name } });
}

/**
 * For files with INT96 columns: the same file with an `ARROW:schema` hint that makes arrow-rs read those columns
 * as Timestamp(MICROSECOND) (no ns wrap-around). The hint is the schema parquet-wasm infers, with those fields changed.
 */
function withInt96Hint(pw: ParquetWasm, bytes: Uint8Array, footer: Footer): Uint8Array {
  const int96 = int96Columns(footer);
  if (int96.length === 0) return bytes;
  const schema = tableFromIPC(pw.readSchema(bytes).intoIPCStream()).schema;
  const fields = schema.fields.map((f) => (int96.includes(f.name) ? new Field(f.name, new TimestampMicrosecond(), f.nullable, f.metadata) : f));
  const ipc = tableToIPC(new Table(new Schema(fields, schema.metadata)), 'stream');
  // Keep only the schema message (continuation marker, length, flatbuffer), as arrow-rs expects.
  const msgLen = new DataView(ipc.buffer, ipc.byteOffset + 4, 4).getInt32(0, true);
  let bin = '';
  for (const b of ipc.subarray(0, 8 + msgLen)) bin += String.fromCharCode(b);
  return withKeyValue(bytes, footer, 'ARROW:schema', btoa(bin));
}

/** Runs a synchronous parquet-wasm call on untrusted bytes, turning any failure into BAD_PARQUET. */
function guarded<T>(name: string, doing: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    // A wasm trap (Rust panic) is reported like any other failure; parquet-wasm's synchronous readers return
    // errors for every bad file we test, and a later call on a good file still works (tested).
    throw bad(name, e, doing);
  }
}

/** Imports one host Parquet file; see the notes at the top of this file. */
export async function importParquet(input: Uint8Array | Blob, name: string, opts: ImportOptions = {}): Promise<ImportResult> {
  const what = `import of ${name}`;
  throwIfAborted(opts.signal, what);
  if (opts.timezone) assertTimeZone(opts.timezone);
  let bytes = input instanceof Uint8Array ? input : new Uint8Array(await input.arrayBuffer());
  const size = bytes.length;
  if (!hasParquetMagic(bytes)) {
    throw new PondError('BAD_PARQUET', `${name}: not a Parquet file (it lacks the PAR1 magic at its start and end)`, { detail: { name } });
  }
  const pw = await loadParquetWasm();
  let footer = parseFooter(bytes, name);
  await verifyPageChecksums(bytes, footer, name); // before decoding: a damaged page must not become data
  bytes = guarded(name, 'cannot read its schema', () => withInt96Hint(pw, bytes, footer));
  footer = parseFooter(bytes, name);
  const groups = rowGroupCount(footer);
  const fileSchema = guarded(name, 'cannot read its schema', () => tableFromIPC(pw.readSchema(bytes).intoIPCStream()).schema);
  // Types and the first rows' values decide the time column (time-detect.ts), as for CSV.
  const sample = groups > 0 ? sampleParquet(pw, bytes, fileSchema, 5000, name).samples : fileSchema.fields.map((f) => ({ name: f.name, type: String(f.type), kind: 'other' as const, values: [] }));
  const detection = detectTime(sample, { timestampColumn: opts.timestampColumn, timezone: opts.timezone, epochUnit: opts.epochUnit, source: name });
  if (opts.requireTime && !detection.chosen) throw noTimeColumnError(name, detection);
  const timeColumn = detection.chosen;
  const times = new TimeStats();
  let rows = 0;
  let schema: Schema | undefined;
  let epochUnit = opts.epochUnit ?? (detection.reading?.kind === 'epoch' ? detection.reading.unit : undefined);
  // Synchronous, one row group at a time: parquet-wasm's async stream reader panics (and then never settles) on
  // some corrupt files, where the synchronous reader returns an error.
  async function* batches(): AsyncGenerator<RecordBatch> {
    for (let g = 0; g < groups; g++) {
      throwIfAborted(opts.signal, what);
      const t = guarded(name, `cannot read row group ${g}`, () => tableFromIPC(pw.readParquet(bytes, { rowGroups: [g] }).intoIPCStream()));
      for (let b of t.batches) {
        if (timeColumn) {
          const n = normaliseTimeColumn(b, timeColumn, { timezone: opts.timezone, epochUnit, source: name });
          epochUnit ??= n.epochUnit;
          b = n.batch;
          times.add(b, timeColumn);
        }
        schema ??= b.schema;
        rows += b.numRows;
        yield b;
      }
      opts.onProgress?.(Math.round((size * (g + 1)) / groups), size);
      await new Promise((r) => setTimeout(r, 0)); // let an abort arrive between row groups
    }
  }
  const collected = opts.sink ? undefined : collectSink();
  const written = await writeParquetStream(batches(), opts.sink ?? collected!.sink, {
    compression: opts.compression, rowGroupRows: opts.rowGroupRows, signal: opts.signal, source: name,
    schema: () => (schema ??= emptySchema(fileSchema, timeColumn)),
  });
  if (!schema) throw new PondError('INTERNAL', `${name}: no schema`);
  opts.onProgress?.(size, size);
  return {
    ...(collected ? { parquet: collected.bytes() } : {}),
    parquetBytes: written.bytes, rows, schema, columns: describeSchema(schema), timestampColumn: timeColumn,
    time: timeChoice(detection), ...times.facts(),
    rejects: [], rejectedLines: 0,
  };
}

/** Schema of a file with no rows, with the event-time column (if any) as it would be normalised. */
function emptySchema(s: Schema, timeColumn: string | null): Schema {
  return new Schema(s.fields.map((f) => (f.name === timeColumn ? new Field(f.name, new TimestampMicrosecond(), true) : f)), s.metadata);
}
