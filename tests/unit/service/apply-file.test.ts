// The apply file: YAML documents, each one operation (mkdir, copy, mknod); a bad document refuses the whole file,
// naming the document (1-based), its metadata.path when known, and the field.
import { describe, expect, it } from 'vitest';
import { PondError } from '../../../src/core/errors';
import { parseApplyFile, type ApplyOperation } from '../../../src/service/nodes/apply-file';
import { parseTimeseriesJoinConfig } from '../../../src/service/nodes/factories/timeseries-join-config';

const GOOD = `version: v1
kind: mkdir
metadata: {path: /combined}
---
version: v1
kind: copy
metadata:
  path: /raw/old.csv
spec: {source: "host:old sonde.csv", format: series, timestamp_column: DateTime}
---
# the sensor swap
version: v1
kind: mknod
metadata:
  path: /combined/dock.series
spec:
  factory: timeseries-join
  config:
    inputs:
      - {pattern: /raw/old.series, scope: Dock, range: {end: 2024-05-01T06:00:00Z}}
      - {pattern: /raw/new.series, scope: Dock, range: {begin: 2024-05-01T06:00:00Z}}
---
`;

function refusal(text: string, opts?: Parameters<typeof parseApplyFile>[1]): PondError {
  try {
    parseApplyFile(text, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(PondError);
    return e as PondError;
  }
  throw new Error('the file was accepted');
}

const doc = (body: string) => `version: v1\n${body}`;

describe('parseApplyFile', () => {
  it('reads a three-document file into operations in file order', () => {
    const ops = parseApplyFile(GOOD);
    expect(ops).toEqual<ApplyOperation[]>([
      { kind: 'mkdir', path: '/combined', document: 1 },
      { kind: 'copy', path: '/raw/old.csv', document: 2, hostName: 'old sonde.csv', format: 'series', timestampColumn: 'DateTime' },
      { kind: 'mknod', path: '/combined/dock.series', document: 3, factory: 'timeseries-join', config: expect.any(String) as string },
    ]);
    // The config travels as YAML text its factory parses.
    const mk = ops[2] as Extract<ApplyOperation, { kind: 'mknod' }>;
    expect(parseTimeseriesJoinConfig(mk.config).inputs.map((i) => [i.scope, i.range])).toEqual([
      ['Dock', { end: Date.UTC(2024, 4, 1, 6) * 1000 }], ['Dock', { begin: Date.UTC(2024, 4, 1, 6) * 1000 }],
    ]);
    // The same mapping written differently is the same text: a second apply can compare configs as text.
    const flow = parseApplyFile(doc('kind: mknod\nmetadata: {path: /combined/dock.series}\nspec: {factory: timeseries-join, config: {inputs: [{pattern: /raw/old.series, scope: Dock, range: {end: 2024-05-01T06:00:00Z}}, {pattern: /raw/new.series, scope: Dock, range: {begin: 2024-05-01T06:00:00Z}}]}}\n'));
    expect((flow[0] as typeof mk).config).toBe(mk.config);
  });

  it('defaults a copy to format data and makes paths canonical', () => {
    expect(parseApplyFile(doc('kind: copy\nmetadata: {path: /a/./b//c.bin}\nspec: {source: "host:c.bin"}\n'))).toEqual([
      { kind: 'copy', path: '/a/b/c.bin', document: 1, hostName: 'c.bin', format: 'data' },
    ]);
  });

  it('refuses the whole file for one bad document, naming it, its path and the field', () => {
    const cases: [string, RegExp, string][] = [
      [`${GOOD}version: v2\nkind: mkdir\nmetadata: {path: /x}\n`, /^apply: document 4 \(\/x\): version must be v1, not "v2"/, 'version'],
      [`${GOOD}kind: mkdir\nmetadata: {path: /x}\n`, /^apply: document 4 \(\/x\): version is required/, 'version'],
      // An empty document is skipped but counted, so the number is the document's place in the file.
      [`${GOOD}---\nkind: mkdir\nmetadata: {path: /x}\n`, /^apply: document 5 \(\/x\): version is required/, 'version'],
      [doc('kind: rmdir\nmetadata: {path: /x}\n'), /^apply: document 1 \(\/x\): kind must be one of mkdir, copy, mknod, not "rmdir"/, 'kind'],
      [doc('kind: mkdir\n'), /^apply: document 1: metadata is required/, 'metadata'],
      [doc('kind: mkdir\nmetadata: {name: x}\n'), /^apply: document 1: metadata.name is not a known field/, 'metadata.name'],
      [doc('kind: mkdir\nmetadata: {path: x}\n'), /^apply: document 1: metadata.path must be an absolute pond path/, 'metadata.path'],
      [doc('kind: mkdir\nmetadata: {path: /a/../..}\n'), /^apply: document 1: metadata.path: .*climbs above the pond root/, 'metadata.path'],
      [doc('kind: mkdir\nmetadata: {path: /}\n'), /^apply: document 1: metadata.path is the pond root/, 'metadata.path'],
      [doc('kind: mkdir\nmetadata: {path: /x}\nspec: {}\n'), /^apply: document 1 \(\/x\): spec is not taken by mkdir/, 'spec'],
      [doc('kind: mkdir\nmetadata: {path: /x}\nlabels: {}\n'), /^apply: document 1 \(\/x\): labels is not a known field/, 'labels'],
      [doc('kind: copy\nmetadata: {path: /x}\n'), /^apply: document 1 \(\/x\): spec is required for copy/, 'spec'],
      [doc('kind: copy\nmetadata: {path: /x}\nspec: {source: /etc/x}\n'), /^apply: document 1 \(\/x\): spec.source must name an attached host file as host:NAME/, 'spec.source'],
      [doc('kind: copy\nmetadata: {path: /x}\nspec: {source: "host:"}\n'), /spec.source must name an attached host file/, 'spec.source'],
      [doc('kind: copy\nmetadata: {path: /x}\nspec: {source: "host:a", format: parquet}\n'), /^apply: document 1 \(\/x\): spec.format must be one of data, table, series, not "parquet"/, 'spec.format'],
      [doc('kind: copy\nmetadata: {path: /x}\nspec: {source: "host:a", fromat: table}\n'), /^apply: document 1 \(\/x\): spec.fromat is not a known field/, 'spec.fromat'],
      [doc('kind: mknod\nmetadata: {path: /x}\nspec: {config: {a: 1}}\n'), /^apply: document 1 \(\/x\): spec.factory is required/, 'spec.factory'],
      [doc('kind: mknod\nmetadata: {path: /x}\nspec: {factory: timeseries-join}\n'), /^apply: document 1 \(\/x\): spec.config is required/, 'spec.config'],
      [doc('kind: mknod\nmetadata: {path: /x}\nspec: {factory: timeseries-join, config: "inputs: []"}\n'), /^apply: document 1 \(\/x\): spec.config must be a mapping/, 'spec.config'],
      [doc('kind: mknod\nmetadata: {path: /x}\nspec: [1]\n'), /^apply: document 1 \(\/x\): spec must be a mapping/, 'spec'],
      [`${GOOD}- just\n- a list\n`, /^apply: document 4 must be a mapping/, ''],
      [`${GOOD}version: v1\nkind: mkdir\nmetadata: {path: /combined}\n`, /^apply: document 4 \(\/combined\): metadata.path \/combined is already the path of document 1/, 'metadata.path'],
      [`${GOOD}version: v1\nkind: [\n`, /^apply: document 4 is not valid YAML/, ''],
      [`${GOOD}version: v1\nversion: v1\n`, /^apply: document 4 is not valid YAML \(Map keys must be unique/, ''],
    ];
    for (const [text, message, field] of cases) {
      const e = refusal(text);
      expect(e.code, e.message).toBe('INVALID_INPUT');
      expect(e.message).toMatch(message);
      expect(e.detail?.field, e.message).toBe(field);
      expect(e.detail?.document, e.message).toBeTypeOf('number');
    }
  });

  it('names the document when the factory refuses its config, keeping the factory error', () => {
    const e = refusal(GOOD, { checkMknod: (_factory, config) => { parseTimeseriesJoinConfig(`${config}time_column: 7\n`); } });
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toBe('apply: document 3 (/combined/dock.series): timeseries-join config: time_column must be a non-empty string');
    expect(e.detail).toMatchObject({ document: 3, path: '/combined/dock.series', field: 'time_column', factory: 'timeseries-join' });
    const unknown = refusal(GOOD, { checkMknod: (factory) => { throw new PondError('USAGE', `unknown factory ${JSON.stringify(factory)}`); } });
    expect(unknown.code).toBe('USAGE');
    expect(unknown.message).toBe('apply: document 3 (/combined/dock.series): unknown factory "timeseries-join"');
    // A check that fails for another reason than the config is not dressed up as the file's fault.
    const bug = new TypeError('boom');
    expect(() => parseApplyFile(GOOD, { checkMknod: () => { throw bug; } })).toThrow(bug);
  });

  it('refuses a file with no documents', () => {
    for (const empty of ['', '---\n', '# nothing\n---\n---\n']) expect(refusal(empty).message).toBe('apply: the file holds no documents');
  });
});
