import { afterAll, describe, expect, it } from 'vitest';
import { vectorFromArray, Utf8 } from 'apache-arrow';
import { isPondError, PondError } from '../../../src/core/errors';
import { QueryEngine } from '../../../src/query/engine';
import { catchError, col, f64, HOUR, i32, series, T0, times, version } from './helpers';

const engine = new QueryEngine();
afterAll(() => engine.close());


describe('QueryEngine over series versions', () => {
  it('reads three 4-row versions as one 12-row view', async () => {
    const vs = await Promise.all([0, 1, 2].map((k) => version(k + 1, times(T0 + k * 4 * HOUR, HOUR, 4), { v: f64([1, 2, 3, 4].map((x) => x + 10 * k)) })));
    await engine.bind('three', series('three', vs));
    const t = await engine.query('SELECT count(*)::INTEGER AS n, sum(v) AS s FROM three');
    expect(col(t, 'n')).toEqual([12]);
    expect(col(t, 's')).toEqual([10 + 50 + 90]);
  });

  it('reads a column added by a later version as null in older rows', async () => {
    const v1 = await version(1, times(T0, HOUR, 4), { v: f64([1, 2, 3, 4]) });
    const v2 = await version(2, times(T0 + 4 * HOUR, HOUR, 4), { v: f64([5, 6, 7, 8]), w: f64([50, 60, 70, 80]) });
    await engine.bind('added', series('added', [v1, v2]));
    const t = await engine.query('SELECT v, w FROM added ORDER BY ts');
    expect(col(t, 'v')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(col(t, 'w')).toEqual([null, null, null, null, 50, 60, 70, 80]);
  });

  it('refuses versions whose column type changed, naming the column and both types', async () => {
    const v1 = await version(1, times(T0, HOUR, 4), { v: f64([1, 2, 3, 4]) });
    const v2 = await version(2, times(T0 + 4 * HOUR, HOUR, 4), { v: vectorFromArray(['a', 'b', 'c', 'd'], new Utf8()) });
    const e = await catchError(engine.bind('changed', series('changed', [v1, v2])));
    expect(e.code).toBe('SCHEMA_MISMATCH');
    expect(e.message).toMatch(/"v"/);
    expect(e.message).toMatch(/Float64/);
    expect(e.message).toMatch(/Utf8/);
  });

  it('never loads versions outside the time range, and filters rows to it', async () => {
    const vs = await Promise.all([0, 1, 2].map((k) => version(k + 1, times(T0 + k * 10 * HOUR, HOUR, 10), { v: f64(Array(10).fill(k)) })));
    await engine.bind('pruned', series('pruned', vs), { timeRange: [T0 + 12 * HOUR, T0 + 15 * HOUR] });
    const t = await engine.query('SELECT count(*)::INTEGER AS n, min(v) AS lo, max(v) AS hi FROM pruned');
    expect(col(t, 'n')).toEqual([3]);
    expect(col(t, 'lo')).toEqual([1]);
    expect(vs.map((v) => v.loads)).toEqual([0, 1, 0]);
  });

  it('gives an empty view when every version is pruned', async () => {
    const v1 = await version(1, times(T0, HOUR, 4), { v: f64([1, 2, 3, 4]) });
    await engine.bind('none', series('none', [v1]), { timeRange: [T0 + 100 * HOUR, T0 + 101 * HOUR] });
    expect(col(await engine.query('SELECT count(*)::INTEGER AS n FROM none'), 'n')).toEqual([0]);
    expect(v1.loads).toBe(0);
  });

  it('decodes a version once across queries and re-binds (cache hit)', async () => {
    const v1 = await version(1, times(T0, HOUR, 4), { v: f64([1, 2, 3, 4]) });
    await engine.bind('cached', series('cached', [v1]));
    await engine.query('SELECT sum(v) FROM cached');
    await engine.query('SELECT max(v) FROM cached');
    await engine.bind('cached_again', series('cached', [v1]));
    await engine.query('SELECT count(*) FROM cached_again');
    expect(v1.loads).toBe(1);
  });

  it('evicts least recently used versions beyond its row limit and reloads them when queried again', async () => {
    const small = new QueryEngine({ maxRows: 10 });
    try {
      const a = await version(1, times(T0, HOUR, 8), { v: f64(Array(8).fill(1)) });
      const b = await version(1, times(T0, HOUR, 8), { v: f64(Array(8).fill(2)) });
      await small.bind('a', series('a', [a]));
      await small.bind('b', series('b', [b]));
      expect((await small.cacheStats()).rows).toBeLessThanOrEqual(10);
      expect(col(await small.query('SELECT sum(v) AS s FROM a'), 's')).toEqual([8]);
      expect(col(await small.query('SELECT sum(v) AS s FROM b'), 's')).toEqual([16]);
      expect(a.loads).toBe(2);
      expect(b.loads).toBe(2);
      // A view of the caller's own over an evicted version is reloaded too (the statement does not name `a`).
      await small.query('CREATE TEMP VIEW mine AS SELECT v * 10 AS x FROM a');
      await small.query('SELECT count(*) FROM b');
      expect(col(await small.query('SELECT sum(x) AS s FROM mine'), 's')).toEqual([80]);
    } finally {
      await small.close();
    }
  });

  it('reads a table as its latest version only', async () => {
    const v1 = await version(1, times(T0, HOUR, 4), { v: f64([1, 2, 3, 4]) });
    const v2 = await version(2, times(T0, HOUR, 2), { v: f64([7, 8]) });
    await engine.bind('tbl', { fileKey: 'tbl', kind: 'table', versions: [v2, v1] });
    expect(col(await engine.query('SELECT v FROM tbl ORDER BY v'), 'v')).toEqual([7, 8]);
    expect(v1.loads).toBe(0);
  });

  it('reports DuckDB errors as QUERY with the SQL, the message and the position', async () => {
    const sql = 'SELECT nope FROM three';
    const e = await catchError(engine.query(sql));
    expect(e.code).toBe('QUERY');
    expect(e.message).toMatch(/nope/);
    expect(e.detail?.sql).toBe(sql);
    expect(e.detail?.position).toEqual({ line: 1, column: 7 });
  });

  it('cancels a running query with its AbortSignal and stays usable', async () => {
    const ac = new AbortController();
    const p = engine.query('SELECT count(*) FROM range(20000000000) a', { signal: ac.signal });
    setTimeout(() => ac.abort(), 200);
    const e = await catchError(p);
    expect(isPondError(e, 'ABORTED')).toBe(true);
    expect(col(await engine.query('SELECT 42 AS x'), 'x')).toEqual([42]);
  });

  it('does no work for an already aborted bind', async () => {
    const v1 = await version(1, times(T0, HOUR, 4), { v: f64([1, 2, 3, 4]) });
    const ac = new AbortController();
    ac.abort();
    const e = await catchError(engine.bind('aborted', series('aborted', [v1]), { signal: ac.signal }));
    expect(e.code).toBe('ABORTED');
    expect(v1.loads).toBe(0);
  });

  it('runs concurrent calls one at a time on its connection, each with its own result', async () => {
    const results = await Promise.all([1, 2, 3, 4, 5].map((k) => engine.query(`SELECT ${k} * count(*)::INTEGER AS n FROM three`)));
    expect(results.map((t) => col(t, 'n')[0])).toEqual([12, 24, 36, 48, 60]);
  });

  it('reads a version without rows', async () => {
    const v1 = await version(1, times(T0, HOUR, 4), { v: f64([1, 2, 3, 4]) });
    const v2 = await version(2, [], { v: f64([]) });
    await engine.bind('emptyv', series('emptyv', [v1, v2]));
    expect(col(await engine.query('SELECT count(*)::INTEGER AS n FROM emptyv'), 'n')).toEqual([4]);
  });

  it('pages rows in time order with the total', async () => {
    const v1 = await version(1, times(T0 + 5 * HOUR, HOUR, 5), { v: i32([5, 6, 7, 8, 9]) });
    const v2 = await version(2, times(T0, HOUR, 5), { v: i32([0, 1, 2, 3, 4]) });
    await engine.bind('paged', series('paged', [v1, v2]));
    const p = await engine.page('paged', 3, 4);
    expect(p.total).toBe(10);
    expect(col(p.rows, 'v')).toEqual([3, 4, 5, 6]);
    const last = await engine.page('paged', 8, 4);
    expect(col(last.rows, 'v')).toEqual([8, 9]);
  });

  it('treats zoned (UTC-adjusted) Parquet timestamps as plain UTC timestamps', async () => {
    const v1 = await version(1, times(T0, HOUR, 3), { v: f64([1, 2, 3]) }, 'UTC');
    await engine.bind('zoned', series('zoned', [v1]));
    const t = await engine.query(`SELECT epoch_us(time_bucket(INTERVAL 2 HOUR, ts, TIMESTAMP '1970-01-01'))::DOUBLE AS b FROM zoned ORDER BY ts`);
    expect(col(t, 'b')).toEqual([T0, T0, T0 + 2 * HOUR]);
  });
});
