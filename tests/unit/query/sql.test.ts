import { describe, expect, it } from 'vitest';
import { isPondError } from '../../../src/core/errors';
import { duckDbMessage, ident, intervalLiteral, parseErrorPosition, queryError, timeRangePredicate, tsLiteral } from '../../../src/query/sql';

describe('SQL helpers', () => {
  it('quotes identifiers and doubles embedded quotes', () => {
    expect(ident('v')).toBe('"v"');
    expect(ident('AT500.DO.mg/L')).toBe('"AT500.DO.mg/L"');
    expect(ident('a"b')).toBe('"a""b"');
    expect(() => ident('')).toThrow(/empty/);
  });

  it('writes exact microsecond timestamps and refuses non-integers', () => {
    expect(tsLiteral(1_704_067_200_000_001)).toBe('make_timestamp(1704067200000001::BIGINT)');
    expect(() => tsLiteral(1.5)).toThrow(/whole number/);
    expect(() => tsLiteral(Number.NaN)).toThrow();
    expect(intervalLiteral(3_600_000_000)).toBe('to_microseconds(3600000000::BIGINT)');
    expect(() => intervalLiteral(0)).toThrow();
  });

  it('writes times past 2^53 µs (the years 1 and 9999, Spark\'s year 290000) as their exact integer', () => {
    expect(tsLiteral(-62135596800000000)).toBe('make_timestamp(-62135596800000000::BIGINT)');
    expect(tsLiteral(9089380393200000000)).toBe('make_timestamp(9089380393200000000::BIGINT)');
    expect(tsLiteral(2 ** 60)).toBe('make_timestamp(1152921504606846976::BIGINT)'); // not String()'s 1152921504606847000
    expect(() => tsLiteral(2 ** 63)).toThrow(/outside the range of a TIMESTAMP/);
    expect(() => tsLiteral(-(2 ** 63))).toThrow(/outside the range of a TIMESTAMP/);
  });

  it('leaves out a range bound beyond DuckDB\'s TIMESTAMP range instead of failing', () => {
    expect(timeRangePredicate('ts', [-(2 ** 63), 20])).toBe('"ts" < make_timestamp(20::BIGINT)');
    expect(timeRangePredicate('ts', [10, 2 ** 63])).toBe('"ts" >= make_timestamp(10::BIGINT)');
    expect(timeRangePredicate('ts', [-(2 ** 63), 2 ** 63])).toBe('"ts" IS NOT NULL');
    expect(timeRangePredicate('ts', [-62135596800000000, 253402300799000032])).toBe(
      '"ts" >= make_timestamp(-62135596800000000::BIGINT) AND "ts" < make_timestamp(253402300799000032::BIGINT)');
  });

  it('builds half-open time predicates and refuses empty ranges', () => {
    expect(timeRangePredicate('ts', [10, 20])).toBe('"ts" >= make_timestamp(10::BIGINT) AND "ts" < make_timestamp(20::BIGINT)');
    expect(() => timeRangePredicate('ts', [20, 20])).toThrow(/start < end/);
  });

  it('reads the position DuckDB prints under an error', () => {
    const msg = 'Binder Error: Referenced column "nope" not found in FROM clause!\nCandidate bindings: "v"\n\nLINE 1: SELECT nope FROM p2\n               ^';
    expect(parseErrorPosition(msg)).toEqual({ line: 1, column: 7 });
    expect(parseErrorPosition('Catalog Error: no such table')).toBeUndefined();
  });

  it('unwraps the JSON form of duckdb-wasm errors', () => {
    expect(duckDbMessage(new Error('{"exception_type":"Parser","exception_message":"bad thing"}'))).toBe('Parser Error: bad thing');
    expect(duckDbMessage(new Error('Binder Error: x'))).toBe('Binder Error: x');
  });

  it('wraps failures as QUERY carrying the SQL, the whole message and the position', () => {
    const e = queryError('SELEC 1', new Error('Parser Error: syntax error at or near "SELEC"\n\nLINE 1: SELEC 1\n        ^'));
    expect(isPondError(e, 'QUERY')).toBe(true);
    expect(e.message).toBe('Parser Error: syntax error at or near "SELEC"');
    expect(e.detail).toMatchObject({ sql: 'SELEC 1', position: { line: 1, column: 0 } });
    expect(String(e.detail?.duckdbMessage)).toMatch(/LINE 1/);
  });
});
