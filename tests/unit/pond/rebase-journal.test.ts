// The rebase journal on a memory store: a torn journal means nothing moved; a foreign one is CORRUPT; a roll-back
// after our commits and checkpoint were set aside and new commits placed puts ours back byte for byte.
import { describe, expect, it } from 'vitest';
import { isPondError } from '../../../src/core/errors';
import { LAST_CHECKPOINT_PATH, checkpointPath } from '../../../src/oplog/checkpoint';
import { logPath } from '../../../src/oplog/delta-log';
import { REBASE_JOURNAL_PATH, REBASE_SAVED_DIR, readRebaseJournal, rollBackRebase, versionBeforeRebase } from '../../../src/pond/rebase/rebase-journal';
import { MemoryStore } from '../../../src/storage/memory-store';

const enc = (t: string) => new TextEncoder().encode(t);

describe('rebase journal', () => {
  it('reads a torn journal as "nothing moved" and a foreign one as CORRUPT', async () => {
    const store = new MemoryStore();
    await store.write(REBASE_JOURNAL_PATH, enc('{"shared": 3, "localHe'));
    const torn = await readRebaseJournal(store);
    expect(versionBeforeRebase(torn)).toBeUndefined();
    await store.write(REBASE_JOURNAL_PATH, enc('{"shared": "x"}'));
    const e = await readRebaseJournal(store).catch((x: unknown) => x);
    expect(isPondError(e, 'CORRUPT')).toBe(true);
    expect(await readRebaseJournal(new MemoryStore())).toBeUndefined();
  });

  it('rolls back: our commits, checkpoint and pointer back, the new commits and data files gone', async () => {
    const store = new MemoryStore();
    // Shared 0..2; ours 3..4 set aside with checkpoint 4 (pretend) and the pointer; new 3..5 placed, 5 not yet.
    for (const v of [0, 1, 2]) await store.write(logPath(v), enc(`shared ${v}`));
    await store.write(`${REBASE_SAVED_DIR}/${logPath(3)}`, enc('ours 3'));
    await store.write(logPath(4), enc('ours 4')); // not moved yet
    await store.write(`${REBASE_SAVED_DIR}/${checkpointPath(100)}`, enc('ckpt'));
    await store.write(`${REBASE_SAVED_DIR}/${LAST_CHECKPOINT_PATH}`, enc('pointer'));
    await store.write(logPath(3), enc('new 3'));
    await store.write(logPath(5), enc('new 5'));
    await store.write('oplog/new.parquet', enc('new rows'));
    const journal = { shared: 2, localHead: 4, newHead: 5, files: ['oplog/new.parquet'], hadPointer: true };
    await store.write(REBASE_JOURNAL_PATH, enc(JSON.stringify(journal)));
    expect(versionBeforeRebase(await readRebaseJournal(store))).toBe(2);
    await rollBackRebase(store, (await readRebaseJournal(store))!);
    const text = async (p: string) => new TextDecoder().decode(await store.read(p));
    expect(await text(logPath(3))).toBe('ours 3');
    expect(await text(logPath(4))).toBe('ours 4');
    expect(await store.size(logPath(5))).toBeUndefined();
    expect(await text(checkpointPath(100))).toBe('ckpt');
    expect(await text(LAST_CHECKPOINT_PATH)).toBe('pointer');
    expect(await store.size('oplog/new.parquet')).toBeUndefined();
    expect(await store.list(REBASE_SAVED_DIR)).toEqual([]);
    expect(await store.size(REBASE_JOURNAL_PATH)).toBeUndefined();
  });
});
