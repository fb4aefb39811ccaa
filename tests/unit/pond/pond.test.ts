import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../src/storage/memory-store';
import { Pond } from '../../../src/pond/pond';
import { resolve } from '../../../src/tinyfs/resolve';
import { parsePath } from '../../../src/tinyfs/paths';
import { PondError } from '../../../src/core/errors';
import { dumpPond } from '../../helpers/pond-dump';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const nodeAt = (pond: Pond, path: string) => resolve(pond.fs, parsePath(path)).node;
const read = (pond: Pond, path: string, version?: number) => pond.readVersion(nodeAt(pond, path).id, version, path).then(dec);

async function codeOf(p: Promise<unknown>): Promise<string> {
  try { await p; } catch (e) { return (e as PondError).code ?? String(e); }
  return 'no error';
}

describe('pond transactions', () => {
  it('writes versions and reads any of them back, after reopening too', async () => {
    const store = new MemoryStore();
    const pond = await Pond.create(store);
    await pond.transact('mkdir -p /data/raw', (tx) => void tx.wd.mkdir('/data/raw', { parents: true }));
    for (const text of ['one', 'two', 'three']) await pond.transact(`copy ${text}`, (tx) => tx.writeFile('/data/raw/f.txt', 'file:data', enc(text)));
    expect(await read(pond, '/data/raw/f.txt')).toBe('three');
    expect(await read(pond, '/data/raw/f.txt', 1)).toBe('one');
    expect(nodeAt(pond, '/data/raw/f.txt').versions.map((v) => v.version)).toEqual([1, 2, 3]);
    const again = await Pond.open(store);
    expect(dumpPond(again)).toEqual(dumpPond(pond));
    expect(again.id).toBe(pond.id);
    expect(await read(again, '/data/raw/f.txt', 2)).toBe('two');
  });

  it('keeps small content inline and large content in a hash-named blob', async () => {
    const store = new MemoryStore();
    const pond = await Pond.create(store);
    const big = new Uint8Array(200_000).map((_, i) => i % 251);
    await pond.transact('copy', async (tx) => {
      await tx.writeFile('/small', 'file:data', enc('tiny'));
      await tx.writeFile('/big', 'file:data', big);
    });
    const bigV = nodeAt(pond, '/big').versions[0]!;
    expect(nodeAt(pond, '/small').versions[0]!.inline).not.toBeNull();
    expect(bigV.inline).toBeNull();
    expect(await store.size(`blobs/sha256/${bigV.sha256!.slice(0, 2)}/${bigV.sha256}`)).toBe(200_000);
    expect(await pond.readVersion(nodeAt(pond, '/big').id)).toEqual(big);
  });

  it('commits all or nothing: a transaction that throws leaves no trace', async () => {
    const store = new MemoryStore();
    const pond = await Pond.create(store);
    await pond.transact('first', (tx) => tx.writeFile('/keep', 'file:data', enc('kept')));
    const before = dumpPond(pond);
    await expect(pond.transact('bad', async (tx) => {
      await tx.writeFile('/new', 'file:data', enc('x'));
      tx.wd.mkdir('/dir');
      throw new Error('boom');
    })).rejects.toThrow('boom');
    expect(dumpPond(pond)).toEqual(before);
    expect(dumpPond(await Pond.open(store))).toEqual(before);
    expect(pond.version).toBe(1);
  });

  it('resolves symlinks and reports loops', async () => {
    const pond = await Pond.create(new MemoryStore());
    await pond.transact('setup', async (tx) => {
      await tx.writeFile('/d/target.txt', 'file:data', enc('hello'), {}, { parents: true });
      tx.wd.symlink('/d', '/alias');
      tx.wd.symlink('target.txt', '/d/rel');
      tx.wd.symlink('/loop2', '/loop1');
      tx.wd.symlink('/loop1', '/loop2');
    });
    expect(await read(pond, '/alias/rel')).toBe('hello');
    expect(() => resolve(pond.fs, parsePath('/loop1/x'))).toThrow(PondError);
    expect(await codeOf(Promise.resolve().then(() => resolve(pond.fs, parsePath('/loop1'))))).toBe('SYMLINK_LOOP');
  });

  it('gives each bad path or misuse a clear error code and loses nothing committed', async () => {
    const store = new MemoryStore();
    const pond = await Pond.create(store);
    await pond.transact('setup', (tx) => tx.writeFile('/file', 'file:data', enc('content'), {}));
    const before = dumpPond(pond);
    const attempt = (f: (tx: Parameters<Parameters<Pond['transact']>[1]>[0]) => unknown) => codeOf(pond.transact('attempt', async (tx) => { await f(tx); }));
    expect(await attempt((tx) => tx.wd.mkdir('/../escape'))).toBe('INVALID_PATH');
    expect(await attempt((tx) => tx.writeFile('/a\u0000b', 'file:data', enc('x')))).toBe('INVALID_PATH');
    expect(await attempt((tx) => tx.writeFile('/bell\u0007', 'file:data', enc('x')))).toBe('INVALID_PATH');
    expect(await attempt((tx) => tx.writeFile(`/${'n'.repeat(10_000)}`, 'file:data', enc('x')))).toBe('INVALID_PATH');
    expect(await attempt((tx) => tx.writeFile('', 'file:data', enc('x')))).toBe('INVALID_PATH');
    expect(await attempt((tx) => tx.writeFile('/', 'file:data', enc('x')))).toBe('INVALID_PATH');
    expect(await attempt((tx) => tx.writeFile('/file/under', 'file:data', enc('x')))).toBe('NOT_A_DIRECTORY');
    expect(await attempt((tx) => tx.wd.mkdir('/file'))).toBe('NOT_A_DIRECTORY');
    expect(await attempt((tx) => tx.wd.mkdir('/missing/child'))).toBe('NOT_FOUND');
    expect(await attempt((tx) => tx.writeFile('/file', 'file:table', enc('x')))).toBe('WRONG_TYPE');
    expect(await codeOf(Promise.resolve().then(() => resolve(pond.fs, parsePath('/nothing/here'))))).toBe('NOT_FOUND');
    expect(await codeOf(pond.readVersion(nodeAt(pond, '/file').id, 9))).toBe('NOT_FOUND');
    expect(dumpPond(pond)).toEqual(before);
    expect(dumpPond(await Pond.open(store))).toEqual(before);
  });

  it('opens any past version read-only (time travel) and lists the history', async () => {
    const store = new MemoryStore();
    const pond = await Pond.create(store);
    await pond.transact('mkdir /a', (tx) => void tx.wd.mkdir('/a'));
    await pond.transact('copy v1', (tx) => tx.writeFile('/a/f', 'file:data', enc('v1')));
    await pond.transact('copy v2', (tx) => tx.writeFile('/a/f', 'file:data', enc('v2')));
    await pond.transact('rm /a/f', (tx) => tx.wd.remove('/a/f'));
    const past = await Pond.open(store, { asOf: 2 });
    expect(await read(past, '/a/f')).toBe('v1');
    expect(nodeAt(past, '/a/f').versions).toHaveLength(1);
    expect(await codeOf(past.transact('write', (tx) => tx.wd.mkdir('/b')))).toBe('READ_ONLY');
    expect(await codeOf(Promise.resolve().then(() => nodeAt(pond, '/a/f')))).toBe('NOT_FOUND');
    expect(await codeOf(Pond.open(store, { asOf: 99 }))).toBe('NOT_FOUND');
    const log = await pond.log();
    expect(log.map((t) => [t.seq, t.command])).toEqual([[4, 'rm /a/f'], [3, 'copy v2'], [2, 'copy v1'], [1, 'mkdir /a'], [0, 'init']]);
    expect((await pond.log({ limit: 2 })).map((t) => t.seq)).toEqual([4, 3]);
  });

  it('compacts the oplog, keeping every version and time travel to before the compaction', async () => {
    const store = new MemoryStore();
    const pond = await Pond.create(store, { compactEvery: 4 });
    for (let i = 0; i < 10; i++) await pond.transact(`copy ${i}`, (tx) => tx.writeFile(`/f${i % 3}`, 'file:data', enc(`c${i}`)));
    const reopened = await Pond.open(store);
    expect(dumpPond(reopened)).toEqual(dumpPond(pond));
    expect(await read(reopened, '/f0', 2)).toBe('c3');
    const log = await pond.log({ includeCompactions: true });
    expect(log.filter((t) => t.compaction).length).toBeGreaterThanOrEqual(2);
    const early = await Pond.open(store, { asOf: 3 });
    expect(dumpPond(early).filter((l) => l.startsWith('/f'))).toHaveLength(3);
    expect(await read(early, '/f2')).toBe('c2');
    // Opening after compaction reads the compacted file and the few commits after it, not one file per commit.
    const files = (await store.list('oplog')).length;
    expect(files).toBeGreaterThan(10);
  });

  it('renames and removes, with history kept', async () => {
    const store = new MemoryStore();
    const pond = await Pond.create(store);
    await pond.transact('setup', (tx) => tx.writeFile('/a/f', 'file:data', enc('x'), {}, { parents: true }));
    await pond.transact('mv', (tx) => { tx.wd.mkdir('/b'); tx.wd.rename('/a/f', '/b/g'); });
    expect(await read(pond, '/b/g')).toBe('x');
    expect(await codeOf(pond.transact('rm', (tx) => tx.wd.remove('/b')))).toBe('INVALID_INPUT');
    await pond.transact('rm -r', (tx) => tx.wd.remove('/b', { recursive: true }));
    expect(dumpPond(await Pond.open(store))).toEqual(['/a directory children=']);
  });
});
