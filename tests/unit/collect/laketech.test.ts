import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Table } from 'apache-arrow';
import { isPondError } from '../../../src/core/errors';
import { excelHtmlToTable, laketechCsvToTable, parseCsv, splitParameter } from '../../../src/collect/laketech';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/laketech/${name}`, import.meta.url), 'utf8');
const LA = 'America/Los_Angeles';

/** Rows as plain objects with ISO timestamps (Arrow gives ms numbers for µs timestamps). */
function rows(t: Table | null): Record<string, unknown>[] {
  expect(t).not.toBeNull();
  return t!.toArray().map((r) => {
    const o = r.toJSON() as Record<string, unknown>;
    return { ...o, timestamp: new Date(o.timestamp as number).toISOString() };
  });
}

describe('LakeTech CSV', () => {
  it('pivots the long export to {scope}.{Parameter}.{Unit} columns, UTC across a spring-forward change', () => {
    const { table, points } = laketechCsvToTable(fixture('fb-surface.csv'), { fileName: 'fb-surface.csv', zone: LA });
    expect(table!.schema.fields.map((f) => f.name)).toEqual([
      'timestamp',
      'AT500_Surface.DO.mg/L',
      'AT500_Surface.Depth.m',
      'AT500_Surface.Temperature.C',
    ]);
    expect(String(table!.schema.fields[0]!.type)).toBe('Timestamp<MICROSECOND>');
    const r = rows(table);
    // 01:00 and 01:30 PST, then 03:00 and 03:30 PDT: half-hourly in UTC although the local clock jumped.
    expect(r.map((x) => x.timestamp)).toEqual([
      '2024-03-10T09:00:00.000Z',
      '2024-03-10T09:30:00.000Z',
      '2024-03-10T10:00:00.000Z',
      '2024-03-10T10:30:00.000Z',
    ]);
    expect(r[0]!['AT500_Surface.Depth.m']).toBeCloseTo(1.5, 12); // Value - Offset
    expect(r[2]!['AT500_Surface.DO.mg/L']).toBe(8.3);
    expect(r[3]!['AT500_Surface.DO.mg/L']).toBeNull(); // blank Value
    expect(points).toBe(11);
  });
  it('uses a given scope, reads quotes, CRLF and a BOM', () => {
    const text = '\ufeffTimestamp,Series Name,Location,Parameter,Value,Offset\r\n"2024-07-01 12:00","Bottom ""DO""",Site,"DO (mg/L)",7.5,\r\n';
    const { table } = laketechCsvToTable(text, { fileName: 'x.csv', zone: LA, scope: 'AT500 Bottom' });
    expect(rows(table)).toEqual([{ timestamp: '2024-07-01T19:00:00.000Z', 'AT500_Bottom.DO.mg/L': 7.5 }]);
  });
  it('names the file and line of malformed input', () => {
    const head = 'Timestamp,Series Name,Location,Parameter,Value,Offset\n';
    const bad = (body: string) => () => laketechCsvToTable(head + body, { fileName: 'in.csv', zone: LA });
    expect(bad('2024-07-01 12:00,DO,S,DO (mg/L),7.5,\n2024-07-01 12:15,DO,S,DO (mg/L),seven,\n')).toThrow(/in\.csv line 3: Value "seven" is not a number/);
    expect(bad('01/07/2024 noon,DO,S,DO,7.5,\n')).toThrow(/in\.csv line 2: unreadable Timestamp/);
    expect(bad('2024-07-01 12:00,DO,S\n')).toThrow(/in\.csv line 2: 3 fields/);
    expect(bad('"2024-07-01 12:00,DO,S,DO,7.5,\n')).toThrow(/in\.csv line 2: a quoted field is never closed/);
    expect(bad('2024-07-01 12:00,Surface DO,S,DO,7.5,\n2024-07-01 12:00,Bottom DO,S,DO,7.1,\n')).toThrow(/line 3: series "Bottom DO" and "Surface DO" both map to column S\.DO/);
    expect(() => laketechCsvToTable('a,b\n1,2\n', { fileName: 'other.csv', zone: LA })).toThrow(/other\.csv line 1: not a LakeTech export: missing column\(s\) timestamp, series name/);
    expect(() => laketechCsvToTable(head, { fileName: 'in.csv', zone: 'Nowhere/Land' })).toThrow(/unknown time zone/);
    try {
      bad('2024-07-01 12:00,DO,S,DO,x,\n')();
    } catch (e) {
      expect(isPondError(e, 'INVALID_INPUT')).toBe(true);
      expect((e as { detail: unknown }).detail).toEqual({ file: 'in.csv', line: 2 });
    }
  });
  it('parses CSV records with their starting lines', () => {
    expect(parseCsv('a,b\n\n"x\ny",2\n', 'f')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 3, fields: ['x\ny', '2'] },
    ]);
  });
});

describe('In-Situ Excel HTML report', () => {
  it('reads the data table without DOMParser, skipping Marked, converting local time', () => {
    expect(typeof (globalThis as { DOMParser?: unknown }).DOMParser).toBe('undefined');
    const { table, points } = excelHtmlToTable(fixture('fb-bottom-report.htm'), { fileName: 'fb-bottom-report.htm', zone: LA, scope: 'AT500_Bottom' });
    expect(table!.schema.fields.map((f) => f.name)).toEqual([
      'timestamp',
      'AT500_Bottom.DO.mg/L',
      'AT500_Bottom.Depth.m',
      'AT500_Bottom.Specific Conductivity.µS/cm',
      'AT500_Bottom.Temperature.°C',
    ]);
    const r = rows(table);
    // 2024-11-03 00:00 is still PDT (-7); 02:00 and 03:00 are PST (-8).
    expect(r.map((x) => x.timestamp)).toEqual([
      '2024-11-03T06:00:00.000Z',
      '2024-11-03T07:00:00.000Z',
      '2024-11-03T10:00:00.000Z',
      '2024-11-03T11:00:00.000Z',
    ]);
    expect(r[1]!['AT500_Bottom.DO.mg/L']).toBeNull();
    expect(r[3]!['AT500_Bottom.Temperature.°C']).toBe(10.05);
    expect(points).toBe(15);
  });
  it('names file, line and row of a bad cell, and reports a missing table', () => {
    const html = fixture('fb-bottom-report.htm').replace('<td>48150</td>', '<td>n/a</td>');
    expect(() => excelHtmlToTable(html, { fileName: 'r.htm', zone: LA })).toThrow(/r\.htm line 22: data row 3: "n\/a" in column Specific Conductivity \(µS\/cm\) \(790478\) is not a number/);
    expect(() => excelHtmlToTable('<html><table><tr><td>x</td></tr></table></html>', { fileName: 'e.htm', zone: LA })).toThrow(/e\.htm: no data table/);
    const noTime = '<table id="isi-report"><tr class="dataHeader"><td>When</td><td>DO (mg/L)</td></tr><tr class="data"><td>1</td><td>2</td></tr></table>';
    expect(() => excelHtmlToTable(noTime, { fileName: 'n.htm', zone: LA })).toThrow(/n\.htm line 1: no "Date Time" column/);
  });
  it('adds the sensor serial only when two sensors share a name and unit', () => {
    const html = '<table id="isi-report"><tr class="dataHeader"><td>Date Time</td><td>Temperature (C) (11)</td><td>Temperature (C) (12)</td><td>Marked</td></tr>' +
      '<tr class="data"><td>2024-01-01 00:00</td><td>1</td><td>2</td><td></td></tr></table>';
    const { table } = excelHtmlToTable(html, { fileName: 'd.htm', zone: 'UTC' });
    expect(rows(table)).toEqual([{ timestamp: '2024-01-01T00:00:00.000Z', 'Temperature.C.11': 1, 'Temperature.C.12': 2 }]);
  });
  it('splits parameter headers', () => {
    expect(splitParameter('Temperature (°C) (790478)')).toEqual({ name: 'Temperature', unit: '°C', serial: '790478' });
    expect(splitParameter('DO (mg/L)')).toEqual({ name: 'DO', unit: 'mg/L', serial: null });
    expect(splitParameter('Battery Level')).toEqual({ name: 'Battery Level', unit: null, serial: null });
  });
});
