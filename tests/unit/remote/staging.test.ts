// Staged snapshots (node, memory store): commit 0 is moved into place last, so until the whole snapshot is there the
// folder holds no pond (a tab dying mid-move leaves no pond with a prefix of the snapshot); the staged view reads the
// staging folder as a pond; an import cancelled while the validator runs leaves the store empty.
import { describe, expect, it } from 'vitest';
import { logPath } from '../../../src/pond/layout';
import { commitStaged, stagedView } from '../../../src/remote/staging';
import { importZip } from '../../../src/remote/zip-import';
import { MemoryStore } from '../../../src/storage/memory-store';
import { basePond, zipOf } from '../../helpers/crafted-snapshots';

describe('staging', () => {
  it('moves blobs, oplog files and commits 1… in order, and commit 0 last', async () => {
    const store = new MemoryStore();
    const paths = [logPath(0), logPath(1), 'oplog/a.parquet', 'blobs/sha256/ab/ab' + 'c'.repeat(62), logPath(2)];
    for (const p of paths) await store.write(`tmp/s/${p}`, new Uint8Array([1]));
    const seen: string[] = [];
    const move = store.move.bind(store);
    store.move = async (from, to) => { seen.push(to); expect(await store.size(logPath(0)), `commit 0 before ${to}`).toBeUndefined(); return move(from, to); };
    expect(await commitStaged(store, 'tmp/s', paths)).toEqual(seen);
    expect(seen).toEqual(['blobs/sha256/ab/ab' + 'c'.repeat(62), 'oplog/a.parquet', logPath(1), logPath(2), logPath(0)]);
    expect(await store.list('')).not.toContain('tmp/');
  });

  it('gives a read-only view of the staging folder', async () => {
    const store = new MemoryStore();
    await store.write('tmp/s/_delta_log/x.json', new Uint8Array([7, 8, 9]));
    const view = stagedView(store, 'tmp/s');
    expect(await view.list('_delta_log')).toEqual(['x.json']);
    expect(await view.readRange('_delta_log/x.json', 1, 5)).toEqual(new Uint8Array([8, 9]));
    expect(await view.size('_delta_log/x.json')).toBe(3);
    await expect(view.write('a', new Uint8Array())).rejects.toMatchObject({ code: 'READ_ONLY' });
  });

  it('cancels an import while the snapshot is being validated, leaving the store empty', async () => {
    const base = await basePond();
    const zip = await zipOf(base.files, base.pondId);
    const store = new MemoryStore();
    const ctl = new AbortController();
    const phases: string[] = [];
    const err = await importZip(zip, store, { signal: ctl.signal, onProgress: (p) => { phases.push(p.phase); if (p.phase === 'checking') ctl.abort(); } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ABORTED' });
    expect(phases).toContain('checking');
    expect(phases).not.toContain('committing');
    expect(await store.list('')).toEqual([]);
  });
});
