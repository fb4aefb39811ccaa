// A rebase (remote/rebase.ts) replaces this pond's commits after the shared version S with the backup's commits and
// ours replayed after them. Unlike a pull it changes commits that exist, so the old ones are set aside, not deleted,
// until the new history counts:
//   1. journal written (S, our old head, the new head, the data files placed for the new commits)
//   2. our commits S+1 … and every checkpoint after S (and `_last_checkpoint`) moved into `_duckpond_rebase/`;
//      the state snapshot (a cache, bound to its commit's hash anyway) removed
//   3. the new commits moved into place, newest first, S+1 last (a reader that ignored the journal would stop at
//      the gap before them)
//   4. `_last_checkpoint` pointed at the newest checkpoint at or before S, if there is one
//   5. journal removed: this is the moment the rebased history counts; then the set-aside files go
// Opening (Pond.open) honours a journal like a pull's: a reader takes the pond as of S (never rewritten); a writer
// rolls the rebase back, putting our commits and checkpoints back, so a rebase that died at any point leaves the pond
// as it was. Checkpoints are not tied to their commits' hashes, which is why those after S must never stay.
import { PondError } from '../../core/errors';
import { readIfPresent, type Store } from '../../core/store';
import { LAST_CHECKPOINT_PATH, checkpointPath, encodeLastCheckpoint } from '../../oplog/checkpoint';
import { readCheckpoint } from '../../oplog/checkpoint-store';
import { LOG_DIR, logPath } from '../../oplog/delta-log';
import { STATE_SNAPSHOT_PATH } from '../../oplog/state-snapshot';

/** Outside `_delta_log`, like the pull journal and the head hint: Delta readers and backups never see them. */
export const REBASE_JOURNAL_PATH = '_duckpond_rebase.json';
export const REBASE_SAVED_DIR = '_duckpond_rebase';

export interface RebaseJournal {
  /** The last version both histories share (kept). */
  shared: number;
  /** Our head before the rebase, and the head after it. */
  localHead: number;
  newHead: number;
  /** Data files placed for the new commits (none was referenced before); removed on roll-back. */
  files: string[];
  /** Whether `_last_checkpoint` existed before (so a roll-back removes one the rebase wrote when it did not). */
  hadPointer: boolean;
}

const saved = (p: string) => `${REBASE_SAVED_DIR}/${p}`;
const CHECKPOINT_NAME = /^(\d{20})\.checkpoint\.parquet$/;

export async function readRebaseJournal(store: Store): Promise<RebaseJournal | undefined> {
  const bytes = await readIfPresent(store, REBASE_JOURNAL_PATH);
  if (!bytes) return undefined; // the usual case: no rebase in progress
  let j: Partial<RebaseJournal>;
  try {
    j = JSON.parse(new TextDecoder().decode(bytes)) as Partial<RebaseJournal>;
  } catch {
    // SyntaxError: the journal is written whole before anything moves, so a torn one means nothing was moved yet.
    return { shared: -1, localHead: -1, newHead: -1, files: [], hadPointer: true };
  }
  const n = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
  if (!n(j.shared) || !n(j.localHead) || !n(j.newHead) || !Array.isArray(j.files) || typeof j.hadPointer !== 'boolean') {
    throw new PondError('CORRUPT', `${REBASE_JOURNAL_PATH} is not a rebase journal this app wrote`, { detail: { path: REBASE_JOURNAL_PATH } });
  }
  return { shared: j.shared!, localHead: j.localHead!, newHead: j.newHead!, files: j.files.filter((f): f is string => typeof f === 'string'), hadPointer: j.hadPointer };
}

/** The newest version a reader may take while `journal` is there (undefined: nothing of the rebase is in place). */
export function versionBeforeRebase(journal: RebaseJournal | undefined): number | undefined {
  return journal && journal.shared >= 0 ? journal.shared : undefined;
}

/** Checkpoint versions in `dir` (a `_delta_log` folder). */
async function checkpointVersions(store: Store, dir: string): Promise<number[]> {
  return (await store.list(dir)).map((n) => CHECKPOINT_NAME.exec(n)).filter((m): m is RegExpExecArray => m !== null).map((m) => Number(m[1]));
}

/**
 * Steps 1-5. `staged(p)` is where the new commit `p` lies now; `orphans` are our old data files no new commit names
 * (removed after the new history counts). A failure before step 5 is rolled back before it is thrown.
 */
export async function applyRebase(store: Store, journal: RebaseJournal, staged: (p: string) => string, orphans: readonly string[], tmp: (ext: string) => string): Promise<void> {
  try {
    await store.write(REBASE_JOURNAL_PATH, new TextEncoder().encode(JSON.stringify(journal)));
    for (let v = journal.shared + 1; v <= journal.localHead; v++) await store.move(logPath(v), saved(logPath(v)));
    for (const v of await checkpointVersions(store, LOG_DIR)) if (v > journal.shared) await store.move(checkpointPath(v), saved(checkpointPath(v)));
    if (journal.hadPointer) await store.move(LAST_CHECKPOINT_PATH, saved(LAST_CHECKPOINT_PATH));
    await store.remove(STATE_SNAPSHOT_PATH);
    for (let v = journal.newHead; v > journal.shared; v--) await store.move(staged(logPath(v)), logPath(v));
    await pointAtNewestCheckpoint(store, tmp);
  } catch (e) {
    await rollBackRebase(store, journal).catch(() => undefined); // e is what went wrong; a failed roll-back is redone on the next open
    throw e;
  }
  await store.remove(REBASE_JOURNAL_PATH);
  // The new history counts: what was set aside, and our old oplog files, are no longer named by any commit.
  await store.removeTree(REBASE_SAVED_DIR).catch(() => undefined); // leftovers there are harmless and go with the next rebase
  for (const p of orphans) await store.remove(p).catch(() => undefined); // unreferenced either way
}

/** Step 4: `_last_checkpoint` for the newest checkpoint left (all are at or before the shared version now). */
async function pointAtNewestCheckpoint(store: Store, tmp: (ext: string) => string): Promise<void> {
  for (const v of (await checkpointVersions(store, LOG_DIR)).sort((a, b) => b - a)) {
    const s = await readCheckpoint(store, v);
    if (!s) continue; // a torn one: the next older one, or none
    const last = { version: v, size: s.adds.length + 2, sizeInBytes: (await store.size(checkpointPath(v))) ?? 0, numOfAddFiles: s.adds.length };
    const t = tmp('.last_checkpoint');
    await store.write(t, encodeLastCheckpoint(last));
    await store.move(t, LAST_CHECKPOINT_PATH);
    return;
  }
}

/**
 * Puts the pond back as it was before the rebase: our commits and checkpoints back in place, the new data files gone,
 * the journal last. Only for a holder of the writer lock. Safe to repeat.
 */
export async function rollBackRebase(store: Store, journal: RebaseJournal): Promise<void> {
  if (journal.shared >= 0) {
    for (let v = journal.shared + 1; v <= Math.max(journal.localHead, journal.newHead); v++) {
      const p = logPath(v);
      // Ours moved aside: the new commit there (if any) goes and ours comes back. Not moved (the rebase stopped while
      // moving them): still ours when v <= localHead; a new one when v > localHead (moved only after all of ours were).
      if ((await store.size(saved(p))) !== undefined) await store.move(saved(p), p);
      else if (v > journal.localHead) await store.remove(p);
    }
    for (const v of await checkpointVersions(store, saved(LOG_DIR))) await store.move(saved(checkpointPath(v)), checkpointPath(v));
    if ((await store.size(saved(LAST_CHECKPOINT_PATH))) !== undefined) await store.move(saved(LAST_CHECKPOINT_PATH), LAST_CHECKPOINT_PATH);
    else if (!journal.hadPointer) await store.remove(LAST_CHECKPOINT_PATH);
    for (const f of journal.files) await store.remove(f);
  }
  await store.removeTree(REBASE_SAVED_DIR);
  await store.remove(REBASE_JOURNAL_PATH);
}
