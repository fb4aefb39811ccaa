import { describe, expect, it } from 'vitest';
import { formatUtc } from '../../../src/core/text';
import {
  MAX_US_NUMBER, MIN_US_NUMBER, civilFromDays, daysFromCivil, isoFromMicros, isoFromMillis, microsOfDate, nextMicros, numberAtOrAbove, numberAtOrBelow,
} from '../../../src/core/utc-micros';

const CYCLE_US = 146_097n * 86_400_000_000n; // 400 Gregorian years, which repeat the calendar exactly

/**
 * The oracle, independent of civilFromDays: shift by whole 400-year cycles into Date's range, let Date format the
 * rest, and add the cycles back to the year (toISOString's own ±YYYYYY form for years outside 0000-9999).
 */
function isoByCycles(us: bigint): string {
  const k = us / CYCLE_US;
  const rest = us - k * CYCLE_US;
  const ms = rest >= 0n ? rest / 1000n : -((-rest + 999n) / 1000n);
  const d = new Date(Number(ms));
  const year = d.getUTCFullYear() + 400 * Number(k);
  const y = year >= 0 && year <= 9999 ? String(year).padStart(4, '0') : `${year < 0 ? '-' : '+'}${String(Math.abs(year)).padStart(6, '0')}`;
  return d.toISOString().replace(/^[+-]?\d+/, y);
}

/** Deterministic xorshift, so a failing sample reproduces. */
function rng(seed: number) {
  let x = seed;
  return () => {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

describe('isoFromMicros writes any int64 time, never throwing', () => {
  it('agrees with Date#toISOString over Date\'s whole range (years -271821 to 275760)', () => {
    const r = rng(7);
    const samples = [0, -1, 1, 8.64e15, -8.64e15, -62135596800000, 253402300799999, -62198755200000, -2208988800001];
    for (let i = 0; i < 5000; i++) samples.push(Math.round((r() * 2 - 1) * 8.64e15));
    for (const ms of samples) expect(isoFromMicros(BigInt(ms) * 1000n), String(ms)).toBe(new Date(ms).toISOString());
  });

  it('writes the year 1 and the year 9999 (both past 2^53 µs) in full', () => {
    expect(isoFromMicros(-62135596800000000n)).toBe('0001-01-01T00:00:00.000Z');
    expect(isoFromMicros(253402300799999999n, 6)).toBe('9999-12-31T23:59:59.999999Z');
    expect(isoFromMicros(253402300800000000n, 0)).toBe('+010000-01-01T00:00:00Z');
    expect(isoFromMicros(-62135596800000001n, 6)).toBe('0000-12-31T23:59:59.999999Z');
  });

  it('writes Spark\'s 9089380393200000000 µs as the year 290000, and the ends of int64', () => {
    // By hand: 9 089 380 393 200 s = 720 cycles of 400 years (720 × 12 622 780 800 s = 9 088 402 176 000 s)
    // + 978 217 200 s, which is 11 322 days and 23 h after 1970: 2000-12-30T23:00:00Z; 2000 + 720 × 400 = 290000.
    expect(isoFromMicros(9089380393200000000n)).toBe('+290000-12-30T23:00:00.000Z');
    expect(isoByCycles(9089380393200000000n)).toBe('+290000-12-30T23:00:00.000Z');
    for (const us of [2n ** 63n - 1n, -(2n ** 63n), 9_200_000_000_000_000_000n, -9_223_372_022_400_000_000n]) {
      expect(isoFromMicros(us), String(us)).toBe(isoByCycles(us));
    }
    const r = rng(11);
    for (let i = 0; i < 2000; i++) {
      const us = BigInt(Math.floor((r() * 2 - 1) * 2 ** 31)) * 2n ** 32n + BigInt(Math.floor(r() * 2 ** 32));
      expect(isoFromMicros(us), String(us)).toBe(isoByCycles(us));
    }
  });

  it('takes numbers too (floored), and names a number that is no time instead of throwing', () => {
    expect(isoFromMicros(1704141296123456)).toBe('2024-01-01T20:34:56.123Z');
    expect(isoFromMicros(1704141296123456, 6)).toBe('2024-01-01T20:34:56.123456Z');
    expect(isoFromMicros(-0.5, 6)).toBe('1969-12-31T23:59:59.999999Z');
    expect(isoFromMicros(Number.NaN)).toBe('invalid time (NaN)');
    expect(isoFromMicros(Infinity)).toBe('invalid time (Infinity)');
    expect(isoFromMillis(9089380393200000)).toBe('+290000-12-30T23:00:00.000Z');
    expect(isoFromMillis(1704141296123.456, 6)).toBe('2024-01-01T20:34:56.123456Z');
  });

  it('formatUtc (the shell\'s and the UI\'s time text) handles the same times', () => {
    expect(formatUtc(9.2e18)).toBe(isoByCycles(9_200_000_000_000_000_000n).replace('T', ' ').slice(0, -5));
    expect(formatUtc(9.2e18)).toMatch(/^\+29\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(formatUtc(-62135596800000000, { seconds: false })).toBe('0001-01-01 00:00');
    expect(formatUtc(1704141296123456)).toBe('2024-01-01 20:34:56');
    expect(formatUtc(null)).toBe('-');
  });
});

describe('civil dates', () => {
  it('round-trips days and dates, matching Date.UTC inside its range', () => {
    for (let days = -800_000; days <= 3_000_000; days += 997) {
      const { year, month, day } = civilFromDays(days);
      expect(daysFromCivil(year, month, day)).toBe(days);
      if (year >= 100) expect(Date.UTC(year, month - 1, day)).toBe(days * 86_400_000);
    }
  });

  it('gives exact midnights for the years Date.UTC misreads or cannot reach, rolling over months and days', () => {
    expect(microsOfDate(1, 1, 1)).toBe(-62135596800000000); // Date.UTC(1, 0, 1) would be 1901
    expect(microsOfDate(10000, 1, 1)).toBe(253402300800000000);
    expect(microsOfDate(2024, 13, 1)).toBe(Date.UTC(2025, 0, 1) * 1000);
    expect(microsOfDate(2024, 2, 30)).toBe(Date.UTC(2024, 2, 1) * 1000);
    expect(microsOfDate(2024, 0, 1)).toBe(Date.UTC(2023, 11, 1) * 1000);
    expect(BigInt(microsOfDate(290000, 12, 30)) + 23n * 3_600_000_000n).toBe(9089380393200000000n);
  });
});

describe('event-time bounds as numbers', () => {
  it('are exact below 2^53 and rounded outward beyond', () => {
    expect(numberAtOrBelow(1704141296123456n)).toBe(1704141296123456);
    expect(numberAtOrAbove(-1n)).toBe(-1);
    // 2^60 + 1: the doubles around it are 2^60 and 2^60 + 256 (a ulp of 2^8 there).
    expect(numberAtOrBelow(2n ** 60n + 1n)).toBe(2 ** 60);
    expect(numberAtOrAbove(2n ** 60n + 1n)).toBe(2 ** 60 + 256);
    expect(numberAtOrBelow(-(2n ** 60n) - 1n)).toBe(-(2 ** 60) - 256);
    expect(numberAtOrAbove(-(2n ** 60n) - 1n)).toBe(-(2 ** 60));
    const r = rng(3);
    for (let i = 0; i < 2000; i++) {
      const v = BigInt(Math.floor((r() * 2 - 1) * 2 ** 30)) * 2n ** 33n + BigInt(Math.floor(r() * 2 ** 33));
      const lo = numberAtOrBelow(v);
      const hi = numberAtOrAbove(v);
      expect(BigInt(lo) <= v && v <= BigInt(hi), String(v)).toBe(true);
      expect(hi === lo || nextMicros(lo) === hi, String(v)).toBe(true); // neighbours: the tightest bounds
    }
  });

  it('stay inside int64 so writing them back never wraps', () => {
    expect(numberAtOrAbove(2n ** 63n - 1n)).toBe(MAX_US_NUMBER);
    expect(BigInt(MAX_US_NUMBER)).toBe(2n ** 63n - 1024n);
    expect(numberAtOrBelow(-(2n ** 63n))).toBe(MIN_US_NUMBER);
    expect(BigInt64Array.of(BigInt(MAX_US_NUMBER))[0]).toBe(2n ** 63n - 1024n);
  });

  it('nextMicros is the half-open end just past a time: +1 where exact, the next number beyond', () => {
    expect(nextMicros(5)).toBe(6);
    expect(nextMicros(2 ** 53 - 2)).toBe(2 ** 53 - 1);
    expect(BigInt(nextMicros(253402300799000000)) - 253402300799000000n).toBe(32n); // a ulp is 2^5 in [2^57, 2^58)
    expect(BigInt(nextMicros(-62135596800000000)) - -62135596800000000n).toBe(8n); // 2^3 in [2^55, 2^56)
  });
});
