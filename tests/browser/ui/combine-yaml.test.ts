// The YAML the "Combine series…" form builds (combine-yaml.ts): text with YAML's own syntax in it (quotes, colons,
// `#`, a leading `-`, glob characters) must arrive exactly as typed, both through the yaml package and through the
// real pond worker's timeseries-join (mknod, describe, query). Expected rows are worked out here from the inputs.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { tableFromIPC } from 'apache-arrow';
import { combineProblems, defaultScope, joinYaml, literalGlob, utcInstant, type CombineInput } from '../../../src/ui/combine-yaml';
import { compileGlob, matchSegment } from '../../../src/tinyfs/glob';
import { connect } from '../../helpers/pond-clients';

const input = (path: string, scope: string, begin = '', end = ''): CombineInput => ({ path, scope, begin, end });
const TRICKY = ['it\'s "north": #1', 'a: b', '# not a comment', '- dash', '*star?', '[x]', 'yes', 'null', '0x10', ' {braces} ', 'née'];

describe('the join config the form builds', () => {
  it('round-trips scopes and paths holding YAML syntax exactly (scopes trimmed of outer spaces only)', () => {
    const inputs = TRICKY.map((scope, i) => input(`/d/${scope}/s${i}.series`, scope));
    const parsed = parse(joinYaml(inputs)) as { inputs: { pattern: string; scope: string }[] };
    expect(parsed.inputs.map((x) => x.scope)).toEqual(TRICKY.map((s) => s.trim()));
    expect(parsed.inputs.map((x) => x.pattern)).toEqual(inputs.map((x) => literalGlob(x.path)));
    expect(Object.keys(parsed)).toEqual(['inputs']); // no time_column unless given
  });

  it('makes a path into a glob that matches that name and no other', () => {
    for (const name of ['a*b', 'q?', '[x]', 'plain.series', 'x[!y]*']) {
      const [seg] = compileGlob(`/${literalGlob(name)}`).segments;
      expect(seg && seg.kind !== 'any-depth' && matchSegment(seg, name)).toBe(true);
      for (const other of ['ab', 'aXb', 'q', 'x', 'plain-series', 'xy']) {
        if (other !== name) expect(seg && seg.kind !== 'any-depth' && matchSegment(seg, other)).toBe(false);
      }
    }
  });

  it('reads datetime-local text as UTC, writes only the bounds given, and names what is wrong', () => {
    expect(utcInstant('2024-03-01T04:00')).toBe('2024-03-01T04:00:00Z');
    expect(utcInstant('2024-03-01T04:00:30.5')).toBe('2024-03-01T04:00:30.5Z');
    expect(utcInstant('')).toBeUndefined();
    expect(() => utcInstant('01/03/2024 04:00')).toThrow(/not a date and time/);
    const parsed = parse(joinYaml([input('/a', 'A', '', '2024-03-01T04:00'), input('/b', 'A', '2024-03-01T04:00')], 'time')) as Record<string, unknown>;
    expect(parsed).toEqual({
      time_column: 'time',
      inputs: [{ pattern: '/a', scope: 'A', range: { end: '2024-03-01T04:00:00Z' } }, { pattern: '/b', scope: 'A', range: { begin: '2024-03-01T04:00:00Z' } }],
    });
    expect(combineProblems([input('/a', 'A')], '/x')).toEqual(['Pick at least two series.']);
    expect(combineProblems([input('/a', ' ', '2024-03-01T05:00', '2024-03-01T04:00'), input('/b', 'B')], 'x')).toEqual([
      'The destination must be a pond path starting with /.',
      'Input 1 (/a): the scope is empty.',
      'Input 1 (/a): the end must be after the begin (begin is inclusive, end exclusive).',
    ]);
    expect(defaultScope('/sites/north/water.series')).toBe('north');
    expect(defaultScope('/old.series')).toBe('old');
  });

  it('creates a working join in a real pond from tricky names: each input matches its own file, columns are Scope.column', async () => {
    const c = connect();
    await c.api.createPond('combine-yaml');
    const at = (h: number) => `2024-03-01T0${h}:00:00Z`;
    const csv = (rows: [number, number][]) => new Blob([`timestamp,v\n${rows.map(([h, v]) => `${at(h)},${v}`).join('\n')}\n`]);
    // Two files whose names are globs of each other's: a literal pattern must pick only its own.
    await c.api.copyIn([{ name: 'a.csv', data: csv([[0, 1], [1, 2], [2, 3]]) }], '/dev*/old [1].series', { format: 'series' });
    await c.api.copyIn([{ name: 'b.csv', data: csv([[1, 20], [2, 30], [3, 40]]) }], '/devX/old 1.series', { format: 'series' });
    const scopeA = 'it\'s "north": #1';
    const yaml = joinYaml([input('/dev*/old [1].series', scopeA, '', '2024-03-01T02:00'), input('/devX/old 1.series', 'a: b')]);
    await c.api.mknod('timeseries-join', '/j', yaml);
    const d = await c.api.describe('/j');
    expect(d.derived?.inputs.map((i) => i.matches)).toEqual([['/dev*/old [1].series'], ['/devX/old 1.series']]);
    expect(d.columns.map((x) => x.name)).toEqual(['timestamp', `${scopeA}.v`, 'a: b.v']);
    const sql = `SELECT "${scopeA.replace(/"/g, '""')}.v"::DOUBLE AS a, "a: b.v"::DOUBLE AS b FROM source ORDER BY timestamp`;
    const rows = tableFromIPC((await c.api.query(sql, { source: '/j' })).ipc).toArray().map((r) => r.toJSON());
    // The first input until 02:00 (exclusive), the second everywhere: 00:00-03:00, four rows.
    expect(rows).toEqual([{ a: 1, b: null }, { a: 2, b: 20 }, { a: null, b: 30 }, { a: null, b: 40 }]);
  });
});
