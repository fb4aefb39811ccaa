// `apply` over a memory pond: one transaction for the whole file, nothing committed the second time, a changed config
// a new version of its node, and a bad document refusing the whole file.
import { describe, expect, it } from 'vitest';
import { blobOf, memoryBrowser } from '../../helpers/memory-service';

const join = (end: string) => `time_column: timestamp
inputs:
  - {pattern: /raw/old.series, scope: Lake, range: {end: "${end}"}}
  - {pattern: /raw/new.series, scope: Lake, range: {begin: "${end}"}}
`;
const doc = (kind: string, path: string, spec?: string) => `version: v1\nkind: ${kind}\nmetadata: {path: ${path}}\n${spec ?? ''}`;
const file = (end: string) => [
  doc('mkdir', '/raw'),
  doc('copy', '/raw/notes.txt', 'spec: {source: "host:notes.txt", format: data}\n'),
  doc('mknod', '/derived/lake', `spec:\n  factory: timeseries-join\n  config:\n${join(end).replace(/^/gm, '    ')}`),
].join('---\n');
const files = [{ name: 'notes.txt', data: blobOf('field notes') }];

describe('apply', () => {
  it('commits once; the same file again commits nothing; a changed config is a new version of that node', async () => {
    const svc = memoryBrowser().tab();
    await svc.createPond('p');
    const first = await svc.apply(file('2024-06-01T00:00:00Z'), { files });
    expect(first).toMatchObject({ committed: true, version: 1 });
    expect(first.operations.map((o) => `${o.action} ${o.kind} ${o.path}`)).toEqual(['created mkdir /raw', 'created copy /raw/notes.txt', 'created mknod /derived/lake']);
    expect((await svc.log()).length).toBe(2); // init and the one apply
    expect(new TextDecoder().decode(await svc.readFile('/raw/notes.txt'))).toBe('field notes');
    expect(await svc.stat('/derived/lake')).toMatchObject({ derived: true, factory: 'timeseries-join', version: 1 });

    const again = await svc.apply(file('2024-06-01T00:00:00Z'), { files });
    expect(again).toMatchObject({ committed: false, version: 1 });
    expect(again.operations.every((o) => o.action === 'unchanged')).toBe(true);
    expect((await svc.log()).length).toBe(2);

    const changed = await svc.apply(file('2024-07-01T00:00:00Z'), { files });
    expect(changed.operations.map((o) => o.action)).toEqual(['unchanged', 'unchanged', 'updated']);
    expect(await svc.stat('/derived/lake')).toMatchObject({ version: 2 });
    expect((await svc.exec('apply host:f.yaml', { files: [...files, { name: 'f.yaml', data: blobOf(file('2024-07-01T00:00:00Z')) }] })).stdout).toMatch(/^unchanged mkdir \/raw\n.*\nnothing to change\n$/s);
  });

  it('a bad document refuses the whole file, naming the document and the field; nothing is committed', async () => {
    const svc = memoryBrowser().tab();
    await svc.createPond('p');
    const bad = [doc('mkdir', '/a'), doc('mknod', '/b', 'spec:\n  factory: timeseries-join\n  config: {inputs: [{pattern: /x}]}\n')].join('---\n');
    await expect(svc.apply(bad)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/document 2 \(\/b\).*inputs/) });
    await expect(svc.apply(doc('copy', '/c', 'spec: {source: "host:absent.csv"}\n'))).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('absent.csv') });
    await expect(svc.apply(doc('mknod', '/d', 'spec: {factory: nope, config: {}}\n'))).rejects.toMatchObject({ message: expect.stringMatching(/document 1 \(\/d\).*unknown factory "nope"/) });
    expect((await svc.info()).version).toBe(0);
    expect((await svc.list('/*')).length).toBe(0);
  });
});
