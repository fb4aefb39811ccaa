// OpfsStore on real Chromium OPFS, inside a real module worker.
import { afterAll, describe, expect, it } from 'vitest';
import { cdp } from 'vitest/browser';
import { storeContract, pondErrorOf } from '../../unit/storage/store-contract';
import { openRemoteStore, startStoreWorker, startStoreWorkerOnOtherOrigin, uniqueRoot } from './remote-store';

const enc = (s: string) => new TextEncoder().encode(s);
const worker = startStoreWorker();
afterAll(() => worker.terminate());

describe('OpfsStore: the Store contract', () => {
  storeContract(() => openRemoteStore(worker, uniqueRoot('contract')));
});

describe('OpfsStore', () => {
  it('streams several MiB through a writer and reads them back whole and in ranges', async () => {
    const s = await openRemoteStore(worker, uniqueRoot('stream'));
    const MiB = 1024 * 1024;
    const w = await s.createWriter('blobs/big.bin');
    for (let i = 0; i < 6; i++) await w.write(new Uint8Array(MiB).fill(i + 1));
    await w.close();
    expect(await s.size('blobs/big.bin')).toBe(6 * MiB);
    const all = await s.read('blobs/big.bin');
    expect(all.length).toBe(6 * MiB);
    expect([all[0], all[MiB - 1], all[MiB], all[6 * MiB - 1]]).toEqual([1, 1, 2, 6]);
    const range = await s.readRange('blobs/big.bin', 3 * MiB - 2, 4);
    expect(Array.from(range)).toEqual([3, 3, 4, 4]);
  });

  it('sees files written by another store on the same folder (nothing is cached but folders)', async () => {
    const root = uniqueRoot('shared');
    const a = await openRemoteStore(worker, root);
    const b = await openRemoteStore(worker, root);
    await a.write('x/f', enc('1'));
    expect(await b.list('x')).toEqual(['f']);
    await b.removeTree('x');
    expect(await a.size('x/f')).toBeUndefined();
    // a still holds a cached handle of the removed folder 'x': its writes and moves must land in the live tree.
    await a.write('x/g', enc('2'));
    expect(await b.list('x')).toEqual(['g']);
    await b.removeTree('x');
    await a.write('h', enc('3'));
    await a.move('h', 'x/h');
    expect(await b.list('x')).toEqual(['h']);
  });

  it('refuses to write a file that another worker has open for writing, naming the path', async () => {
    const root = uniqueRoot('locked');
    const other = startStoreWorker();
    try {
      const mine = await openRemoteStore(worker, root);
      const theirs = await openRemoteStore(other, root);
      const w = await theirs.createWriter('_delta_log/00.json');
      await w.write(enc('{"commitInfo":{}}'));
      const e = await pondErrorOf(mine.write('_delta_log/00.json', enc('mine')), 'STORAGE');
      expect(e.message).toContain('_delta_log/00.json');
      expect(new TextDecoder().decode(await mine.read('_delta_log/00.json'))).toBe('{"commitInfo":{}}');
      // The other worker dies holding the handle: its lock goes with it, and the file is writable again.
      other.terminate();
      await expect.poll(() => mine.write('_delta_log/00.json', enc('mine')).then(() => 'ok', (err: Error) => err.message)).toBe('ok');
      expect(new TextDecoder().decode(await mine.read('_delta_log/00.json'))).toBe('mine');
    } finally {
      other.terminate();
    }
  });

  it('a worker that dies mid-write leaves the bytes written so far, and no lock', async () => {
    const root = uniqueRoot('crash');
    const doomed = startStoreWorker();
    try {
      const w = await (await openRemoteStore(doomed, root)).createWriter('tmp/commit.json');
      await w.write(enc('{"add":'));
      await w.write(enc('{"path":'));
    } finally {
      doomed.terminate();
    }
    // What MemoryStore.clone() models: a partial file at the destination, free to be replaced.
    const s = await openRemoteStore(worker, root);
    await expect.poll(() => s.read('tmp/commit.json').then((b) => new TextDecoder().decode(b))).toBe('{"add":{"path":');
    await expect.poll(() => s.write('tmp/commit.json', enc('{}')).then(() => 'ok', (err: Error) => err.message)).toBe('ok');
  });

  it('fails a write with QUOTA_EXCEEDED naming the path when the origin quota is used up', async () => {
    // The real browser quota check, lowered through DevTools to 1 MiB above what the origin uses. On an origin
    // of its own, so test files running in parallel on the page's origin keep their quota.
    const other = await startStoreWorkerOnOtherOrigin();
    const session = cdp();
    try {
      const s = await openRemoteStore(other, uniqueRoot('quota'));
      const { usage } = await other.api.estimate();
      await session.send('Storage.overrideQuotaForOrigin', { origin: other.origin, quotaSize: usage + 1024 * 1024 });
      try {
        // Chromium writes what fits and reports it as a bogus byte count; the store must not call that success.
        const e = await pondErrorOf(s.write('blobs/too-big.bin', new Uint8Array(8 * 1024 * 1024)), 'QUOTA_EXCEEDED');
        expect(e.message).toContain('blobs/too-big.bin');
        expect(e.detail?.path).toBe('blobs/too-big.bin');
        const w = await s.createWriter('blobs/streamed.bin');
        await pondErrorOf((async () => { for (let i = 0; i < 8; i++) await w.write(new Uint8Array(512 * 1024)); })(), 'QUOTA_EXCEEDED');
        await w.abort();
        // The failed write left nothing behind; the page's own origin was not starved.
        expect(await s.size('blobs/too-big.bin')).toBeUndefined();
        expect(await s.size('blobs/streamed.bin')).toBeUndefined();
        await (await openRemoteStore(worker, uniqueRoot('quota-own'))).write('big', new Uint8Array(8 * 1024 * 1024));
      } finally {
        await session.send('Storage.overrideQuotaForOrigin', { origin: other.origin });
      }
      await s.write('blobs/too-big.bin', new Uint8Array(8 * 1024 * 1024));
      expect(await s.size('blobs/too-big.bin')).toBe(8 * 1024 * 1024);
      await s.removeTree('');
    } finally {
      other.terminate();
    }
  });
});
