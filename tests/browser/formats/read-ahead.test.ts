// DuckDB results streamed with read-ahead (src/formats/duckdb-read-ahead.ts), in real duckdb-wasm: every row once and
// in order across many chunks, an error raised mid-stream reaches the reader, and the connection is usable after both
// (no stray answers from the requests sent past the end).
import { beforeAll, describe, expect, it } from 'vitest';
import type { AsyncDuckDB } from '@duckdb/duckdb-wasm';
import { streamWithReadAhead } from '../../../src/formats/duckdb-read-ahead';
import { getDuckDb } from '../../../src/query/duckdb';

let db: AsyncDuckDB;
beforeAll(async () => { db = await getDuckDb(); });

describe('streamWithReadAhead', () => {
  it('returns every row once, in order, over many chunks, at any depth', async () => {
    const conn = await db.connect();
    try {
      for (const depth of [1, 3, 64]) {
        let next = 0;
        let batches = 0;
        for await (const batch of await streamWithReadAhead(db, conn, 'SELECT range::INTEGER AS i FROM range(50000)', { depth })) {
          const col = batch.getChild('i')!.toArray() as Int32Array;
          for (const v of col) expect(v).toBe(next++);
          batches++;
        }
        expect(next).toBe(50_000);
        expect(batches).toBeGreaterThan(10); // DuckDB's 2048-row chunks: the read-ahead really spans many requests
        // The requests sent past the end are answered and gone: the connection runs the next query normally.
        expect((await conn.query('SELECT 42 AS x')).getChild('x')!.get(0)).toBe(42);
      }
      const empty = await streamWithReadAhead(db, conn, 'SELECT 1 AS x WHERE false');
      let rows = 0;
      for await (const b of empty) rows += b.numRows;
      expect(rows).toBe(0);
    } finally {
      await conn.close();
    }
  });

  it('passes an error raised mid-stream to the reader and leaves the connection usable', async () => {
    const conn = await db.connect();
    try {
      // The cast fails only at row 3 000 000: past DuckDB's own stream buffer (about 1 MB), so after chunks were delivered.
      const sql = `SELECT CASE WHEN range < 3000000 THEN range::VARCHAR ELSE 'x' || range::VARCHAR END::INTEGER AS v FROM range(4000000)`;
      let seen = 0;
      let started = false;
      const read = async () => { const r = await streamWithReadAhead(db, conn, sql); started = true; for await (const b of r) seen += b.numRows; };
      await expect(read()).rejects.toThrow(/Conversion|convert|cast/i);
      expect(started).toBe(true);
      expect(seen).toBeGreaterThan(0);
      expect(seen).toBeLessThanOrEqual(3_000_000);
      expect((await conn.query('SELECT 7 AS y')).getChild('y')!.get(0)).toBe(7);
    } finally {
      await conn.close();
    }
  });
});

describe('a stream whose answers stop', () => {
  it('fails as STALLED naming what it was reading, instead of waiting forever; DuckDB stays usable', async () => {
    const conn = await db.connect();
    let fetches = 0;
    // DuckDB's own answers for the first chunks, then requests that are never answered (a worker gone quiet).
    const quiet = {
      startPendingQuery: (...a: Parameters<AsyncDuckDB['startPendingQuery']>) => db.startPendingQuery(...a),
      pollPendingQuery: (...a: Parameters<AsyncDuckDB['pollPendingQuery']>) => db.pollPendingQuery(...a),
      fetchQueryResults: (id: number) => (++fetches <= 2 ? db.fetchQueryResults(id) : new Promise<Uint8Array>(() => undefined)),
    } as unknown as AsyncDuckDB;
    let rows = 0;
    const e = await (async () => {
      for await (const b of await streamWithReadAhead(quiet, conn, 'SELECT range::INTEGER AS i FROM range(100000)', { depth: 1, stallMs: 400, what: 'import of big.csv' })) rows += b.numRows;
    })().then(() => undefined, (x: unknown) => x);
    expect(e).toMatchObject({ code: 'STALLED', message: expect.stringMatching(/^import of big\.csv: reading \(after chunk \d+\): no answer from the query engine/) });
    expect(rows).toBeGreaterThan(0); // what came before the stall was read
    await conn.close();
    const fresh = await db.connect();
    expect((await fresh.query('SELECT 42 AS x')).getChild('x')?.get(0)).toBe(42);
    await fresh.close();
  });
});
