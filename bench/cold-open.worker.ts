// A fresh worker that opens one pond once and reports how long it took: what a tablet pays when the app starts
// (new worker, parquet-wasm not yet initialised, the JIT cold). Messages in: {root, mode}; out: {ms, ...}.
//   mode 'ping'   nothing: the first message, once the modules are loaded.
//   mode 'open'   Pond.open as the app does it (writable), timed from the message to the open pond.
//   mode 'parts'  the same steps one by one: read the state snapshot, readLog (the commits after it), replay them.
//   mode 'json'   opening as before state snapshots and checkpoints: decode and replay every live row from the
//                 newest compaction (parquet-wasm init timed apart).
//   mode 'raw'    bare OPFS reads of `paths` (the files an open reads): the floor.
import { loadParquetWasm } from '../src/core/parquet-wasm';
import { readLog } from '../src/oplog/log-store';
import { replayEntries } from '../src/oplog/replay';
import { readStateSnapshot } from '../src/oplog/state-snapshot';
import { sha256Hex } from '../src/pond/hash';
import { Pond } from '../src/pond/pond';
import { OpfsStore } from '../src/storage/opfs-store';
import { FsState } from '../src/tinyfs/state';

type Msg = { root: string; mode: 'ping' | 'open' | 'parts' | 'json' | 'raw'; paths?: string[] };
const post = (m: unknown) => (self as unknown as Worker).postMessage(m);

self.onmessage = async (e: MessageEvent<Msg>) => {
  const { root, mode } = e.data;
  try {
    const t0 = performance.now();
    if (mode === 'ping') {
      post({ ms: 0 });
    } else if (mode === 'open') {
      const pond = await Pond.open(await OpfsStore.open(root));
      post({ ms: performance.now() - t0, version: pond.version, nodes: pond.fs.size });
    } else if (mode === 'parts') {
      const store = await OpfsStore.open(root);
      const cached = await readStateSnapshot(store, sha256Hex);
      const t1 = performance.now();
      const snap = await readLog(store, sha256Hex, undefined, cached ? { snapshot: cached } : {});
      const t2 = performance.now();
      const fs = snap.stateSnapshot !== undefined && cached ? cached.state : FsState.empty();
      await replayEntries(fs, snap.entries, async () => new Uint8Array());
      const t3 = performance.now();
      post({ ms: t3 - t0, stateSnapshot: t1 - t0, readLog: t2 - t1, replay: t3 - t2, rowsReplayed: snap.entries.length, from: snap.stateSnapshot ?? snap.checkpoint ?? snap.base, version: snap.head });
    } else if (mode === 'json') {
      await loadParquetWasm();
      const t1 = performance.now();
      const store = await OpfsStore.open(root);
      const snap = await readLog(store, sha256Hex, undefined, { checkpoints: false });
      const fs = FsState.empty();
      await replayEntries(fs, snap.entries, async () => new Uint8Array());
      post({ ms: performance.now() - t0, wasmInit: t1 - t0, version: snap.head, rows: snap.entries.length });
    } else {
      let dir = await navigator.storage.getDirectory();
      for (const n of root.split('/')) dir = await dir.getDirectoryHandle(n);
      let bytes = 0;
      await Promise.all((e.data.paths ?? []).map(async (p) => {
        const parts = p.split('/');
        let d = dir;
        for (const n of parts.slice(0, -1)) d = await d.getDirectoryHandle(n);
        bytes += (await (await (await d.getFileHandle(parts[parts.length - 1]!)).getFile()).arrayBuffer()).byteLength;
      }));
      post({ ms: performance.now() - t0, bytes });
    }
  } catch (err) {
    post({ error: String((err as Error)?.stack ?? err) });
  }
};
