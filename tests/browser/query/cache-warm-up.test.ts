// The warm-up of DuckDB's cache file after a start (cache-warm-up.ts): the most recently used versions' blocks are
// read into DuckDB's buffer pool in the background, within a budget, and the warm-up gives way to real work. Real
// duckdb-wasm on real OPFS; a "restart" is a new DuckDB worker on the same file.
import { afterAll, describe, expect, it } from 'vitest';
import type { AsyncDuckDB } from '@duckdb/duckdb-wasm';
import { startWarmUp, warmUpOf } from '../../../src/query/cache-warm-up';
import { getDuckDb, startDuckDb } from '../../../src/query/duckdb';
import { QueryEngine } from '../../../src/query/engine';
import { cacheFileOf, closeDatabase } from '../../../src/query/query-cache-file';
import { persistentTableName, VersionCatalog } from '../../../src/query/version-catalog';
import { col, f64, HOUR, series, T0, times, version, type TestVersion } from './helpers';

/** A version of `n` rows whose content id is unique to this run (no earlier run's file can answer for it). */
async function hashed(n: number, start: number, rows: number): Promise<TestVersion> {
  const values = Array.from({ length: rows }, (_, i) => n * 1000 + i);
  const v = await version(n, times(start, HOUR, rows), { v: f64(values) });
  v.contentId = Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => b.toString(16).padStart(2, '0')).join('');
  return v;
}

const stems: string[] = [];
/** A cache file of the test's own: the catalog then holds exactly what the test put there. */
const newStem = () => {
  const s = `test-warm-${crypto.randomUUID().slice(0, 8)}`;
  stems.push(s);
  return s;
};

/** Fills a cache file with `versions`, each bound (and so recorded) a few ms after the one before: oldest first. */
async function fill(stem: string, versions: TestVersion[]): Promise<void> {
  const db = await startDuckDb({ stem, warmUp: false });
  const engine = new QueryEngine({ db, maxResultBytes: 0 });
  try {
    for (const [i, v] of versions.entries()) {
      await engine.bind(`v${i}`, series(`f${i}`, [v]));
      await new Promise((r) => setTimeout(r, 5)); // distinct recency stamps (ms)
    }
  } finally {
    await engine.close();
    await closeDatabase(db);
  }
}

/** Bytes DuckDB holds in its buffer pool for table data (blocks read from the file). */
async function tableMemory(db: AsyncDuckDB): Promise<number> {
  const conn = await db.connect();
  try {
    const t = await conn.query(`SELECT coalesce(sum(memory_usage_bytes), 0)::DOUBLE AS b FROM duckdb_memory() WHERE tag = 'BASE_TABLE'`);
    return Number(t.getChild('b')!.get(0));
  } finally {
    await conn.close();
  }
}

const SUM = 'SELECT sum(v) AS s, count(*)::DOUBLE AS n FROM s';
const sumOf = (vs: { n: number; rows: number }[]) => vs.reduce((s, { n, rows }) => s + n * 1000 * rows + (rows * (rows - 1)) / 2, 0);

describe('cache file warm-up', () => {
  afterAll(async () => {
    const root = await navigator.storage.getDirectory();
    for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys()) {
      if (stems.some((s) => name.startsWith(s))) await root.removeEntry(name);
    }
  });

  it('reads the recorded versions into the buffer pool after a start, newest first, and answers stay exact', async () => {
    const stem = newStem();
    const a = await hashed(1, T0, 50_000);
    const b = await hashed(2, T0 + 50_000 * HOUR, 50_000);
    await fill(stem, [a, b]);

    // Without the warm-up a new DuckDB has read none of the tables' blocks.
    const cold = await startDuckDb({ stem, warmUp: false });
    expect(warmUpOf(cold)).toBeUndefined();
    const coldBytes = await tableMemory(cold);
    await closeDatabase(cold);

    const db = await startDuckDb({ stem });
    expect(cacheFileOf(db)).toBe(`opfs://${stem}-0.duckdb`);
    const report = await warmUpOf(db)!;
    expect(report.stopped).toBe(false);
    expect(report.tables).toEqual([persistentTableName(b.contentId!), persistentTableName(a.contentId!)]);
    const warmBytes = await tableMemory(db);
    expect(warmBytes).toBeGreaterThan(coldBytes);
    // 2 × 50 000 rows of a timestamp and a double: at least some of their blocks are in memory now.
    expect(warmBytes).toBeGreaterThan(64 * 1024);

    const engine = new QueryEngine({ db, maxResultBytes: 0 });
    try {
      await engine.bind('s', series('f', [a, b]));
      const r = await engine.query(SUM);
      expect(col(r, 's')).toEqual([sumOf([{ n: 1, rows: 50_000 }, { n: 2, rows: 50_000 }])]);
      expect(col(r, 'n')).toEqual([100_000]);
      expect([a.loads, b.loads]).toEqual([1, 1]); // found in the file, not decoded again
    } finally {
      await engine.close();
      await closeDatabase(db);
    }
  });

  it('stays within its byte budget: only the most recently used versions that fit are read', async () => {
    const stem = newStem();
    const a = await hashed(1, T0, 2_000);
    const b = await hashed(2, T0 + 2_000 * HOUR, 2_000);
    const c = await hashed(3, T0 + 4_000 * HOUR, 2_000);
    await fill(stem, [a, b, c]);
    const db = await startDuckDb({ stem, warmUp: false });
    try {
      const catalog = await VersionCatalog.of(db);
      const bytesOf = (v: TestVersion) => catalog.records.get(v.contentId!)!.bytes;
      const report = await startWarmUp(db, { maxBytes: bytesOf(c) + bytesOf(b) });
      expect(report.tables).toEqual([persistentTableName(c.contentId!), persistentTableName(b.contentId!)]);
      expect(report.stopped).toBe(false);
      expect(startWarmUp(db)).toBe(warmUpOf(db)); // one warm-up per instance
    } finally {
      await closeDatabase(db);
    }
  });

  it('gives way to an engine that needs DuckDB at once, whose answer is exact', async () => {
    const stem = newStem();
    const vs = await Promise.all([1, 2, 3, 4].map((n) => hashed(n, T0 + (n - 1) * 20_000 * HOUR, 20_000)));
    await fill(stem, vs);
    const db = await startDuckDb({ stem });
    const engine = new QueryEngine({ db, maxResultBytes: 0 });
    try {
      await engine.bind('s', series('f', vs)); // right after the start: the warm-up has not begun its first table
      const r = await engine.query(SUM);
      const report = await warmUpOf(db)!;
      expect(report.stopped).toBe(true);
      expect(report.tables.length).toBeLessThan(vs.length);
      expect(col(r, 's')).toEqual([sumOf(vs.map((_, i) => ({ n: i + 1, rows: 20_000 })))]);
      expect(col(r, 'n')).toEqual([80_000]);
    } finally {
      await engine.close();
      await closeDatabase(db);
    }
  });

  it('the shared DuckDB started in the background stops its warm-up when a step asks for it', async () => {
    const background = getDuckDb('background');
    const needed = getDuckDb('query'); // a query (or an import) right after the start
    const db = await needed;
    expect(await background).toBe(db);
    expect(cacheFileOf(db)).not.toBeNull();
    const report = await warmUpOf(db)!;
    expect(report.stopped).toBe(true);
    expect(report.tables).toEqual([]);
  });

  it('does not run when DuckDB works in memory', async () => {
    const db = await startDuckDb({ persist: false });
    try {
      expect(cacheFileOf(db)).toBeNull();
      expect(warmUpOf(db)).toBeUndefined();
    } finally {
      await closeDatabase(db);
    }
  });
});
