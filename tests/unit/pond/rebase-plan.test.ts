// The rebase rules on memory stores: two ponds that share a base (one cloned from the other) each commit; which of
// their changes compose (disjoint paths, appends to one series) and which conflict (named by path), and how our rows
// are renumbered onto theirs.
import { describe, expect, it } from 'vitest';
import type { OplogEntry } from '../../../src/core/entry';
import { decodeEntries } from '../../../src/oplog/entry-codec';
import { readCommit } from '../../../src/oplog/log-store';
import { loadContent } from '../../../src/pond/blobs';
import { Pond } from '../../../src/pond/pond';
import { findConflicts, renumberOnto, replaySide, type SideTxn } from '../../../src/pond/rebase/rebase-plan';
import { MemoryStore } from '../../../src/storage/memory-store';

const enc = (t: string) => new TextEncoder().encode(t);

/** A base pond with /data/a.txt, /data/s.series and /logs/, and two clones of it: theirs and ours. */
async function shared() {
  const store = new MemoryStore();
  const base = await Pond.create(store);
  await base.transact('setup', async (tx) => {
    tx.wd.mkdir('/data', { parents: true });
    tx.wd.mkdir('/logs', { parents: true });
    await tx.writeFile('/data/a.txt', 'file:data', enc('a1'));
    await tx.writeFile('/data/s.series', 'file:series', enc('s1'));
    await tx.writeFile('/data/t.series', 'file:series', enc('t1'));
  });
  const theirs = await Pond.open(store.clone());
  const ours = await Pond.open(store.clone());
  return { base, theirs, ours, at: base.version };
}

async function txnsAfter(p: Pond, after: number): Promise<SideTxn[]> {
  const out: SideTxn[] = [];
  for (let v = after + 1; v <= p.version; v++) {
    const c = await readCommit(p.store, v);
    if (c.info.duckpond.compaction) continue;
    const entries: OplogEntry[] = [];
    for (const a of c.adds) entries.push(...(await decodeEntries(await p.store.read(a.path), a.path)));
    out.push({ version: v, entries });
  }
  return out;
}

async function conflicts(s: Awaited<ReturnType<typeof shared>>) {
  const load = (sha256: string) => loadContent(s.base.store, { inline: null, sha256, size: 0 }, sha256);
  return findConflicts(s.base.fs, await txnsAfter(s.theirs, s.at), await txnsAfter(s.ours, s.at), load);
}

describe('rebase rules', () => {
  it('allows changes to different paths, also new names in one folder', async () => {
    const s = await shared();
    await s.theirs.transact('t', (tx) => tx.writeFile('/data/a.txt', 'file:data', enc('a2')));
    await s.theirs.transact('t', (tx) => tx.writeFile('/logs/x.txt', 'file:data', enc('x')));
    await s.ours.transact('o', (tx) => tx.writeFile('/logs/y.txt', 'file:data', enc('y')));
    await s.ours.transact('o', (tx) => tx.writeFile('/data/s.series', 'file:series', enc('s2')));
    expect(await conflicts(s)).toEqual([]);
  });

  it('allows both sides appending to one series, and renumbers ours after theirs', async () => {
    const s = await shared();
    await s.theirs.transact('t', (tx) => tx.writeFile('/data/s.series', 'file:series', enc('s-theirs')));
    await s.ours.transact('o', (tx) => tx.writeFile('/data/s.series', 'file:series', enc('s-ours-1')));
    await s.ours.transact('o', (tx) => tx.writeFile('/data/s.series', 'file:series', enc('s-ours-2')));
    expect(await conflicts(s)).toEqual([]);
    const load = (sha256: string) => loadContent(s.base.store, { inline: null, sha256, size: 0 }, sha256);
    const theirs = await txnsAfter(s.theirs, s.at);
    const onto = await replaySide(s.base.fs, theirs, load);
    const ours = await renumberOnto(onto, await txnsAfter(s.ours, s.at), s.theirs.version + 1, load);
    const rows = ours.flatMap((t) => t.entries.filter((e) => e.entry_type === 'file:series').map((e) => [t.version, e.txn_seq, e.version, new TextDecoder().decode(e.content!)]));
    // s.series: base v1, theirs v2, ours v3 and v4, in the new commits after theirs.
    expect(rows).toEqual([[s.theirs.version + 1, s.theirs.version + 1, 3, 's-ours-1'], [s.theirs.version + 2, s.theirs.version + 2, 4, 's-ours-2']]);
  });

  it('refuses a file written on both sides, a series that one side replaced with a file, and a name made on both', async () => {
    const s = await shared();
    await s.theirs.transact('t', (tx) => tx.writeFile('/data/a.txt', 'file:data', enc('a-theirs')));
    await s.ours.transact('o', (tx) => tx.writeFile('/data/a.txt', 'file:data', enc('a-ours')));
    await s.theirs.transact('t', (tx) => tx.writeFile('/logs/new.txt', 'file:data', enc('n1')));
    await s.ours.transact('o', (tx) => tx.writeFile('/logs/new.txt', 'file:data', enc('n2')));
    expect((await conflicts(s)).map((c) => c.path)).toEqual(['/data/a.txt', '/logs/new.txt']);
  });

  it('refuses appending to a series the other side removed, and writing in a folder the other side removed', async () => {
    const s = await shared();
    await s.theirs.transact('t', (tx) => void tx.wd.remove('/data/t.series'));
    await s.ours.transact('o', (tx) => tx.writeFile('/data/t.series', 'file:series', enc('t2')));
    await s.theirs.transact('t', (tx) => void tx.wd.remove('/logs', { recursive: true }));
    await s.ours.transact('o', (tx) => tx.writeFile('/logs/z.txt', 'file:data', enc('z')));
    expect((await conflicts(s)).map((c) => c.path)).toEqual(['/data/t.series', '/logs/z.txt']);
  });

  it('replays a side whose rows name each node it wrote once, with the version after the node\'s newest', async () => {
    const s = await shared();
    await s.ours.transact('o', async (tx) => {
      await tx.writeFile('/data/b.txt', 'file:data', enc('b1'));
      await tx.writeFile('/data/b.txt', 'file:data', enc('b2'));
    });
    const load = (sha256: string) => loadContent(s.base.store, { inline: null, sha256, size: 0 }, sha256);
    const out = await renumberOnto(s.base.fs, await txnsAfter(s.ours, s.at), s.at + 1, load);
    const b = out[0]!.entries.filter((e) => e.entry_type === 'file:data').map((e) => e.version);
    expect(b).toEqual([1, 2]);
  });
});
