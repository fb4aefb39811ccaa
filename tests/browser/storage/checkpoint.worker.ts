// Test worker: a pond on real OPFS (sync access handles exist only in dedicated workers), opened the ways the
// checkpoint tests compare. Exposed through comlink; states travel as fullState() lines.
import * as Comlink from 'comlink';
import { readLog } from '../../../src/oplog/log-store';
import { replayEntries } from '../../../src/oplog/replay';
import { checkpointPath } from '../../../src/oplog/checkpoint';
import { STATE_SNAPSHOT_PATH } from '../../../src/oplog/state-snapshot';
import { sha256Hex } from '../../../src/pond/hash';
import { Pond } from '../../../src/pond/pond';
import { OpfsStore } from '../../../src/storage/opfs-store';
import { FsState } from '../../../src/tinyfs/state';
import { fullState } from '../../helpers/full-state';

const enc = (s: string) => new TextEncoder().encode(s);

async function replayed(store: OpfsStore, checkpoints: boolean) {
  const snap = await readLog(store, sha256Hex, undefined, { checkpoints });
  const fs = FsState.empty();
  await replayEntries(fs, snap.entries, async () => { throw new Error('no directory blobs in this pond'); });
  return { state: fullState(fs), checkpoint: snap.checkpoint ?? null, head: snap.head };
}

const api = {
  /** `n` transactions on OPFS at `root` (compacting every `compactEvery`); the _delta_log names after. */
  async make(root: string, n: number, compactEvery: number): Promise<{ version: number; names: string[]; live: string[] }> {
    const store = await OpfsStore.open(root);
    const pond = await Pond.create(store, { compactEvery, name: 'OPFS pond' });
    await pond.transact('mkdirs', (tx) => { for (let d = 0; d < 5; d++) tx.wd.mkdir(`/d${d}`); });
    for (let i = 1; i < n; i++) await pond.transact(`write ${i}`, (tx) => tx.writeFile(`/d${i % 5}/f${i % 23}`, 'file:data', enc(`v ${i}`)));
    if (pond.maintenanceError) throw pond.maintenanceError;
    return { version: pond.version, names: await store.list('_delta_log'), live: fullState(pond.fs) };
  },
  /** The state three ways: Pond.open (state snapshot + tail), readLog from the checkpoint, readLog from JSON only. */
  async states(root: string, compactEvery: number) {
    const store = await OpfsStore.open(root);
    const opened = await Pond.open(store, { compactEvery, readOnly: true });
    return { opened: fullState(opened.fs), name: opened.name ?? null, version: opened.version, fromCheckpoint: await replayed(store, true), fromJson: await replayed(store, false) };
  },
  async tear(root: string, version: number): Promise<void> {
    const store = await OpfsStore.open(root);
    for (const p of [checkpointPath(version), STATE_SNAPSHOT_PATH]) {
      const b = await store.read(p);
      await store.write(p, b.subarray(0, b.length >> 1));
    }
  },
  async remove(root: string): Promise<void> {
    await (await OpfsStore.open(root)).removeTree('');
  },
};

export type CheckpointWorkerApi = typeof api;
Comlink.expose(api);
