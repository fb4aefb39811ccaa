// The join and pivot SQL against real DuckDB, over small tables whose expected answers are worked out by hand below.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AsyncDuckDBConnection } from '@duckdb/duckdb-wasm';
import { getDuckDb } from '../../../src/query/duckdb';
import { renamedRelation, timeJoinSql, type Relation } from '../../../src/query/time-join';

const H = 3600 * 1_000_000; // one hour in µs
let conn: AsyncDuckDBConnection;

beforeAll(async () => {
  conn = await (await getDuckDb()).connect();
});
afterAll(() => conn.close());

/** A temp table `name` of (timestamp, …columns) rows at whole hours; returns it as a Relation. */
async function table(name: string, cols: Record<string, 'DOUBLE'>, rows: [number, ...(number | null)[]][]): Promise<Relation> {
  const names = Object.keys(cols);
  await conn.query(`CREATE OR REPLACE TEMP TABLE ${name} (timestamp TIMESTAMP, ${names.map((c) => `"${c}" DOUBLE`).join(', ')})`);
  const values = rows.map(([h, ...v]) => `(make_timestamp(${h * H}::BIGINT), ${v.map((x) => (x === null ? 'NULL' : String(x))).join(', ')})`);
  await conn.query(`INSERT INTO ${name} VALUES ${values.join(', ')}`);
  return { from: name, columns: [{ name: 'timestamp', type: 'TIMESTAMP' }, ...names.map((n) => ({ name: n, type: 'DOUBLE' }))] };
}

/** Rows as plain objects with the time in hours. */
async function rows(r: Relation): Promise<Record<string, unknown>[]> {
  const t = await conn.query(`SELECT * FROM ${r.from}`);
  return t.toArray().map((row) => {
    const o = row.toJSON() as Record<string, unknown>;
    o.timestamp = o.timestamp === null ? null : Number(o.timestamp) / 3_600_000; // Arrow gives ms
    return o;
  });
}

describe('timeseries join SQL', () => {
  it('two inputs sharing one timestamp: 3 rows, nulls where an input has no row, the time never null', async () => {
    const a = await table('ja', { a: 'DOUBLE' }, [[1, 1], [2, 2]]);
    const b = await table('jb', { b: 'DOUBLE' }, [[2, 20], [3, 30]]);
    const j = timeJoinSql([{ scope: 'A', parts: [{ relation: a, what: 'a' }] }, { scope: 'B', parts: [{ relation: b, what: 'b' }] }], { timeColumn: 'timestamp' });
    expect(j.columns.map((c) => c.name)).toEqual(['timestamp', 'A.a', 'B.b']);
    expect(await rows(j)).toEqual([
      { timestamp: 1, 'A.a': 1, 'B.b': null },
      { timestamp: 2, 'A.a': 2, 'B.b': 20 },
      { timestamp: 3, 'A.a': null, 'B.b': 30 },
    ]);
  });

  it('a sensor swap: the old device up to 04:00, the new one from 04:00 — one continuous column, no duplicate or gap', async () => {
    const old = await table('sw_old', { v: 'DOUBLE' }, [0, 1, 2, 3, 4, 5].map((h) => [h, h]));
    const fresh = await table('sw_new', { v: 'DOUBLE' }, [3, 4, 5, 6, 7, 8].map((h) => [h, 100 + h]));
    const air = await table('sw_air', { t: 'DOUBLE' }, [0, 1, 2, 3, 4, 5, 6, 7, 8].map((h) => [h, 50 - h]));
    const j = timeJoinSql([
      { scope: 'Lake', parts: [{ relation: old, end: 4 * H, what: 'old' }, { relation: fresh, begin: 4 * H, what: 'new' }] },
      { scope: 'Air', parts: [{ relation: air, what: 'air' }] },
    ], { timeColumn: 'timestamp' });
    const got = await rows(j);
    expect(got.map((r) => r.timestamp)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(got.map((r) => r['Lake.v'])).toEqual([0, 1, 2, 3, 104, 105, 106, 107, 108]);
    expect(got.map((r) => r['Air.t'])).toEqual([50, 49, 48, 47, 46, 45, 44, 43, 42]);
  });

  it('a rename before scoping puts the old device\'s "temp" into the new device\'s "temperature"', async () => {
    const old = await table('rn_old', { temp: 'DOUBLE' }, [[0, 10], [1, 11]]);
    const fresh = await table('rn_new', { temperature: 'DOUBLE' }, [[2, 12], [3, 13]]);
    const other = await table('rn_other', { x: 'DOUBLE' }, [[0, 1]]);
    const renamed = renamedRelation(old, new Map([['temp', 'temperature']]));
    const j = timeJoinSql([
      { scope: 'S', parts: [{ relation: renamed, what: 'old' }, { relation: fresh, what: 'new' }] },
      { scope: 'O', parts: [{ relation: other, what: 'other' }] },
    ], { timeColumn: 'timestamp' });
    expect(j.columns.map((c) => c.name)).toEqual(['timestamp', 'S.temperature', 'O.x']);
    expect((await rows(j)).map((r) => r['S.temperature'])).toEqual([10, 11, 12, 13]);
  });

  it('refuses an input without the time column, and two inputs giving one column name, naming them', () => {
    const noTime: Relation = { from: 'x', columns: [{ name: 'when', type: 'TIMESTAMP' }] };
    expect(() => timeJoinSql([{ parts: [{ relation: noTime, what: '/a.series' }] }], { timeColumn: 'timestamp' })).toThrow(/\/a\.series: has no time column "timestamp" \(its columns: when\)/);
    const r: Relation = { from: 'x', columns: [{ name: 'timestamp', type: 'TIMESTAMP' }, { name: 'v', type: 'DOUBLE' }] };
    expect(() => timeJoinSql([{ parts: [{ relation: r, what: '/a' }] }, { parts: [{ relation: r, what: '/b' }] }], { timeColumn: 'timestamp' })).toThrow(/two inputs give the column "v" \(\/a and \/b\)/);
  });
});

describe('timeseries pivot SQL', () => {
  it('three sites, one without "temp": one row per distinct time, its temp column all null', async () => {
    const x = await table('pv_x', { do: 'DOUBLE', temp: 'DOUBLE', extra: 'DOUBLE' }, [[0, 8, 20, 1], [1, 8.5, 21, 1]]);
    const y = await table('pv_y', { do: 'DOUBLE', temp: 'DOUBLE' }, [[1, 7, 19], [2, 7.5, 18]]);
    const z = await table('pv_z', { do: 'DOUBLE' }, [[0, 9], [2, 9.5]]);
    const groups = [['X', x], ['Y', y], ['Z', z]] as const;
    const p = timeJoinSql(groups.map(([scope, relation]) => ({ scope, parts: [{ relation, what: scope }] })), { timeColumn: 'timestamp', columns: ['do', 'temp'] });
    expect(p.columns.map((c) => c.name)).toEqual(['timestamp', 'X.do', 'X.temp', 'Y.do', 'Y.temp', 'Z.do', 'Z.temp']);
    expect(await rows(p)).toEqual([
      { timestamp: 0, 'X.do': 8, 'X.temp': 20, 'Y.do': null, 'Y.temp': null, 'Z.do': 9, 'Z.temp': null },
      { timestamp: 1, 'X.do': 8.5, 'X.temp': 21, 'Y.do': 7, 'Y.temp': 19, 'Z.do': null, 'Z.temp': null },
      { timestamp: 2, 'X.do': null, 'X.temp': null, 'Y.do': 7.5, 'Y.temp': 18, 'Z.do': 9.5, 'Z.temp': null },
    ]);
  });
});
