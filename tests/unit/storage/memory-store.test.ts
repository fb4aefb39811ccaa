import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../src/storage/memory-store';
import { storeContract } from './store-contract';

const enc = (s: string) => new TextEncoder().encode(s);

describe('MemoryStore: the Store contract', () => {
  storeContract(async () => new MemoryStore());
});

describe('MemoryStore', () => {
  it('clone() copies every byte written so far, drops open writers, and is independent', async () => {
    const s = new MemoryStore();
    await s.write('a/done', enc('whole'));
    const w = await s.createWriter('a/partial');
    await w.write(enc('par'));
    const copy = s.clone();
    expect(copy.snapshot()).toEqual(new Map([['a/done', enc('whole')], ['a/partial', enc('par')]]));
    // The crash released the lock: the reopened store may replace the partial file.
    await copy.write('a/partial', enc('again'));
    await w.write(enc('tial'));
    await w.close();
    expect(new TextDecoder().decode(await s.read('a/partial'))).toBe('partial');
    expect(new TextDecoder().decode(await copy.read('a/partial'))).toBe('again');
    expect(await copy.list('a')).toEqual(['done', 'partial']);
  });

  it('keeps folders after their files go, as OPFS does, until removeTree', async () => {
    const s = new MemoryStore();
    await s.write('x/y/z', enc('1'));
    await s.remove('x/y/z');
    expect(await s.list('x')).toEqual(['y/']);
    await s.removeTree('x/y');
    expect(await s.list('x')).toEqual([]);
    expect(await s.list('')).toEqual(['x/']);
  });

  it('returns copies: mutating a read result or a written buffer changes nothing stored', async () => {
    const s = new MemoryStore();
    const data = enc('abc');
    await s.write('f', data);
    data[0] = 0;
    (await s.read('f'))[1] = 0;
    expect(await s.read('f')).toEqual(enc('abc'));
  });

  it('grows a streamed file over many chunks without losing bytes', async () => {
    const s = new MemoryStore();
    const w = await s.createWriter('big');
    const chunk = new Uint8Array(1000).map((_, i) => i % 251);
    for (let i = 0; i < 300; i++) await w.write(chunk);
    await w.close();
    const all = await s.read('big');
    expect(all.length).toBe(300_000);
    expect(all.subarray(299_000)).toEqual(chunk);
    expect(await s.readRange('big', 1000, 1000)).toEqual(chunk);
  });
});
