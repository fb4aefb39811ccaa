// What a host file is called in the pond when copied into a folder: a CSV is Parquet once imported, so its name says
// what it became (`.series`, or `.parquet` as a table); raw files and Parquet keep their names.
import { describe, expect, it } from 'vitest';
import { pondName } from '../../../src/service/files/copy-in';

describe('pondName', () => {
  it('names an imported CSV by what it became', () => {
    expect(pondName('river.csv', 'series')).toBe('river.series');
    expect(pondName('River Levels.TSV', 'series')).toBe('River Levels.series');
    expect(pondName('counts.csv', 'table')).toBe('counts.parquet');
    expect(pondName('log.txt', 'table')).toBe('log.parquet');
  });
  it('keeps raw files, Parquet and names without a CSV extension as they are', () => {
    expect(pondName('river.csv', 'data')).toBe('river.csv');
    expect(pondName('flights.parquet', 'table')).toBe('flights.parquet');
    expect(pondName('flights.parquet', 'series')).toBe('flights.parquet');
    expect(pondName('.csv', 'series')).toBe('.csv'); // nothing before the extension: no name to keep
    expect(pondName('readings', 'series')).toBe('readings');
  });
});
