// In Chromium with real duckdb-wasm: the engine over a version read by ranges (query/ranged-tables.ts), its ranges
// served from the version's own bytes and checked against the hashes computed for them (formats/parquet-ranges.ts),
// counting which row groups are read. The answers are checked against the same SQL over the version read whole, in
// another engine; the row groups a query reads against those whose times (decoded here) meet its filter.
import { afterAll, describe, expect, it } from 'vitest';
import { Table } from 'apache-arrow';
import { arrowToParquet, parquetToArrow } from '../../../src/formats/parquet';
import { computeRanges, decodeRanges, encodeRanges } from '../../../src/formats/parquet-ranges';
import { sha256Hex } from '../../../src/pond/hash';
import { PondError } from '../../../src/core/errors';
import { QueryEngine, type BindSource } from '../../../src/query/engine';
import type { VersionRanges } from '../../../src/query/ranged-parquet';
import { f64, HOUR, T0, timestamps, times } from './helpers';

const ROWS = 24 * 480; // 480 days of hourly readings: large enough (≥ 256 KiB) to be read by ranges
const GROUP = 24 * 40; // 12 row groups of 40 days

async function versionBytes(): Promise<Uint8Array> {
  const t = times(T0, HOUR, ROWS);
  const noise = Array.from({ length: ROWS }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1);
  const col = (k: number) => f64(noise.map((x, i) => (x * (k + 1) + Math.cos(i * k)) % 1));
  return arrowToParquet(new Table({ ts: timestamps(t), v: f64(noise), w: col(1), x: col(2), y: col(3) }), { rowGroupRows: GROUP });
}

/** Ranges over `bytes`, each read checked against the hash computed for it, the row groups read counted. */
async function rangesOf(bytes: Uint8Array) {
  const computed = (await computeRanges(bytes.length, async (o, n) => bytes.slice(o, o + n), 'test'))!;
  const r = decodeRanges(encodeRanges(computed), bytes.length, 'test');
  const read: number[] = [];
  const checked = async (o: number, n: number, sha: string) => {
    const b = bytes.slice(o, o + n);
    if ((await sha256Hex(b)) !== sha) throw new PondError('CORRUPT', `test: bytes ${o}+${n} do not match`);
    return b;
  };
  const ranges: VersionRanges = {
    size: bytes.length,
    rowGroups: r.rowGroups.length,
    footer: () => checked(r.footer.offset, r.footer.length, r.footer.sha256),
    rowGroup: (i) => { read.push(i); return checked(r.rowGroups[i]!.offset, r.rowGroups[i]!.length, r.rowGroups[i]!.sha256); },
    rowGroupAt: (i) => r.rowGroups[i]!,
  };
  return { ranges, read };
}

const engines: QueryEngine[] = [];
afterAll(async () => {
  for (const e of engines) await e.close();
});

async function setup() {
  const bytes = await versionBytes();
  const { ranges, read } = await rangesOf(bytes);
  const whole: BindSource = { fileKey: 'node-1', kind: 'series', timestampColumn: 'ts', versions: [{ version: 1, minEventTime: T0, maxEventTime: T0 + (ROWS - 1) * HOUR, load: async () => bytes.slice(), contentId: 'x'.repeat(64) }] };
  const ranged: BindSource = { ...whole, versions: [{ ...whole.versions[0]!, ranges, load: () => Promise.reject(new Error('a version read by ranges is never loaded whole')) }] };
  const e = new QueryEngine();
  const reference = new QueryEngine();
  engines.push(e, reference);
  await e.bind('s', ranged);
  await reference.bind('s', whole);
  // The row groups that hold a time in [from, to): from the decoded times, not the footer's statistics.
  const groupTimes: [number, number][] = [];
  for (let i = 0; i < ROWS / GROUP; i++) {
    const t = (await parquetToArrow(bytes, 'check', ['ts'], [i])).getChild('ts')!;
    groupTimes.push([Number(t.get(0)) * 1000, Number(t.get(t.length - 1)) * 1000]);
  }
  const meeting = (from: number, to: number) => groupTimes.flatMap(([a, b], i) => (a < to && b >= from ? [i] : []));
  const same = async (sql: string) => expect(json(await e.query(sql))).toBe(json(await reference.query(sql)));
  return { e, reference, read, meeting, same, whole };
}

const json = (t: Table) => JSON.stringify(t.toArray(), (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
const day = (d: number) => T0 + d * 24 * HOUR;
const iso = (us: number) => new Date(us / 1000).toISOString().replace('T', ' ').replace('.000Z', '');

describe('the engine over a version read by ranges', () => {
  it('binds from the footer alone, and reads only the row groups a statement\'s time filter meets', async () => {
    const { e, read, meeting, same } = await setup();
    expect(read).toEqual([]);
    const sql = `SELECT count(*) AS n, sum(v) AS v, max(w) AS w FROM s WHERE ts >= '${iso(day(100))}' AND ts < '${iso(day(164))}'`;
    await same(sql);
    expect([...read].sort((a, b) => a - b)).toEqual(meeting(day(100), day(164)));
    expect(meeting(day(100), day(164))).toEqual([2, 3, 4]);
    // An engine statement (the lane of plots, pages and collectors) plans the same way.
    await e.query(`SELECT count(*) FROM s WHERE ts >= '${iso(day(400))}'`);
    expect(read.filter((i) => i >= 5)).toEqual([10, 11]);
  });

  it('a page (count, then rows in time order) reads every row group and equals the whole read', async () => {
    const { e, reference, read } = await setup();
    const a = await e.page('s', 2000, 50);
    const b = await reference.page('s', 2000, 50);
    expect(a.total).toBe(ROWS);
    expect(json(a.rows)).toBe(json(b.rows));
    expect(new Set(read).size).toBe(ROWS / GROUP);
  });

  it('the same version bound whole afterwards (a link kept on this device) reads the whole version, not the row groups held', async () => {
    const { e, same, whole, read } = await setup();
    await same(`SELECT count(*) AS n FROM s WHERE ts < '${iso(day(5))}'`);
    expect(read).toEqual([0]);
    await e.bind('s', whole);
    expect(Number((await e.query('SELECT count(*) AS n FROM s')).getChild('n')!.get(0))).toBe(ROWS);
    await same('SELECT count(*) AS n, sum(v) AS v FROM s');
  });

  it('with a cache too small to keep two versions, one evicted while another is read is fetched again, exactly', async () => {
    const { whole } = await setup();
    const bytes = await versionBytes();
    const one = await rangesOf(bytes);
    const two = await rangesOf(bytes);
    const small = new QueryEngine({ maxRows: GROUP * 3 });
    const reference = new QueryEngine();
    engines.push(small, reference);
    const bindAll = async (e: QueryEngine, ranged: boolean) => {
      for (const [name, fileKey, r] of [['a', 'node-a', one], ['b', 'node-b', two]] as const) {
        const v = whole.versions[0]!;
        await e.bind(name, { ...whole, fileKey, versions: [ranged ? { ...v, contentId: undefined, ranges: r.ranges } : { ...v, contentId: undefined }] });
      }
    };
    await bindAll(small, true);
    await bindAll(reference, false);
    const q = (name: string, from: number, to: number) => `SELECT count(*) AS n, sum(x) AS x, min(ts) AS first FROM ${name} WHERE ts >= '${iso(day(from))}' AND ts < '${iso(day(to))}'`;
    const check = async (name: string, from: number, to: number) => expect(json(await small.userQuery(q(name, from, to)))).toBe(json(await reference.userQuery(q(name, from, to))));
    await check('a', 0, 100);
    await check('b', 0, 100);
    await check('a', 40, 120);
    // 'b' was evicted while 'a' was read (the cache holds three row groups' rows): its row groups are read again, into
    // a new table (the same text again would be answered from the result cache, rightly: it is the same answer).
    const seen = two.read.length;
    await check('b', 0, 99);
    expect(two.read.slice(seen).sort()).toEqual([0, 1, 2]);
    await check('b', 300, 480);
    expect(one.read.sort()).toEqual([0, 1, 2]); // 'a' held what it needed throughout
  });

  it('keeps the answer exact when the version is evicted and bound again, and after a cancelled statement', async () => {
    const { e, same, read } = await setup();
    const march = `SELECT count(*) AS n, avg(v) AS v FROM s WHERE ts >= '${iso(day(120))}' AND ts < '${iso(day(160))}'`;
    await same(march);
    const ac = new AbortController();
    ac.abort();
    await expect(e.query(`SELECT count(*) FROM s WHERE ts >= '${iso(day(240))}'`, { signal: ac.signal })).rejects.toMatchObject({ code: 'ABORTED' });
    await e.forget('node-1'); // the pond dropped the file: its tables go
    const before = read.length;
    await same(march);
    expect(read.length).toBeGreaterThan(before); // fetched again into a new table
    await same(`SELECT count(*) AS n, avg(v) AS v FROM s WHERE ts >= '${iso(day(220))}' AND v > 0.5`);
  });
});
