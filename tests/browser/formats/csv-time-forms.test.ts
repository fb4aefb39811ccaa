// importCsv with each time form DuckDB's sniffer leaves as text (or reads day-first silently), in real duckdb-wasm.
// Expected instants are written with Date.UTC by hand.
import { beforeAll, describe, expect, it } from 'vitest';
import type { AsyncDuckDB } from '@duckdb/duckdb-wasm';
import { importCsv } from '../../../src/formats/csv';
import { parquetToArrow } from '../../../src/formats/parquet';
import type { CsvImportOptions } from '../../../src/formats/types';
import { getDuckDb } from '../../../src/query/duckdb';

let db: AsyncDuckDB;
beforeAll(async () => { db = await getDuckDb(); });

const us = (...a: [number, number, number, number?, number?, number?]) => Date.UTC(...a) * 1000;
async function run(text: string, opts?: CsvImportOptions) {
  const r = await importCsv(db, new File([text], 'in.csv'), 'in.csv', opts);
  const t = await parquetToArrow(r.parquet!);
  const micros = (col: string) => t.getChild(col)!.data.flatMap((d) => Array.from(d.values as BigInt64Array, Number));
  return { r, t, micros };
}

describe('time forms in CSV text', () => {
  it('month names in a column that is not first', async () => {
    const { r, micros } = await run('site,day,v\nA,Jan 1 2000,1\nA,Feb 13 2000,2\nA,Dec 31 2000,3\n');
    expect(r.timestampColumn).toBe('day');
    expect(r.time).toMatchObject({ column: 'day', format: 'Jan 31 2000 (%b %d %Y)', zone: 'UTC' });
    expect(micros('day')).toEqual([us(2000, 0, 1), us(2000, 1, 13), us(2000, 11, 31)]);
    expect(r.minEventTime).toBe(us(2000, 0, 1));
  });
  it('full month names with a comma (quoted)', async () => {
    const { micros } = await run('d,v\n"January 1, 2000",1\n"February 13, 2000",2\n');
    expect(micros('d')).toEqual([us(2000, 0, 1), us(2000, 1, 13)]);
  });
  it('ISO without seconds, and ISO with offsets in a later column', async () => {
    expect((await run('t,v\n2000-01-01 13:00,1\n2000-01-02 14:30,2\n')).micros('t')).toEqual([us(2000, 0, 1, 13), us(2000, 0, 2, 14, 30)]);
    const z = await run('v,at\n1,2000-01-01T13:00:00+02:00\n2,2000-01-01T13:00:00Z\n');
    expect(z.r.timestampColumn).toBe('at');
    expect(z.r.time?.zone).toBe('offsets in the data, stored as UTC');
    expect(z.micros('at')).toEqual([us(2000, 0, 1, 11), us(2000, 0, 1, 13)]);
  });
  it('ambiguous day/month times are month-first and say so; dayFirst turns them', async () => {
    const text = 'when,v\n01/02/2000 13:00,1\n03/04/2000 14:30,2\n';
    const a = await run(text);
    expect(a.r.time).toMatchObject({ column: 'when', dayFirst: false, dayOrder: 'assumed' });
    expect(a.micros('when')).toEqual([us(2000, 0, 2, 13), us(2000, 2, 4, 14, 30)]);
    const b = await run(text, { dayFirst: true });
    expect(b.r.time).toMatchObject({ dayFirst: true, dayOrder: 'given' });
    expect(b.micros('when')).toEqual([us(2000, 1, 1, 13), us(2000, 3, 3, 14, 30)]);
  });
  it('dates the sniffer reads day-first unasked are month-first unless the content proves day-first', async () => {
    expect((await run('day,v\n01/02/2000,1\n03/04/2000,2\n')).micros('day')).toEqual([us(2000, 0, 2), us(2000, 2, 4)]);
    const p = await run('day,v\n01/02/2000,1\n13/02/2000,2\n');
    expect(p.r.time).toMatchObject({ dayFirst: true, dayOrder: 'content' });
    expect(p.micros('day')).toEqual([us(2000, 1, 1), us(2000, 1, 13)]);
  });
  it('epoch milliseconds without a time name, by their values', async () => {
    const { r, micros } = await run('id,stamp,v\n1,1704067200000,1\n2,1704067260000,2\n3,1704067320000,3\n');
    expect(r.time).toMatchObject({ column: 'stamp', format: 'epoch milliseconds' });
    expect(micros('stamp')).toEqual([us(2024, 0, 1), us(2024, 0, 1, 0, 1), us(2024, 0, 1, 0, 2)]);
  });
  it('a value past the sample that the form cannot read is a reject with its line, not a null', async () => {
    const lines = ['day,v'];
    for (let i = 0; i < 6000; i++) lines.push(`Jan ${(i % 28) + 1} 2000,${i}`);
    lines.push('sometime,-1', 'Feb 1 2000,-2');
    const { r, micros } = await run(lines.join('\n') + '\n');
    expect(r.rows).toBe(6001);
    expect(r.rejects.map((x) => [x.line, x.errors[0]!.type, x.errors[0]!.column])).toEqual([[6002, 'CAST', 'day']]);
    expect(micros('day').at(-1)).toBe(us(2000, 1, 1));
  });
  it('another date column keeps its ISO dates when the time column brings its own format', async () => {
    const { r, t, micros } = await run('when,opened,v\nJan 1 2000,2001-03-04,1\nJan 2 2000,2001-03-05,2\n');
    expect(r.timestampColumn).toBe('when');
    expect(micros('when')).toEqual([us(2000, 0, 1), us(2000, 0, 2)]);
    expect(String(t.schema.fields[1]!.type)).toMatch(/^Date/);
    expect(Array.from(t.getChild('opened')!.toArray() as ArrayLike<unknown>, (x) => new Date(Number(x)).toISOString().slice(0, 10))).toEqual(['2001-03-04', '2001-03-05']);
  });
  it('requireTime refuses before reading, naming the columns and forms tried', async () => {
    const e = await importCsv(db, new File(['site,count\nA,3\nB,5\n'], 'counts.csv'), 'counts.csv', { requireTime: true }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'INVALID_INPUT', detail: { reason: 'no-time-column', columns: ['site', 'count'] } });
    expect(String((e as Error).message)).toMatch(/columns tried: site \(VARCHAR: "A" fits no time form\); count \(BIGINT: numbers, not times.*Forms tried: ISO 8601/);
  });
});
