/**
 * Streaming Arrow -> Parquet: record batches in, Parquet bytes out to a sink, one row group at a time, so a
 * 1 GB import never sits whole in memory (parquet-wasm's heap never shrinks: stack-notes.md).
 *
 * API: writeParquetStream(batches: AsyncIterable<RecordBatch>, sink, options) -> {bytes, rows}.
 *      collectSink() -> {sink, bytes()} for callers that want one Uint8Array.
 */
import { makeData, RecordBatch, Struct, Table, tableToIPC, type Schema } from 'apache-arrow';
import { PondError, throwIfAborted } from '../core/errors';
import { loadParquetWasm } from '../core/parquet-wasm';
import { writerProperties, type ParquetWriteOptions } from './parquet';

/** Receives the Parquet file in order, chunk by chunk; its promise is awaited (backpressure). */
export type ParquetSink = (chunk: Uint8Array) => void | Promise<void>;

export interface StreamWriteOptions extends ParquetWriteOptions {
  signal?: AbortSignal;
  /** Names the input in errors. */
  source?: string;
  /** Schema of the file when `batches` turns out empty (a header-only CSV still gives a 0-row file with columns). */
  schema?: () => Schema | undefined;
}

/** A 0-row batch of `schema`. */
export function emptyBatch(schema: Schema): RecordBatch {
  const children = schema.fields.map((f) => makeData({ type: f.type, length: 0, nullCount: 0 }));
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: 0, nullCount: 0, children }));
}

/** Rows handed to parquet-wasm per call: IPC per tiny DuckDB batch (2048 rows) would dominate the time. */
const HANDOFF_ROWS = 64 * 1024;

/**
 * Encodes the batches (all with one schema) as one Parquet file written to `sink`. Resolves once the footer is out.
 * An empty input still gives a valid file when `options.schema` supplies the schema.
 */
export async function writeParquetStream(
  batches: AsyncIterable<RecordBatch>, sink: ParquetSink, options: StreamWriteOptions = {},
): Promise<{ bytes: number; rows: number }> {
  const pw = await loadParquetWasm();
  const props = await writerProperties(options);
  let rows = 0;
  let failure: unknown;
  const source = batches[Symbol.asyncIterator]();
  // Peek for the first non-empty batch: parquet-wasm's stream writer cannot write a file without rows.
  let firstSchema: Schema | undefined;
  let first: RecordBatch | undefined;
  for (;;) {
    const r = await source.next();
    if (r.done) break;
    firstSchema ??= r.value.schema;
    if (r.value.numRows > 0) { first = r.value; break; }
  }
  if (!first) {
    const schema = firstSchema ?? options.schema?.();
    if (!schema) throw new PondError('INTERNAL', `${options.source ?? 'data'}: no rows and no schema to write`);
    const bytes = pw.writeParquet(pw.Table.fromIPCStream(tableToIPC(new Table(schema), 'stream')), props);
    await sink(bytes);
    return { bytes: bytes.byteLength, rows: 0 };
  }
  // Pull-based: parquet-wasm asks for the next batch only when it has written the previous one.
  async function* toWasm(): AsyncGenerator<unknown> {
    let pending: RecordBatch[] = [first!];
    let pendingRows = first!.numRows;
    rows = pendingRows;
    const flush = () => {
      const t = pw.Table.fromIPCStream(tableToIPC(new Table(pending), 'stream'));
      pending = [];
      pendingRows = 0;
      return t.recordBatches();
    };
    try {
      for (;;) {
        const r = await source.next();
        if (r.done) break;
        throwIfAborted(options.signal, `import of ${options.source ?? 'data'}`);
        if (r.value.numRows === 0) continue;
        pending.push(r.value);
        pendingRows += r.value.numRows;
        rows += r.value.numRows;
        if (pendingRows >= HANDOFF_ROWS) yield* flush();
      }
      if (pending.length) yield* flush();
    } catch (e) {
      failure = e; // rethrown below: an error inside the wasm stream would lose its PondError identity
      throw e;
    }
  }
  let bytes = 0;
  try {
    const it = toWasm();
    // highWaterMark 0: nothing is read ahead of what parquet-wasm asks for.
    const input = new ReadableStream<unknown>({
      async pull(c) {
        const r = await it.next();
        if (r.done) c.close();
        else c.enqueue(r.value);
      },
      async cancel() { await it.return(undefined); },
    }, { highWaterMark: 0 });
    const output = (await pw.transformParquetStream(input, props)) as ReadableStream<Uint8Array>;
    const reader = output.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      await sink(value);
    }
  } catch (e) {
    if (failure) throw failure;
    if (e instanceof PondError) throw e;
    throw new PondError('INTERNAL', `${options.source ?? 'data'}: writing Parquet failed: ${String((e as Error)?.message ?? e)}`, { cause: e });
  }
  if (failure) throw failure;
  return { bytes, rows };
}

/** A sink that keeps the chunks, for small inputs and tests. */
export function collectSink(): { sink: ParquetSink; bytes: () => Uint8Array } {
  const chunks: Uint8Array[] = [];
  return {
    sink: (c) => { chunks.push(c.slice()); },
    bytes: () => {
      const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
      let at = 0;
      for (const c of chunks) { out.set(c, at); at += c.byteLength; }
      return out;
    },
  };
}
