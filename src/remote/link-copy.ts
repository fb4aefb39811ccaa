// "Keep a copy" of a pond opened from a link: every file of its versions 0 … head, found from the log itself (a link
// has no listing), copied into an empty local store all or nothing, the way a restore is: staged, checked by the
// snapshot validator, then moved into place with commit 0 last.
import { PondError, isPondError, throwIfAborted } from '../core/errors';
import type { Store } from '../core/store';
import { decodeEntries } from '../oplog/entry-codec';
import { readCommit } from '../oplog/log-store';
import { sha256Hex } from '../pond/hash';
import { blobPath, logPath } from '../pond/layout';
import { checkSnapshot } from '../pond/validate/snapshot-check';
import { runPool } from './multipart';
import { ProgressTracker, type ProgressCallback } from './progress';
import { commitStaged, dropStage, isEmptyStore, stagedView, stagingDir } from './staging';
import { checkingProgress } from './validation-progress';

export interface LinkCopyOptions {
  pondId: string;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  concurrency?: number;
}

/**
 * The files of a pond up to `head` as its log names them: the commits, every oplog file they add (those a compaction
 * replaced too, for time travel) and every blob a row of those files names.
 */
export async function pondFilesFromLog(source: Store, head: number, signal?: AbortSignal): Promise<string[]> {
  const paths = new Set<string>();
  for (let v = 0; v <= head; v++) {
    throwIfAborted(signal, 'keep a copy');
    paths.add(logPath(v));
    for (const add of (await readCommit(source, v)).adds) {
      paths.add(add.path);
      // Inline rows carry a sha256 too; only rows without content point at a blob.
      for (const e of await decodeEntries(await source.read(add.path), add.path)) if (e.sha256 && e.content === null) paths.add(blobPath(e.sha256));
    }
  }
  return [...paths];
}

/** Copies the pond in `source` (versions 0 … `head`) into the empty `target`; returns the paths made live. */
export async function copyPond(source: Store, head: number, target: Store, opts: LinkCopyOptions): Promise<string[]> {
  const { signal } = opts;
  if (!(await isEmptyStore(target))) throw new PondError('INVALID_INPUT', 'a copy needs an empty pond folder: this one already has files', { detail: { pondId: opts.pondId } });
  const progress = new ProgressTracker(opts.onProgress);
  const paths = await pondFilesFromLog(source, head, signal);
  progress.set({ phase: 'receiving', filesTotal: paths.length });
  const stage = stagingDir('link-copy');
  const verified = new Map<string, string>();
  try {
    await runPool(paths, opts.concurrency ?? 4, async (path) => {
      throwIfAborted(signal, 'keep a copy');
      const bytes = await source.read(path);
      await target.write(`${stage}/${path}`, bytes);
      verified.set(path, await sha256Hex(bytes));
      progress.bytes(bytes.length, path);
      progress.file(path);
    });
    await checkSnapshot(stagedView(target, stage), { mode: 'first', verified, pondId: opts.pondId, ...(signal ? { signal } : {}), onProgress: checkingProgress(progress) });
  } catch (e) {
    await dropStage(target, stage);
    if (signal?.aborted && !isPondError(e, 'ABORTED')) throw new PondError('ABORTED', 'keeping a copy was cancelled', { cause: e });
    throw e;
  }
  progress.set({ phase: 'committing' });
  const live = await commitStaged(target, stage, paths, signal);
  progress.set({ phase: 'done' });
  return live;
}
