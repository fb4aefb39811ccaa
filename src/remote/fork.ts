// "Push as a new pond": a copy of this pond under a new pond id (a fork), for when another device pushed a different
// history under this id. The copy has every commit, oplog file and blob of the original; only the commits that name
// the pond (commit 0 and each compaction, in their Delta metaData) are rewritten with the new id. Checkpoints are
// not copied (they name the old id; the fork writes its own from its next hundred) and neither are the private caches
// (head hint, state snapshot), which opening rebuilds. The files are staged and moved in with commit 0 last, so a tab
// that dies meanwhile leaves no pond, only a folder that start-up sweeps.
import { throwIfAborted } from '../core/errors';
import type { Store } from '../core/store';
import { decodeCommit, encodeCommit } from '../oplog/delta-log';
import { classifyPondPath, committedPondFiles, logVersionOf } from './layout';
import { commitStaged, stagingDir } from './staging';

/** Reads in pieces of this size, so a large blob is never held whole. */
const CHUNK = 4 * 1024 * 1024;

async function copyFile(from: Store, to: Store, path: string, target: string, size: number): Promise<void> {
  if (size <= CHUNK) {
    await to.write(target, await from.read(path));
    return;
  }
  const w = await to.createWriter(target);
  try {
    for (let off = 0; off < size; off += CHUNK) await w.write(await from.readRange(path, off, CHUNK));
    await w.close();
  } catch (e) {
    await w.abort().catch(() => undefined); // e is what failed; the partial file is in the staging folder, dropped with it
    throw e;
  }
}

/**
 * Copies the pond in `from` (its whole commits) into the empty store `to` as pond `newId`. Returns the number of
 * files copied. `to` must be empty (a new pond folder); the caller checks the copy opens.
 */
export async function copyAsNewPond(from: Store, to: Store, newId: string, signal?: AbortSignal): Promise<number> {
  const { files } = await committedPondFiles(from, signal);
  const stage = stagingDir('fork');
  const paths: string[] = [];
  for (const [path, size] of files) {
    throwIfAborted(signal, 'fork');
    const kind = classifyPondPath(path);
    if (kind === 'checkpoint' || kind === undefined) continue;
    const target = `${stage}/${path}`;
    if (kind === 'log') {
      const version = logVersionOf(path)!;
      const bytes = await from.read(path);
      const commit = decodeCommit(version, bytes);
      await to.write(target, commit.metaData ? encodeCommit({ ...commit, metaData: { ...commit.metaData, id: newId } }) : bytes);
    } else {
      await copyFile(from, to, path, target, size);
    }
    paths.push(path);
  }
  await commitStaged(to, stage, paths, signal);
  return paths.length;
}
