import { describe, expect, it } from 'vitest';
import { makeData, makeVector, Table, Timestamp, TimeUnit, vectorFromArray, Float64 } from 'apache-arrow';
import { m4KeysSql, m4Sql, pixelSql } from '../../../src/query/m4';
import { aggregateSql, bucketStart, mergeReduced, parseResolution, reduceSql, touchedRange } from '../../../src/query/reduce';

const H = 3_600_000_000;

describe('M4 SQL', () => {
  const o = { timestampColumn: 'ts', columns: ['a', 'b'], range: [0, 1000] as [number, number], width: 10 };
  it('maps time to a pixel column clamped to the last pixel', () => {
    expect(pixelSql([0, 1000], 10)).toBe('((__m4_t - 0) * 10 // 1000)');
    // spans whose product with the width would overflow BIGINT fall back to doubles, clamped to the last pixel
    expect(pixelSql([0, 2 ** 52], 4000)).toBe(`least(3999, floor((__m4_t - 0) * ${4000 / 2 ** 52}))::BIGINT`);
  });
  it('maps the years 1 to 9999 (bounds past 2^53 µs) with exact BIGINT bounds, and int64-wide spans in DOUBLE', () => {
    const span = 253402300799000032 - -62135596800000000; // 315537897599000032, exact: both are multiples of 32
    expect(pixelSql([-62135596800000000, 253402300799000032], 1000))
      .toBe(`least(999, floor((__m4_t - -62135596800000000) * ${1000 / span}))::BIGINT`);
    // zoomed into a day of the year 9999: the integer form, its span exact
    expect(pixelSql([253402214400000000, 253402300800000000], 100)).toBe('((__m4_t - 253402214400000000) * 100 // 86400000000)');
    // a span of most of int64: t - start would overflow BIGINT
    expect(pixelSql([-(2 ** 63), 9089380393200000000], 10)).toMatch(/^least\(9, floor\(\(__m4_t::DOUBLE - -9223372036854775808::DOUBLE\) \* [\d.e-]+\)\)::BIGINT$/);
  });
  it('keeps first, last and each column\'s argmin and argmax per pixel', () => {
    const k = m4KeysSql('s', o);
    expect(k).toContain('min(__m4_t), max(__m4_t)');
    expect(k).toContain('arg_min(__m4_t, "a"), arg_max(__m4_t, "a"), arg_min(__m4_t, "b"), arg_max(__m4_t, "b")');
    expect(k).toContain('GROUP BY __m4_px');
  });
  it('joins the chosen times back to rows and emits x in seconds, in time order', () => {
    const sql = m4Sql('my series', o);
    expect(sql).toContain('FROM "my series" WHERE "ts" >= make_timestamp(0::BIGINT) AND "ts" < make_timestamp(1000::BIGINT)');
    expect(sql).toContain('SELECT epoch_us(r."ts") / 1e6 AS x, r."a", r."b" FROM "my series" r SEMI JOIN keys ON r."ts" = keys.__m4_t');
    expect(sql).toContain('WHERE r."ts" >= make_timestamp(0::BIGINT) AND r."ts" < make_timestamp(1000::BIGINT) ORDER BY r."ts"');
  });
  it('refuses a zero width or no columns', () => {
    expect(() => m4Sql('t', { ...o, width: 0 })).toThrow(/width/);
    expect(() => m4Sql('t', { ...o, columns: [] })).toThrow(/column/);
  });
});

describe('reduce SQL and buckets', () => {
  it('parses resolutions to µs', () => {
    expect(parseResolution('1h')).toBe(H);
    expect(parseResolution('24h')).toBe(24 * H);
    expect(parseResolution('15m')).toBe(15 * 60_000_000);
    expect(parseResolution('1d')).toBe(24 * H);
    expect(parseResolution(5)).toBe(5);
    expect(() => parseResolution('1 month')).toThrow(/resolution/);
    expect(() => parseResolution(0)).toThrow();
  });
  it('finds bucket starts from the epoch, also before 1970', () => {
    expect(bucketStart(H + 5, H)).toBe(H);
    expect(bucketStart(-5, H)).toBe(-H);
    expect(touchedRange(H + 5, 3 * H, H)).toEqual([H, 4 * H]);
  });
  it('names outputs col.agg and makes the average exact for constants and bounded by min and max', () => {
    expect(aggregateSql('v', 'max')).toBe('max("v") AS "v.max"');
    expect(aggregateSql('v', 'count')).toBe('count("v") AS "v.count"');
    expect(aggregateSql('v', 'avg')).toMatch(/CASE WHEN min\("v"\) = max\("v"\) THEN min\("v"\)::DOUBLE ELSE least\(greatest\(favg\("v"\), min\("v"\)\), max\("v"\)\) END AS "v.avg"/);
    const sql = reduceSql('s', { timestampColumn: 'ts', columns: ['v'], resolution: '2h', range: [0, 2 * H] });
    expect(sql).toMatch(/^SELECT time_bucket\(to_microseconds\(7200000000::BIGINT\), "ts", TIMESTAMP '1970-01-01'\) AS "ts", count\("ts"\) AS "ts.count"/);
    expect(sql).toContain('WHERE "ts" >= make_timestamp(0::BIGINT)');
    expect(sql.endsWith('GROUP BY 1 ORDER BY 1')).toBe(true);
  });
});

describe('mergeReduced', () => {
  const ts = (hours: number[]) => makeVector(makeData({ type: new Timestamp(TimeUnit.MICROSECOND), length: hours.length, data: BigInt64Array.from(hours.map((h) => BigInt(h * H))) }));
  it('replaces the touched buckets, keeps the rest in order and fills columns one side lacks with null', () => {
    const previous = new Table({ ts: ts([0, 1, 2, 3]), 'v.max': vectorFromArray([1, 2, 3, 4], new Float64()) });
    const fresh = new Table({ ts: ts([2, 3, 4]), 'v.max': vectorFromArray([30, 40, 50], new Float64()), 'w.max': vectorFromArray([7, 8, 9], new Float64()) });
    const m = mergeReduced(previous, fresh, 'ts', [2 * H, 5 * H]);
    expect(m.getChild('ts')!.toArray().length).toBe(5);
    expect(Array.from({ length: 5 }, (_, i) => Number(m.getChild('ts')!.get(i)) * 1000)).toEqual([0, 1, 2, 3, 4].map((h) => h * H));
    expect(Array.from(m.getChild('v.max')!)).toEqual([1, 2, 30, 40, 50]);
    expect(Array.from(m.getChild('w.max')!)).toEqual([null, null, 7, 8, 9]);
  });
});
