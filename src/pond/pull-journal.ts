// A pull (remote/pull.ts) adds several commits at once, and a reader must see the pond at its old version or at the
// new one, never between. Each commit alone becomes valid when its `_delta_log/N.json` is moved into place, so the
// pull records what it is about to add in this journal first, and removes the journal once the last commit is in:
//   1. journal written (from, to, the data files it will place)
//   2. data files moved into place: unreferenced until a commit names them, so invisible
//   3. commits moved into place, newest first, commit `from` last: until then the commits after `from - 1` follow
//      a gap, and a reader that walks forward from the head hint stops at the gap
//   4. journal removed: this is the moment the new version counts
// Opening (Pond.open) honours a journal: a reader takes the pond as of `from - 1`; a writer, which holds the writer
// lock and so knows the pull that wrote the journal is gone, rolls the pull back (removes its commits, then its files),
// so a pull that died at any point leaves the old version and the next pull starts clean.
import { PondError } from '../core/errors';
import { readIfPresent, type Store } from '../core/store';
import { logPath } from '../oplog/delta-log';

/** Outside `_delta_log`, like the head hint, so Delta readers and backups never see it. */
export const PULL_JOURNAL_PATH = '_duckpond_pull.json';

export interface PullJournal {
  /** First and last commit version the pull adds. */
  from: number;
  to: number;
  /** Data files (blobs, oplog files) the pull places; removed on roll-back (none of them was on the device before). */
  files: string[];
  /** The journal was cut short (the pull stopped while writing it): nothing of the pull is in place. */
  torn?: true;
}

export async function readPullJournal(store: Store): Promise<PullJournal | undefined> {
  const bytes = await readIfPresent(store, PULL_JOURNAL_PATH);
  if (!bytes) return undefined; // the usual case: no pull in progress
  let j: Partial<PullJournal>;
  try {
    j = JSON.parse(new TextDecoder().decode(bytes)) as Partial<PullJournal>;
  } catch {
    // SyntaxError: the journal is flushed whole before any file moves, so a torn one means the pull stopped before
    // step 2: nothing of it is in place, and only the journal itself is to be removed.
    return { from: 0, to: -1, files: [], torn: true };
  }
  const ok = Number.isSafeInteger(j.from) && Number.isSafeInteger(j.to) && j.from! >= 1 && j.to! >= j.from! && Array.isArray(j.files);
  if (!ok) throw new PondError('CORRUPT', `${PULL_JOURNAL_PATH} is not a pull journal this app wrote`, { detail: { path: PULL_JOURNAL_PATH } });
  return { from: j.from!, to: j.to!, files: j.files!.filter((f): f is string => typeof f === 'string') };
}

/** The newest version a reader may take while `journal` is there (undefined: no limit, nothing of the pull is in place). */
export function versionBeforePull(journal: PullJournal | undefined): number | undefined {
  return journal && !journal.torn ? journal.from - 1 : undefined;
}

export async function writePullJournal(store: Store, journal: PullJournal): Promise<void> {
  await store.write(PULL_JOURNAL_PATH, new TextEncoder().encode(JSON.stringify(journal)));
}

/** Step 4: the pulled commits count from now on. */
export async function finishPull(store: Store): Promise<void> {
  await store.remove(PULL_JOURNAL_PATH);
}

/**
 * Undoes an unfinished pull: its commits first (so no reader meets a commit without its data), then its data files,
 * then the journal. Only for a holder of the writer lock (no pull can be running then). Safe to repeat.
 */
export async function rollBackPull(store: Store, journal: PullJournal): Promise<void> {
  for (let v = journal.from; v <= journal.to; v++) await store.remove(logPath(v));
  for (const f of journal.files) await store.remove(f);
  await store.remove(PULL_JOURNAL_PATH);
}
