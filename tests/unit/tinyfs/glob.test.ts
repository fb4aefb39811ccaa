import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../src/storage/memory-store';
import { Pond } from '../../../src/pond/pond';
import { glob } from '../../../src/tinyfs/resolve';

let pond: Pond;
const paths = (pattern: string) => glob(pond.fs, pattern).map((m) => `/${m.segments.join('/')}`);

beforeAll(async () => {
  pond = await Pond.create(new MemoryStore());
  await pond.transact('setup', async (tx) => {
    for (const p of ['/a/x.csv', '/a/y.csv', '/a/b/z.csv', '/a/b/notes.txt', '/c/d/e/deep.csv', '/top.csv']) {
      await tx.writeFile(p, 'file:data', new TextEncoder().encode(p), {}, { parents: true });
    }
    tx.wd.symlink('/a/b', '/link');
  });
});

describe('glob', () => {
  it('`/d/` lists the contents of d, `/d` the entry itself', () => {
    expect(paths('/a/')).toEqual(['/a/b', '/a/x.csv', '/a/y.csv']);
    expect(paths('/a')).toEqual(['/a']);
  });
  it('`**` matches at any depth, including none', () => {
    expect(paths('/**/*.csv')).toEqual(['/a/b/z.csv', '/a/x.csv', '/a/y.csv', '/c/d/e/deep.csv', '/top.csv']);
    expect(paths('/a/**/z.csv')).toEqual(['/a/b/z.csv']);
  });
  it('supports ? and [..] classes, with negation', () => {
    expect(paths('/a/?.csv')).toEqual(['/a/x.csv', '/a/y.csv']);
    expect(paths('/a/[x].csv')).toEqual(['/a/x.csv']);
    expect(paths('/a/[!x].csv')).toEqual(['/a/y.csv']);
  });
  it('follows a symlinked directory when a pattern goes through it, but ** does not descend it', () => {
    expect(paths('/link/*.csv')).toEqual(['/link/z.csv']);
    expect(paths('/**/z.csv')).toEqual(['/a/b/z.csv']);
  });
  it('matches nothing rather than failing for a missing directory', () => {
    expect(paths('/nope/*')).toEqual([]);
  });
  it('refuses a bad pattern clearly', () => {
    expect(() => paths('/a/[x.csv')).toThrow(/without a closing/);
  });
});
