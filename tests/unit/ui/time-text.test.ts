// The UI's time text and chart-window helpers for times past 2^53 µs and past Date's range (issue 10).
import { describe, expect, it } from 'vitest';
import { YEAR_INCRS, allRange, presetRange, summaryText, yearAxis, yearTickLabels } from '../../../src/ui/chart-range';
import { cellText, fmtTime } from '../../../src/ui/format';
import { csvField } from '../../../src/ui/table-export';

const SPARK_MAX_MS = 9089380393200000; // 9089380393200000000 µs: +290000-12-30T23:00:00Z (see tests/unit/core/utc-micros.test.ts)

describe('time cells', () => {
  it('CSV export writes toISOString\'s text inside Date\'s range and the same form beyond it', () => {
    for (const ms of [0, -1, 1704141296123, -62135596800000, 253402300799999, 8.64e15, -8.64e15]) {
      expect(csvField(ms, 'TIMESTAMP')).toBe(new Date(ms).toISOString());
    }
    expect(csvField(SPARK_MAX_MS, 'TIMESTAMP')).toBe('+290000-12-30T23:00:00.000Z');
    expect(csvField(-9223372036854775.808, 'TIMESTAMP')).toMatch(/^-29\d{4}-\d\d-\d\dT[\d:.]+Z$/);
    expect(csvField(null, 'TIMESTAMP')).toBe('');
  });

  it('the table and the SQL tab show the same cells as text', () => {
    expect(cellText(SPARK_MAX_MS, 'TIMESTAMP')).toBe('+290000-12-30 23:00:00');
    expect(cellText(-62135596800000, 'TIMESTAMP')).toBe('0001-01-01 00:00:00');
    expect(cellText(1704141296123.456, 'TIMESTAMP')).toBe('2024-01-01 20:34:56.123Z');
  });

  it('fmtTime (details, history) writes any commit or event time', () => {
    expect(fmtTime(9089380393200000000)).toBe('+290000-12-30 23:00 UTC');
    expect(fmtTime(9.2e18, true)).toMatch(/^\+29\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    expect(fmtTime(null)).toBe('—');
  });
});

describe('chart windows past 2^53 µs', () => {
  const extent: [number, number] = [-62135596800000000, 253402300799000000];
  it('the "all" window ends just after the last reading, not on it', () => {
    const [start, end] = allRange(extent);
    expect(start).toBe(extent[0]);
    expect(end).toBeGreaterThan(extent[1]);
    expect(BigInt(end) - BigInt(extent[1])).toBe(32n); // a ulp there: 2^5 in [2^57, 2^58)
    expect(allRange([0, 10])).toEqual([0, 11]);
    expect(presetRange(extent, 86_400_000_000)).toEqual([end - 86_400_000_000, end]);
    expect(summaryText(allRange(extent), [], [])).toMatch(/^Showing 0001-01-01 00:00:00 to 9999-12-31 23:59:59 UTC \(/);
  });

  it('switches the x axis to years past Date\'s range or over more than 500 years, labelled with real years', () => {
    expect(yearAxis([Float64Array.of(0, 86400 * 365 * 400)], null)).toBe(false); // 1970-2369: uPlot's time axis
    expect(yearAxis([Float64Array.of(-62135596800, 253402300799)], null)).toBe(true); // the years 1-9999
    expect(yearAxis([Float64Array.of(SPARK_MAX_MS / 1000 - 10, SPARK_MAX_MS / 1000)], null)).toBe(true); // beyond Date
    expect(yearAxis([new Float64Array()], [0, 9.2e18])).toBe(true);
    expect(yearAxis([new Float64Array()], null)).toBe(false);
    expect(yearTickLabels([-62135596800, 0, SPARK_MAX_MS / 1000])).toEqual(['1', '1970', '290000']);
    // steps of mean Gregorian years: 400 of them are exactly 146 097 days, so 1970 + 400 k is 1 January
    expect(YEAR_INCRS).toContain(1000 * 31_556_952);
    expect(yearTickLabels([400 * 31_556_952, -2000 * 31_556_952])).toEqual(['2370', '-30']);
  });
});
