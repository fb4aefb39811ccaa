// The state snapshot (a private cache beside checkpoints and compactions): opening from it builds node for node the
// state that replaying the log builds, and a snapshot that is torn or no longer matches the log is passed over.
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../src/storage/memory-store';
import { Pond } from '../../../src/pond/pond';
import { sha256Hex } from '../../../src/pond/hash';
import { HEAD_HINT_PATH, readLog } from '../../../src/oplog/log-store';
import { replayEntries } from '../../../src/oplog/replay';
import { STATE_SNAPSHOT_PATH, readStateSnapshot } from '../../../src/oplog/state-snapshot';
import { decodeCommit, encodeCommit, logPath } from '../../../src/oplog/delta-log';
import { FsState } from '../../../src/tinyfs/state';
import { fullState } from '../../helpers/full-state';
import { dumpPond } from '../../helpers/pond-dump';

const enc = (s: string) => new TextEncoder().encode(s);

async function pondOf(n: number, compactEvery: number): Promise<{ store: MemoryStore; pond: Pond }> {
  const store = new MemoryStore();
  const pond = await Pond.create(store, { compactEvery, name: 'Superior' });
  await pond.transact('mkdirs', (tx) => { for (let d = 0; d < 4; d++) tx.wd.mkdir(`/d${d}`); });
  for (let i = 1; i < n; i++) {
    await pond.transact(`write ${i}`, async (tx) => {
      await tx.writeFile(`/d${i % 4}/f${i % 29}`, 'file:data', enc(i % 7 === 0 ? '' : `content ${i}`), { attrs: i % 3 ? {} : { unit: 'm', i: String(i) }, minEventTime: i * 1000, maxEventTime: i * 2000 });
      if (i % 11 === 0) tx.wd.remove(`/d${(i - 1) % 4}/f${(i - 1) % 29}`, {}); // written by the previous transaction
    });
  }
  if (pond.maintenanceError) throw pond.maintenanceError;
  return { store, pond };
}

/** The state replaying the JSON commits builds (no checkpoint, no snapshot): what a snapshot must equal. */
async function replayedState(store: MemoryStore): Promise<string[]> {
  const snap = await readLog(store, sha256Hex, undefined, { checkpoints: false });
  const fs = FsState.empty();
  await replayEntries(fs, snap.entries, async () => { throw new Error('no directory blobs here'); });
  return fullState(fs);
}

describe('state snapshot', () => {
  it.each([50, 1_000_000])('opening from it (compactEvery %i) gives the state of replaying the log, node by node', async (compactEvery) => {
    const { store, pond } = await pondOf(230, compactEvery);
    const cached = await readStateSnapshot(store, sha256Hex);
    expect(cached).toBeDefined();
    // Written at the last checkpoint or compaction: the commits after it are replayed onto it.
    expect(cached!.version).toBeLessThan(pond.version);
    const opened = await Pond.open(store, { compactEvery });
    const snap = await readLog(store, sha256Hex, undefined, { snapshot: cached! });
    expect(snap.stateSnapshot).toBe(cached!.version);
    expect(snap.entries.every((e) => e.txn_seq > cached!.version)).toBe(true);
    const want = await replayedState(store);
    expect(fullState(opened.fs)).toEqual(want);
    expect(fullState(pond.fs)).toEqual(want);
    expect(opened.name).toBe('Superior');
    expect(opened.version).toBe(pond.version);
  });

  it('a pond opened from its snapshot writes on, compacts (reading the live rows then) and reopens the same', async () => {
    const { store } = await pondOf(120, 40);
    const a = await Pond.open(store, { compactEvery: 40 });
    for (let i = 0; i < 60; i++) await a.transact(`more ${i}`, (tx) => tx.writeFile('/d1/more', 'file:data', enc(`m${i}`)));
    expect(a.maintenanceError).toBeUndefined();
    const log = await a.log({ includeCompactions: true, limit: 70 });
    expect(log.some((t) => t.compaction)).toBe(true);
    const b = await Pond.open(store, { compactEvery: 40 });
    expect(fullState(b.fs)).toEqual(fullState(a.fs));
    expect(fullState(b.fs)).toEqual(await replayedState(store));
  });

  it.each([
    ['torn', async (s: MemoryStore) => { const b = await s.read(STATE_SNAPSHOT_PATH); await s.write(STATE_SNAPSHOT_PATH, b.subarray(0, b.length - 7)); }],
    ['garbage', async (s: MemoryStore) => s.write(STATE_SNAPSHOT_PATH, enc('not a snapshot'))],
    ['with its inline bytes changed', async (s: MemoryStore) => { const b = (await s.read(STATE_SNAPSHOT_PATH)).slice(); b[b.length - 1]! ^= 1; await s.write(STATE_SNAPSHOT_PATH, b); }],
    ['built from another history (its commit rewritten)', async (s: MemoryStore) => {
      const v = (await readStateSnapshot(s, sha256Hex))!.version;
      const c = decodeCommit(v, await s.read(logPath(v)));
      await s.write(logPath(v), encodeCommit({ ...c, info: { ...c.info, duckpond: { ...c.info.duckpond, command: `${c.info.duckpond.command} (rewritten)` } } }));
    }],
  ])('a snapshot %s is passed over: opening replays the log', async (_what, damage) => {
    const { store } = await pondOf(130, 1_000_000);
    await damage(store);
    await store.remove(HEAD_HINT_PATH);
    const snap = await readLog(store, sha256Hex, undefined, { snapshot: (await readStateSnapshot(store, sha256Hex)) ?? undefined });
    expect(snap.stateSnapshot).toBeUndefined();
    const opened = await Pond.open(store, { compactEvery: 1_000_000 });
    expect(fullState(opened.fs)).toEqual(await replayedState(store));
  });

  it('time travel never uses it', async () => {
    const { store, pond } = await pondOf(120, 1_000_000);
    const back = await Pond.open(store, { asOf: 50 });
    expect(back.version).toBe(50);
    expect(dumpPond(back)).not.toEqual(dumpPond(pond));
    const snap = await readLog(store, sha256Hex, 50, { checkpoints: false });
    const fs = FsState.empty();
    await replayEntries(fs, snap.entries, async () => new Uint8Array());
    expect(fullState(back.fs)).toEqual(fullState(fs));
  });
});
