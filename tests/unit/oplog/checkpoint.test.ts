// Delta checkpoints in a memory store: written every 100 versions, read on open instead of the commits before them,
// and the same state as replaying the JSON commits (which stay the source of truth: a torn checkpoint is ignored).
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../src/storage/memory-store';
import { FaultStore, type FaultMode } from '../../../src/storage/fault-store';
import { Pond } from '../../../src/pond/pond';
import { sha256Hex } from '../../../src/pond/hash';
import { readLog } from '../../../src/oplog/log-store';
import { replayEntries } from '../../../src/oplog/replay';
import { LAST_CHECKPOINT_PATH, checkpointPath, decodeCheckpoint } from '../../../src/oplog/checkpoint';
import { HEAD_HINT_PATH } from '../../../src/oplog/log-store';
import { FsState } from '../../../src/tinyfs/state';
import type { AddAction } from '../../../src/oplog/delta-log';
import { fullState } from '../../helpers/full-state';
import { dumpPond } from '../../helpers/pond-dump';

const enc = (s: string) => new TextEncoder().encode(s);

/** `n` transactions: a few folders, then one file version per transaction (some files get several versions). */
async function pondOf(n: number, compactEvery?: number, name?: string): Promise<{ store: MemoryStore; pond: Pond }> {
  const store = new MemoryStore();
  const pond = await Pond.create(store, { compactEvery, ...(name ? { name } : {}) });
  await pond.transact('mkdirs', (tx) => { for (let d = 0; d < 5; d++) tx.wd.mkdir(`/d${d}`); });
  for (let i = 1; i < n; i++) {
    await pond.transact(`write ${i}`, (tx) => tx.writeFile(`/d${i % 5}/f${i % 37}`, 'file:data', enc(`content ${i}`), { attrs: { i: String(i) } }));
  }
  if (pond.maintenanceError) throw pond.maintenanceError;
  return { store, pond };
}

/** A copy without checkpoints or head hint: opening it can only replay JSON commits. */
async function stripCheckpoints(store: MemoryStore): Promise<MemoryStore> {
  const copy = store.clone();
  for (const name of await copy.list('_delta_log')) if (!/^\d{20}\.json$/.test(name)) await copy.remove(`_delta_log/${name}`);
  await copy.remove(HEAD_HINT_PATH);
  return copy;
}

async function replayed(store: MemoryStore, asOf?: number, checkpoints = true) {
  const snap = await readLog(store, sha256Hex, asOf, { checkpoints });
  const fs = FsState.empty();
  await replayEntries(fs, snap.entries, async () => { throw new Error('no directory blobs in these ponds'); });
  return { snap, state: fullState(fs) };
}

describe.each([
  // Compactions at versions 96 and 192: the checkpoint at 200 is the newest place to start from.
  ['compacting every 95 commits', 95],
  ['never compacting (every commit replayed)', 1_000_000],
])('checkpoints, %s', (_name, compactEvery) => {
  it('a pond of 250 transactions has checkpoints at 100 and 200, and opens from the newest to the same state as replaying the commits', async () => {
    const { store, pond } = await pondOf(250, compactEvery);
    const names = await store.list('_delta_log');
    expect(names.filter((n) => n.endsWith('.checkpoint.parquet'))).toEqual([checkpointPath(100), checkpointPath(200)].map((p) => p.slice('_delta_log/'.length)));
    const last = JSON.parse(new TextDecoder().decode(await store.read(LAST_CHECKPOINT_PATH))) as { version: number; size: number; numOfAddFiles: number };
    const cp = await decodeCheckpoint(200, await store.read(checkpointPath(200)));
    expect(last).toMatchObject({ version: 200, size: cp.adds.length + 2, numOfAddFiles: cp.adds.length });
    expect(cp.pondId).toBe(pond.id);

    const fast = await replayed(store);
    expect(fast.snap.checkpoint).toBe(200);
    const slow = await replayed(await stripCheckpoints(store));
    expect(slow.snap.checkpoint).toBeUndefined();
    expect(fast.snap.head).toBe(pond.version);
    expect(slow.snap.head).toBe(pond.version);
    expect(fast.state).toEqual(slow.state);
    expect(fast.state).toEqual(fullState(pond.fs)); // the writer's own incrementally built state
    const addOf = (a: AddAction) => ({ path: a.path, size: a.size, modificationTime: a.modificationTime, dataChange: a.dataChange, tags: a.tags });
    expect(fast.snap.files.map(addOf)).toEqual(slow.snap.files.map(addOf));
    expect(fast.snap.sinceCompaction).toBe(slow.snap.sinceCompaction);
    // And a Pond opened both ways reads the same content.
    const a = await Pond.open(store, { compactEvery });
    const b = await Pond.open(await stripCheckpoints(store), { compactEvery });
    expect(dumpPond(a)).toEqual(dumpPond(b));
    expect(a.version).toBe(b.version);
    expect(await a.log({ limit: 5 })).toEqual(await b.log({ limit: 5 }));
  });

  it('time travel before, at and after a checkpoint gives what the JSON commits give', async () => {
    const { store } = await pondOf(250, compactEvery);
    const plain = await stripCheckpoints(store);
    for (const v of [7, 99, 100, 150, 200, 201]) {
      const fast = await replayed(store, v);
      const slow = await replayed(plain, v);
      expect(fast.snap.checkpoint, `as of ${v}`).toBe(v >= 100 ? v - (v % 100) : undefined);
      expect(fast.state, `as of ${v}`).toEqual(slow.state);
      expect(fast.snap.head).toBe(v);
    }
  });
});

describe('a checkpoint that cannot be used is ignored', () => {
  it.each([
    ['torn (half its bytes)', async (s: MemoryStore) => { const b = await s.read(checkpointPath(200)); await s.write(checkpointPath(200), b.slice(0, b.length >> 1)); }],
    ['not Parquet', async (s: MemoryStore) => s.write(checkpointPath(200), enc('PAR1 nonsense'))],
    ['missing', async (s: MemoryStore) => s.remove(checkpointPath(200))],
    ['naming an oplog file that is gone', async (s: MemoryStore) => {
      const cp = await decodeCheckpoint(200, await s.read(checkpointPath(200)));
      await s.remove(cp.adds[0]!.path);
    }],
  ])('%s: opening replays the JSON commits instead', async (what, damage) => {
    const { store, pond } = await pondOf(230, 1_000_000);
    const want = fullState(pond.fs);
    const damaged = store.clone();
    await damage(damaged);
    if (what === 'naming an oplog file that is gone') {
      // That file is live: the JSON commits name it too, so the pond is damaged, not just its checkpoint.
      await expect(readLog(damaged, sha256Hex)).rejects.toMatchObject({ code: 'CORRUPT' });
      return;
    }
    const r = await replayed(damaged);
    expect(r.snap.checkpoint).toBeUndefined();
    expect(r.state).toEqual(want);
  });

  it('a torn _last_checkpoint is ignored', async () => {
    const { store, pond } = await pondOf(120, 1_000_000);
    await store.write(LAST_CHECKPOINT_PATH, enc('{"version":10'));
    await store.remove(HEAD_HINT_PATH);
    const r = await replayed(store);
    expect(r.snap.checkpoint).toBeUndefined();
    expect(r.state).toEqual(fullState(pond.fs));
  });

  it("a _last_checkpoint whose row count is not the checkpoint's is not trusted", async () => {
    const { store, pond } = await pondOf(120, 1_000_000);
    const last = JSON.parse(new TextDecoder().decode(await store.read(LAST_CHECKPOINT_PATH))) as { size: number };
    await store.write(LAST_CHECKPOINT_PATH, enc(JSON.stringify({ ...last, size: last.size + 1 })));
    const r = await replayed(store);
    expect(r.snap.checkpoint).toBeUndefined();
    expect(r.state).toEqual(fullState(pond.fs));
  });
});

describe('checkpoints and the rest of the pond', () => {
  it('a checkpoint after a compaction lists the compacted file, and the name set before it', async () => {
    // compactEvery 33: versions 34, 68, 102 … are compactions; the checkpoint at 200 follows the one at 170.
    const { store, pond } = await pondOf(100, 33);
    await pond.rename('Lake Huron');
    for (let i = 0; i < 110; i++) await pond.transact(`more ${i}`, (tx) => tx.writeFile('/d1/more', 'file:data', enc(`m${i}`)));
    expect(pond.version).toBeGreaterThan(200);
    const cp = await decodeCheckpoint(200, await store.read(checkpointPath(200)));
    expect(cp.name).toBe('Lake Huron');
    const log = await pond.log({ includeCompactions: true, limit: 1000 });
    const lastCompaction = log.find((t) => t.compaction && t.seq <= 200)!.seq;
    expect(cp.adds[0]!.path.startsWith(`oplog/${String(lastCompaction).padStart(20, '0')}-`)).toBe(true);
    expect(cp.adds[0]!.dataChange).toBe(false);
    expect(cp.adds.length).toBe(200 - lastCompaction + 1 - log.filter((t) => t.seq > lastCompaction && t.seq <= 200 && t.entries === 0).length);
    const again = await Pond.open(store, { compactEvery: 33 });
    expect(again.name).toBe('Lake Huron');
    expect(fullState(again.fs)).toEqual(fullState(pond.fs));
    // Writing on after opening from the checkpoint: the compaction schedule continues where it was.
    const fromPlain = await readLog(await stripCheckpoints(store), sha256Hex);
    const fromCp = await readLog(store, sha256Hex);
    expect(fromCp.sinceCompaction).toBe(fromPlain.sinceCompaction);
  });

  it('the name comes from the checkpoint when no commit after it records one', async () => {
    const { store, pond } = await pondOf(10, 1_000_000, 'Erie');
    for (let i = 0; i < 95; i++) await pond.transact(`w ${i}`, (tx) => tx.writeFile('/d0/x', 'file:data', enc(`${i}`)));
    const snap = await readLog(store, sha256Hex);
    expect(snap.checkpoint).toBe(100);
    expect(snap.name).toBe('Erie');
  });

  it.each<FaultMode>(['tear', 'fail'])('a fault (%s) at any write of commit 100 and its checkpoint loses nothing', async (mode) => {
    const base = (await pondOf(99, 1_000_000)).store;
    const before = dumpPond(await Pond.open(base.clone(), { compactEvery: 1_000_000 }));
    const counting = new FaultStore(base.clone());
    const p = await Pond.open(counting, { compactEvery: 1_000_000 });
    const start = counting.opCount;
    await p.transact('the 100th', (tx) => tx.writeFile('/d0/hundred', 'file:data', enc('100')));
    expect(await counting.list('_delta_log')).toContain(checkpointPath(100).slice('_delta_log/'.length));
    const after = dumpPond(p);
    const ops = counting.opCount - start;
    let sawCheckpointFault = 0;
    for (let n = 1; n <= ops; n++) {
      const inner = base.clone();
      const faulty = new FaultStore(inner);
      const pond = await Pond.open(faulty, { compactEvery: 1_000_000 });
      faulty.plan = { at: faulty.opCount + n, mode };
      const outcome = await pond.transact('the 100th', (tx) => tx.writeFile('/d0/hundred', 'file:data', enc('100'))).then(() => 'ok', () => 'failed');
      if (outcome === 'ok' && pond.maintenanceError) sawCheckpointFault++;
      const reopened = await Pond.open(mode === 'tear' ? inner : faulty, { compactEvery: 1_000_000 });
      const state = dumpPond(reopened);
      expect(state, `fault at op ${n}`).toEqual(reopened.version === 100 ? after : before);
      if (mode === 'fail') expect(reopened.version, `op ${n}`).toBe(outcome === 'ok' ? 100 : 99);
    }
    // Some faults hit the checkpoint after the commit was durable: the commit still succeeded.
    if (mode === 'fail') expect(sawCheckpointFault).toBeGreaterThan(0);
  });
});
