// A query's result as Arrow record batches, with DuckDB computing ahead of the reader. duckdb-wasm's own `send`
// materialises the whole result before the first batch (unless asked to stream) and then asks for one chunk at a
// time, so DuckDB sits idle while the pond worker encodes Parquet. Here the query streams and up to `depth` chunk
// requests wait in DuckDB's queue: its worker reads the CSV while ours encodes, and memory stays bounded on both sides.
import type { AsyncDuckDB, AsyncDuckDBConnection } from '@duckdb/duckdb-wasm';
import { RecordBatchReader, type AsyncRecordBatchStreamReader } from 'apache-arrow';
import { PondError } from '../core/errors';

export interface ReadAheadOptions {
  /** Chunk requests waiting in DuckDB's queue: `depth` × 2048 rows at most are computed ahead (64: two row groups; deeper measured no faster). */
  depth?: number;
  /**
   * How long one chunk (or the query's start) may take before the stream is declared stalled (default 120 s). A CSV
   * streams a chunk every few milliseconds; an answer that never comes (a DuckDB worker that went quiet) must end the
   * import with an error naming what it was doing, not leave it waiting with no CPU in use.
   */
  stallMs?: number;
  /** What is being read, for the STALLED error. */
  what?: string;
}

/** Runs `sql` on `conn` and returns its batches, DuckDB computing ahead of the reader. */
export async function streamWithReadAhead(db: AsyncDuckDB, conn: AsyncDuckDBConnection, sql: string, opts: ReadAheadOptions = {}): Promise<AsyncRecordBatchStreamReader> {
  const depth = opts.depth ?? 64;
  const stallMs = opts.stallMs ?? 120_000;
  const what = opts.what ?? 'the query';
  const id = conn.useUnsafe((_bindings, connectionId) => connectionId);
  let header = await watched(db.startPendingQuery(id, sql, true), stallMs, `${what}: starting the query`);
  while (header === null) header = await watched(db.pollPendingQuery(id), stallMs, `${what}: starting the query`);
  const first = header;
  let rows = 0;
  async function* chunks(): AsyncGenerator<Uint8Array> {
    yield first;
    const ahead: Promise<Uint8Array | null>[] = [];
    try {
      for (;;) {
        while (ahead.length < depth) ahead.push(db.fetchQueryResults(id));
        const chunk = await watched(ahead.shift()!, stallMs, `${what}: reading (after chunk ${rows})`);
        if (!chunk || chunk.length === 0) return; // the end of the result
        rows++;
        yield chunk;
      }
    } finally {
      // Requests sent past the end (or before a failure or a cancel) still get answers; wait for them so the
      // connection is quiet before the caller reuses or closes it. Their answers (empty, or "no result") mean nothing
      // now — but not forever: after a stall they may never come, and the caller closes the connection anyway.
      await Promise.race([Promise.allSettled(ahead), new Promise((r) => setTimeout(r, Math.min(stallMs, 10_000)))]);
    }
  }
  return (await RecordBatchReader.from(chunks())) as AsyncRecordBatchStreamReader;
}

/** `p`, or STALLED naming `doing` when it has not settled within `ms`. */
function watched<T>(p: Promise<T>, ms: number, doing: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PondError('STALLED', `${doing}: no answer from the query engine for ${Math.round(ms / 1000)} s; the import was stopped (nothing was committed)`, { detail: { stage: doing, ms } })), ms);
  });
  return Promise.race([p, stalled]).finally(() => clearTimeout(timer));
}
