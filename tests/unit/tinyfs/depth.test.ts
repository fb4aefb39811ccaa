// The depth limit on writes, and walks that do not recurse: a tree deeper than the JS stack still lists.
import { describe, expect, it } from 'vitest';
import { PondError } from '../../../src/core/errors';
import { Pond } from '../../../src/pond/pond';
import { MemoryStore } from '../../../src/storage/memory-store';
import { MAX_TREE_DEPTH } from '../../../src/tinyfs/paths';
import { glob } from '../../../src/tinyfs/resolve';
import { addDeepChain } from '../../helpers/deep-tree';

const enc = (s: string) => new TextEncoder().encode(s);
const chain = (n: number, name = 'a') => `/${Array.from({ length: n }, () => name).join('/')}`;

async function refusal(p: Promise<unknown>): Promise<PondError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(PondError);
  return e as PondError;
}

describe('depth limit on writes', () => {
  it('mkdir -p takes 256 levels and refuses 257 and the 2000-level tree, committing nothing', async () => {
    const pond = await Pond.create(new MemoryStore());
    expect(MAX_TREE_DEPTH).toBe(256);
    await pond.transact('mkdir -p', (tx) => void tx.wd.mkdir(chain(256), { parents: true }));
    const before = pond.version;
    for (const depth of [257, 2000]) {
      const e = await refusal(pond.transact('mkdir -p', (tx) => void tx.wd.mkdir(chain(depth), { parents: true })));
      expect(e.code).toBe('INVALID_PATH');
      expect(e.message).toContain(`would be 257 levels deep; the limit is 256`);
    }
    expect(pond.version).toBe(before);
    expect(glob(pond.fs, '/**').length).toBe(256);
  });

  it('a file may sit 256 names deep, not 257; a new version of an existing file is not a new level', async () => {
    const pond = await Pond.create(new MemoryStore());
    await pond.transact('write', (tx) => tx.writeFile(`${chain(255)}/f`, 'file:data', enc('x'), {}, { parents: true }));
    expect((await refusal(pond.transact('write', (tx) => tx.writeFile(`${chain(256)}/f`, 'file:data', enc('x'), {}, { parents: true })))).code).toBe('INVALID_PATH');
    await pond.transact('mkdir -p', (tx) => void tx.wd.mkdir(chain(256), { parents: true }));
    expect((await refusal(pond.transact('ln', (tx) => void tx.wd.symlink('/a', `${chain(256)}/l`)))).code).toBe('INVALID_PATH');
    await pond.transact('write', (tx) => tx.writeFile(`${chain(255)}/f`, 'file:data', enc('y')));
  });

  it('mv counts the moved subtree, also when the destination is reached through a symlink', async () => {
    const pond = await Pond.create(new MemoryStore());
    await pond.transact('setup', async (tx) => {
      tx.wd.mkdir(chain(250), { parents: true });
      tx.wd.mkdir(`/sub${chain(10, 'b')}`, { parents: true }); // /sub plus 10 levels: height 10 below /sub
      tx.wd.symlink(chain(250), '/deep');
    });
    const e = await refusal(pond.transact('mv', (tx) => tx.wd.rename('/sub', '/deep/sub')));
    expect(e.code).toBe('INVALID_PATH');
    expect(e.message).toContain('would be 261 levels deep');
    await pond.transact('mv', (tx) => tx.wd.rename('/sub', `${chain(245)}/sub`)); // 245 + 1 + 10 = 256
    expect(glob(pond.fs, `${chain(245)}/sub/**`).length).toBe(11); // /sub itself and its 10 levels
  });

  it('refuses moving a directory under itself through a symlink, leaving the tree as it was', async () => {
    const pond = await Pond.create(new MemoryStore());
    await pond.transact('setup', async (tx) => {
      tx.wd.mkdir('/a/b', { parents: true });
      tx.wd.symlink('/a/b', '/l');
    });
    const e = await refusal(pond.transact('mv', (tx) => tx.wd.rename('/a', '/l/x')));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toContain('into itself');
    expect(glob(pond.fs, '/**').map((m) => m.segments.join('/'))).toEqual(['a', 'a/b', 'l']);
  });
});

describe('walks over a tree deeper than the stack', () => {
  it('globs, lists contents and reopens a 5000-level chain', async () => {
    const store = new MemoryStore();
    const pond = await Pond.create(store);
    const bottom = await addDeepChain(pond, 5000);
    const all = glob(pond.fs, '/**');
    expect(all.length).toBe(5001); // 5000 directories and the file
    expect(all[all.length - 1]!.segments.length).toBe(5001);
    expect(glob(pond.fs, '/**/bottom.txt').map((m) => `/${m.segments.join('/')}`)).toEqual([bottom]);
    expect(glob(pond.fs, '/**/**/bottom.txt').length).toBe(1);
    const again = await Pond.open(store);
    expect(glob(again.fs, '/**').length).toBe(5001);
  });
});
