// Configs of the derived-series factories: defaults, strictness (unknown fields refused) and every bad field named
// as `<factory> config: <field> …`; durations, ISO instants, column renaming and the pivot's scope capture.
import { describe, expect, it } from 'vitest';
import { PondError } from '../../../src/core/errors';
import { parseDuration } from '../../../src/service/nodes/duration';
import { isoToMicros } from '../../../src/service/nodes/iso-time';
import { parseColumnRenameConfig, renameColumns } from '../../../src/service/nodes/factories/column-rename-config';
import { parseDynamicDirConfig } from '../../../src/service/nodes/factories/dynamic-dir-config';
import { parseSqlDerivedConfig } from '../../../src/service/nodes/factories/sql-derived-config';
import { parseTimeseriesJoinConfig } from '../../../src/service/nodes/factories/timeseries-join-config';
import { parseTimeseriesPivotConfig, pivotScope } from '../../../src/service/nodes/factories/timeseries-pivot-config';

/** The call fails with INVALID_INPUT whose message names `factory config: field` and matches `why`. */
function expectBadField(f: () => unknown, factory: string, field: string, why: RegExp = /./): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err, `expected ${factory} ${field} to be refused`).toBeInstanceOf(PondError);
  const e = err as PondError;
  expect(e.code).toBe('INVALID_INPUT');
  expect(e.message.startsWith(`${factory} config: ${field}`), e.message).toBe(true);
  expect(e.message).toMatch(why);
  expect(e.detail?.field).toBe(field);
}

const H = 3_600_000_000;
const M = 60_000_000;
const S = 1_000_000;

describe('parseDuration', () => {
  it('reads one or more parts, summed, in µs', () => {
    expect(parseDuration('30s')).toBe(30 * S);
    expect(parseDuration('15m')).toBe(15 * M);
    expect(parseDuration('1h30m')).toBe(90 * M);
    expect(parseDuration('2d')).toBe(48 * H);
    expect(parseDuration('500ms')).toBe(500_000);
    expect(parseDuration('1d 12h')).toBe(36 * H);
    expect(parseDuration('250us')).toBe(250);
    expect(parseDuration('15min')).toBe(15 * M);
    expect(parseDuration('1w')).toBe(7 * 24 * H);
  });

  it('refuses zero, fractions, months, signs and junk', () => {
    for (const bad of ['', '0s', '1.5h', '1mo', '1y', '-1h', 'h', '1h junk', '10', '1h30']) {
      expect(() => parseDuration(bad), bad).toThrow(/not a positive length/);
    }
  });
});

describe('isoToMicros', () => {
  it('reads Z, offsets, fractions to the µs and a date alone as midnight UTC', () => {
    expect(isoToMicros('2024-05-01T06:00:00Z')).toBe(Date.UTC(2024, 4, 1, 6) * 1000);
    expect(isoToMicros('2024-05-01T08:00:00+02:00')).toBe(Date.UTC(2024, 4, 1, 6) * 1000);
    expect(isoToMicros('2024-05-01T01:30-0430')).toBe(Date.UTC(2024, 4, 1, 6) * 1000);
    expect(isoToMicros('2024-05-01T06:00:00.000123Z')).toBe(Date.UTC(2024, 4, 1, 6) * 1000 + 123);
    expect(isoToMicros('2024-05-01T06:00:00.5Z')).toBe(Date.UTC(2024, 4, 1, 6) * 1000 + 500_000);
    expect(isoToMicros('2024-05-01')).toBe(Date.UTC(2024, 4, 1) * 1000);
    expect(isoToMicros('2024-02-29')).toBe(Date.UTC(2024, 1, 29) * 1000);
    expect(isoToMicros('1969-12-31T23:59:59Z')).toBe(-1 * S);
    // Far out: the year 1 and 9999, whole seconds still exact (days × 86 400 s × 10^6 computed here in bigint).
    const days0001 = -719162n; // 0001-01-01 is 719 162 days before 1970-01-01
    expect(BigInt(isoToMicros('0001-01-01')!)).toBe(days0001 * 86_400_000_000n);
    expect(BigInt(isoToMicros('9999-12-31T23:59:59Z')!)).toBe(253402300799n * 1_000_000n);
  });

  it('refuses a time without a zone, impossible dates and sub-µs digits', () => {
    for (const bad of ['2024-05-01T06:00:00', '2023-02-29', '2024-13-01', '2024-04-31', '2024-05-01T24:00:00Z', '2024-05-01T06:00:00.0000001Z', 'yesterday', '2024-5-1']) {
      expect(isoToMicros(bad), bad).toBeUndefined();
    }
  });
});

describe('sql-derived config', () => {
  it('keeps the patterns in order, the query, and no transforms by default', () => {
    const c = parseSqlDerivedConfig('patterns:\n  temps: /sites/*/temp.series\n  flow: /flow.series\nquery: SELECT * FROM temps\n', 'sql-derived-series');
    expect(c).toEqual({ patterns: { temps: '/sites/*/temp.series', flow: '/flow.series' }, query: 'SELECT * FROM temps', transforms: [] });
    expect(Object.keys(c.patterns)).toEqual(['temps', 'flow']);
  });

  it('names the kind and the bad field', () => {
    const k = 'sql-derived-table';
    expectBadField(() => parseSqlDerivedConfig('query: SELECT 1\n', k), k, 'patterns', /required/);
    expectBadField(() => parseSqlDerivedConfig('patterns: {}\nquery: SELECT 1\n', k), k, 'patterns', /at least one/);
    expectBadField(() => parseSqlDerivedConfig('patterns: [a]\nquery: SELECT 1\n', k), k, 'patterns', /mapping/);
    expectBadField(() => parseSqlDerivedConfig('patterns: {1st: /a}\nquery: SELECT 1\n', k), k, 'patterns.1st', /SQL name/);
    expectBadField(() => parseSqlDerivedConfig('patterns: {"my table": /a}\nquery: SELECT 1\n', k), k, 'patterns.my table', /SQL name/);
    expectBadField(() => parseSqlDerivedConfig('patterns: {A: /a, a: /b}\nquery: SELECT 1\n', k), k, 'patterns.a', /ignore case/);
    expectBadField(() => parseSqlDerivedConfig('patterns: {a: relative/x}\nquery: SELECT 1\n', k), k, 'patterns.a', /absolute/);
    expectBadField(() => parseSqlDerivedConfig('patterns: {a: "/x/[ab"}\nquery: SELECT 1\n', k), k, 'patterns.a', /closing/);
    expectBadField(() => parseSqlDerivedConfig('patterns: {a: /x}\n', k), k, 'query', /required/);
    expectBadField(() => parseSqlDerivedConfig('patterns: {a: /x}\nquery: "  "\n', k), k, 'query', /non-empty/);
    expectBadField(() => parseSqlDerivedConfig('patterns: {a: /x}\nquery: SELECT 1\nqeury: x\n', k), k, 'qeury', /not a known field/);
    expectBadField(() => parseSqlDerivedConfig('patterns: {a: /x}\nquery: SELECT 1\ntransforms: [etc/rename]\n', k), k, 'transforms[0]', /absolute/);
  });
});

describe('timeseries-join config', () => {
  const two = 'inputs:\n  - pattern: /a.series\n  - pattern: /b.series\n';

  it('defaults the time column to timestamp and leaves scope and range out', () => {
    expect(parseTimeseriesJoinConfig(two)).toEqual({
      timeColumn: 'timestamp', inputs: [{ pattern: '/a.series', transforms: [] }, { pattern: '/b.series', transforms: [] }],
    });
  });

  it('reads a sensor swap: ranges in UTC µs, scopes, transforms', () => {
    const c = parseTimeseriesJoinConfig(`time_column: ts
inputs:
  - {pattern: /dev/old.series, scope: Dock, range: {end: "2024-05-01T08:00:00+02:00"}, transforms: [/etc/rename]}
  - {pattern: /dev/new.series, scope: Dock, range: {begin: 2024-05-01T06:00:00Z}}
  - {pattern: /dev/air.series, scope: Air, range: {begin: 2024-01-01, end: 2025-01-01}}
`);
    const swap = Date.UTC(2024, 4, 1, 6) * 1000;
    expect(c.timeColumn).toBe('ts');
    expect(c.inputs).toEqual([
      { pattern: '/dev/old.series', scope: 'Dock', range: { end: swap }, transforms: ['/etc/rename'] },
      { pattern: '/dev/new.series', scope: 'Dock', range: { begin: swap }, transforms: [] },
      { pattern: '/dev/air.series', scope: 'Air', range: { begin: Date.UTC(2024, 0, 1) * 1000, end: Date.UTC(2025, 0, 1) * 1000 }, transforms: [] },
    ]);
  });

  it('names the bad field', () => {
    const w = 'timeseries-join';
    expectBadField(() => parseTimeseriesJoinConfig('inputs:\n  - pattern: /a\n'), w, 'inputs', /at least 2/);
    expectBadField(() => parseTimeseriesJoinConfig('time_column: x\n'), w, 'inputs', /required/);
    expectBadField(() => parseTimeseriesJoinConfig(`${two}  - 7\n`), w, 'inputs[2]', /mapping/);
    expectBadField(() => parseTimeseriesJoinConfig('inputs:\n  - pattern: /a\n  - scope: B\n'), w, 'inputs[1].pattern', /required/);
    expectBadField(() => parseTimeseriesJoinConfig('inputs:\n  - pattern: /a\n  - {pattern: /b, range: {begin: "2024-05-01T06:00:00"}}\n'), w, 'inputs[1].range.begin', /ISO-8601/);
    expectBadField(() => parseTimeseriesJoinConfig('inputs:\n  - pattern: /a\n  - {pattern: /b, range: {begin: 2024-05-02, end: 2024-05-01}}\n'), w, 'inputs[1].range.end', /after begin/);
    expectBadField(() => parseTimeseriesJoinConfig('inputs:\n  - pattern: /a\n  - {pattern: /b, range: {begin: 2024-05-01, end: 2024-05-01}}\n'), w, 'inputs[1].range.end', /after begin/);
    expectBadField(() => parseTimeseriesJoinConfig('inputs:\n  - pattern: /a\n  - {pattern: /b, range: {start: 2024-05-01}}\n'), w, 'inputs[1].range.start', /not a known field.*begin, end/);
    expectBadField(() => parseTimeseriesJoinConfig('inputs:\n  - {pattern: /a, scope: "a/b"}\n  - pattern: /b\n'), w, 'inputs[0].scope', /'\/'/);
    expectBadField(() => parseTimeseriesJoinConfig('inputs:\n  - {pattern: /a, transform: [/x]}\n  - pattern: /b\n'), w, 'inputs[0].transform', /not a known field/);
    expectBadField(() => parseTimeseriesJoinConfig(`${two}time_column: ""\n`), w, 'time_column', /non-empty/);
    expectBadField(() => parseTimeseriesJoinConfig(`${two}timecolumn: ts\n`), w, 'timecolumn', /not a known field/);
  });
});

describe('timeseries-pivot config', () => {
  it('defaults time column and transforms, and captures the * as each input scope', () => {
    const c = parseTimeseriesPivotConfig('pattern: /combined/*.series\ncolumns: [DO.mg/L, Temp.C]\n');
    expect(c).toEqual({ pattern: '/combined/*.series', columns: ['DO.mg/L', 'Temp.C'], timeColumn: 'timestamp', transforms: [] });
    expect(pivotScope(c, '/combined/Silver.series')).toBe('Silver');
    expect(pivotScope(c, '/combined/B.Dock.series')).toBe('B.Dock');
    const dirs = parseTimeseriesPivotConfig('pattern: /sites/*/all.series\ncolumns: [x]\ntime_column: ts\ntransforms: [/etc/r]\n');
    expect(dirs).toMatchObject({ timeColumn: 'ts', transforms: ['/etc/r'] });
    expect(pivotScope(dirs, '/sites/Upper/all.series')).toBe('Upper');
    expect(() => pivotScope(dirs, '/other/Upper/x.series')).toThrow(/does not match/);
    expect(() => pivotScope(c, '/combined/deeper/Silver.series')).toThrow(/does not match/);
    expect(() => pivotScope(c, '/combined/.series')).toThrow(/no scope/);
  });

  it('names the bad field', () => {
    const w = 'timeseries-pivot';
    expectBadField(() => parseTimeseriesPivotConfig('pattern: /a/b\ncolumns: [x]\n'), w, 'pattern', /exactly one \*.*not 0/);
    expectBadField(() => parseTimeseriesPivotConfig('pattern: /a/*/*\ncolumns: [x]\n'), w, 'pattern', /not 2/);
    expectBadField(() => parseTimeseriesPivotConfig('pattern: /a/**\ncolumns: [x]\n'), w, 'pattern', /not 2/);
    expectBadField(() => parseTimeseriesPivotConfig('pattern: /a/*-?.series\ncolumns: [x]\n'), w, 'pattern', /another wildcard/);
    expectBadField(() => parseTimeseriesPivotConfig('pattern: a/*\ncolumns: [x]\n'), w, 'pattern', /absolute/);
    expectBadField(() => parseTimeseriesPivotConfig('pattern: /a/*/\ncolumns: [x]\n'), w, 'pattern', /trailing/);
    expectBadField(() => parseTimeseriesPivotConfig('pattern: /a/*\n'), w, 'columns', /required/);
    expectBadField(() => parseTimeseriesPivotConfig('pattern: /a/*\ncolumns: []\n'), w, 'columns', /empty/);
    expectBadField(() => parseTimeseriesPivotConfig('pattern: /a/*\ncolumns: [x, x]\n'), w, 'columns[1]', /repeats/);
    expectBadField(() => parseTimeseriesPivotConfig('pattern: /a/*\ncolumns: [x, 3]\n'), w, 'columns[1]', /string/);
    expectBadField(() => parseTimeseriesPivotConfig('pattern: /a/*\ncolumns: [timestamp]\n'), w, 'columns[0]', /time column/);
    expectBadField(() => parseTimeseriesPivotConfig('pattern: /a/*\ncolumns: [x]\nscope: s\n'), w, 'scope', /not a known field/);
  });
});

describe('column-rename config and renameColumns', () => {
  const rules = parseColumnRenameConfig(String.raw`rules:
  - {from: '^DateTime$', to: timestamp}
  - {from: '^(.+) \((.+)\)$', to: '$1.$2'}
  - {from: 'Temp', to: 'Temperature'}
`).rules;

  it('applies the first matching rule only, replacing its first match', () => {
    // "Temp (C)" matches rule 2 first: rule 3 never sees "Temp.C".
    expect(renameColumns(['DateTime', 'Temp (C)', 'DO (mg/L)', 'Temp', 'TempTemp', 'other'], rules))
      .toEqual(['timestamp', 'Temp.C', 'DO.mg/L', 'Temperature', 'TemperatureTemp', 'other']);
  });

  it('supports named groups and the u flag', () => {
    const r = parseColumnRenameConfig("rules:\n  - {from: '^(?<p>\\p{L}+)_raw$', to: '$<p>'}\n").rules;
    expect(renameColumns(['Größe_raw', 'x_raw1'], r)).toEqual(['Größe', 'x_raw1']);
  });

  it('refuses two columns that end up with one name, naming both, and an empty name', () => {
    expect(() => renameColumns(['DateTime', 'timestamp'], rules)).toThrow(/"timestamp" and "DateTime" would both be named "timestamp"|"DateTime" and "timestamp" would both be named "timestamp"/);
    try {
      renameColumns(['a (x)', 'a.x'], rules);
      expect.unreachable();
    } catch (e) {
      expect((e as PondError).detail).toEqual({ columns: ['a (x)', 'a.x'], name: 'a.x' });
    }
    const drop = parseColumnRenameConfig("rules:\n  - {from: '^junk$', to: ''}\n").rules;
    expect(() => renameColumns(['junk'], drop)).toThrow(/"junk" would be renamed to an empty name/);
  });

  it('names the bad field', () => {
    const w = 'column-rename';
    expectBadField(() => parseColumnRenameConfig('rules: []\n'), w, 'rules', /empty/);
    expectBadField(() => parseColumnRenameConfig('{}\n'), w, 'rules', /required/);
    expectBadField(() => parseColumnRenameConfig("rules:\n  - {from: '(unclosed', to: x}\n"), w, 'rules[0].from', /not a valid regular expression/);
    expectBadField(() => parseColumnRenameConfig("rules:\n  - {from: a, to: b}\n  - {from: '\\p{Nope}', to: x}\n"), w, 'rules[1].from', /not a valid regular expression/);
    expectBadField(() => parseColumnRenameConfig('rules:\n  - {from: a}\n'), w, 'rules[0].to', /required/);
    expectBadField(() => parseColumnRenameConfig('rules:\n  - {from: a, to: 3}\n'), w, 'rules[0].to', /string/);
    expectBadField(() => parseColumnRenameConfig('rules:\n  - {pattern: a, replacement: b}\n'), w, 'rules[0].pattern', /not a known field/);
  });
});

describe('dynamic-dir config', () => {
  const known = ['synthetic-timeseries', 'timeseries-join'];

  it('keeps each entry config as YAML text its factory can parse', () => {
    const c = parseDynamicDirConfig(`entries:
  - name: test.series
    factory: synthetic-timeseries
    config:
      start: 2024-01-01
      points: [{name: v, components: [{type: line, slope: 1}]}]
  - {name: joined.series, factory: timeseries-join, config: {inputs: [{pattern: /a}, {pattern: /b}]}}
`, known);
    expect(c.entries.map((e) => [e.name, e.factory])).toEqual([['test.series', 'synthetic-timeseries'], ['joined.series', 'timeseries-join']]);
    expect(c.entries[0]!.config).toBe('start: 2024-01-01\npoints:\n  - name: v\n    components:\n      - type: line\n        slope: 1\n');
    expect(parseTimeseriesJoinConfig(c.entries[1]!.config).inputs.map((i) => i.pattern)).toEqual(['/a', '/b']);
  });

  it('names the entry when its factory refuses its config', () => {
    const yaml = 'entries:\n  - {name: ok, factory: timeseries-join, config: {inputs: [{pattern: /a}, {pattern: /b}]}}\n  - {name: j, factory: timeseries-join, config: {inputs: [{pattern: /a}]}}\n';
    const check = (factory: string, config: string) => { if (factory === 'timeseries-join') parseTimeseriesJoinConfig(config); };
    try {
      parseDynamicDirConfig(yaml, known, check);
      expect.unreachable();
    } catch (e) {
      expect((e as PondError).code).toBe('INVALID_INPUT');
      expect((e as PondError).message).toBe('dynamic-dir config: entries[1].config: timeseries-join config: inputs needs at least 2 items, not 1');
      expect((e as PondError).detail).toMatchObject({ factory: 'dynamic-dir', field: 'entries[1].config', entry: 'j' });
    }
    const bug = new RangeError('not a config problem');
    expect(() => parseDynamicDirConfig(yaml, known, () => { throw bug; })).toThrow(bug);
  });

  it('names the bad field', () => {
    const w = 'dynamic-dir';
    const entry = (e: string) => `entries:\n  - {name: a, factory: timeseries-join, config: {x: 1}}\n  - ${e}\n`;
    expectBadField(() => parseDynamicDirConfig('entries: []\n', known), w, 'entries', /empty/);
    expectBadField(() => parseDynamicDirConfig(entry('{name: a, factory: timeseries-join, config: {}}'), known), w, 'entries[1].name', /repeats "a" \(entries\[0\]\)/);
    expectBadField(() => parseDynamicDirConfig(entry('{name: "..", factory: timeseries-join, config: {}}'), known), w, 'entries[1].name', /cannot be used as a name/);
    expectBadField(() => parseDynamicDirConfig(entry('{name: "x/y", factory: timeseries-join, config: {}}'), known), w, 'entries[1].name', /'\/'/);
    expectBadField(() => parseDynamicDirConfig(entry('{name: b, factory: hydro, config: {}}'), known), w, 'entries[1].factory', /unknown: "hydro"; known: synthetic-timeseries, timeseries-join/);
    expectBadField(() => parseDynamicDirConfig(entry('{name: b, factory: timeseries-join}'), known), w, 'entries[1].config', /required/);
    expectBadField(() => parseDynamicDirConfig(entry('{name: b, factory: timeseries-join, config: [1]}'), known), w, 'entries[1].config', /mapping/);
    expectBadField(() => parseDynamicDirConfig(entry('{name: b, factory: timeseries-join, config: {}, type: x}'), known), w, 'entries[1].type', /not a known field/);
  });
});
