// A query's result as Arrow record batches, with DuckDB computing ahead of the reader. duckdb-wasm's own `send`
// materialises the whole result before the first batch (unless asked to stream) and then asks for one chunk at a
// time, so DuckDB sits idle while the pond worker encodes Parquet. Here the query streams and up to `depth` chunk
// requests wait in DuckDB's queue: its worker reads the CSV while ours encodes, and memory stays bounded on both sides.
import type { AsyncDuckDB, AsyncDuckDBConnection } from '@duckdb/duckdb-wasm';
import { RecordBatchReader, type AsyncRecordBatchStreamReader } from 'apache-arrow';

/** Runs `sql` on `conn` and returns its batches; `depth` × 2048 rows at most are computed ahead of the reader (64: two row groups; deeper measured no faster). */
export async function streamWithReadAhead(db: AsyncDuckDB, conn: AsyncDuckDBConnection, sql: string, depth = 64): Promise<AsyncRecordBatchStreamReader> {
  const id = conn.useUnsafe((_bindings, connectionId) => connectionId);
  let header = await db.startPendingQuery(id, sql, true);
  while (header === null) header = await db.pollPendingQuery(id);
  const first = header;
  async function* chunks(): AsyncGenerator<Uint8Array> {
    yield first;
    const ahead: Promise<Uint8Array | null>[] = [];
    try {
      for (;;) {
        while (ahead.length < depth) ahead.push(db.fetchQueryResults(id));
        const chunk = await ahead.shift()!;
        if (!chunk || chunk.length === 0) return; // the end of the result
        yield chunk;
      }
    } finally {
      // Requests sent past the end (or before a failure or a cancel) still get answers; wait for them so the
      // connection is quiet before the caller reuses or closes it. Their answers (empty, or "no result") mean nothing now.
      await Promise.allSettled(ahead);
    }
  }
  return (await RecordBatchReader.from(chunks())) as AsyncRecordBatchStreamReader;
}
