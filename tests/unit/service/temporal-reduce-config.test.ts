// temporal-reduce configs in the original's form (in_pattern captures → out_pattern, per-aggregation column globs),
// the first form still read as before, and every bad field named.
import { describe, expect, it } from 'vitest';
import {
  aggregationsKey, capturesOf, columnMatches, expandOutPattern, outputFolder, parseTemporalReduceConfig, resolveColumns,
} from '../../../src/service/nodes/factories/temporal-reduce-config';
import { inputsKey, planByKey } from '../../../src/service/nodes/factories/temporal-reduce';
import type { DerivedSource } from '../../../src/query/derived-source';
import type { NodeRecord } from '../../../src/tinyfs/node';

const parse = parseTemporalReduceConfig;

describe('temporal-reduce config, the pattern form', () => {
  it('reads the original example as it stands under config:', () => {
    const c = parse([
      'in_pattern: "/combined/*"', 'out_pattern: "$0"', 'time_column: "timestamp"', 'resolutions: [1h, 24h, 2h]',
      'aggregations:', '  - type: "avg"', '    columns: ["Vulink*.Temperature.C", "AT500_Surface.Temperature.C"]', '  - type: "max"', '',
    ].join('\n'));
    expect(c).toEqual({
      form: 'pattern', input: '/combined/*', outPattern: '$0', captures: 1, timeColumn: 'timestamp', resolutions: ['1h', '2h', '24h'],
      aggregations: [{ type: 'avg', columns: ['Vulink*.Temperature.C', 'AT500_Surface.Temperature.C'] }, { type: 'max' }],
    });
  });

  it('takes the original\'s URL form of in_pattern (series:///…) as its path', () => {
    expect(parse('in_pattern: "series:///sensors/*"\nout_pattern: "$0"\n')).toMatchObject({ input: '/sensors/*', captures: 1 });
    expect(parse('in_pattern: "file+series:///singled/*"\nout_pattern: "$0"\n').input).toBe('/singled/*');
  });

  it('captures each * and ** in order, $0 first; a capture ending the path drops .series', () => {
    expect(capturesOf('/sites/*/water.series', '/sites/north/water.series')).toEqual(['north']);
    expect(capturesOf('/sites/*/water.series', '/sites/north/air.series')).toBeUndefined();
    expect(capturesOf('/combined/*', '/combined/Silver.series')).toEqual(['Silver']);
    expect(capturesOf('/d/*/*.series', '/d/a/b.series')).toEqual(['a', 'b']);
    expect(capturesOf('/d/**/x-*.series', '/d/p/q/x-7.series')).toEqual(['p/q', '7']);
    expect(capturesOf('/d/**/x-*.series', '/d/x-7.series')).toEqual(['', '7']);
    expect(capturesOf('/d/[ab]?-*', '/d/a1-z.csv')).toEqual(['z']);
  });

  it('expands out_pattern absolute, or relative to the node\'s folder', () => {
    expect(expandOutPattern('/reduced/$0', ['north'], '/etc/reduce')).toBe('/reduced/north');
    expect(expandOutPattern('$1/$0', ['a', 'b'], '/etc/reduce')).toBe('/etc/b/a');
    expect(expandOutPattern('/all', ['a'], '/r')).toBe('/all');
    const c = parse('in_pattern: /sites/*/water.series\nout_pattern: /reduced/$0\n');
    expect(outputFolder(c, '/r', '/sites/south/water.series')).toBe('/reduced/south');
    expect(outputFolder(c, '/r', '/elsewhere/water.series')).toBeUndefined();
    const first = parse('input: /raw/*.series\noutput: /out\n');
    expect(outputFolder(first, '/r', '/raw/x.series')).toBe('/out/x');
  });

  it('column globs: * any characters, the rest literal; one per type, columns merged', () => {
    expect(columnMatches('*.mg/L', 'North.DO.mg/L')).toBe(true);
    expect(columnMatches('*.mg/L', 'North.DO.mgXL')).toBe(false);
    expect(columnMatches('a.b', 'aXb')).toBe(false);
    expect(columnMatches('*', 'anything')).toBe(true);
    const c = parse('in_pattern: /a/*\nout_pattern: /o/$0\naggregations:\n  - {type: sum, columns: ["x*"]}\n  - {type: sum, columns: [y]}\n  - count\n');
    expect(c.aggregations).toEqual([{ type: 'sum', columns: ['x*', 'y'] }, { type: 'count' }]);
    expect(aggregationsKey(c.aggregations)).toBe('sum[x*|y],count');
    expect(aggregationsKey(parse('input: /a\noutput: /o\n').aggregations)).toBe('avg,min,max,count'); // as outputs of the first form record it
    expect(resolveColumns(c.aggregations, ['x1', 'y', 'z'], 'n')).toEqual(new Map([['sum', ['x1', 'y']], ['count', ['x1', 'y', 'z']]]));
    expect(() => resolveColumns(c.aggregations, ['z'], '/r (/a/b)')).toThrow(/\/r \(\/a\/b\): aggregations\[0\] \(sum\) column "x\*" matches no numeric column \(numeric columns: z\)/);
  });

  it('names each bad field', () => {
    const bad = (yaml: string, re: RegExp) => {
      let err: unknown;
      try {
        parse(yaml);
      } catch (e) {
        err = e;
      }
      expect(err).toMatchObject({ code: 'INVALID_INPUT' });
      expect((err as Error).message).toMatch(re);
    };
    const ok = 'in_pattern: /s/*\nout_pattern: /o/$0\n';
    bad('in_pattern: /s/*\n', /^temporal-reduce config: out_pattern is required/);
    bad('out_pattern: /o\n', /^temporal-reduce config: in_pattern is required/);
    bad('in_pattern: s/*\nout_pattern: /o\n', /in_pattern must be an absolute pond glob/);
    bad('in_pattern: "/s/[ab"\nout_pattern: /o\n', /in_pattern:.*'\['/);
    bad('in_pattern: /s/*\nout_pattern: /o/$1\n', /out_pattern uses \$1, but in_pattern has 1 capture/);
    bad('in_pattern: /s/x\nout_pattern: /o/$0\n', /out_pattern uses \$0, but in_pattern has 0 captures/);
    bad('in_pattern: /s/*\nout_pattern: ../../$0\n', /out_pattern is not a pond path template/);
    bad(`${ok}input: /x\n`, /config: input is not a known field \(known: in_pattern, out_pattern/);
    bad(`${ok}colums: [a]\n`, /config: colums is not a known field/);
    bad(`${ok}time_column: ""\n`, /time_column must be a non-empty string/);
    bad(`${ok}resolutions: [1h, fortnight]\n`, /resolutions\[1\] is "fortnight", which is not a width/);
    bad(`${ok}aggregations: []\n`, /aggregations must not be empty/);
    bad(`${ok}aggregations: [{type: median}]\n`, /aggregations\[0\]\.type is "median"; known: avg, min, max, count, sum/);
    bad(`${ok}aggregations: [avg, {columns: [a]}]\n`, /aggregations\[1\]\.type is undefined/);
    bad(`${ok}aggregations: [{type: avg, columns: []}]\n`, /aggregations\[0\]\.columns must not be empty/);
    bad(`${ok}aggregations: [{type: avg, columns: [a, 3]}]\n`, /aggregations\[0\]\.columns\[1\] must be a non-empty string/);
    bad(`${ok}aggregations: [{type: avg, cols: [a]}]\n`, /aggregations\[0\]\.cols is not a known field \(known: type, columns\)/);
    bad(`${ok}aggregations: [[avg]]\n`, /aggregations\[0\] must be a mapping/);
  });
});

describe('temporal-reduce config, the first form', () => {
  it('still takes input/output, and now time_column and aggregation columns; refuses unknown fields', () => {
    expect(parse('input: /raw/*.series\noutput: /out\ntime_column: t\naggregations: [{type: sum, columns: ["*"]}]\n')).toMatchObject({
      form: 'folder', input: '/raw/*.series', output: '/out', timeColumn: 't', aggregations: [{ type: 'sum', columns: ['*'] }],
    });
    expect(() => parse('input: /raw/*.series\noutput: /out\nout_pattern: /x\n')).toThrow(/input is not a known field/);
    expect(() => parse('input: /raw/*.series\noutput: /out\nfoo: 1\n')).toThrow(/temporal-reduce config: foo is not a known field \(known: input, output/);
  });
});

describe('the plan of an output of a union or a derived input', () => {
  const leaf = (key: string, versions: number[]) => ({
    fileKey: key, kind: 'series' as const, versions: versions.map((version) => ({ version, minEventTime: 0, maxEventTime: 0, load: async () => new Uint8Array() })),
  });
  const join = (a: number[], b: number[]): DerivedSource => ({
    kind: 'derived', fileKey: 'j@v2', path: '/j', inputs: [{ name: 'inputs[0]', what: '/a', sources: [leaf('a', a)], paths: ['/a'] }, { name: 'inputs[1]', what: '/b', sources: [leaf('b', b)], paths: ['/b'] }],
    build: () => ({ from: 'x', columns: [] }),
  });
  const table = (attrs: Record<string, string>): NodeRecord => ({
    id: 'o', type: 'file:table', partId: 'p',
    versions: [{ version: 1, txnSeq: 1, timestamp: 0, size: 0, sha256: null, inline: null, minEventTime: 0, maxEventTime: 0, attrs }],
  });

  it('keys by every leaf version and the derived config version', () => {
    expect(inputsKey(join([1, 2], [1]))).toBe('j@v2(a:1,2|b:1)');
    expect(inputsKey(leaf('a', [1, 3]))).toBe('a:1,3');
  });

  it('is left alone while key, aggregations and sources are unchanged, else recomputed in full', () => {
    const key = inputsKey(join([1, 2], [1]));
    const out = table({ inputs_key: key, aggregations: 'avg', source: '/j' });
    expect(planByKey(out, key, 'avg', '/j').kind).toBe('none');
    expect(planByKey(out, inputsKey(join([1, 2], [1, 2])), 'avg', '/j').kind).toBe('full');
    expect(planByKey(out, key, 'avg,max', '/j').kind).toBe('full');
    expect(planByKey(out, key, 'avg', '/j,/k').kind).toBe('full');
    expect(planByKey(undefined, key, 'avg', '/j').kind).toBe('full');
  });
});
