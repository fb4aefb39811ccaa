// Parquet time columns by type and by value (real parquet-wasm in node): epoch numbers without a time name, the
// refusal of a file with none, and the preview read without DuckDB. Expected instants written with Date.UTC.
import { describe, expect, it } from 'vitest';
import { Float64, Int64, makeData, makeVector, Table, tableToIPC, TimestampMillisecond, Utf8, vectorFromArray } from 'apache-arrow';
import { Table as WasmTable, writeParquet } from 'parquet-wasm';
import { importParquet } from '../../../src/formats/parquet-import';
import { previewParquet } from '../../../src/formats/import-preview';

const int64 = (xs: number[]) => makeVector(makeData({ type: new Int64(), length: xs.length, data: BigInt64Array.from(xs.map(BigInt)) }));
const f64 = (xs: number[]) => makeVector(makeData({ type: new Float64(), length: xs.length, data: Float64Array.from(xs) }));
const parquet = (t: Table) => writeParquet(WasmTable.fromIPCStream(tableToIPC(t, 'stream')));
const MS = [Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 1, 1), Date.UTC(2024, 0, 1, 2)];

describe('Parquet time columns', () => {
  it('an int64 column of rising epoch milliseconds is the time column, whatever its name', async () => {
    const bytes = parquet(new Table({ site: vectorFromArray(['a', 'b', 'c'], new Utf8()), stamp: int64(MS), v: f64([1, 2, 3]) }));
    const r = await importParquet(bytes, 'e.parquet', { requireTime: true });
    expect(r.time).toEqual({ column: 'stamp', format: 'epoch milliseconds', zone: 'UTC' });
    expect([r.minEventTime, r.maxEventTime]).toEqual([MS[0]! * 1000, MS[2]! * 1000]);
  });
  it('a file of numbers that are not times is refused as a series, naming every column', async () => {
    const bytes = parquet(new Table({ phone: int64([2095257564, 4155550100, 2125550199]), count: int64([3, 5, 8]) }));
    const e = await importParquet(bytes, 'n.parquet', { requireTime: true }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'INVALID_INPUT', detail: { reason: 'no-time-column', columns: ['phone', 'count'] } });
    expect((await importParquet(bytes, 'n.parquet')).timestampColumn).toBeNull(); // a table needs none
  });
  it('previews the first rows and the typed time column without DuckDB', async () => {
    const ts = makeVector(makeData({ type: new TimestampMillisecond(), length: 3, data: BigInt64Array.from(MS.map(BigInt)) }));
    const bytes = parquet(new Table({ v: f64([1, 2, 3]), at: ts }));
    const p = await previewParquet(new Blob([bytes as BlobPart]), 't.parquet');
    expect(p.kind).toBe('parquet');
    expect(p.timestampColumn).toBe('at');
    expect(p.rows).toEqual([['1', '2024-01-01T00:00:00Z'], ['2', '2024-01-01T01:00:00Z'], ['3', '2024-01-01T02:00:00Z']]);
    expect(p.columns.map((c) => [c.name, c.timeCandidate])).toEqual([['v', false], ['at', true]]);
  });
});
