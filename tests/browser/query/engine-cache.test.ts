import { afterAll, describe, expect, it } from 'vitest';
import { QueryEngine } from '../../../src/query/engine';
import { col, f64, HOUR, series, T0, times, version } from './helpers';

const engine = new QueryEngine();
afterAll(() => engine.close());

describe('QueryEngine result cache and unchanged re-binds', () => {
  it('answers a repeated read of bound views from its cache until a view changes', async () => {
    const v1 = await version(1, times(T0, HOUR, 4), { v: f64([1, 2, 3, 4]) });
    const v2 = await version(2, times(T0 + 4 * HOUR, HOUR, 4), { v: f64([10, 20, 30, 40]) });
    await engine.bind('rc', series('rc', [v1]));
    const sql = 'SELECT sum(v) AS s FROM rc';
    const a = await engine.query(sql);
    await engine.bind('rc', series('rc', [v1])); // unchanged: the cached result stays valid
    const b = await engine.query(sql);
    expect(b).toBe(a); // the very same result
    expect(col(b, 's')).toEqual([10]);
    await engine.bind('rc', series('rc', [v1, v2]));
    expect(col(await engine.query(sql), 's')).toEqual([110]);
    await engine.bind('rc', series('rc', [v1, v2]), { timeRange: [T0 + 4 * HOUR, T0 + 6 * HOUR] });
    expect(col(await engine.query(sql), 's')).toEqual([30]);
  });

  it('never caches reads of other tables, volatile functions or writes, and forgets on writes', async () => {
    const v1 = await version(1, times(T0, HOUR, 4), { v: f64([1, 2, 3, 4]) });
    await engine.bind('rc2', series('rc2', [v1]));
    await engine.query('CREATE OR REPLACE TEMP TABLE mine AS SELECT 1 AS x');
    const sql = 'SELECT sum(v) * (SELECT sum(x) FROM mine) AS s FROM rc2';
    expect(col(await engine.query(sql), 's')).toEqual([10]);
    await engine.query('INSERT INTO mine VALUES (2)');
    expect(col(await engine.query(sql), 's')).toEqual([30]);
    const r1 = await engine.query('SELECT random() AS r FROM rc2 LIMIT 1');
    const r2 = await engine.query('SELECT random() AS r FROM rc2 LIMIT 1');
    expect(r2).not.toBe(r1);
    const c1 = await engine.query('SELECT count(*) AS n FROM rc2');
    await engine.query('SET threads = 1'); // any statement that is not a plain read empties the cache
    expect(await engine.query('SELECT count(*) AS n FROM rc2')).not.toBe(c1);
  });

  it('does not cache reads of tables another connection may change', async () => {
    const { getDuckDb } = await import('../../../src/query/duckdb');
    const other = await (await getDuckDb()).connect();
    try {
      await other.query('CREATE OR REPLACE TABLE shared_rc AS SELECT 1 AS x');
      const v1 = await version(1, times(T0, HOUR, 4), { v: f64([1, 2, 3, 4]) });
      await engine.bind('rc5', series('rc5', [v1]));
      const sql = 'SELECT sum(v) * (SELECT sum(x) FROM shared_rc) AS s FROM rc5';
      expect(col(await engine.query(sql), 's')).toEqual([10]);
      await other.query('INSERT INTO shared_rc VALUES (2)');
      expect(col(await engine.query(sql), 's')).toEqual([30]);
    } finally {
      await other.query('DROP TABLE IF EXISTS shared_rc');
      await other.close();
    }
  });

  it('re-creates a view dropped behind its back when it is bound again', async () => {
    const v1 = await version(1, times(T0, HOUR, 4), { v: f64([1, 2, 3, 4]) });
    await engine.bind('rc3', series('rc3', [v1]));
    await engine.query('DROP VIEW rc3');
    await engine.bind('rc3', series('rc3', [v1]));
    expect(col(await engine.query('SELECT count(*)::INTEGER AS n FROM rc3'), 'n')).toEqual([4]);
    await engine.unbind('rc3');
    await engine.bind('rc3', series('rc3', [v1]));
    expect(col(await engine.query('SELECT count(*)::INTEGER AS n FROM rc3'), 'n')).toEqual([4]);
    expect(v1.loads).toBe(1);
  });

  it('reloads forgotten versions and does not serve results from before forget', async () => {
    const v1 = await version(1, times(T0, HOUR, 4), { v: f64([1, 2, 3, 4]) });
    await engine.bind('rc4', series('rc4', [v1]));
    const a = await engine.query('SELECT sum(v) AS s FROM rc4');
    await engine.forget('rc4');
    const b = await engine.query('SELECT sum(v) AS s FROM rc4');
    expect(b).not.toBe(a);
    expect(col(b, 's')).toEqual([10]);
    expect(v1.loads).toBe(2);
  });

  it('can be switched off', async () => {
    const off = new QueryEngine({ maxResultBytes: 0 });
    try {
      const v1 = await version(1, times(T0, HOUR, 4), { v: f64([1, 2, 3, 4]) });
      await off.bind('o', series('o', [v1]));
      const a = await off.query('SELECT sum(v) AS s FROM o');
      expect(await off.query('SELECT sum(v) AS s FROM o')).not.toBe(a);
    } finally {
      await off.close();
    }
  });
});
