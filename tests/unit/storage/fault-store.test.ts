import { describe, expect, it } from 'vitest';
import type { Store } from '../../../src/core/store';
import { FaultStore, type FaultPlan } from '../../../src/storage/fault-store';
import { MemoryStore } from '../../../src/storage/memory-store';
import { pondErrorOf, storeContract } from './store-contract';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** A tiny commit protocol, as the oplog does it: data, then a log entry written new and moved into place. */
async function commit(s: Store): Promise<void> {
  await s.write('oplog/1.parquet', enc('DATA'));
  const w = await s.createWriter('tmp/1.json');
  try {
    await w.write(enc('{"add":'));
    await w.write(enc('"oplog/1.parquet"}'));
    await w.close();
  } catch (e) {
    // A careful caller drops its partial file (after a crash this throws too, and nothing runs any more).
    await w.abort().catch(() => undefined);
    throw e;
  }
  await s.move('tmp/1.json', '_delta_log/1.json');
  await s.remove('tmp/old');
  await s.removeTree('tmp');
}

function setup(plan?: FaultPlan): { inner: MemoryStore; s: FaultStore } {
  const inner = new MemoryStore();
  return { inner, s: new FaultStore(inner, plan) };
}

describe('FaultStore without a plan: the Store contract', () => {
  storeContract(async () => new FaultStore(new MemoryStore()));
});

describe('FaultStore', () => {
  it('numbers every mutating primitive in call order and never a read', async () => {
    const { s } = setup();
    await commit(s);
    await s.read('_delta_log/1.json');
    await s.list('');
    await s.size('x');
    expect(s.opCount).toBe(8);
    expect(s.log.map((o) => `${o.n} ${o.kind} ${o.path}`)).toEqual([
      '1 chunk oplog/1.parquet', // write() = one chunk ...
      '2 flush oplog/1.parquet', // ... then one flush
      '3 chunk tmp/1.json',
      '4 chunk tmp/1.json',
      '5 flush tmp/1.json',
      '6 move tmp/1.json -> _delta_log/1.json',
      '7 remove tmp/old', // numbered although there is no such file
      '8 removeTree tmp',
    ]);
  });

  it("'fail' throws STORAGE once, applies nothing, and the store goes on working", async () => {
    for (let at = 1; at <= 8; at++) {
      const { inner, s } = setup({ at, mode: 'fail' });
      const e = await pondErrorOf(commit(s), 'STORAGE');
      expect(e.message).toContain(`op ${at}`);
      expect(s.crashed).toBe(false);
      // The caller can retry the whole protocol; the numbers go on past the failure.
      await commit(s);
      expect(dec(await s.read('_delta_log/1.json'))).toBe('{"add":"oplog/1.parquet"}');
      expect(await inner.list('')).toEqual(['_delta_log/', 'oplog/']);
    }
  });

  it("'fail' on a chunk leaves the writer usable; on a close the writer stays open for a retry", async () => {
    const { s } = setup({ at: 2, mode: 'fail' });
    const w = await s.createWriter('f');
    await w.write(enc('ab'));
    await pondErrorOf(w.write(enc('XX')), 'STORAGE');
    await w.write(enc('cd'));
    expect(dec(await s.read('f'))).toBe('abcd');
    s.plan = { at: 4, mode: 'fail' };
    await pondErrorOf(w.close(), 'STORAGE');
    await pondErrorOf(s.write('f', enc('other')), 'STORAGE'); // still open, still locked
    await w.close();
    expect(dec(await s.read('f'))).toBe('abcd');
  });

  it("a failed write() leaves no file, like OpfsStore.write", async () => {
    for (const at of [1, 2]) {
      const { s } = setup({ at, mode: 'fail' });
      await pondErrorOf(s.write('blob', enc('content')), 'STORAGE');
      expect(await s.size('blob')).toBeUndefined();
    }
  });

  it("'quota' throws QUOTA_EXCEEDED naming the path, applies nothing, and the store goes on", async () => {
    const { s } = setup({ at: 3, mode: 'quota' });
    await s.write('a', enc('1'));
    const e = await pondErrorOf(s.write('blobs/b', enc('22')), 'QUOTA_EXCEEDED');
    expect(e.message).toContain('blobs/b');
    expect(e.detail?.path).toBe('blobs/b');
    expect(await s.size('blobs/b')).toBeUndefined();
    await s.write('blobs/b', enc('22'));
    expect(await s.list('blobs')).toEqual(['b']);
  });

  it("'quota' on a writer chunk lands a prefix first, as Chromium does, and leaves the writer to abort", async () => {
    const { s } = setup({ at: 2, mode: 'quota' });
    const w = await s.createWriter('big');
    await w.write(enc('1234'));
    await pondErrorOf(w.write(enc('abcdef')), 'QUOTA_EXCEEDED');
    expect(dec(await s.read('big'))).toBe('1234abc');
    await w.abort();
    expect(await s.size('big')).toBeUndefined();
    s.plan = { at: 5, mode: 'quota' }; // ops 3 and 4 are the chunk and flush of write('x')
    await s.write('x', enc('1'));
    await pondErrorOf(s.move('x', 'y'), 'QUOTA_EXCEEDED'); // a whole operation: nothing applied
    expect(await s.list('')).toEqual(['x']);
  });

  it("'tear' on a chunk lands half of it, then every call, reads included, throws 'store crashed'", async () => {
    const { inner, s } = setup({ at: 4, mode: 'tear' });
    await pondErrorOf(commit(s), 'STORAGE');
    expect(s.crashed).toBe(true);
    for (const call of [() => s.read('oplog/1.parquet'), () => s.list(''), () => s.size('x'), () => s.write('y', enc('1')), () => s.remove('x')]) {
      expect((await pondErrorOf(call(), 'STORAGE')).message).toContain('store crashed');
    }
    // Reopened on the inner store: data whole, the log entry a torn prefix (7 bytes + 9 of 18), nothing moved.
    expect(dec(await inner.read('oplog/1.parquet'))).toBe('DATA');
    expect(dec(await inner.read('tmp/1.json'))).toBe('{"add":"oplog/1.');
    expect(await inner.list('_delta_log')).toEqual([]);
    // The crash released the writer's lock, as a dead worker's handles are released.
    await inner.write('tmp/1.json', enc('again'));
  });

  it("'tear' on a write()'s flush keeps the bytes but never completes", async () => {
    const { inner, s } = setup({ at: 2, mode: 'tear' });
    await pondErrorOf(s.write('f', enc('whole')), 'STORAGE');
    expect(s.crashed).toBe(true);
    expect(dec(await inner.read('f'))).toBe('whole');
  });

  it("'tear' on a move, remove or removeTree applies none of it", async () => {
    const cases: [number, (inner: MemoryStore) => Promise<void>][] = [
      [6, async (inner) => { expect(await inner.list('_delta_log')).toEqual([]); expect(await inner.size('tmp/1.json')).toBe(25); }],
      [8, async (inner) => { expect(await inner.list('tmp')).toEqual([]); expect(await inner.list('')).toEqual(['_delta_log/', 'oplog/', 'tmp/']); }],
    ];
    for (const [at, check] of cases) {
      const { inner, s } = setup({ at, mode: 'tear' });
      await pondErrorOf(commit(s), 'STORAGE');
      expect(s.opCount).toBe(at);
      await check(inner);
    }
    const { inner, s } = setup();
    await s.write('keep', enc('k'));
    s.plan = { at: 3, mode: 'tear' };
    await pondErrorOf(s.remove('keep'), 'STORAGE');
    expect(dec(await inner.read('keep'))).toBe('k');
  });

  it('a crash at every op of the protocol leaves either no commit or a whole one', async () => {
    const { s: counter } = setup();
    await commit(counter);
    for (let at = 1; at <= counter.opCount; at++) {
      const { inner, s } = setup({ at, mode: 'tear' });
      await commit(s).catch(() => undefined);
      // Recovery looks only at the log: an entry there must be whole and its data present.
      const reopened = inner.clone();
      const log = await reopened.list('_delta_log');
      if (log.length > 0) {
        expect(dec(await reopened.read('_delta_log/1.json'))).toBe('{"add":"oplog/1.parquet"}');
        expect(dec(await reopened.read('oplog/1.parquet'))).toBe('DATA');
      }
      expect(log.length > 0).toBe(at > 6);
    }
  });
});
