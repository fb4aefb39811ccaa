// The behaviour every Store must show, run against MemoryStore in node and against OpfsStore in a real
// Chromium worker (tests/browser/storage), so the memory store used by fast unit tests cannot drift from OPFS.
import { expect, it } from 'vitest';
import { isPondError, type PondErrorCode } from '../../../src/core/errors';
import type { Store } from '../../../src/core/store';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** Awaits `p` and returns the PondError it rejects with, failing the test if it resolves or throws something else. */
export async function pondErrorOf(p: Promise<unknown>, code: PondErrorCode): Promise<{ message: string; detail?: Record<string, unknown> }> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, `expected a PondError ${code}`).toBeDefined();
  expect(isPondError(e) ? e.code : e).toBe(code);
  return e as { message: string; detail?: Record<string, unknown> };
}

/** Registers the shared Store tests; `open` must give a fresh, empty store each time. */
export function storeContract(open: () => Promise<Store>): void {
  it('reads back what it wrote, and a second write replaces the content', async () => {
    const s = await open();
    await s.write('a/b/c.txt', enc('hello world'));
    expect(dec(await s.read('a/b/c.txt'))).toBe('hello world');
    await s.write('a/b/c.txt', enc('bye'));
    expect(dec(await s.read('a/b/c.txt'))).toBe('bye');
    expect(await s.size('a/b/c.txt')).toBe(3);
    await s.write('empty', new Uint8Array(0));
    expect(await s.read('empty')).toEqual(new Uint8Array(0));
  });

  it('readRange returns the asked bytes, fewer at the end, none past it', async () => {
    const s = await open();
    await s.write('r.bin', enc('0123456789'));
    expect(dec(await s.readRange('r.bin', 2, 3))).toBe('234');
    expect(dec(await s.readRange('r.bin', 8, 10))).toBe('89');
    expect(await s.readRange('r.bin', 20, 5)).toEqual(new Uint8Array(0));
    await pondErrorOf(s.readRange('r.bin', -1, 2), 'INVALID_INPUT');
  });

  it('reports a missing file as NOT_FOUND naming the path, and size as undefined', async () => {
    const s = await open();
    await s.write('d/x', enc('x'));
    for (const p of ['d/missing', 'nodir/missing']) {
      const e = await pondErrorOf(s.read(p), 'NOT_FOUND');
      expect(e.message).toContain(p);
      expect(e.detail?.path).toBe(p);
      await pondErrorOf(s.readRange(p, 0, 1), 'NOT_FOUND');
      expect(await s.size(p)).toBeUndefined();
    }
    expect(await s.size('d')).toBeUndefined();
  });

  it('refuses paths with . or .. segments', async () => {
    const s = await open();
    await pondErrorOf(s.write('../escape', enc('x')), 'INVALID_INPUT');
    await pondErrorOf(s.read('a/./b'), 'INVALID_INPUT');
  });

  it('lists names, folders with a trailing slash, [] for a missing folder', async () => {
    const s = await open();
    await s.write('top.txt', enc('1'));
    await s.write('sub/one', enc('1'));
    await s.write('sub/two', enc('2'));
    await s.write('sub/deeper/three', enc('3'));
    expect(await s.list('')).toEqual(['sub/', 'top.txt']);
    expect(await s.list('sub')).toEqual(['deeper/', 'one', 'two']);
    expect(await s.list('sub/')).toEqual(['deeper/', 'one', 'two']);
    expect(await s.list('nothing/here')).toEqual([]);
  });

  it('moves a file within a folder and across folders, replacing the destination', async () => {
    const s = await open();
    await s.write('tmp/a', enc('new'));
    await s.write('log/0.json', enc('old content'));
    await s.move('tmp/a', 'log/0.json');
    expect(dec(await s.read('log/0.json'))).toBe('new');
    expect(await s.size('tmp/a')).toBeUndefined();
    await s.move('log/0.json', 'log/1.json');
    expect(await s.list('log')).toEqual(['1.json']);
    await s.move('log/1.json', 'fresh/folder/f');
    expect(dec(await s.read('fresh/folder/f'))).toBe('new');
    const e = await pondErrorOf(s.move('tmp/none', 'tmp/b'), 'NOT_FOUND');
    expect(e.message).toContain('tmp/none');
  });

  it('removes files and trees; missing ones are no error', async () => {
    const s = await open();
    await s.write('a/1', enc('1'));
    await s.write('a/b/2', enc('2'));
    await s.write('c', enc('3'));
    await s.remove('a/1');
    await s.remove('a/1');
    await s.remove('no/such/file');
    expect(await s.list('a')).toEqual(['b/']);
    await s.removeTree('a');
    await s.removeTree('a');
    expect(await s.list('')).toEqual(['c']);
    await s.write('d/e/f', enc('4'));
    await s.removeTree('');
    expect(await s.list('')).toEqual([]);
    // The store still works after its root was emptied (no stale cached folders).
    await s.write('d/e/f', enc('5'));
    expect(dec(await s.read('d/e/f'))).toBe('5');
  });

  it('a writer makes bytes visible as it goes; close makes the file whole', async () => {
    const s = await open();
    await s.write('w', enc('previous content that is long'));
    const w = await s.createWriter('w');
    expect(await s.size('w')).toBe(0); // replaced (truncated) as soon as the writer opens
    await w.write(enc('abc'));
    expect(await s.size('w')).toBe(3); // a crash now would leave this partial file
    await w.write(enc('def'));
    await w.close();
    expect(dec(await s.read('w'))).toBe('abcdef');
    await pondErrorOf(w.write(enc('g')), 'STORAGE');
  });

  it('a writer abort removes its partial file', async () => {
    const s = await open();
    const w = await s.createWriter('dir/partial');
    await w.write(enc('half'));
    await w.abort();
    expect(await s.size('dir/partial')).toBeUndefined();
  });

  it('a file open for writing cannot be written, moved, moved onto or removed, but can be read', async () => {
    const s = await open();
    const w = await s.createWriter('busy');
    await w.write(enc('in progress'));
    await s.write('other', enc('o'));
    expect((await pondErrorOf(s.createWriter('busy'), 'STORAGE')).message).toContain('busy');
    await pondErrorOf(s.write('busy', enc('x')), 'STORAGE');
    await pondErrorOf(s.move('busy', 'elsewhere'), 'STORAGE');
    await pondErrorOf(s.move('other', 'busy'), 'STORAGE');
    await pondErrorOf(s.remove('busy'), 'STORAGE');
    expect(dec(await s.read('busy'))).toBe('in progress');
    await w.close();
    await s.move('other', 'busy');
    expect(dec(await s.read('busy'))).toBe('o');
  });

  it('a file where a folder is needed is a STORAGE error', async () => {
    const s = await open();
    await s.write('f', enc('file'));
    await pondErrorOf(s.write('f/child', enc('x')), 'STORAGE');
  });
}
