import { describe, expect, it } from 'vitest';
import { csvField, pageSql } from '../../../src/ui/table-export';

describe('csvField: RFC 4180 fields that a spreadsheet never runs as formulas', () => {
  it.each([
    ['=1+2', "'=1+2"],
    ['+cmd', "'+cmd"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1:A9)', "'@SUM(A1:A9)"],
    ['\t=1', "'\t=1"],
    ['-3.5', "'-3.5"], // text that looks like a number is still text: a formula could start the same way
  ])('prefixes text beginning like a formula: %j', (text, want) => {
    expect(csvField(text, 'string')).toBe(want);
  });

  it('quotes a prefixed field when it holds a quote, comma, newline or carriage return', () => {
    expect(csvField('=HYPERLINK("http://evil.example","click")', 'string')).toBe(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(csvField('\r=1', 'string')).toBe(`"'\r=1"`);
    expect(csvField('=a,b', 'string')).toBe(`"'=a,b"`);
    expect(csvField('-x\ny', 'string')).toBe(`"'-x\ny"`);
  });

  it('leaves other text as RFC 4180 has it', () => {
    expect(csvField('plain', 'string')).toBe('plain');
    expect(csvField('a "b"', 'string')).toBe('"a ""b"""');
    expect(csvField('x=1', 'string')).toBe('x=1'); // only the first character matters
    expect(csvField(' =1', 'string')).toBe(' =1');
    expect(csvField("'=1", 'string')).toBe("'=1");
    expect(csvField('', 'string')).toBe('');
  });

  it('never prefixes numbers, whatever their sign', () => {
    expect(csvField(-3.5, 'Float64')).toBe('-3.5');
    expect(csvField(-0.000001, 'Float64')).toBe('-0.000001');
    expect(csvField(-42, 'Int32')).toBe('-42');
    expect(csvField(-9007199254740993n, 'Int64')).toBe('-9007199254740993');
    expect(csvField(1e21, 'Float64')).toBe('1e+21');
  });

  it('writes times as ISO-8601 UTC (before 1970 too) and nulls as empty fields', () => {
    expect(csvField(Date.UTC(2024, 0, 1), 'timestamp')).toBe('2024-01-01T00:00:00.000Z');
    expect(csvField(Date.UTC(1969, 11, 31, 23), 'timestamp')).toBe('1969-12-31T23:00:00.000Z');
    expect(csvField(new Date(Date.UTC(2024, 5, 1)), 'string')).toBe('2024-06-01T00:00:00.000Z');
    expect(csvField(null, 'string')).toBe('');
    expect(csvField(undefined, 'Float64')).toBe('');
  });

  it('builds the ordered page query export reads', () => {
    expect(pageSql('t"s', 10, 20)).toBe('SELECT * FROM source ORDER BY "t""s" LIMIT 10 OFFSET 20');
    expect(pageSql(undefined, 5, 0)).toBe('SELECT * FROM source LIMIT 5 OFFSET 0');
  });
});
