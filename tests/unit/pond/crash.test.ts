// For every mutating store operation N across a commit: crash there (torn write, lost move) or fail there, then
// reopen. The pond must show exactly the state before or after the commit, never a mix, and stay writable.
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../src/storage/memory-store';
import { FaultStore, type FaultMode } from '../../../src/storage/fault-store';
import { Pond } from '../../../src/pond/pond';
import { dumpPond } from '../../helpers/pond-dump';
import type { Transaction } from '../../../src/pond/transaction';

const enc = (s: string) => new TextEncoder().encode(s);
const big = new Uint8Array(150_000).map((_, i) => (i * 7) % 256);

/** A commit that touches every kind of write: a blob, inline files, a new directory and a changed one. */
async function theCommit(tx: Transaction) {
  tx.wd.mkdir('/new/dir', { parents: true });
  await tx.writeFile('/new/dir/big.bin', 'file:data', big);
  await tx.writeFile('/base/f.txt', 'file:data', enc('second version'));
  await tx.writeFile('/base/g.txt', 'file:data', enc('new file'));
}

async function basePond(compactEvery = 1000): Promise<MemoryStore> {
  const store = new MemoryStore();
  const pond = await Pond.create(store, { compactEvery });
  await pond.transact('base', (tx) => tx.writeFile('/base/f.txt', 'file:data', enc('first version'), {}, { parents: true }));
  return store;
}

async function expectedStates(compactEvery?: number) {
  const store = await basePond(compactEvery);
  const pond = await Pond.open(store, { compactEvery });
  const before = dumpPond(pond);
  const counting = new FaultStore(store.clone());
  const p2 = await Pond.open(counting, { compactEvery });
  const start = counting.opCount;
  await p2.transact('the commit', theCommit);
  return { before, after: dumpPond(p2), ops: counting.opCount - start };
}

describe.each([
  ['a plain commit', 1000],
  ['a commit followed by a compaction', 2],
])('crash safety of %s', (_name, compactEvery) => {
  it.each<FaultMode>(['tear', 'fail', 'quota'])('%s at every operation: before or after, never between, and still writable', async (mode) => {
    const { before, after, ops } = await expectedStates(compactEvery);
    expect(ops).toBeGreaterThan(5);
    const seen = { before: 0, after: 0 };
    for (let n = 1; n <= ops; n++) {
      const inner = await basePond(compactEvery);
      const faulty = new FaultStore(inner);
      const pond = await Pond.open(faulty, { compactEvery });
      faulty.plan = { at: faulty.opCount + n, mode };
      const outcome = await pond.transact('the commit', theCommit).then(() => 'ok', (e: { code?: string }) => e.code);
      if (mode === 'quota' && outcome !== 'ok') expect(outcome).toBe('QUOTA_EXCEEDED');
      if (mode === 'fail' && outcome !== 'ok') expect(outcome).toBe('STORAGE');
      // Reopen as a new worker would: tear = the old one died; fail/quota = the same process goes on.
      const reopened = await Pond.open(mode === 'tear' ? inner : faulty, { compactEvery });
      const state = dumpPond(reopened);
      const which = JSON.stringify(state) === JSON.stringify(after) ? 'after' : 'before';
      expect(state, `fault at op ${n}`).toEqual(which === 'after' ? after : before);
      seen[which]++;
      // A failure reported to the caller means nothing landed; success means everything did.
      if (mode !== 'tear') expect(dumpPond(pond), `live state after ${outcome} at op ${n}`).toEqual(outcome === 'ok' ? after : before);
      if (mode !== 'tear') expect(state, `reopened state after ${outcome} at op ${n}`).toEqual(outcome === 'ok' ? after : before);
      // Still writable, and the next commit lands on top of whichever state survived.
      await reopened.transact('next', (tx) => tx.writeFile('/later.txt', 'file:data', enc('later')));
      expect(dumpPond(await Pond.open(mode === 'tear' ? inner : faulty))).toContain('/later.txt file:data v1:' + dumpPond(reopened).find((l) => l.startsWith('/later.txt'))!.split(' v1:')[1]);
    }
    expect(seen.before).toBeGreaterThan(0);
    if (mode === 'tear') expect(seen.after).toBeGreaterThanOrEqual(compactEvery === 2 ? 1 : 0);
  });
});
