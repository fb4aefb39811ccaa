// csv-small.ts against its reference, DuckDB's read_csv path (csv.ts): for every file the JS path takes, the same
// columns and types, the same values (every cell), the same time column, time facts and time form; and the files it
// must leave to csv.ts are left. The corpus: the real CSVs of ../shared/testdata/csv and files shaped like field data.
import { beforeAll, describe, expect, it } from 'vitest';
import type { AsyncDuckDB } from '@duckdb/duckdb-wasm';
import type { Table } from 'apache-arrow';
import { importCsv } from '../../../src/formats/csv';
import { importSmallCsv } from '../../../src/formats/csv-small';
import { parquetToArrow } from '../../../src/formats/parquet';
import type { CsvImportOptions, ImportResult } from '../../../src/formats/types';
import { getDuckDb } from '../../../src/query/duckdb';
import { demoCsv } from '../../../src/ui/demo-pond';

let db: AsyncDuckDB;
beforeAll(async () => { db = await getDuckDb(); });

const corpus = import.meta.glob('../../../../shared/testdata/csv/**/*.csv', { query: '?url', import: 'default', eager: true }) as Record<string, string>;

/** Every cell as text, raw µs for timestamps (Vector.get rounds them to ms), so the comparison is exact. */
function cells(t: Table): string[][] {
  return t.schema.fields.map((f) => {
    const col = t.getChild(f.name)!;
    if (String(f.type).startsWith('Timestamp')) {
      return col.data.flatMap((d) => Array.from({ length: d.length }, (_, i) => (d.getValid(i) ? String((d.values as BigInt64Array)[d.offset + i]) : 'null')));
    }
    return Array.from({ length: col.length }, (_, i) => { const v = col.get(i); return v === null ? 'null' : typeof v === 'number' && Object.is(v, -0) ? '-0' : String(v); });
  });
}

async function both(text: string | Blob, opts: CsvImportOptions = {}, name = 'in.csv') {
  const file = new File([text], name);
  const fast = await importSmallCsv(file, name, opts);
  const ref = await importCsv(db, file, name, opts).catch((e: unknown) => e);
  return { fast, ref };
}

/** The JS path took the file, and gives exactly what csv.ts gives. */
async function expectSame(text: string | Blob, opts: CsvImportOptions = {}, name = 'in.csv'): Promise<ImportResult> {
  const { fast, ref } = await both(text, opts, name);
  expect(ref, 'csv.ts must accept it').not.toBeInstanceOf(Error);
  expect(fast, `${name}: the JS path must take it`).toBeDefined();
  const r = ref as ImportResult;
  const f = fast!;
  expect(f.schema.fields.map((x) => `${x.name}: ${String(x.type)} ${x.nullable}`)).toEqual(r.schema.fields.map((x) => `${x.name}: ${String(x.type)} ${x.nullable}`));
  expect({ rows: f.rows, ts: f.timestampColumn, time: f.time, min: f.minEventTime, max: f.maxEventTime, ooo: f.outOfOrder, dup: f.duplicateTimes, columns: f.columns, rejected: f.rejectedLines })
    .toEqual({ rows: r.rows, ts: r.timestampColumn, time: r.time, min: r.minEventTime, max: r.maxEventTime, ooo: r.outOfOrder, dup: r.duplicateTimes, columns: r.columns, rejected: r.rejectedLines });
  expect(cells(await parquetToArrow(f.parquet!))).toEqual(cells(await parquetToArrow(r.parquet!)));
  return f;
}

/** The JS path leaves the file to csv.ts. */
async function expectLeft(text: string | Blob, opts: CsvImportOptions = {}, name = 'in.csv') {
  expect(await importSmallCsv(new File([text], name), name, opts), `${name} must be left to csv.ts`).toBeUndefined();
}

const hours = (n: number, f: (i: number, iso: string) => string, start = Date.UTC(2024, 0, 1)) =>
  Array.from({ length: n }, (_, i) => f(i, new Date(start + i * 3_600_000).toISOString()));

describe('the JS path gives what DuckDB gives', () => {
  it('a sensor file: ISO times with Z, doubles, integers, text, booleans, empty fields', async () => {
    const rows = hours(200, (i, iso) => `${iso},${(Math.sin(i) * 10).toFixed(3)},${i % 17},${i % 3 ? 'ok' : 'check, "maybe"'},${i % 2 === 0},${i % 11 ? (i / 7).toFixed(2) : ''}`);
    const r = await expectSame(`timestamp,temp,count,note,flag,depth\n${rows.map((l) => l.replace('check, "maybe"', '"check, ""maybe"""')).join('\n')}\n`);
    expect(r.timestampColumn).toBe('timestamp');
    expect(r.rows).toBe(200);
  });

  it('compiles no code at run time (the app\'s CSP has no unsafe-eval: Arrow\'s builders would fail in the worker)', async () => {
    const real = globalThis.Function;
    globalThis.Function = new Proxy(real, { construct: () => { throw new Error('new Function called'); }, apply: () => { throw new Error('Function called'); } });
    try {
      const r = await importSmallCsv(new File([`timestamp,v,s,b\n${hours(10, (i, iso) => `${iso},${i}.5,x${i},${i % 2 === 0}`).join('\n')}\n`], 'f.csv'), 'f.csv');
      expect(r?.rows).toBe(10);
    } finally {
      globalThis.Function = real;
    }
  });

  it('zone-less times, the time column not first, CRLF, a BOM, semicolons', async () => {
    await expectSame(`site,when,v\n${hours(50, (i, iso) => `a${i % 4},${iso.slice(0, 19).replace('T', ' ')},${i * 0.5}`).join('\n')}\n`);
    await expectSame(`\uFEFFtime,v\r\n${hours(30, (i, iso) => `${iso.slice(0, 19)},${i}`).join('\r\n')}\r\n`);
    await expectSame(`ts;level\n${hours(30, (i, iso) => `${iso};${-i * 1.25}`).join('\n')}\n`);
    await expectSame(`ts\tlevel\n${hours(30, (i, iso) => `${iso}\t${i}`).join('\n')}`); // no newline at the end
  });

  it('offsets, fractions of seconds to µs, dates only, duplicates and out-of-order times', async () => {
    await expectSame(`timestamp,v\n2024-03-01T10:00:00+02:00,1\n2024-03-01T08:00:00.123456Z,2\n2024-03-01T09:00:00-01:30,3\n2024-03-01T08:00:00.5Z,4\n`);
    await expectSame(`date,rain\n2012-01-01,0.5\n2012-01-03,1.25\n2012-01-02,0\n2012-01-02,3\n`);
  });

  it('a named zone, a chosen time column, and a table without times', async () => {
    const text = `reading,when,other\n${hours(40, (i, iso) => `${i}.5,${iso.slice(0, 19).replace('T', ' ')},x${i}`).join('\n')}\n`;
    await expectSame(text, { timezone: 'Europe/Berlin' });
    await expectSame(text, { timestampColumn: 'when' });
    await expectSame(`name,value,ok\n${Array.from({ length: 30 }, (_, i) => `n${i},${i * 3},${i % 2 ? 'TRUE' : 'false'}`).join('\n')}\n`);
  });

  it('times without seconds, as a weather export writes them (the file of the first-import benchmark)', async () => {
    await expectSame(`date,temperature_c,precipitation_mm,wind_m_s\n${hours(300, (i, iso) => `${iso.slice(0, 16).replace('T', ' ')},${(10 + Math.sin(i / 9) * 8).toFixed(2)},${((i * 7) % 13 / 10).toFixed(1)},${(3 + Math.cos(i / 5)).toFixed(2)}`).join('\n')}\n`);
  });

  it('quoted numbers and times, and quoted text across lines', async () => {
    await expectSame(`"ts","v","note"\n${hours(20, (i, iso) => `"${iso}","${i * 2}","line ${i}\nnext, with ""quotes"""`).join('\n')}\n`);
  });

  it('the first-run demo pond\'s file', async () => {
    await expectSame(demoCsv(new Date(Date.UTC(2026, 11, 1))), {}, 'lake-station.csv');
  });

  it('numbers at the edges: negatives, exponents, int64 limits, a column of 0 and 1', async () => {
    await expectSame(`ts,a,b,c,d\n${hours(12, (i, iso) => `${iso},${i % 2 ? -i : i},${(i + 1) * 1.5}e${i % 4},${i % 2 ? '9223372036854775807' : '-9223372036854775808'},${i % 2}`).join('\n')}\n`);
  });

  it('the real CSVs of the test data that it takes', async () => {
    let taken = 0;
    for (const [path, url] of Object.entries(corpus)) {
      const blob = await (await fetch(url)).blob();
      const name = path.split('/').pop()!;
      const { fast, ref } = await both(blob, {}, name);
      if (fast === undefined) continue;
      taken++;
      expect(ref, `${name}: csv.ts must accept what the JS path takes`).not.toBeInstanceOf(Error);
      await expectSame(blob, {}, name);
    }
    expect(taken).toBeGreaterThan(0);
  });
});

describe('what it leaves to csv.ts', () => {
  it('bad lines, bad quotes, invalid UTF-8 and every reject file of the test data', async () => {
    // maximum_line/* are bad only under a 10- or 20-byte line limit (taken above without one).
    for (const [path, url] of Object.entries(corpus).filter(([p]) => p.includes('/rejects/') && !p.includes('/maximum_line/'))) {
      await expectLeft(await (await fetch(url)).blob(), {}, path.split('/').pop()!);
    }
    await expectLeft('ts,v\n2024-01-01T00:00:00Z,1\n2024-01-01T01:00:00Z,2,3\n');
    await expectLeft('ts,v\n2024-01-01T00:00:00Z,"1"x\n');
    await expectLeft(new Blob([new Uint8Array([0x74, 0x73, 0x2c, 0x76, 0x0a, 0x32, 0x2c, 0xff, 0x0a])]));
  });

  it('doubtful types, forms and options', async () => {
    await expectLeft('ts,v\n2024-01-01T00:00:00Z,08123\n2024-01-01T01:00:00Z,1\n'); // a leading zero: DuckDB keeps text
    await expectLeft('ts,v\nJan 1 2000,1\nJan 2 2000,2\n'); // a text time form: csv.ts's strptime
    await expectLeft('ts,v\n946684800,1\n946688400,2\n946692000,3\n'); // epoch times
    await expectLeft('a,b\nx,y\nz,w\n'); // all text: whether the first line is a header is not certain
    await expectLeft('ts,v\n2024-01-01T00:00:00Z,1\n', { maxLineSize: 10 });
    await expectLeft('ts,v\n2024-01-01T00:00:00Z,1\n2024-01-01T01:00:00,2\n'); // zoned and zone-less mixed
    await expectLeft('ts,v\n2024-01-01T00:00:00Z,nan\n2024-01-01T01:00:00Z,1\n');
    await expectLeft('v,w\n1,2\n3,4\n', { requireTime: true }); // no time column: the refusal is csv.ts's
    await expectLeft('ts,v\n2024-01-01T00:00:00Z,1\n\n2024-01-01T02:00:00Z,2\n'); // a blank line
  });
});
