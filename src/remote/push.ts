// Incremental backup of a pond to S3: send only what the bucket lacks, in an order that keeps the backup
// a valid pond at every instant (blobs, then oplog files, then commits in order).
import { PondError, isPondError, throwIfAborted } from '../core/errors';
import type { Store } from '../core/store';
import { checkPondId, objectKey, pondKeyPrefix } from './config';
import { blobHashOf, classifyPondPath, committedPondFiles, sortForWrite } from './layout';
import { assertPartSize, runPool, uploadMultipart } from './multipart';
import { ProgressTracker, type ProgressCallback } from './progress';
import { corsAdvice, type S3Remote } from './s3-client';
import { sha256Hex } from '../pond/hash';
import { LAST_CHECKPOINT_PATH, parseLastCheckpoint } from '../oplog/checkpoint';

export interface PushOptions {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  /** Objects in flight at once (default 4). */
  concurrency?: number;
  /** Blobs of this size or more go multipart (default 16 MiB). */
  multipartThreshold?: number;
  /** Part size (default 8 MiB; S3 needs at least 5 MiB). */
  partSize?: number;
}

export interface PushResult {
  /** Pond paths uploaded by this push, in upload order. */
  sent: string[];
  /** Pond files the bucket already had. */
  alreadyThere: number;
  /** Local files not pushed because they are not (yet) part of a whole commit. */
  leftOut: string[];
  /** True when the bucket has commits this pond does not: restore it elsewhere to see them. */
  remoteAhead: boolean;
  /** Parts sent / needed by multipart uploads (fewer sent than needed = resumed). */
  partsSent: number;
  partsTotal: number;
}

/** Remote objects of one pond backup, by pond path, with their sizes; tmp/ (resume records) excluded. */
export async function listRemotePond(remote: S3Remote, pondId: string, signal?: AbortSignal): Promise<Map<string, number>> {
  const base = pondKeyPrefix(remote.config.prefix, pondId);
  const out = new Map<string, number>();
  for (const o of await remote.list(base, signal)) {
    const path = o.key.slice(base.length);
    if (!path.startsWith('tmp/')) out.set(path, o.size);
  }
  return out;
}

/**
 * Sizes catch most diverged histories, but two devices' commit N can have the same size. Histories that
 * diverged at any commit differ at the last commit both have, so one HEAD compares the whole shared past.
 */
async function checkSameHistory(store: Store, remote: S3Remote, pondId: string, lastShared: string | undefined, signal?: AbortSignal): Promise<void> {
  if (!lastShared) return;
  const key = objectKey(remote.config.prefix, pondId, lastShared);
  const recorded = (await remote.head(key, signal)).get('x-amz-meta-sha256');
  if (recorded === null) {
    throw new PondError('HTTP', `${key}: the backup's commit carries no readable x-amz-meta-sha256, so this push cannot tell whether another device wrote it. ${corsAdvice(typeof location !== 'undefined' ? location.origin : '<the app origin>')}`, { detail: { key } });
  }
  if (recorded !== (await sha256Hex(await store.read(lastShared)))) {
    throw new PondError('CONFLICT', `${key} in the backup differs from this pond's commit: another device pushed a different history under this pond id. Ways forward: rebase this pond onto the backup (push --rebase: its own transactions replayed after the backup's), or push it as a new pond (push --as-new-pond).`, { detail: { key, path: lastShared } });
  }
}

/**
 * `_last_checkpoint` is the one pond file that changes in place (it names the newest checkpoint), and two versions
 * of it can have the same size: so when the sizes agree, the backup's copy is compared by its recorded hash (one
 * HEAD). It is sent after the checkpoint it names and the commits before it (sortForWrite), so a Delta reader of
 * the backup always finds what it points to.
 */
async function lastCheckpointStale(store: Store, remote: S3Remote, pondId: string, files: Map<string, number>, remoteFiles: Map<string, number>, signal?: AbortSignal): Promise<boolean> {
  const size = files.get(LAST_CHECKPOINT_PATH);
  if (size === undefined) return false;
  const there = remoteFiles.get(LAST_CHECKPOINT_PATH);
  if (there === undefined) return true;
  const key = objectKey(remote.config.prefix, pondId, LAST_CHECKPOINT_PATH);
  const local = await store.read(LAST_CHECKPOINT_PATH);
  if (there === size && (await remote.head(key, signal)).get('x-amz-meta-sha256') === (await sha256Hex(local))) return false;
  // They differ. After a rebase (remote/rebase.ts) this pond may point at an older checkpoint than the backup does:
  // the backup's newer one is of a commit both histories now share (the push is refused otherwise), so it stays.
  const theirs = parseLastCheckpoint(new Uint8Array(await (await remote.get(key, signal)).arrayBuffer()));
  const ours = parseLastCheckpoint(local);
  return !(theirs && ours && theirs.version > ours.version);
}

/** Backs up `store` (one pond) to `<prefix>/<pondId>/`, sending only missing objects. */
export async function push(store: Store, remote: S3Remote, pondId: string, opts: PushOptions = {}): Promise<PushResult> {
  checkPondId(pondId);
  const { signal } = opts;
  const concurrency = opts.concurrency ?? 4;
  const threshold = opts.multipartThreshold ?? 16 * 1024 * 1024;
  const partSize = opts.partSize ?? 8 * 1024 * 1024;
  assertPartSize(partSize);
  const progress = new ProgressTracker(opts.onProgress);
  const { files, leftOut } = await committedPondFiles(store, signal);
  const remoteFiles = await listRemotePond(remote, pondId, signal);
  throwIfAborted(signal, 'push');

  const todo: string[] = [];
  let alreadyThere = 0;
  const pointerStale = await lastCheckpointStale(store, remote, pondId, files, remoteFiles, signal);
  for (const [path, size] of files) {
    const there = remoteFiles.get(path);
    if (path === LAST_CHECKPOINT_PATH && pointerStale) todo.push(path);
    else if (there === size) alreadyThere++;
    else if (there !== undefined && classifyPondPath(path) === 'log') {
      throw new PondError('CONFLICT', `${path} in the backup differs from this pond's (${there} bytes there, ${size} here): another device pushed a different commit with that number. Ways forward: rebase this pond onto the backup (push --rebase: its own transactions replayed after the backup's), or push it as a new pond (push --as-new-pond).`, { detail: { path, key: objectKey(remote.config.prefix, pondId, path) } });
    } else todo.push(path); // missing, or a blob/oplog object of the wrong size: sending it again repairs the backup
  }
  const localLogs = [...files.keys()].filter((p) => classifyPondPath(p) === 'log').sort();
  await checkSameHistory(store, remote, pondId, localLogs.filter((p) => remoteFiles.has(p)).at(-1), signal);
  const remoteAhead = [...remoteFiles.keys()].some((p) => classifyPondPath(p) === 'log' && !files.has(p)) && localLogs.every((p) => remoteFiles.has(p));

  const ordered = sortForWrite(todo);
  const bytesTotal = ordered.reduce((n, p) => n + files.get(p)!, 0);
  progress.set({ phase: 'sending', filesTotal: ordered.length, bytesTotal });
  const result: PushResult = { sent: [], alreadyThere, leftOut, remoteAhead, partsSent: 0, partsTotal: 0 };

  const sendOne = async (path: string): Promise<void> => {
    throwIfAborted(signal, 'push');
    const size = files.get(path)!;
    const key = objectKey(remote.config.prefix, pondId, path);
    const blobHash = blobHashOf(path);
    const kind = classifyPondPath(path);
    if (blobHash && size >= threshold) {
      const recordKey = objectKey(remote.config.prefix, pondId, `tmp/uploads/${blobHash}.json`);
      const r = await uploadMultipart(remote, store, path, size, blobHash, key, recordKey, {
        partSize, concurrency, ...(signal ? { signal } : {}), onBytes: (n) => progress.bytes(n, path),
      });
      result.partsSent += r.partsSent;
      result.partsTotal += r.partsTotal;
    } else {
      const bytes = await store.read(path);
      const hash = await sha256Hex(bytes);
      // Never spread a corrupt local blob into the backup: its name promises its content.
      if (blobHash && hash !== blobHash) {
        throw new PondError('CORRUPT', `${path}: local blob content does not match its name (SHA-256 ${hash}); run verify/fsck before pushing`, { detail: { path } });
      }
      const headers: Record<string, string> = { 'x-amz-meta-sha256': hash };
      // Commits must never replace another device's commit of the same number (S3 answers 412 then).
      if (kind === 'log') headers['if-none-match'] = '*';
      await remote.put(key, bytes, headers, signal);
      progress.bytes(bytes.length, path);
    }
    result.sent.push(path);
    progress.file(path);
  };

  const blobs = ordered.filter((p) => classifyPondPath(p) === 'blob');
  const oplog = ordered.filter((p) => classifyPondPath(p) === 'oplog');
  const rest = ordered.filter((p) => !blobs.includes(p) && !oplog.includes(p));
  try {
    await runPool(blobs, concurrency, sendOne);
    await runPool(oplog, concurrency, sendOne);
    progress.set({ phase: 'committing' });
    for (const p of rest) await sendOne(p); // commits strictly in order, one at a time
  } catch (e) {
    if (signal?.aborted && !isPondError(e, 'ABORTED')) throw new PondError('ABORTED', 'push was cancelled', { cause: e });
    throw e;
  }
  progress.set({ phase: 'done' });
  return result;
}
