// Incremental pull of a pond's backup into the replica on this device: fetch only the commits after the local head and
// the files they need that the device lacks, check them with the snapshot validator over the pond as it would be, and
// apply them as one step (src/pond/pull-journal.ts says how "one step" holds across a crash).
import { PondError, isPondError, throwIfAborted } from '../core/errors';
import type { Store } from '../core/store';
import { decodeCommit } from '../oplog/delta-log';
import { decodeEntries } from '../oplog/entry-codec';
import { writeHeadHint } from '../oplog/log-store';
import { sha256Hex } from '../pond/hash';
import { blobPath } from '../pond/layout';
import { finishPull, readPullJournal, rollBackPull, writePullJournal } from '../pond/pull-journal';
import { checkSnapshot } from '../pond/validate/snapshot-check';
import { checkPondId, objectKey } from './config';
import { downloadToStore } from './download';
import { classifyPondPath, consecutiveLogs, logPath, logVersionOf, sortForWrite } from './layout';
import { runPool } from './multipart';
import { ProgressTracker, type ProgressCallback } from './progress';
import { listRemotePond } from './push';
import type { S3Remote } from './s3-client';
import { dropStage, overlayView, stagingDir } from './staging';
import { checkingProgress } from './validation-progress';

export interface PullOptions {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  /** Objects in flight at once (default 4). */
  concurrency?: number;
  /**
   * Called once everything is fetched and checked, just before the journal is written. Tests use it to stop a pull
   * at that point (as a tab closed then would).
   */
  beforeApply?: () => Promise<void> | void;
}

export interface PullResult {
  /** The replica's version before and after. */
  before: number;
  after: number;
  /** Pond paths fetched, in the order they went into place. */
  fetched: string[];
  bytesFetched: number;
  /** Backup objects left alone: already here, not needed for the new commits (checkpoints, older files), or strays. */
  skipped: number;
}

/**
 * Brings the replica in `store` (pond `pondId`, at version `localHead`) up to its backup. The caller holds the pond's
 * writer lock: nothing else changes the store meanwhile, and an unfinished earlier pull is rolled back first.
 * CONFLICT (detail.reason 'diverged', detail.version) when this pond has commits the backup lacks.
 */
export async function pull(store: Store, remote: S3Remote, pondId: string, localHead: number, opts: PullOptions = {}): Promise<PullResult> {
  checkPondId(pondId);
  const { signal } = opts;
  const progress = new ProgressTracker(opts.onProgress);
  const pending = await readPullJournal(store);
  if (pending) await rollBackPull(store, pending);

  progress.set({ phase: 'listing' });
  const listed = await listRemotePond(remote, pondId, signal);
  const versions = [...listed.keys()].map(logVersionOf).filter((v): v is number => v !== undefined);
  // As in restore: commits after a gap (a push still sending) are not commits yet.
  const { whole } = consecutiveLogs(versions);
  if (whole.length === 0) throw new PondError('NOT_FOUND', `no backup of pond ${pondId} under ${objectKey(remote.config.prefix, pondId, '')}/`, { detail: { pondId } });
  const remoteHead = whole[whole.length - 1]!;
  await checkSameHistory(store, remote, pondId, Math.min(localHead, remoteHead), signal);
  if (localHead > remoteHead) throw diverged(pondId, remoteHead + 1, `this pond has commits ${remoteHead + 1} to ${localHead} that the backup lacks`);
  if (localHead === remoteHead) {
    progress.set({ phase: 'done' });
    return { before: localHead, after: localHead, fetched: [], bytesFetched: 0, skipped: listed.size };
  }

  const stage = stagingDir('pull');
  const verified = new Map<string, string>();
  const fetched: string[] = [];
  let bytesFetched = 0;
  // The totals grow as each step learns what the next needs (commits, then their files, then their blobs).
  let filesTotal = 0, bytesTotal = 0;
  const fetchAll = async (paths: string[]) => {
    filesTotal += paths.length;
    bytesTotal += paths.reduce((n, p) => n + listed.get(p)!, 0);
    progress.set({ phase: 'receiving', filesTotal, bytesTotal });
    await runPool(paths, opts.concurrency ?? 4, async (path) => {
      throwIfAborted(signal, 'pull');
      const got = await downloadToStore(remote, objectKey(remote.config.prefix, pondId, path), path, listed.get(path)!, store, `${stage}/${path}`, signal, (n) => progress.bytes(n, path));
      verified.set(path, got.sha256);
      fetched.push(path);
      bytesFetched += got.size;
      progress.file(path);
    });
  };
  try {
    // 1. The new commits.
    const newLogs = whole.filter((v) => v > localHead).map(logPath);
    await fetchAll(newLogs);
    // 2. The files they add. One that is not in the listing is left to the validator, which names it missing.
    const adds = new Set<string>();
    for (const p of newLogs) {
      const commit = decodeCommitNamed(logVersionOf(p)!, await store.read(`${stage}/${p}`), objectKey(remote.config.prefix, pondId, p));
      for (const a of commit.adds) if (classifyPondPath(a.path) === 'oplog' && listed.has(a.path) && (await store.size(a.path)) === undefined) adds.add(a.path);
    }
    await fetchAll([...adds].sort());
    // 3. The blobs their rows use that this device lacks (a compaction's file names old ones too: those are here).
    const blobs = new Set<string>();
    for (const p of adds) {
      for (const e of await decodeEntries(await store.read(`${stage}/${p}`), p)) {
        if (e.content !== null || typeof e.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(e.sha256)) continue;
        const b = blobPath(e.sha256);
        if (!blobs.has(b) && listed.has(b) && (await store.size(b)) === undefined) blobs.add(b);
      }
    }
    await fetchAll([...blobs].sort());
    // 4. The pond as it would be, checked by the import and restore rules; what was on the device was checked when
    // it came (quick), everything new in full (since).
    await checkSnapshot(overlayView(store, stage), {
      mode: 'first', quick: true, since: localHead, verified, pondId, ...(signal ? { signal } : {}), onProgress: checkingProgress(progress),
    });
    throwIfAborted(signal, 'pull');
    await opts.beforeApply?.();
  } catch (e) {
    await dropStage(store, stage);
    if (signal?.aborted && !isPondError(e, 'ABORTED')) throw new PondError('ABORTED', 'pull was cancelled', { cause: e });
    throw e;
  }

  // 5. One step: from here on nothing is cancelled; a failure (or a crash) leaves the old version.
  progress.set({ phase: 'committing' });
  const data = sortForWrite(fetched.filter((p) => classifyPondPath(p) !== 'log'));
  const logs = fetched.filter((p) => classifyPondPath(p) === 'log').sort().reverse(); // newest first, `from` last
  const journal = { from: localHead + 1, to: remoteHead, files: data };
  try {
    await writePullJournal(store, journal);
    for (const p of [...data, ...logs]) await store.move(`${stage}/${p}`, p);
    await finishPull(store);
  } catch (e) {
    await rollBackPull(store, journal).catch(() => undefined); // e is what went wrong; a failed roll-back is redone on the next open or pull
    throw e;
  } finally {
    await dropStage(store, stage);
  }
  // After the commits count: the hint never names a commit that is not there. A compaction among them is where the
  // next open starts reading.
  const newestCompaction = await newestMetaData(store, journal.from, journal.to);
  if (newestCompaction !== undefined) await writeHeadHint(store, newestCompaction);
  progress.set({ phase: 'done' });
  return { before: localHead, after: remoteHead, fetched: [...data, ...logs.reverse()], bytesFetched, skipped: listed.size - fetched.length };
}

/**
 * Histories that differ at some commit differ at every later one both have (each commit names oplog files with fresh
 * uuids), so comparing the newest shared commit compares the whole shared past; only when it differs is the first
 * differing one looked for (a binary search of HEADs), to name it.
 */
async function checkSameHistory(store: Store, remote: S3Remote, pondId: string, shared: number, signal?: AbortSignal): Promise<void> {
  if (await sameCommit(store, remote, pondId, shared, signal)) return;
  let lo = 0, hi = shared; // hi differs; find the smallest version that does
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (await sameCommit(store, remote, pondId, mid, signal)) lo = mid + 1;
    else hi = mid;
  }
  throw diverged(pondId, hi, `commit ${hi} here differs from the backup's commit ${hi}: another device pushed a different history under this pond id`);
}

async function sameCommit(store: Store, remote: S3Remote, pondId: string, version: number, signal?: AbortSignal): Promise<boolean> {
  const key = objectKey(remote.config.prefix, pondId, logPath(version));
  const recorded = (await remote.head(key, signal)).get('x-amz-meta-sha256');
  if (recorded === null) throw new PondError('HTTP', `${key}: the backup's commit carries no readable x-amz-meta-sha256, so this pull cannot tell whether it continues this pond's history`, { detail: { key } });
  return recorded === (await sha256Hex(await store.read(logPath(version))));
}

function diverged(pondId: string, version: number, why: string): PondError {
  return new PondError('CONFLICT', `cannot pull pond ${pondId}: ${why} (diverged at version ${version}). Ways forward: push this pond's commits (if the backup is only behind); restore the backup as a new pond elsewhere or after deleting this one; or push this pond under another pond id.`, {
    detail: { reason: 'diverged', version, pondId },
  });
}

function decodeCommitNamed(version: number, bytes: Uint8Array, key: string) {
  try {
    return decodeCommit(version, bytes);
  } catch (e) {
    throw new PondError('CORRUPT', `backup object ${key} is not a commit this app can read: ${(e as Error).message}`, { cause: e, detail: { key } });
  }
}

/** The newest commit in from..to that carries metaData (a compaction), now that they are in place. */
async function newestMetaData(store: Store, from: number, to: number): Promise<number | undefined> {
  for (let v = to; v >= from; v--) if (decodeCommit(v, await store.read(logPath(v))).metaData) return v;
  return undefined;
}
