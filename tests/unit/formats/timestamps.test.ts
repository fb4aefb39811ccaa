import { describe, expect, it } from 'vitest';
import { makeData, RecordBatch, Schema, Field, Struct, TimestampMicrosecond, TimestampNanosecond, Float64, Int64, DateDay, Utf8, vectorFromArray, type Data } from 'apache-arrow';
import { assertTimeZone, guessEpochUnit, localToUtcMs, normaliseTimeColumn, zoneOffsetMs } from '../../../src/formats/timestamps';

function batchOf(name: string, data: Data): RecordBatch {
  const fields = [new Field(name, data.type, true), new Field('v', new Float64(), true)];
  const v = makeData({ type: new Float64(), length: data.length, data: new Float64Array(data.length) });
  return new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: data.length, nullCount: 0, children: [data, v] }));
}
const utc = (s: string) => BigInt(Date.parse(s)) * 1000n;
const times = (b: RecordBatch, name = 't') => Array.from(b.data.children[b.schema.fields.findIndex((f) => f.name === name)]!.values as BigInt64Array);

describe('time zones', () => {
  it('knows IANA names and refuses others', () => {
    expect(() => assertTimeZone('Europe/Berlin')).not.toThrow();
    expect(() => assertTimeZone('Mars/Olympus')).toThrow(/unknown time zone/);
  });
  it('gives offsets on both sides of a DST change', () => {
    expect(zoneOffsetMs('America/New_York', Date.parse('2024-01-15T12:00:00Z'))).toBe(-5 * 3600_000);
    expect(zoneOffsetMs('America/New_York', Date.parse('2024-07-15T12:00:00Z'))).toBe(-4 * 3600_000);
  });
  it('converts wall-clock times across spring-forward (gap moves forward) and fall-back (earlier instant)', () => {
    const L = (s: string) => Date.parse(s + 'Z');
    expect(localToUtcMs('America/New_York', L('2024-03-10T01:30:00'))).toBe(Date.parse('2024-03-10T06:30:00Z'));
    expect(localToUtcMs('America/New_York', L('2024-03-10T02:30:00'))).toBe(Date.parse('2024-03-10T07:30:00Z'));
    expect(localToUtcMs('America/New_York', L('2024-03-10T03:30:00'))).toBe(Date.parse('2024-03-10T07:30:00Z'));
    expect(localToUtcMs('America/New_York', L('2024-11-03T01:30:00'))).toBe(Date.parse('2024-11-03T05:30:00Z'));
    expect(localToUtcMs('America/New_York', L('2024-11-03T02:30:00'))).toBe(Date.parse('2024-11-03T07:30:00Z'));
    expect(localToUtcMs('Australia/Lord_Howe', L('2024-04-07T01:45:00'))).toBe(Date.parse('2024-04-06T14:45:00Z'));
  });
  it('guesses epoch seconds vs milliseconds', () => {
    expect(guessEpochUnit(1_700_000_000)).toBe('s');
    expect(guessEpochUnit(1_700_000_000_000)).toBe('ms');
  });
});

describe('normaliseTimeColumn', () => {
  it('keeps µs precision and gives min/max, with duplicates and disorder kept', () => {
    const vals = BigInt64Array.from([utc('2024-01-02T00:00:00Z') + 7n, utc('2024-01-01T00:00:00Z'), utc('2024-01-01T00:00:00Z')]);
    const r = normaliseTimeColumn(batchOf('t', makeData({ type: new TimestampMicrosecond(), length: 3, data: vals })), 't');
    expect(times(r.batch)).toEqual(Array.from(vals));
    expect(r.min).toBe(utc('2024-01-01T00:00:00Z'));
    expect(r.max).toBe(utc('2024-01-02T00:00:00Z') + 7n);
    expect(r.batch.schema.fields[0]!.type).toBeInstanceOf(TimestampMicrosecond);
    expect((r.batch.schema.fields[0]!.type as TimestampMicrosecond).timezone).toBeFalsy();
  });
  it('converts zone-less wall-clock times in a named zone to UTC, over a DST change', () => {
    const local = ['2024-03-10T01:00:00', '2024-03-10T03:00:00', '2024-03-10T04:00:00'].map((s) => utc(s + 'Z'));
    const r = normaliseTimeColumn(batchOf('t', makeData({ type: new TimestampMicrosecond(), length: 3, data: BigInt64Array.from(local) })), 't', { timezone: 'America/New_York' });
    expect(times(r.batch)).toEqual(['2024-03-10T06:00:00Z', '2024-03-10T07:00:00Z', '2024-03-10T08:00:00Z'].map(utc));
  });
  it('leaves zoned (UTC instant) timestamps alone even with a timezone option; ns become µs', () => {
    const ns = BigInt64Array.from([utc('2024-01-01T00:00:00Z') * 1000n + 999n]);
    const r = normaliseTimeColumn(batchOf('t', makeData({ type: new TimestampNanosecond('UTC'), length: 1, data: ns })), 't', { timezone: 'Europe/Berlin' });
    expect(times(r.batch)).toEqual([utc('2024-01-01T00:00:00Z')]);
  });
  it('reads epoch seconds and milliseconds, keeping nulls', () => {
    const s = normaliseTimeColumn(batchOf('ts', vectorFromArray([1_700_000_000.5, null], new Float64()).data[0]!), 'ts');
    expect(s.epochUnit).toBe('s');
    expect(times(s.batch, 'ts')[0]).toBe(1_700_000_000_500_000n);
    expect(s.batch.getChild('ts')!.nullCount).toBe(1);
    const ms = normaliseTimeColumn(batchOf('ts', makeData({ type: new Int64(), length: 1, data: BigInt64Array.from([1_700_000_000_123n]) })), 'ts');
    expect(ms.epochUnit).toBe('ms');
    expect(times(ms.batch, 'ts')).toEqual([1_700_000_000_123_000n]);
  });
  it('reads dates as midnight (UTC, or local midnight in a zone)', () => {
    const d = makeData({ type: new DateDay(), length: 1, data: Int32Array.from([19723]) }); // 2024-01-01
    expect(times(normaliseTimeColumn(batchOf('t', d), 't').batch)).toEqual([utc('2024-01-01T00:00:00Z')]);
    expect(times(normaliseTimeColumn(batchOf('t', d), 't', { timezone: 'Europe/Berlin' }).batch)).toEqual([utc('2023-12-31T23:00:00Z')]);
  });
  it('refuses a text column, naming the input', () => {
    expect(() => normaliseTimeColumn(batchOf('t', vectorFromArray(['x'], new Utf8()).data[0]!), 't', { source: 'a.csv' })).toThrow(/a\.csv: a column of type Utf8/);
  });
});

