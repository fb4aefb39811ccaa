// importCsv behaviour on small made-up files: policy (fatal vs rejected), event times, streaming, abort.
import { beforeAll, describe, expect, it } from 'vitest';
import type { AsyncDuckDB } from '@duckdb/duckdb-wasm';
import { isPondError } from '../../../src/core/errors';
import { importCsv } from '../../../src/formats/csv';
import { parquetToArrow } from '../../../src/formats/parquet';
import type { CsvImportOptions } from '../../../src/formats/types';
import { getDuckDb } from '../../../src/query/duckdb';

let db: AsyncDuckDB;
beforeAll(async () => { db = await getDuckDb(); });

const us = (iso: string) => Date.parse(iso) * 1000;
const file = (text: string | Uint8Array<ArrayBuffer>, name = 'in.csv') => new File([text], name);
const run = (text: string | Uint8Array<ArrayBuffer>, opts?: CsvImportOptions, name = 'in.csv') => importCsv(db, file(text, name), name, opts);
async function table(text: string, opts?: CsvImportOptions) {
  const r = await run(text, opts);
  return { r, t: await parquetToArrow(r.parquet!) };
}
/** Raw µs of a timestamp column (Vector.get would round to ms). */
const micros = (t: Awaited<ReturnType<typeof table>>['t'], col: string) =>
  t.getChild(col)!.data.flatMap((d) => Array.from(d.values as BigInt64Array, Number));
async function expectCode(p: Promise<unknown>, code: string, message: RegExp) {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(isPondError(e), String(e)).toBe(true);
  expect((e as { code: string }).code).toBe(code);
  expect(String((e as Error).message)).toMatch(message);
}

describe('fatal inputs', () => {
  it('an empty file is BAD_CSV naming the file', () => expectCode(run('', {}, 'empty.csv'), 'BAD_CSV', /^empty\.csv: the file is empty/));
  it('a file of blank lines has no columns: BAD_CSV', () => expectCode(run('\n\n\n', {}, 'blank.csv'), 'BAD_CSV', /^blank\.csv: no columns found/));
  it('a UTF-16 file is BAD_CSV', () => expectCode(run(new Uint8Array([0xff, 0xfe, 0x61, 0, 0x0a, 0]), {}, 'w.csv'), 'BAD_CSV', /w\.csv: the file is UTF-16/));
  it('a file whose every data line is bad is BAD_CSV with the first line', () =>
    expectCode(run('a,b\n1,2,3\n4,5,6\n', { header: true }, 'bad.csv'), 'BAD_CSV', /bad\.csv: every data line was rejected \(line 2/));
  it('an unknown time zone or time column is INVALID_INPUT', async () => {
    await expectCode(run('ts,v\n1,2\n', { timezone: 'Nowhere/Land' }), 'INVALID_INPUT', /unknown time zone/);
    await expectCode(run('ts,v\n1,2\n', { timestampColumn: 'when' }, 'x.csv'), 'INVALID_INPUT', /x\.csv: no column named "when"/);
  });
});

describe('shapes of CSV', () => {
  it('a header-only file gives 0 rows with its columns', async () => {
    const { r, t } = await table('timestamp,value\n');
    expect(r.rows).toBe(0);
    expect(t.numRows).toBe(0);
    expect(t.schema.fields.map((f) => f.name)).toEqual(['timestamp', 'value']);
    expect(r.minEventTime).toBeNull();
  });
  it('strips a UTF-8 BOM and reads CRLF lines', async () => {
    const { r, t } = await table('\uFEFFtimestamp,value\r\n2024-01-01T00:00:00Z,1.5\r\n2024-01-01T01:00:00Z,2.5\r\n');
    expect(r.timestampColumn).toBe('timestamp');
    expect(t.getChild('value')!.toArray()).toEqual(Float64Array.from([1.5, 2.5]));
  });
  it('keeps NaN and infinities', async () => {
    const { t } = await table('timestamp,value\n2024-01-01,1\n2024-01-02,NaN\n2024-01-03,inf\n2024-01-04,-Infinity\n');
    const v = Array.from(t.getChild('value')!.toArray() as Float64Array);
    expect(v[0]).toBe(1);
    expect(v[1]).toBeNaN();
    expect(v.slice(2)).toEqual([Infinity, -Infinity]);
  });
  it('keeps leading zeros by reading such a column as text', async () => {
    const { r, t } = await table('site,value\n0123,1\n0456,2\n');
    expect(r.columns.find((c) => c.name === 'site')!.type).toBe('text');
    expect(t.getChild('site')!.toArray()).toEqual(['0123', '0456']);
  });
  it('reports a value that does not fit its sniffed type, with its line, and keeps the rest', async () => {
    const lines = ['a,b'];
    for (let i = 0; i < 30_000; i++) lines.push(`${i},${i}`);
    lines.push('3,x', '5,6');
    const { r } = await table(lines.join('\n') + '\n');
    expect(r.rows).toBe(30_001);
    expect(r.rejects).toEqual([{ line: 30_002, byte: expect.any(Number), text: '3,x', errors: [expect.objectContaining({ type: 'CAST', column: 'b' })] }]);
  });
});

describe('line numbers', () => {
  it('count physical lines, also after a quoted field that spans lines', async () => {
    const r = await run('a,b\n"x\ny",1\nbad,2,3\nz,4\n');
    expect(r.rows).toBe(2);
    expect(r.rejects.map((x) => x.line)).toEqual([4]); // DuckDB itself says 3: it counts records
  });
});

describe('event times', () => {
  it('keeps duplicate and out-of-order timestamps and gives min/max in UTC µs', async () => {
    const { r, t } = await table('timestamp,v\n2024-01-02T00:00:00,1\n2024-01-01T00:00:00.123456,2\n2024-01-01T00:00:00.123456,3\n');
    expect(r.rows).toBe(3);
    expect(micros(t, 'timestamp')).toEqual([us('2024-01-02T00:00:00Z'), us('2024-01-01T00:00:00Z') + 123456, us('2024-01-01T00:00:00Z') + 123456]);
    expect(r.minEventTime).toBe(us('2024-01-01T00:00:00Z') + 123456);
    expect(r.maxEventTime).toBe(us('2024-01-02T00:00:00Z'));
    expect(r.columns[0]).toEqual({ name: 'timestamp', type: 'timestamp (µs, UTC by convention)', nullable: true });
  });
  it('converts times with offsets to UTC, also when the offset first appears after the sniffer sample', async () => {
    const lines = ['time,v'];
    for (let i = 0; i < 25_000; i++) lines.push(`2024-01-01T00:00:00Z,${i}`);
    lines.push('2024-06-01T12:00:00+02:00,-1');
    const { r, t } = await table(lines.join('\n') + '\n');
    expect(r.timestampColumn).toBe('time');
    expect(micros(t, 'time').at(-1)).toBe(us('2024-06-01T10:00:00Z'));
    expect(r.maxEventTime).toBe(us('2024-06-01T10:00:00Z'));
  });
  it('reads zone-less times in a named zone across a DST change', async () => {
    const { t, r } = await table('datetime,v\n2024-03-10 01:30:00,1\n2024-03-10 03:30:00,2\n2024-11-03 01:30:00,3\n', { timezone: 'America/New_York' });
    expect(micros(t, 'datetime')).toEqual([us('2024-03-10T06:30:00Z'), us('2024-03-10T07:30:00Z'), us('2024-11-03T05:30:00Z')]);
    expect(r.minEventTime).toBe(us('2024-03-10T06:30:00Z'));
  });
  it('reads epoch seconds and milliseconds', async () => {
    expect(micros((await table('ts,v\n1704067200,1\n1704067260,2\n')).t, 'ts')).toEqual([us('2024-01-01T00:00:00Z'), us('2024-01-01T00:01:00Z')]);
    expect(micros((await table('ts,v\n1704067200123,1\n')).t, 'ts')).toEqual([us('2024-01-01T00:00:00.123Z')]);
  });
  it('detects ISO dates in the first column whatever its name', async () => {
    const { r, t } = await table('day,v\n2024-01-01,1\n2024-01-02,2\n');
    expect(r.timestampColumn).toBe('day');
    expect(micros(t, 'day')).toEqual([us('2024-01-01T00:00:00Z'), us('2024-01-02T00:00:00Z')]);
  });
  it('has no time column when nothing looks like one', async () => expect((await run('a,b\nx,1\n')).timestampColumn).toBeNull());
  it('with an override, rejects the lines whose time cannot be read', async () => {
    const { r } = await table('when,v\n2024-01-01 00:00:00,1\nyesterday,2\n2024-01-02 00:00:00,3\n', { timestampColumn: 'when' });
    expect(r.rows).toBe(2);
    expect(r.rejects.map((x) => [x.line, x.errors[0]!.type, x.errors[0]!.column])).toEqual([[3, 'CAST', 'when']]);
  });
});

describe('big input: streaming, progress, abort', () => {
  const big = (n: number) => {
    const parts = ['timestamp,a,b\n'];
    const t0 = Date.parse('2024-01-01T00:00:00Z');
    for (let i = 0; i < n; i++) parts.push(`${new Date(t0 + i * 1000).toISOString()},${i},${i * 0.5}\n`);
    return parts.join('');
  };
  const text = big(200_000);
  it('writes Parquet to a sink in several chunks, reports progress, and reads back', async () => {
    const chunks: Uint8Array[] = [];
    const progress: [number, number][] = [];
    const r = await run(text, { sink: (c) => { chunks.push(c.slice()); }, rowGroupRows: 50_000, onProgress: (d, t) => progress.push([d, t]) });
    expect(r.parquet).toBeUndefined();
    expect(chunks.length).toBeGreaterThan(1);
    const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    chunks.reduce((at, c) => (bytes.set(c, at), at + c.length), 0);
    expect(bytes.length).toBe(r.parquetBytes);
    const t = await parquetToArrow(bytes);
    expect(t.numRows).toBe(200_000);
    expect(r.maxEventTime).toBe(us('2024-01-01T00:00:00Z') + 199_999 * 1_000_000);
    expect(progress.at(-1)).toEqual([text.length, text.length]);
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.every(([d, t], i) => d <= t && (i === 0 || d >= progress[i - 1]![0]))).toBe(true);
  });
  it('stops with ABORTED when cancelled mid-way, and DuckDB still works after', async () => {
    const ac = new AbortController();
    let calls = 0;
    await expectCode(run(text, { signal: ac.signal, onProgress: () => { if (++calls === 2) ac.abort(); } }), 'ABORTED', /cancelled/);
    await expectCode(run('a\n1\n', { signal: AbortSignal.abort() }), 'ABORTED', /cancelled/);
    expect((await run('a,b\n1,2\n')).rows).toBe(1);
  });
});
