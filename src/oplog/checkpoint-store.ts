// Checkpoints in a Store: written after their commit is durable (each file through tmp/ and a move, so a crash leaves
// the old file or the whole new one), read as a shortcut that is never trusted over the JSON log: a missing, torn
// or unreadable checkpoint reads as "no checkpoint" and the caller replays commits instead.
import { isPondError } from '../core/errors';
import { readIfPresent, type Store } from '../core/store';
import {
  LAST_CHECKPOINT_PATH, checkpointPath, decodeCheckpoint, encodeCheckpoint, encodeLastCheckpoint, parseLastCheckpoint,
  type CheckpointState, type LastCheckpoint,
} from './checkpoint';

/**
 * Writes the checkpoint of `s.version`, then points `_last_checkpoint` at it. `tmpName(ext)` names a scratch file
 * (the pond's tmp/, which opening sweeps). Returns the pointer written.
 */
export async function writeCheckpoint(store: Store, s: CheckpointState, tmpName: (ext: string) => string): Promise<LastCheckpoint> {
  const { bytes, rows } = await encodeCheckpoint(s);
  const tmp = tmpName('.checkpoint.parquet');
  await store.write(tmp, bytes);
  await store.move(tmp, checkpointPath(s.version));
  const last: LastCheckpoint = { version: s.version, size: rows, sizeInBytes: bytes.length, numOfAddFiles: s.adds.length };
  const tmpLast = tmpName('.last_checkpoint');
  await store.write(tmpLast, encodeLastCheckpoint(last));
  await store.move(tmpLast, LAST_CHECKPOINT_PATH);
  return last;
}

export async function readLastCheckpoint(store: Store): Promise<LastCheckpoint | undefined> {
  const bytes = await readIfPresent(store, LAST_CHECKPOINT_PATH);
  return bytes ? parseLastCheckpoint(bytes) : undefined; // none: a pond younger than its first checkpoint
}

/**
 * The checkpoint of `version`, or undefined when there is none or it is not whole (torn, foreign, or its row count
 * disagrees with `_last_checkpoint`'s `expectRows`). Store failures other than "missing" are thrown: they are not
 * about the checkpoint.
 */
export async function readCheckpoint(store: Store, version: number, expectRows?: number): Promise<CheckpointState | undefined> {
  const bytes = await readIfPresent(store, checkpointPath(version));
  if (!bytes) return undefined;
  try {
    const s = await decodeCheckpoint(version, bytes);
    if (expectRows !== undefined && expectRows !== s.adds.length + 2) return undefined;
    return s;
  } catch (e) {
    if (isPondError(e, 'CORRUPT')) return undefined; // torn or foreign: replaying the JSON commits gives the same state
    throw e;
  }
}
