/**
 * The byte store under a pond: a tree of files addressed by `/`-separated relative paths
 * (`_delta_log/00000000000000000003.json`, `blobs/sha256/ab/ab…`). Directories are implied by paths
 * and created on demand. Implementations: OPFS (worker only), memory (unit tests), fault-injecting (crash tests).
 *
 * Durability contract: bytes are durable after `write` resolves or a writer's `close` resolves (both flush).
 * `move` is the commit primitive: the destination either has the old content or the whole new file.
 */
import { isPondError } from './errors';
export interface Store {
  /** Whole content; NOT_FOUND when missing. */
  read(path: string): Promise<Uint8Array>;
  /** `length` bytes from `offset` (fewer at the end); NOT_FOUND when missing. */
  readRange(path: string, offset: number, length: number): Promise<Uint8Array>;
  /** Size in bytes, or undefined when there is no such file. */
  size(path: string): Promise<number | undefined>;
  /** Creates or replaces `path` with `data`, flushed. */
  write(path: string, data: Uint8Array): Promise<void>;
  /** A streaming writer that creates or replaces `path`; `close` flushes. */
  createWriter(path: string): Promise<StoreWriter>;
  /** Renames a file, replacing any file at `to`. */
  move(from: string, to: string): Promise<void>;
  /** Deletes a file; a missing file is not an error. */
  remove(path: string): Promise<void>;
  /** Deletes a directory and everything below it; missing is not an error. */
  removeTree(dir: string): Promise<void>;
  /** Names (not paths) of the files and directories directly in `dir`; [] when it does not exist. Directories end in '/'. */
  list(dir: string): Promise<string[]>;
}

export interface StoreWriter {
  write(chunk: Uint8Array): Promise<void>;
  /** Flushes and closes; the file is durable once this resolves. */
  close(): Promise<void>;
  /** Closes without the promise of durability and deletes the partial file. */
  abort(): Promise<void>;
}

/**
 * The bytes at `path`, or undefined when there is no such file: for files a pond may or may not have (journals,
 * checkpoints, caches). Any other failure of the store is thrown: it says nothing about the file.
 */
export async function readIfPresent(store: Store, path: string): Promise<Uint8Array | undefined> {
  try {
    return await store.read(path);
  } catch (e) {
    if (isPondError(e, 'NOT_FOUND')) return undefined; // expected: the file is optional
    throw e;
  }
}
