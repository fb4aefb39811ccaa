// Times a Parquet int64 can hold beyond the JS safe range (issue 10), end to end in Chromium: the pond worker,
// real parquet-wasm and duckdb-wasm. Spark's INT96 file (9089380393200000000 µs, the year 290000), a series from
// the year 1 to 9999 and one out to the year 290000 list, describe, plot, show in SQL, export as CSV and as
// Hive partitions.
import { describe, expect, it } from 'vitest';
import { Float64, makeData, makeVector, Table, TimestampMicrosecond } from 'apache-arrow';
import { unzipSync } from 'fflate';
import { arrowToParquet, parquetToArrow } from '../../../src/formats/parquet';
import { exportCsv } from '../../../src/ui/table-export';
import type { PondClient } from '../../../src/ui/pond-client';
import { connect } from '../../helpers/pond-clients';

const good = import.meta.glob('../../../../shared/testdata/parquet/good/*.parquet', { query: '?url', import: 'default', eager: true }) as Record<string, string>;
const sparkUrl = Object.entries(good).find(([k]) => k.endsWith('/int96_from_spark.parquet'))![1];

const YEAR_1 = -62135596800000000n; // 0001-01-01T00:00:00Z, as Date.UTC cannot say (it reads 1 as 1901)
const YEAR_9999_END = 253402300799000000n; // 9999-12-31T23:59:59Z
const SPARK_MAX = 9089380393200000000n; // +290000-12-30T23:00:00Z (hand-computed in tests/unit/core/utc-micros.test.ts)

/** A series with a value per time: every ~50 years from the year 1 to 9999 (200 rows), then `extra` times. */
async function farSeries(extra: bigint[] = []): Promise<Blob> {
  const step = (YEAR_9999_END - YEAR_1) / 199n;
  const times = [...Array.from({ length: 199 }, (_, i) => YEAR_1 + BigInt(i) * step), YEAR_9999_END, ...extra];
  const table = new Table({
    timestamp: makeVector(makeData({ type: new TimestampMicrosecond(), length: times.length, data: BigInt64Array.from(times) })),
    v: makeVector(makeData({ type: new Float64(), length: times.length, data: Float64Array.from(times, (_, i) => Math.sin(i / 20)) })),
  });
  return new Blob([(await arrowToParquet(table)) as BlobPart]);
}

async function pondWithFarTimes(): Promise<PondClient> {
  const c = connect();
  await c.api.createPond('far times');
  const spark = await (await fetch(sparkUrl)).blob();
  await c.api.copyIn([{ name: 'spark.parquet', data: spark }], '/s/spark.series', { format: 'series', timestampColumn: 'a' });
  await c.api.copyIn([{ name: 'far.parquet', data: await farSeries() }], '/s/far.series', { format: 'series' });
  await c.api.copyIn([{ name: 'farther.parquet', data: await farSeries([SPARK_MAX]) }], '/s/farther.series', { format: 'series' });
  return c;
}

describe('times beyond 2^53 µs through the pond worker', () => {
  it('list -l, describe and show work, and describe gives the exact min and max', async () => {
    const c = await pondWithFarTimes();
    const list = await c.api.exec('list -l /**');
    expect(list).toMatchObject({ exitCode: 0, stderr: '' });
    expect(list.stdout.trim().split('\n')).toHaveLength(4);
    const spark = await c.api.describe('/s/spark.series');
    expect(BigInt(spark.versions[0]!.minEventTime!)).toBe(1704070800000000n);
    expect(BigInt(spark.versions[0]!.maxEventTime!)).toBe(SPARK_MAX);
    const far = await c.api.describe('/s/far.series');
    expect(BigInt(far.versions[0]!.minEventTime!)).toBe(YEAR_1);
    expect(BigInt(far.versions[0]!.maxEventTime!)).toBe(YEAR_9999_END);
    const text = await c.api.exec('describe /s/*.series');
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toContain('0001-01-01 00:00:00 .. 9999-12-31 23:59:59');
    expect(text.stdout).toContain('2024-01-01 01:00:00 .. +290000-12-30 23:00:00');
    expect((await c.api.exec('show')).exitCode).toBe(0);
  });

  it('plots the year 1 to 9999, and out to the year 290000, with x covering both ends', async () => {
    const c = await pondWithFarTimes();
    const far = await c.api.plot('/s/far.series', ['v'], 50);
    expect(far.x.length).toBeGreaterThan(50); // M4: first, last, min and max per pixel (shared ones merged)
    expect(far.x.length).toBeLessThanOrEqual(200);
    expect(far.x[0]).toBe(Number(YEAR_1) / 1e6);
    expect(far.x[far.x.length - 1]).toBe(Number(YEAR_9999_END) / 1e6);
    expect(far.y.v![far.x.length - 1]).toBeCloseTo(Math.sin(199 / 20), 12);
    expect(far.extent).toEqual([Number(YEAR_1), Number(YEAR_9999_END)]);
    for (let i = 1; i < far.x.length; i++) expect(far.x[i]!).toBeGreaterThan(far.x[i - 1]!);

    const farther = await c.api.plot('/s/farther.series', ['v'], 50);
    expect(farther.x[0]).toBe(Number(YEAR_1) / 1e6);
    expect(farther.x[farther.x.length - 1]).toBe(Number(SPARK_MAX) / 1e6);

    // Zoomed into the last day of the year 9999: bounds past 2^53 µs, the exact integer M4 form.
    const lastDay: [number, number] = [Number(YEAR_9999_END - 86_399_000_000n), Number(YEAR_9999_END + 1_000_000n)];
    const zoomed = await c.api.plot('/s/far.series', ['v'], 20, lastDay);
    expect(Array.from(zoomed.x)).toEqual([Number(YEAR_9999_END) / 1e6]);
    // A window as wide as int64 (its bounds beyond DuckDB's TIMESTAMP range are left out, not refused).
    const all = await c.api.plot('/s/farther.series', ['v'], 10, [-(2 ** 63), 2 ** 63 - 1024]);
    expect(all.x[all.x.length - 1]).toBe(Number(SPARK_MAX) / 1e6);
  });

  it('imports a CSV from the year 1 to 9999 and plots it end to end', async () => {
    const c = connect();
    await c.api.createPond('csv far');
    const text = 'timestamp,v\n0001-01-01T00:00:00Z,1\n2024-06-01T12:00:00Z,2\n9999-12-31T23:59:59Z,3\n';
    await c.api.copyIn([{ name: 'far.csv', data: new Blob([text]) }], '/far.series', { format: 'series' });
    const d = await c.api.describe('/far.series');
    expect([d.versions[0]!.minEventTime, d.versions[0]!.maxEventTime]).toEqual([Number(YEAR_1), Number(YEAR_9999_END)]);
    const plot = await c.api.plot('/far.series', ['v'], 100);
    expect(Array.from(plot.x)).toEqual([Number(YEAR_1) / 1e6, Date.UTC(2024, 5, 1, 12) / 1000, Number(YEAR_9999_END) / 1e6]);
    expect(plot.y.v).toEqual([1, 2, 3]);
  });

  it('shows such cells in SQL results and exports them as CSV and as Hive partitions', async () => {
    const c = await pondWithFarTimes();
    const cat = await c.api.exec('cat /s/spark.series --sql "SELECT a FROM source WHERE a IS NOT NULL ORDER BY a"');
    expect(cat).toMatchObject({ exitCode: 0, stderr: '' });
    expect(cat.stdout).toContain('9999-12-31 03:00:00Z'); // 253402225200000000 µs
    expect(cat.stdout).toContain('+290000-12-30 23:00:00Z');

    const csv = await (await exportCsv(c, '/s/spark.series', 'a', 6, () => undefined, new AbortController().signal)).text();
    expect(csv.split('\n')).toEqual([
      'a',
      '2024-01-01T01:00:00.000Z', '2024-01-01T20:34:56.123Z', '2024-12-30T23:00:00.000Z', '9999-12-31T03:00:00.000Z',
      '+290000-12-30T23:00:00.000Z', '', // the NULL row sorts last, then the final newline
      '',
    ]);

    const r = await c.api.exportSeries('/s/farther.series', { temporal: ['year'] });
    const years = r.files.map((f) => Number(/year=(-?\d+)/.exec(f.path)![1]));
    expect(years[0]).toBe(1);
    expect(years.at(-2)).toBe(9999);
    expect(years.at(-1)).toBe(290000);
    expect(r.files.reduce((n, f) => n + f.rows, 0)).toBe(201);
    const zip = unzipSync(r.data);
    const first = await parquetToArrow(zip[r.files[0]!.path]!);
    expect((first.getChild('timestamp')!.data[0]!.values as BigInt64Array)[0]).toBe(YEAR_1);
    const last = await parquetToArrow(zip[r.files.at(-1)!.path]!);
    expect(Array.from(last.getChild('timestamp')!.data[0]!.values as BigInt64Array)).toEqual([SPARK_MAX]);
  });
});
