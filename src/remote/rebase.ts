// Rebase onto the backup: when another device pushed commits under this pond id after the last commit both share, fetch
// them (pull.ts fetches and checks them, the same code and rules as a pull), replay this pond's own transactions after
// them as new commits (pond/rebase/rebase-plan.ts decides whether that is allowed and renumbers the rows), check the
// new history whole, and put it in place as one step (pond/rebase/rebase-journal.ts). The next push then only adds.
// Each replayed commit keeps its transaction's original command and time (commitInfo and rows), with `rebasedFrom`
// naming the version it had before.
import { uuidv7 } from 'uuidv7';
import { PondError } from '../core/errors';
import type { OplogEntry } from '../core/entry';
import type { Store } from '../core/store';
import { LAST_CHECKPOINT_PATH } from '../oplog/checkpoint';
import { decodeCommit, encodeCommit, logPath, type AddAction, type Commit } from '../oplog/delta-log';
import { decodeEntries, encodeEntries } from '../oplog/entry-codec';
import { readCommit, writeHeadHint } from '../oplog/log-store';
import { loadContent } from '../pond/blobs';
import { sha256Hex } from '../pond/hash';
import { oplogFilePath, tmpPath } from '../pond/layout';
import { Pond } from '../pond/pond';
import { readPullJournal, rollBackPull } from '../pond/pull-journal';
import { applyRebase, readRebaseJournal, rollBackRebase } from '../pond/rebase/rebase-journal';
import { conflictError, findConflicts, renumberOnto, replaySide, type SideTxn } from '../pond/rebase/rebase-plan';
import { checkSnapshot } from '../pond/validate/snapshot-check';
import { checkPondId } from './config';
import { compareCommit, discardFetched, fetchCommitsAfter, listCommitsAfter, pull } from './pull';
import { ProgressTracker, type ProgressCallback } from './progress';
import type { S3Remote } from './s3-client';
import { overlayView } from './staging';
import { checkingProgress } from './validation-progress';

export interface RebaseOptions {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  concurrency?: number;
  /** How the backup is named in a refusal ("remote lab"). */
  remoteName?: string;
  /** Called once the new history is built and checked, before it is put in place (tests stop a rebase there). */
  beforeApply?: () => Promise<void> | void;
}

export interface RebaseResult {
  /** The last version both histories shared. */
  shared: number;
  /** This pond's head before and after. */
  before: number;
  after: number;
  /** The backup's commits taken (after `shared`). */
  theirs: number;
  /** Our transactions replayed: old version → new version. */
  replayed: { from: number; to: number; command: string }[];
  fetched: string[];
  bytesFetched: number;
}

/** The largest version whose commit the backup has with the same bytes (-1: not even commit 0). */
async function lastSharedVersion(store: Store, remote: S3Remote, pondId: string, localHead: number, signal?: AbortSignal): Promise<number> {
  // Histories that differ at some commit differ at every later one (pull.ts), and the backup lacks every version past
  // its head: "same" holds for a prefix, so a binary search of HEADs finds its end.
  let lo = -1, hi = localHead; // lo is same (or -1), everything past hi is not
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if ((await compareCommit(store, remote, pondId, mid, signal)) === 'same') lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The pond as it stood at `shared`: commits after it and checkpoints after it hidden (they are being replaced),
 * `_last_checkpoint` hidden too (it may name one of them), so the checker reads the shared history under the new one.
 */
function historyUpTo(store: Store, shared: number): Store {
  const hidden = (p: string) => {
    const m = /^_delta_log\/(\d{20})\./.exec(p.replace(/^\/+/, ''));
    return (m !== null && Number(m[1]) > shared) || p.replace(/^\/+/, '') === LAST_CHECKPOINT_PATH;
  };
  const readOnly = async (): Promise<never> => { throw new PondError('READ_ONLY', 'the shared history is read, not changed, while a rebase is checked'); };
  return {
    write: readOnly, createWriter: readOnly, move: readOnly, remove: readOnly, removeTree: readOnly,
    read: (p) => (hidden(p) ? Promise.reject(new PondError('NOT_FOUND', `${p}: not part of the shared history`)) : store.read(p)),
    readRange: (p, o, l) => (hidden(p) ? Promise.reject(new PondError('NOT_FOUND', `${p}: not part of the shared history`)) : store.readRange(p, o, l)),
    size: async (p) => (hidden(p) ? undefined : store.size(p)),
    list: async (d) => (await store.list(d)).filter((n) => !hidden(`${d.replace(/\/+$/, '')}/${n}`)),
  };
}

/** A side's transactions `from … to` as rows (compactions left out: they restate rows, they change nothing). */
async function sideTxns(read: (v: number) => Promise<Commit>, store: Store, from: number, to: number): Promise<{ txns: SideTxn[]; commits: Commit[]; files: string[] }> {
  const txns: SideTxn[] = [];
  const commits: Commit[] = [];
  const files: string[] = [];
  for (let v = from; v <= to; v++) {
    const c = await read(v);
    files.push(...c.adds.map((a) => a.path));
    if (c.info.duckpond.compaction) continue;
    const entries: OplogEntry[] = [];
    for (const a of c.adds) entries.push(...(await decodeEntries(await store.read(a.path), a.path)));
    txns.push({ version: v, entries });
    commits.push(c);
  }
  return { txns, commits, files };
}

/**
 * Rebases the pond in `store` (pond `pondId`, at `localHead`) onto its backup. The caller holds the writer lock and
 * opens the pond again afterwards. When the backup has nothing this pond lacks, nothing changes; when this pond has
 * nothing the backup lacks, this is a pull. CONFLICT (detail.reason 'rebase-conflict', detail.paths) when both sides
 * changed the same paths in ways that do not compose.
 */
export async function rebase(store: Store, remote: S3Remote, pondId: string, localHead: number, opts: RebaseOptions = {}): Promise<RebaseResult> {
  checkPondId(pondId);
  const { signal } = opts;
  const where = opts.remoteName ? `remote ${opts.remoteName}` : 'the backup';
  const progress = new ProgressTracker(opts.onProgress);
  const pendingPull = await readPullJournal(store);
  if (pendingPull) await rollBackPull(store, pendingPull);
  const pendingRebase = await readRebaseJournal(store);
  if (pendingRebase) await rollBackRebase(store, pendingRebase);

  progress.set({ phase: 'listing' });
  const shared = await lastSharedVersion(store, remote, pondId, localHead, signal);
  if (shared < 0) {
    throw new PondError('CONFLICT', `cannot rebase onto ${where}: its pond ${pondId} shares no commit with this pond (commit 0 differs); push this pond as a new pond instead`, { detail: { reason: 'no-shared-commit', pondId } });
  }
  const none = (theirs: number): RebaseResult => ({ shared, before: localHead, after: localHead, theirs, replayed: [], fetched: [], bytesFetched: 0 });
  if (shared === localHead) {
    // Nothing of ours to replay: the backup is ahead or equal, and a pull brings it.
    const r = await pull(store, remote, pondId, localHead, { ...(signal ? { signal } : {}), ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
    return { ...none(r.after - r.before), after: r.after, fetched: r.fetched, bytesFetched: r.bytesFetched };
  }
  const { listed, remoteHead } = await listCommitsAfter(remote, pondId, shared, signal);
  if (remoteHead === shared) {
    progress.set({ phase: 'done' });
    return none(0); // the backup is only behind: a plain push adds our commits
  }

  const upToShared = historyUpTo(store, shared);
  const got = await fetchCommitsAfter(store, remote, pondId, shared, remoteHead, listed, progress, opts, upToShared, 'rebase');
  const { stage } = got;
  const written: string[] = []; // our new oplog files, in place (unreferenced until the new commits count)
  let applied = false;
  try {
    const loadBlob = (sha256: string) => loadContent(store, { inline: null, sha256, size: 0 }, `directory blob ${sha256}`);
    const base = (await Pond.open(upToShared, { asOf: shared })).fs;
    const theirs = await sideTxns(async (v) => decodeCommit(v, await store.read(`${stage}/${logPath(v)}`)), store, shared + 1, remoteHead);
    const ours = await sideTxns((v) => readCommit(store, v), store, shared + 1, localHead);
    const conflicts = await findConflicts(base, theirs.txns, ours.txns, loadBlob);
    if (conflicts.length > 0) throw conflictError(conflicts, where);

    const onto = await replaySide(base, theirs.txns, loadBlob);
    const renumbered = await renumberOnto(onto, ours.txns, remoteHead + 1, loadBlob);
    const replayed: RebaseResult['replayed'] = [];
    const verified = new Map(got.verified);
    for (let i = 0; i < renumbered.length; i++) {
      const { version, entries } = renumbered[i]!;
      const old = ours.commits[i]!;
      const adds: AddAction[] = [];
      if (entries.length > 0) {
        const bytes = await encodeEntries(entries);
        const path = oplogFilePath(version, uuidv7());
        const sha256 = await sha256Hex(bytes);
        await store.write(path, bytes);
        written.push(path);
        verified.set(path, sha256);
        adds.push({ path, size: bytes.length, modificationTime: old.info.timestamp, dataChange: true, tags: { sha256, rows: String(entries.length) } });
      }
      const commit: Commit = {
        version, adds, removes: [],
        info: { ...old.info, duckpond: { ...old.info.duckpond, txnSeq: version, entries: entries.length, rebasedFrom: old.version } },
      };
      await store.write(`${stage}/${logPath(version)}`, encodeCommit(commit));
      replayed.push({ from: old.version, to: version, command: old.info.duckpond.command });
    }
    const newHead = remoteHead + renumbered.length;
    // The new history whole, by the import and restore rules: theirs was checked on arrival, ours is new.
    await checkSnapshot(overlayView(upToShared, stage), {
      mode: 'first', quick: true, since: shared, verified, pondId, ...(signal ? { signal } : {}), onProgress: checkingProgress(progress),
    });
    await opts.beforeApply?.();

    progress.set({ phase: 'committing' });
    const hadPointer = (await store.size(LAST_CHECKPOINT_PATH)) !== undefined;
    const journal = { shared, localHead, newHead, files: [...got.placed, ...written], hadPointer };
    const keep = new Set([...theirs.files, ...written]);
    await applyRebase(store, journal, (p) => `${stage}/${p}`, ours.files.filter((p) => !keep.has(p)), (ext) => tmpPath(uuidv7(), ext));
    applied = true;
    await discardFetched(store, { stage, placed: [] });
    if (got.newestCompaction !== undefined) await writeHeadHint(store, got.newestCompaction);
    progress.set({ phase: 'done' });
    return { shared, before: localHead, after: newHead, theirs: remoteHead - shared, replayed, fetched: got.fetched, bytesFetched: got.bytesFetched };
  } catch (e) {
    // Nothing is in place unless applyRebase finished (it rolls itself back otherwise): remove what was fetched and made.
    if (!applied) {
      await discardFetched(store, got);
      for (const p of written) await store.remove(p).catch(() => undefined); // unreferenced; e is what matters
    }
    throw e;
  }
}
