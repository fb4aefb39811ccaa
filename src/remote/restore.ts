// Restore a pond from its S3 backup into an empty store, all or nothing, and compare a pond with its backup.
import { PondError, isPondError, throwIfAborted } from '../core/errors';
import type { Store } from '../core/store';
import { checkPondId, objectKey } from './config';
import { downloadChecked, downloadToStore } from './download';
import { classifyPondPath, committedPondFiles, consecutiveLogs, logPath, logVersionOf } from './layout';
import { runPool } from './multipart';
import { ProgressTracker, type ProgressCallback } from './progress';
import { listRemotePond } from './push';
import type { S3Remote } from './s3-client';
import { sha256Hex } from '../pond/hash';
import { commitStaged, dropStage, isEmptyStore, stagedView, stagingDir } from './staging';
import { checkSnapshot } from '../pond/validate/snapshot-check';
import { problemError } from '../pond/validate/problems';
import { checkingProgress } from './validation-progress';

export interface RestoreOptions {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  concurrency?: number;
  /**
   * Check the staged pond with the snapshot validator before it goes live (default true). Only tests of the transfer
   * itself (over fake ponds) turn it off.
   */
  validate?: boolean;
}

export interface RestoreResult {
  /** Pond paths written, in the order they became live. */
  restored: string[];
  /** Backup objects not restored: outside the layout, or commits after a gap. */
  ignored: string[];
}

/** Downloads the backup `<prefix>/<pondId>/` into the empty `store`, verifying every object before any of it goes live. */
export async function restore(remote: S3Remote, pondId: string, store: Store, opts: RestoreOptions = {}): Promise<RestoreResult> {
  checkPondId(pondId);
  const { signal } = opts;
  if (!(await isEmptyStore(store))) {
    throw new PondError('INVALID_INPUT', 'restore needs an empty pond folder: this one already has files', { detail: { pondId } });
  }
  const progress = new ProgressTracker(opts.onProgress);
  const listed = await listRemotePond(remote, pondId, signal);
  if (listed.size === 0) throw new PondError('NOT_FOUND', `no backup of pond ${pondId} under ${objectKey(remote.config.prefix, pondId, '')}/`, { detail: { pondId } });
  const ignored = [...listed.keys()].filter((p) => !classifyPondPath(p));
  // A commit name past 2^53 - 1 is no commit any pond makes: the backup is refused, never silently trimmed.
  const beyond = [...listed.keys()].find((p) => classifyPondPath(p) === 'log' && logVersionOf(p) === undefined);
  if (beyond) throw problemError({ rule: 'commit-name', file: beyond, message: 'names a version past the largest a pond can reach (2^53 - 1)' });
  const versions = [...listed.keys()].map(logVersionOf).filter((v): v is number => v !== undefined);
  // Commits after a gap are left in the bucket, not refused: a push sends commits in order but several at once, so
  // a restore that lists the bucket mid-push can see commit N+1 before N. What is restored is the whole prefix, and
  // the validator below checks that prefix as strictly as a zip (a bad commit inside it is refused, never trimmed).
  const { whole, stranded } = consecutiveLogs(versions);
  if (whole.length === 0) throw new PondError('CORRUPT', `backup of pond ${pondId} has no ${logPath(0)}`, { detail: { pondId } });
  ignored.push(...stranded.map(logPath));
  const wanted = [...listed.keys()].filter((p) => classifyPondPath(p) && !ignored.includes(p));
  progress.set({ phase: 'receiving', filesTotal: wanted.length, bytesTotal: wanted.reduce((n, p) => n + listed.get(p)!, 0) });

  const stage = stagingDir('restore');
  // Each object is hashed while it downloads: the validator takes those hashes instead of hashing blobs again.
  const verified = new Map<string, string>();
  try {
    await runPool(wanted, opts.concurrency ?? 4, async (path) => {
      throwIfAborted(signal, 'restore');
      const got = await downloadToStore(remote, objectKey(remote.config.prefix, pondId, path), path, listed.get(path)!, store, `${stage}/${path}`, signal, (n) => progress.bytes(n, path));
      verified.set(path, got.sha256);
      progress.file(path);
    });
    if (opts.validate !== false) {
      await checkSnapshot(stagedView(store, stage), { mode: 'first', verified, pondId, ...(signal ? { signal } : {}), onProgress: checkingProgress(progress) });
    }
  } catch (e) {
    await dropStage(store, stage);
    if (signal?.aborted && !isPondError(e, 'ABORTED')) throw new PondError('ABORTED', 'restore was cancelled', { cause: e });
    throw e;
  }
  progress.set({ phase: 'committing' });
  const restored = await commitStaged(store, stage, wanted, signal);
  progress.set({ phase: 'done' });
  return { restored, ignored: ignored.sort() };
}

export interface VerifyProblem {
  path: string;
  key: string;
  problem: string;
}

export interface VerifyReport {
  ok: boolean;
  /** In the pond, not in the backup. */
  missing: string[];
  /** In the backup, not in the pond. */
  extra: string[];
  corrupt: VerifyProblem[];
  checked: number;
}

/** Compares a pond with its backup: downloads and hashes every shared object (so it costs a full download). */
export async function verify(store: Store, remote: S3Remote, pondId: string, opts: RestoreOptions = {}): Promise<VerifyReport> {
  checkPondId(pondId);
  const { signal } = opts;
  const progress = new ProgressTracker(opts.onProgress);
  const { files } = await committedPondFiles(store, signal);
  const listed = await listRemotePond(remote, pondId, signal);
  const missing = [...files.keys()].filter((p) => !listed.has(p)).sort();
  const extra = [...listed.keys()].filter((p) => !files.has(p)).sort();
  const shared = [...files.keys()].filter((p) => listed.has(p)).sort();
  const corrupt: VerifyProblem[] = [];
  progress.set({ phase: 'checking', filesTotal: shared.length, bytesTotal: shared.reduce((n, p) => n + listed.get(p)!, 0) });
  await runPool(shared, opts.concurrency ?? 4, async (path) => {
    throwIfAborted(signal, 'verify');
    const key = objectKey(remote.config.prefix, pondId, path);
    try {
      const got = await downloadChecked(remote, key, path, listed.get(path)!, undefined, signal, (n) => progress.bytes(n, path));
      const local = await sha256Hex(await store.read(path));
      if (local !== got.sha256) corrupt.push({ path, key, problem: `differs from the pond's copy (backup ${got.sha256}, pond ${local})` });
    } catch (e) {
      if (!isPondError(e, 'CORRUPT')) throw e;
      corrupt.push({ path, key, problem: e.message });
    }
    progress.file(path);
  });
  corrupt.sort((a, b) => (a.path < b.path ? -1 : 1));
  progress.set({ phase: 'done' });
  return { ok: missing.length + extra.length + corrupt.length === 0, missing, extra, corrupt, checked: shared.length };
}
