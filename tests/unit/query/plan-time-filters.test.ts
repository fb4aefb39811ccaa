// The parse of DuckDB's pushed-down scan filters into a time interval (plan-time-filters.ts) narrows only on the exact
// form it knows; anything else (other columns, casts, OR, quotes that hide ' AND ', literals it cannot read exactly)
// narrows nothing, so the row groups chosen are always a superset of what the scan can read. Filter strings are as
// DuckDB 1.4 (duckdb-wasm 1.32) prints them in EXPLAIN (FORMAT JSON).
import { describe, expect, it } from 'vitest';
import { comparison, hull, meets, planScans, scanInterval, timestampMicros, timestampTzMicros, topLevelConjuncts, UNBOUNDED } from '../../../src/query/plan-time-filters';

const us = (iso: string) => BigInt(Date.parse(iso)) * 1000n;
const TS = 'timestamp';

describe('scanInterval', () => {
  it('narrows on >=, >, <=, < and = against TIMESTAMP literals, to inclusive µs bounds', () => {
    expect(scanInterval("timestamp>='2025-01-02 00:00:00'::TIMESTAMP AND timestamp<'2025-01-03 00:00:00'::TIMESTAMP", TS))
      .toEqual({ lo: us('2025-01-02T00:00:00Z'), hi: us('2025-01-03T00:00:00Z') - 1n });
    expect(scanInterval("timestamp>'2025-01-02 03:04:05.5'::TIMESTAMP", TS)).toEqual({ lo: us('2025-01-02T03:04:05.500Z') + 1n, hi: null });
    expect(scanInterval("timestamp<='2025-01-03 00:00:00'::TIMESTAMP", TS)).toEqual({ lo: null, hi: us('2025-01-03T00:00:00Z') });
    const t = us('2025-01-02T03:04:05.123Z') + 456n;
    expect(scanInterval("timestamp='2025-01-02 03:04:05.123456'::TIMESTAMP", TS)).toEqual({ lo: t, hi: t });
  });

  it('reads a TIMESTAMP WITH TIME ZONE literal by its offset', () => {
    expect(scanInterval("timestamp>='2025-01-02 00:00:00+00'::TIMESTAMP WITH TIME ZONE", TS)).toEqual({ lo: us('2025-01-02T00:00:00Z'), hi: null });
    expect(scanInterval("timestamp<'2025-01-02 00:00:00-05'::TIMESTAMP WITH TIME ZONE", TS)).toEqual({ lo: null, hi: us('2025-01-02T05:00:00Z') - 1n });
    expect(scanInterval("timestamp<'2025-01-02 00:00:00+05:30'::TIMESTAMP WITH TIME ZONE", TS)).toEqual({ lo: null, hi: us('2025-01-01T18:30:00Z') - 1n });
    // A zone-less literal typed WITH TIME ZONE (or the reverse) is not a shape DuckDB prints: nothing is assumed.
    expect(scanInterval("timestamp>='2025-01-02 00:00:00'::TIMESTAMP WITH TIME ZONE", TS)).toEqual(UNBOUNDED);
    expect(scanInterval("timestamp>='2025-01-02 00:00:00+00'::TIMESTAMP", TS)).toEqual(UNBOUNDED);
  });

  it('takes an array as ANDed entries, and keeps the narrowest bound of each side', () => {
    expect(scanInterval(["timestamp>='2025-01-02 00:00:00'::TIMESTAMP", 'a.unit>3.0', "timestamp>='2025-01-05 00:00:00'::TIMESTAMP"], TS))
      .toEqual({ lo: us('2025-01-05T00:00:00Z'), hi: null });
  });

  it('narrows nothing on other columns, casts, functions, IN, IS NULL, dynamic or optional filters', () => {
    for (const f of [
      'a.unit>3.0',
      "(CAST(timestamp AS TIMESTAMP WITH TIME ZONE) >= '2025-01-02 00:00:00+00'::TIMESTAMP WITH TIME ZONE)",
      "CAST(timestamp AS DATE)='2025-01-02'::DATE",
      "optional: timestamp IN ('2025-01-02 00:00:00'::TIMESTAMP, '2025-01-05 00:00:00'::TIMESTAMP)",
      '(timestamp IS NULL)',
      'optional: Dynamic Filter (timestamp)',
      "timestamp>='2025-01-02 00:00:00'::TIMESTAMP_NS",
      "timestamp>='2025-01-02'::DATE",
      "timestamps>='2025-01-02 00:00:00'::TIMESTAMP",
      "\"timestamp \">='2025-01-02 00:00:00'::TIMESTAMP",
      "timestamp>=CAST('2025-01-02 00:00:00' AS TIMESTAMP)",
      "timestamp!='2025-01-02 00:00:00'::TIMESTAMP",
    ]) expect(scanInterval(f, TS), f).toEqual(UNBOUNDED);
    expect(scanInterval(undefined, TS)).toEqual(UNBOUNDED);
    expect(scanInterval(42, TS)).toEqual(UNBOUNDED);
    expect(scanInterval([1, "timestamp>='2025-01-02 00:00:00'::TIMESTAMP"], TS)).toEqual(UNBOUNDED);
  });

  it('narrows nothing from an entry with a top-level OR, however the AND and OR are arranged', () => {
    expect(scanInterval("timestamp>='2025-01-02 00:00:00'::TIMESTAMP OR timestamp<'2024-01-01 00:00:00'::TIMESTAMP", TS)).toEqual(UNBOUNDED);
    expect(scanInterval("timestamp>='2025-01-02 00:00:00'::TIMESTAMP AND a.unit>1.0 OR timestamp<'2024-01-01 00:00:00'::TIMESTAMP", TS)).toEqual(UNBOUNDED);
    expect(scanInterval("timestamp>='2025-01-02 00:00:00'::TIMESTAMP AND (a.unit>1.0 OR a.unit<0.0)", TS)).toEqual({ lo: us('2025-01-02T00:00:00Z'), hi: null });
    // Another entry of the list is ANDed with it: its bound still holds.
    expect(scanInterval(["a.unit>1.0 OR a.unit<0.0", "timestamp<'2025-01-02 00:00:00'::TIMESTAMP"], TS)).toEqual({ lo: null, hi: us('2025-01-02T00:00:00Z') - 1n });
  });

  it('is not fooled by quotes: an AND inside a string literal, a doubled quote, a quoted column name', () => {
    expect(scanInterval("s='x AND timestamp>=''2025-01-02 00:00:00''::TIMESTAMP'", TS)).toEqual(UNBOUNDED);
    expect(scanInterval("s='it''s' AND timestamp<'2025-01-02 00:00:00'::TIMESTAMP", TS)).toEqual({ lo: null, hi: us('2025-01-02T00:00:00Z') - 1n });
    expect(scanInterval("s=' OR ' AND timestamp<'2025-01-02 00:00:00'::TIMESTAMP", TS)).toEqual({ lo: null, hi: us('2025-01-02T00:00:00Z') - 1n });
    expect(scanInterval("\"my \"\"time\"\"\">='2025-01-02 00:00:00'::TIMESTAMP", 'my "time"')).toEqual({ lo: us('2025-01-02T00:00:00Z'), hi: null });
    expect(scanInterval("\"my \"\"time\"\"\">='2025-01-02 00:00:00'::TIMESTAMP", 'my time')).toEqual(UNBOUNDED);
    expect(scanInterval("s='unclosed AND timestamp>='2025-01-02 00:00:00'::TIMESTAMP", TS)).toEqual(UNBOUNDED);
    expect(scanInterval("(timestamp>='2025-01-02 00:00:00'::TIMESTAMP", TS)).toEqual(UNBOUNDED);
  });

  it('narrows nothing on literals it cannot read exactly: BC, five-digit years, infinity, dates that do not exist', () => {
    for (const lit of ['0044-03-15 (BC) 00:00:00', '20025-01-02 00:00:00', 'infinity', '-infinity', '2025-02-30 00:00:00', '2025-01-02 24:00:00', '2025-01-02', '2025-01-02 00:00:00.1234567', '2025-01-02 00:00:00 ']) {
      expect(scanInterval(`timestamp>='${lit}'::TIMESTAMP`, TS), lit).toEqual(UNBOUNDED);
    }
    expect(timestampMicros('0001-01-01 00:00:00')).toBe(us('0001-01-01T00:00:00Z'));
    expect(timestampMicros('0099-12-31 23:59:59.999999')).toBe(us('0099-12-31T23:59:59.999Z') + 999n);
    expect(timestampTzMicros('2025-01-02 00:00:00+24')).toBeUndefined();
  });
});

describe('the rest of the parse', () => {
  it('splits only at top-level ANDs', () => {
    expect(topLevelConjuncts("a=1 AND (b=2 AND c=3) AND d='x AND y'")).toEqual(['a=1', '(b=2 AND c=3)', "d='x AND y'"]);
    expect(topLevelConjuncts('a=1 or b=2')).toBeUndefined();
    expect(topLevelConjuncts('a=1) AND (b=2')).toBeUndefined();
  });

  it('recognises only the whole conjunct', () => {
    expect(comparison("timestamp>='2025-01-02 00:00:00'::TIMESTAMP", TS)).toBeDefined();
    expect(comparison("timestamp>='2025-01-02 00:00:00'::TIMESTAMP + 1", TS)).toBeUndefined();
    expect(comparison("x timestamp>='2025-01-02 00:00:00'::TIMESTAMP", TS)).toBeUndefined();
  });

  it('finds every scan of a plan, at any depth, and refuses a plan of an unknown shape', () => {
    const plan = [{ name: 'PROJECTION', children: [{ name: 'UNION', children: [
      { name: 'SEQ_SCAN ', extra_info: { Table: 'g0', Filters: 'a>1' }, children: [] },
      { name: 'SEQ_SCAN ', extra_info: { Table: 'g1' }, children: [] },
    ] }] }];
    expect(planScans(plan)).toEqual([{ table: 'g0', filters: 'a>1' }, { table: 'g1', filters: undefined }]);
    expect(planScans({ name: 'x' })).toBeUndefined();
    expect(planScans([{ extra_info: { Table: 7 } }])).toBeUndefined();
  });

  it('meets: a hull of several scans, contradictory bounds, unknown statistics', () => {
    const a = { lo: 10n, hi: 20n };
    const b = { lo: 30n, hi: 40n };
    expect(hull(a, b)).toEqual({ lo: 10n, hi: 40n });
    expect(hull(a, UNBOUNDED)).toEqual(UNBOUNDED);
    expect(meets(a, 21n, 29n)).toBe(false);
    expect(meets(a, 20n, 29n)).toBe(true);
    expect(meets(a, 0n, 10n)).toBe(true);
    expect(meets({ lo: 5n, hi: 4n }, 0n, 100n)).toBe(false);
    expect(meets(a, undefined, 0n)).toBe(true);
  });
});
