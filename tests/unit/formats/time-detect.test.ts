// Time-column detection from sampled values: every form, the day/month order, epoch numbers, and what is not a time.
// Expected instants are written out with Date.UTC, not computed by the parsers under test.
import { describe, expect, it } from 'vitest';
import { compileFormat, parseIsoMs, TEXT_TIME_FORMATS } from '../../../src/formats/time-formats';
import { detectTime, noTimeColumnError, timeChoice, type ColumnSample } from '../../../src/formats/time-detect';

const text = (name: string, ...values: string[]): ColumnSample => ({ name, type: 'VARCHAR', kind: 'text', values });
const num = (name: string, ...values: number[]): ColumnSample => ({ name, type: 'BIGINT', kind: 'numeric', values: values.map(String) });
const typed = (name: string, type = 'DATE'): ColumnSample => ({ name, type, kind: 'temporal', values: ['2000-01-01'] });
const form = (strptime: string) => TEXT_TIME_FORMATS.find((f) => f.strptime === strptime)!;

describe('strict parsers of the text forms', () => {
  it('read month names, with and without a comma, in any case', () => {
    expect(form('%b %d %Y').parse('Jan 1 2000')).toBe(Date.UTC(2000, 0, 1));
    expect(form('%b %d %Y').parse('FEB 29 2000')).toBe(Date.UTC(2000, 1, 29));
    expect(form('%B %d, %Y').parse('January 1, 2000')).toBe(Date.UTC(2000, 0, 1));
    expect(form('%B %d, %Y').parse('Jan 1, 2000')).toBeNull(); // full names only: DuckDB's %B refuses "Jan"
    expect(form('%d-%b-%Y').parse('13-Dec-2011')).toBe(Date.UTC(2011, 11, 13));
  });
  it('read numeric day/month forms in the order they name, with times to the minute or second or with AM/PM', () => {
    expect(form('%m/%d/%Y %H:%M').parse('01/02/2000 13:00')).toBe(Date.UTC(2000, 0, 2, 13));
    expect(form('%d/%m/%Y %H:%M').parse('01/02/2000 13:00')).toBe(Date.UTC(2000, 1, 1, 13));
    expect(form('%m/%d/%Y %I:%M %p').parse('1/2/2000 12:05 AM')).toBe(Date.UTC(2000, 0, 2, 0, 5));
    expect(form('%m/%d/%Y %I:%M %p').parse('1/2/2000 1:05 pm')).toBe(Date.UTC(2000, 0, 2, 13, 5));
    expect(form('%d.%m.%Y %H:%M:%S').parse('31.12.1999 23:59:59')).toBe(Date.UTC(1999, 11, 31, 23, 59, 59));
  });
  it('refuse days, months and hours that do not exist', () => {
    expect(form('%m/%d/%Y').parse('02/30/2000')).toBeNull();
    expect(form('%m/%d/%Y').parse('13/01/2000')).toBeNull();
    expect(form('%m/%d/%Y %H:%M').parse('01/01/2000 24:00')).toBeNull();
    expect(form('%b %d %Y').parse('Foo 1 2000')).toBeNull();
    expect(compileFormat('%Y/%m/%d')('2000/1/1 ')).toBeNull(); // the whole value, nothing after it
  });
  it('parse ISO text with and without a zone', () => {
    expect(parseIsoMs('2000-01-01T13:00:00Z')).toEqual({ ms: Date.UTC(2000, 0, 1, 13), zoned: true, dateOnly: false });
    expect(parseIsoMs('2000-01-01 13:00+02:00')?.ms).toBe(Date.UTC(2000, 0, 1, 11));
    expect(parseIsoMs('2000-01-01 13:00:00.250-0130')?.ms).toBe(Date.UTC(2000, 0, 1, 14, 30, 0, 250));
    expect(parseIsoMs('2000-01-01')).toEqual({ ms: Date.UTC(2000, 0, 1), zoned: false, dateOnly: true });
    expect(parseIsoMs('2000-13-01')).toBeNull();
  });
});

describe('detectTime', () => {
  it('takes a typed date column wherever it stands', () => {
    const d = detectTime([text('location', 'Capitola'), typed('date'), num('precipitation', 0, 3)]);
    expect(d.chosen).toBe('date');
    expect(d.reading).toEqual({ kind: 'iso', zoned: false, dateOnly: true });
  });
  it('finds month-name dates in a text column that is not first', () => {
    const d = detectTime([text('site', 'A', 'B'), text('day', 'Jan 1 2000', 'Feb 13 2000'), num('v', 1, 2)]);
    expect(d.chosen).toBe('day');
    expect(d.reading).toMatchObject({ kind: 'text', format: { strptime: '%b %d %Y' } });
    expect(d.dayOrder).toBeUndefined();
  });
  it('needs every sampled value to fit one form', () => {
    const d = detectTime([text('day', 'Jan 1 2000', 'soon', 'Feb 13 2000')]);
    expect(d.chosen).toBeNull();
    expect(d.tried).toEqual(['day (VARCHAR: "soon" fits no time form)']);
    const mixed = detectTime([text('day', 'Jan 1 2000', '2000/01/02')]);
    expect(mixed.chosen).toBeNull();
    expect(mixed.tried[0]).toMatch(/no one time form fits all its values/);
  });
  it('a first field above 12 proves day-first; one in the second field month-first', () => {
    const dmy = detectTime([text('t', '01/02/2000', '13/02/2000')]);
    expect(dmy).toMatchObject({ chosen: 't', dayFirst: true, dayOrder: 'content', reading: { format: { strptime: '%d/%m/%Y' } } });
    const mdy = detectTime([text('t', '01/02/2000', '02/13/2000')]);
    expect(mdy).toMatchObject({ dayFirst: false, dayOrder: 'content', reading: { format: { strptime: '%m/%d/%Y' } } });
  });
  it('ambiguous day/month text is month-first by assumption, and says so; the setting turns it', () => {
    expect(detectTime([text('t', '01/02/2000 13:00', '03/04/2000 14:30')])).toMatchObject({ dayFirst: false, dayOrder: 'assumed', reading: { format: { strptime: '%m/%d/%Y %H:%M' } } });
    expect(detectTime([text('t', '01/02/2000 13:00')], { dayFirst: true })).toMatchObject({ dayFirst: true, dayOrder: 'given', reading: { format: { strptime: '%d/%m/%Y %H:%M' } } });
  });
  it('a given order the values contradict is no time column, and says which value', () => {
    const d = detectTime([text('t', '01/02/2000', '13/02/2000')], { dayFirst: false });
    expect(d.chosen).toBeNull();
    expect(d.tried[0]).toBe('t (VARCHAR: month first was asked, but "13/02/2000" is no date that way)');
  });
  it('a sniffed date with a non-ISO format is decided by its text (the sniffer reads 01/02 day-first silently)', () => {
    const d = detectTime([{ name: 't', type: 'DATE', kind: 'temporal', sniffedFormat: '%d/%m/%Y', values: ['01/02/2000', '03/04/2000'] }]);
    expect(d).toMatchObject({ dayFirst: false, dayOrder: 'assumed', reading: { format: { strptime: '%m/%d/%Y' } } });
  });
  it('epoch numbers: by name in 1970..2100 as s or ms; without a time name only 2001..2100 integers', () => {
    expect(detectTime([num('v', 1, 2), num('ts', 0, 60)]).reading).toEqual({ kind: 'epoch', unit: 's' });
    expect(detectTime([num('epoch_ms', 946684800000, 946684860000)]).reading).toEqual({ kind: 'epoch', unit: 'ms' });
    expect(detectTime([num('Time UTC', 1704067200, 1704067260)]).reading).toEqual({ kind: 'epoch', unit: 's' });
    expect(detectTime([num('unix', 1704067200123)]).reading).toEqual({ kind: 'epoch', unit: 'ms' });
    // Counts, ids and values are not times.
    const none = detectTime([num('count', 3, 5), num('id', 100000, 100001), num('big', 999_999_999, 1_000_000_001)]);
    expect(none.chosen).toBeNull();
    expect(detectTime([num('time', 1704067200, 1704067200123)]).chosen).toBeNull(); // seconds and ms mixed
    // A unit given turns the reading of a time column, and makes no count a time.
    expect(detectTime([num('count', 3, 5), num('ts', 1704067200, 1704067260)], { epochUnit: 'ms' })).toMatchObject({ chosen: 'ts', reading: { kind: 'epoch', unit: 'ms' } });
    expect(detectTime([num('count', 3, 5)], { epochUnit: 's' }).chosen).toBeNull();
    // Without a time name: three rising values at least (a phone number 2095257564 is not 2036-05-23).
    expect(detectTime([num('phone', 2095257564)]).chosen).toBeNull();
    expect(detectTime([num('phone', 2095257564, 4155550100, 2125550199)]).chosen).toBeNull();
    expect(detectTime([num('n', 1704067200, 1704067260, 1704067320)]).reading).toEqual({ kind: 'epoch', unit: 's' });
    expect(detectTime([num('n', 1704067200000, 1704067260000, 1704067320000)]).reading).toEqual({ kind: 'epoch', unit: 'ms' });
  });
  it('prefers a known name, then typed or text times in file order, then epoch numbers', () => {
    expect(detectTime([typed('when'), typed('timestamp', 'TIMESTAMP')]).chosen).toBe('timestamp');
    expect(detectTime([num('epoch', 1704067200), text('day', 'Jan 1 2000')]).chosen).toBe('day');
    expect(detectTime([num('n', 1704067200, 1704067260, 1704067320), num('unix_time', 1704067200)]).chosen).toBe('unix_time');
  });
  it('an override must exist; on a column the sample does not prove it takes the form most values fit', () => {
    expect(() => detectTime([text('x', 'a')], { timestampColumn: 'nope', source: 'data.csv' })).toThrow(/data\.csv: no column named "nope"/);
    const d = detectTime([text('when', 'Jan 1 2000', 'yesterday', 'Jan 3 2000')], { timestampColumn: 'when' });
    expect(d).toMatchObject({ chosen: 'when', reading: { kind: 'text', format: { strptime: '%b %d %Y' } } });
  });
  it('zones: offsets in ISO text, else UTC or the import zone', () => {
    expect(timeChoice(detectTime([text('t', '2000-01-01T00:00:00Z', '2000-01-01 02:00')]))).toMatchObject({ column: 't', format: 'ISO 8601', zone: 'offsets in the data, stored as UTC' });
    expect(timeChoice(detectTime([text('t', 'Jan 1 2000')], { timezone: 'Europe/Berlin' }))).toMatchObject({ zone: 'Europe/Berlin' });
    expect(timeChoice(detectTime([text('t', '01/02/2000')]))).toMatchObject({ format: '01/31/2000 (%m/%d/%Y)', zone: 'UTC', dayFirst: false, dayOrder: 'assumed' });
  });
  it('the refusal names each column, why, and the forms tried', () => {
    const e = noTimeColumnError('counts.csv', detectTime([text('site', 'A'), num('count', 3)]));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toMatch(/^counts\.csv: no column holds times, so it cannot be a series \(columns tried: site \(VARCHAR: "A" fits no time form\); count \(BIGINT: numbers, not times .*\)\)\. Forms tried: ISO 8601 .*Jan 31 2000.*epoch seconds or milliseconds/);
    expect(e.detail).toMatchObject({ reason: 'no-time-column', columns: ['site', 'count'] });
  });
});
