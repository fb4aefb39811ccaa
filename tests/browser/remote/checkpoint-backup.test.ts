// A backup of a pond with checkpoints, on a real S3 protocol server (s3rver on 127.0.0.1) from Chromium: the backup
// carries the checkpoints and _last_checkpoint, the restore validates them, the restored pond opens from its
// checkpoint to the state of replaying every commit, and real duckdb-wasm queries the checkpoint's
// Delta columns.
import { describe, expect, it } from 'vitest';
import { Pond } from '../../../src/pond/pond';
import { sha256Hex } from '../../../src/pond/hash';
import { readLog } from '../../../src/oplog/log-store';
import { replayEntries } from '../../../src/oplog/replay';
import { LAST_CHECKPOINT_PATH, checkpointPath } from '../../../src/oplog/checkpoint';
import { decodeCommit, logPath } from '../../../src/oplog/delta-log';
import { push } from '../../../src/remote/push';
import { restore } from '../../../src/remote/restore';
import { getDuckDb } from '../../../src/query/duckdb';
import { parquetToArrow } from '../../../src/formats/parquet';
import { MemoryStore } from '../../../src/storage/memory-store';
import { FsState } from '../../../src/tinyfs/state';
import { fullState } from '../../helpers/full-state';
import { keyRemote, loggingFetch, putPaths } from './s3-helpers';

const enc = (s: string) => new TextEncoder().encode(s);

async function stateOf(store: MemoryStore, checkpoints: boolean) {
  const snap = await readLog(store, sha256Hex, undefined, { checkpoints });
  const fs = FsState.empty();
  await replayEntries(fs, snap.entries, async () => { throw new Error('no directory blobs in this pond'); });
  return { state: fullState(fs), checkpoint: snap.checkpoint ?? null };
}

/** The live oplog files at `version`, folded from the JSON commits alone (what the checkpoint must list). */
async function liveAt(store: MemoryStore, version: number): Promise<string[]> {
  const live = new Set<string>();
  for (let v = 0; v <= version; v++) {
    const c = decodeCommit(v, await store.read(logPath(v)));
    for (const p of c.removes) live.delete(p);
    for (const a of c.adds) live.add(a.path);
  }
  return [...live].sort();
}

describe('checkpoints in a backup', () => {
  it('are pushed and restored; the restored pond opens from _last_checkpoint as from every commit; DuckDB reads them', async () => {
    const store = new MemoryStore();
    const pond = await Pond.create(store, { compactEvery: 95 });
    await pond.transact('mkdirs', (tx) => { for (let d = 0; d < 5; d++) tx.wd.mkdir(`/d${d}`); });
    for (let i = 1; i < 250; i++) await pond.transact(`write ${i}`, (tx) => tx.writeFile(`/d${i % 5}/f${i % 23}`, 'file:data', enc(`v ${i}`)));
    const first = await push(store, keyRemote(), pond.id);
    expect(first.sent).toEqual(expect.arrayContaining([checkpointPath(100), checkpointPath(200), LAST_CHECKPOINT_PATH]));
    expect(first.sent.at(-1)).toBe(LAST_CHECKPOINT_PATH); // after the checkpoint and the commits it points past

    const restored = new MemoryStore();
    await restore(keyRemote(), pond.id, restored); // validated, checkpoints included (rule checkpoint)
    const fast = await stateOf(restored, true);
    const slow = await stateOf(restored, false);
    expect(fast.checkpoint).toBe(200);
    expect(slow.checkpoint).toBeNull();
    expect(fast.state).toEqual(slow.state);
    expect(fast.state).toEqual(fullState(pond.fs));
    expect(JSON.parse(new TextDecoder().decode(await restored.read(LAST_CHECKPOINT_PATH)))).toMatchObject({ version: 200 });

    // An engine's view: the checkpoint read as plain Parquet (parquet-wasm, as the app reads Parquet: this offline
    // duckdb-wasm has no parquet extension) and queried with real duckdb-wasm by the Delta checkpoint column names.
    const db = await getDuckDb();
    const c = await db.connect();
    await c.insertArrowTable(await parquetToArrow(await restored.read(checkpointPath(200))), { name: 'cp200' });
    try {
      const adds = await c.query(`SELECT "add".path AS path, "add".size AS size, "add".tags['sha256'] AS sha FROM cp200 WHERE "add" IS NOT NULL ORDER BY path`);
      const paths = adds.getChild('path')!.toArray() as string[];
      expect([...paths]).toEqual(await liveAt(restored, 200));
      const meta = await c.query(`SELECT metaData.id AS id, protocol.minReaderVersion AS r, protocol.minWriterVersion AS w FROM cp200 WHERE metaData IS NOT NULL OR protocol IS NOT NULL`);
      expect(meta.numRows).toBe(2);
      expect(meta.toArray().map((r) => r.toJSON())).toEqual(expect.arrayContaining([expect.objectContaining({ id: pond.id }), expect.objectContaining({ r: 1, w: 2 })]));
    } finally {
      await c.query('DROP TABLE cp200');
      await c.close();
    }

    // More commits: the next checkpoint goes up, and so does the pointer (same size, new content).
    for (let i = 0; i < 60; i++) await pond.transact(`more ${i}`, (tx) => tx.writeFile('/d0/more', 'file:data', enc(`m${i}`)));
    expect(pond.version).toBeGreaterThan(300);
    const log = loggingFetch();
    const second = await push(store, keyRemote(log.fetch), pond.id);
    const puts = putPaths(log.log, pond.id);
    expect(puts).toContain(checkpointPath(300));
    expect(puts.at(-1)).toBe(LAST_CHECKPOINT_PATH);
    expect(second.sent).toContain(LAST_CHECKPOINT_PATH);
    // Pushing again sends nothing: the pointer in the backup is this one (compared by hash, one HEAD).
    expect((await push(store, keyRemote(), pond.id)).sent).toEqual([]);
  }, 120_000);
});
