// DuckDB's cache file (query-cache-file.ts, version-catalog.ts): decoded versions outlive a restart of DuckDB, are
// found by their content hash, never shared wrongly, bounded, and a damaged file is made anew. Real duckdb-wasm on
// real OPFS; a "restart" is a new DuckDB worker on the same file.
import { afterAll, describe, expect, it } from 'vitest';
import { startDuckDb } from '../../../src/query/duckdb';
import { QueryEngine } from '../../../src/query/engine';
import { cacheFileOf, closeDatabase, removeIdleCacheFiles } from '../../../src/query/query-cache-file';
import { VersionCatalog } from '../../../src/query/version-catalog';
import { col, f64, HOUR, series, T0, times, version, type TestVersion } from './helpers';

/** A version whose content id is unique to this test run (so earlier runs' cache files cannot answer for it). */
async function hashed(n: number, start: number, values: number[]): Promise<TestVersion> {
  const v = await version(n, times(start, HOUR, values.length), { v: f64(values) });
  v.contentId = Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => b.toString(16).padStart(2, '0')).join('');
  return v;
}

/** This file's own cache files: other test pages running at the same time use the default ones. */
const stem = `test-cache-${crypto.randomUUID().slice(0, 8)}`;

async function withEngine<T>(fn: (engine: QueryEngine, file: string | null) => Promise<T>): Promise<T> {
  const db = await startDuckDb({ stem });
  const engine = new QueryEngine({ db, maxResultBytes: 0 });
  try {
    return await fn(engine, cacheFileOf(db));
  } finally {
    await engine.close();
    await closeDatabase(db);
  }
}

const SUM = 'SELECT sum(v) AS s, count(*) AS n FROM s';

describe('DuckDB cache file', () => {
  afterAll(async () => {
    const root = await navigator.storage.getDirectory();
    for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys()) {
      if (name.startsWith(stem)) await root.removeEntry(name);
    }
  });

  it('keeps decoded versions across a restart: the second DuckDB answers without decoding them', async () => {
    const a = await hashed(1, T0, [1, 2, 3]);
    const b = await hashed(2, T0 + 3 * HOUR, [10, 20]);
    const first = await withEngine(async (engine, file) => {
      expect(file).toBe(`opfs://${stem}-0.duckdb`);
      await engine.bind('s', series('f1', [a, b]));
      return { s: col(await engine.query(SUM), 's'), n: col(await engine.query(SUM), 'n') };
    });
    expect(first).toEqual({ s: [36], n: [5] });
    expect([a.loads, b.loads]).toEqual([1, 1]);
    const again = await withEngine(async (engine) => {
      await engine.bind('s', series('another-key', [a, b])); // found by content, whatever the file is called now
      return col(await engine.query(SUM), 's');
    });
    expect(again).toEqual([36]);
    expect([a.loads, b.loads]).toEqual([1, 1]); // read from the cache file, not decoded again
  });

  it('never answers for a version whose content differs, even under the same file key and number', async () => {
    const one = await hashed(1, T0, [5]);
    await withEngine(async (engine) => { await engine.bind('s', series('same', [one])); await engine.query(SUM); });
    const other = await hashed(1, T0, [7]); // same key and version number, other bytes (other hash)
    const s = await withEngine(async (engine) => { await engine.bind('s', series('same', [other])); return col(await engine.query(SUM), 's'); });
    expect(s).toEqual([7]);
    expect(other.loads).toBe(1);
  });

  it('two engines on one DuckDB decode a shared version once and both read it', async () => {
    const v = await hashed(1, T0, [2, 4, 6, 8]);
    const db = await startDuckDb({ stem });
    const e1 = new QueryEngine({ db, maxResultBytes: 0 });
    const e2 = new QueryEngine({ db, maxResultBytes: 0 });
    try {
      await Promise.all([e1.bind('s', series('x', [v])), e2.bind('s', series('y', [v]))]);
      const [r1, r2] = await Promise.all([e1.query(SUM), e2.query(SUM)]);
      expect(col(r1, 's')).toEqual([20]);
      expect(col(r2, 's')).toEqual([20]);
      expect(v.loads).toBe(1);
    } finally {
      await e1.close();
      await e2.close();
      await closeDatabase(db);
    }
  });

  it('stays within its byte limit, dropping the least recently used versions (which then decode again)', async () => {
    const vs = await Promise.all([0, 1, 2].map((i) => hashed(1, T0, Array.from({ length: 1000 }, (_, k) => k + i))));
    const db = await startDuckDb({ stem });
    const engine = new QueryEngine({ db, maxResultBytes: 0, maxPersistentBytes: 20_000 }); // one version is ~16 KB of Arrow
    try {
      for (const [i, v] of vs.entries()) {
        await engine.bind(`s${i}`, series(`k${i}`, [v]));
        // sum of k + i for k < 1000, computed here: 499500 + 1000 i
        expect(col(await engine.query(`SELECT sum(v) AS s FROM s${i}`), 's')).toEqual([499_500 + 1000 * i]);
      }
      const conn = await db.connect();
      const kept = (await conn.query(`SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE table_name LIKE '__pond_p_%' AND table_name IN (${vs.map((v) => `'__pond_p_${v.contentId!.slice(0, 32)}'`).join(',')})`)).toArray()[0].n;
      await conn.close();
      expect(kept).toBe(1); // only the newest fits
      await engine.bind('again', series('k0-again', [vs[0]!]));
      expect(col(await engine.query('SELECT sum(v) AS s FROM again'), 's')).toEqual([499_500]);
      expect(vs[0]!.loads).toBe(2); // dropped from the file, so decoded once more
    } finally {
      await engine.close();
      await closeDatabase(db);
    }
  });

  it('drops what it does not record (a table a person made) when DuckDB opens the file again', async () => {
    const file = await withEngine(async (engine, f) => {
      await engine.userQuery('CREATE TABLE mine AS SELECT 42 AS x');
      expect(col(await engine.userQuery('SELECT x FROM mine'), 'x')).toEqual([42]);
      return f;
    });
    const db = await startDuckDb({ stem });
    try {
      expect(cacheFileOf(db)).toBe(file); // the same (lowest free) file again
      const conn = await db.connect();
      const n = (await conn.query(`SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE table_name = 'mine'`)).toArray()[0].n;
      await conn.close();
      expect(n).toBe(0);
    } finally {
      await closeDatabase(db);
    }
  });

  it('forgets decoded rows on request (a pond was deleted): in a running DuckDB and in files no DuckDB has open', async () => {
    const v = await hashed(1, T0, [1, 1]);
    const db = await startDuckDb({ stem });
    const engine = new QueryEngine({ db, maxResultBytes: 0 });
    try {
      await engine.bind('s', series('g', [v]));
      await engine.query(SUM);
      await (await VersionCatalog.of(db)).clear();
      await engine.bind('s', series('g2', [v]));
      expect(col(await engine.query(SUM), 's')).toEqual([2]);
      expect(v.loads).toBe(2); // gone from the file, so decoded again
    } finally {
      await engine.close();
      await closeDatabase(db);
    }
    const root = await navigator.storage.getDirectory();
    await root.getFileHandle(`${stem}-0.duckdb`); // there, and no DuckDB has it open now
    await removeIdleCacheFiles(stem);
    await expect(root.getFileHandle(`${stem}-0.duckdb`)).rejects.toThrow(/could not be found|NotFound/i);
  });

  it('makes a damaged cache file anew instead of failing', async () => {
    const v = await hashed(1, T0, [3, 4]);
    const file = await withEngine(async (engine, f) => { await engine.bind('s', series('d', [v])); await engine.query(SUM); return f; });
    const name = file!.slice('opfs://'.length);
    const root = await navigator.storage.getDirectory();
    const handle = await root.getFileHandle(name);
    const w = await handle.createWritable();
    await w.write(new TextEncoder().encode('this is not a DuckDB database file'.repeat(200)));
    await w.close();
    const s = await withEngine(async (engine, f) => {
      expect(f).toBe(file);
      await engine.bind('s', series('d', [v]));
      return col(await engine.query(SUM), 's');
    });
    expect(s).toEqual([7]);
    expect(v.loads).toBe(2); // the damaged file held nothing usable
  });
});
