// Incremental pull of a pond's backup into the replica on this device: fetch only the commits after the local head and
// the files they need that the device lacks, check them with the snapshot validator over the pond as it would be, and
// apply them as one step (src/pond/pull-journal.ts says how "one step" holds across a crash).
import { PondError, isPondError, throwIfAborted } from '../core/errors';
import type { Store } from '../core/store';
import { decodeCommit } from '../oplog/delta-log';
import { decodeEntries } from '../oplog/entry-codec';
import { writeHeadHint } from '../oplog/log-store';
import { sha256Hex } from '../pond/hash';
import { SHA256_HEX, blobPath } from '../pond/layout';
import { finishPull, readPullJournal, rollBackPull, writePullJournal } from '../pond/pull-journal';
import { checkSnapshot } from '../pond/validate/snapshot-check';
import { checkPondId, objectKey, pondKeyPrefix } from './config';
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
  // Only what is after the head: the commits (and checkpoint files, which sort among them and are not needed). The
  // files they need are then named by them: oplog files by their add actions (with sizes), blobs by the rows.
  const base = pondKeyPrefix(remote.config.prefix, pondId);
  const listed = new Map<string, number>();
  const listAfter = async (dir: string, after: string) => {
    for (const o of await remote.list(`${base}${dir}`, signal, 1000, `${base}${after}`)) listed.set(o.key.slice(base.length), o.size);
  };
  await listAfter('_delta_log/', logPath(localHead));
  const newVersions = new Set([...listed.keys()].map(logVersionOf).filter((v): v is number => v !== undefined));
  // As in restore: commits after a gap (a push still sending) are not commits yet.
  let remoteHead = localHead;
  while (newVersions.has(remoteHead + 1)) remoteHead++;
  const head = await compareCommit(store, remote, pondId, localHead, signal);
  if (head === 'missing') {
    // The backup does not have this pond's head: it is behind (or not there at all). Its own head, from a full listing.
    const all = await listRemotePond(remote, pondId, signal);
    const { whole } = consecutiveLogs([...all.keys()].map(logVersionOf).filter((v): v is number => v !== undefined));
    if (whole.length === 0) throw new PondError('NOT_FOUND', `no backup of pond ${pondId} under ${base}`, { detail: { pondId } });
    const theirs = whole[whole.length - 1]!;
    await checkSameHistory(store, remote, pondId, theirs, signal);
    throw diverged(pondId, theirs + 1, `this pond has commits ${theirs + 1} to ${localHead} that the backup lacks`);
  }
  if (head === 'differs') await checkSameHistory(store, remote, pondId, localHead, signal); // throws, naming the version
  if (remoteHead === localHead) {
    progress.set({ phase: 'done' });
    return { before: localHead, after: localHead, fetched: [], bytesFetched: 0, skipped: listed.size };
  }
  const stage = stagingDir('pull');
  const verified = new Map<string, string>();
  const fetched: string[] = [];
  let bytesFetched = 0;
  // The totals grow as each step learns what the next needs (commits, then their files, then their blobs).
  let filesTotal = 0, bytesTotal = 0;
  /**
   * Fetches `paths` (pond path → the size it must have, which `sizeFrom` gave). A file a commit needs that the bucket
   * does not have is left to the validator, which names it missing with the commit that needs it; a listed commit
   * that went missing is an error here.
   */
  const fetchAll = async (paths: Map<string, number>, sizeFrom: string, mayBeMissing: boolean) => {
    filesTotal += paths.size;
    bytesTotal += [...paths.values()].reduce((n, size) => n + size, 0);
    progress.set({ phase: 'receiving', filesTotal, bytesTotal });
    await runPool([...paths.keys()].sort(), opts.concurrency ?? 4, async (path) => {
      throwIfAborted(signal, 'pull');
      let got;
      try {
        got = await downloadToStore(remote, objectKey(remote.config.prefix, pondId, path), path, paths.get(path)!, store, `${stage}/${path}`, signal, (n) => progress.bytes(n, path), sizeFrom);
      } catch (e) {
        if (mayBeMissing && isPondError(e, 'NOT_FOUND')) return; // see above: the check names it
        throw e;
      }
      verified.set(path, got.sha256);
      fetched.push(path);
      bytesFetched += got.size;
      progress.file(path);
    });
  };
  try {
    // 1. The new commits.
    const newLogs = new Map<string, number>();
    for (let v = localHead + 1; v <= remoteHead; v++) newLogs.set(logPath(v), listed.get(logPath(v))!);
    await fetchAll(newLogs, 'the bucket listing', false);
    // 2. The files they add, bounded by the size their add records.
    const adds = new Map<string, number>();
    for (const p of newLogs.keys()) {
      const commit = decodeCommitNamed(logVersionOf(p)!, await store.read(`${stage}/${p}`), objectKey(remote.config.prefix, pondId, p));
      for (const a of commit.adds) {
        if (classifyPondPath(a.path) === 'oplog' && (await store.size(a.path)) === undefined) adds.set(a.path, a.size);
      }
    }
    await fetchAll(adds, 'its add action', true);
    // 3. The blobs their rows use that this device lacks (a compaction's file names old ones too: those are here).
    const blobs = new Map<string, number>();
    for (const p of adds.keys()) {
      if ((await store.size(`${stage}/${p}`)) === undefined) continue; // not in the bucket: reported by the check
      for (const e of await decodeEntries(await store.read(`${stage}/${p}`), p)) {
        if (e.content !== null || typeof e.sha256 !== 'string' || !SHA256_HEX.test(e.sha256)) continue;
        const b = blobPath(e.sha256);
        if (!blobs.has(b) && (await store.size(b)) === undefined) blobs.set(b, e.size);
      }
    }
    await fetchAll(blobs, 'the rows that use it', true);
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
  return { before: localHead, after: remoteHead, fetched: [...data, ...logs.reverse()], bytesFetched, skipped: [...listed.keys()].filter((p) => !fetched.includes(p)).length };
}

/**
 * Histories that differ at some commit differ at every later one both have (each commit names oplog files with fresh
 * uuids), so comparing the newest shared commit compares the whole shared past; only when it differs is the first
 * differing one looked for (a binary search of HEADs), to name it.
 */
async function checkSameHistory(store: Store, remote: S3Remote, pondId: string, shared: number, signal?: AbortSignal): Promise<void> {
  if ((await compareCommit(store, remote, pondId, shared, signal)) === 'same') return;
  let lo = 0, hi = shared; // hi differs; find the smallest version that does
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if ((await compareCommit(store, remote, pondId, mid, signal)) === 'same') lo = mid + 1;
    else hi = mid;
  }
  throw diverged(pondId, hi, `commit ${hi} here differs from the backup's commit ${hi}: another device pushed a different history under this pond id`);
}

async function compareCommit(store: Store, remote: S3Remote, pondId: string, version: number, signal?: AbortSignal): Promise<'same' | 'differs' | 'missing'> {
  const key = objectKey(remote.config.prefix, pondId, logPath(version));
  let recorded: string | null;
  try {
    recorded = (await remote.head(key, signal)).get('x-amz-meta-sha256');
  } catch (e) {
    if (isPondError(e, 'NOT_FOUND')) return 'missing'; // the backup has no commit of that number
    throw e;
  }
  if (recorded === null) throw new PondError('HTTP', `${key}: the backup's commit carries no readable x-amz-meta-sha256, so this pull cannot tell whether it continues this pond's history`, { detail: { key } });
  return recorded === (await sha256Hex(await store.read(logPath(version)))) ? 'same' : 'differs';
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
