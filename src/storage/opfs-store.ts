// The Store over the Origin Private File System, for the pond worker (sync access handles exist only in
// dedicated workers). The pond worker is the only owner of pond files, which is what makes caching
// directory handles safe. Behaviour this relies on was checked in Chromium by tests/browser/storage.
import { PondError, storageError } from '../core/errors';
import type { Store, StoreWriter } from '../core/store';
import { checkRange, splitFilePath, splitStorePath } from './paths';

/** How long createSyncAccessHandle may take before it is taken as stalled (it takes about a millisecond). */
export const SYNC_HANDLE_STALL_MS = 5_000;
const SYNC_HANDLE_TRIES = 3;

/**
 * `file`'s sync access handle. Chromium's createSyncAccessHandle() was seen, about once in six runs of a 1 200-file
 * zip import on this loaded machine, to never settle (tests/browser/remote/crafted-snapshots.test.ts, the worker
 * otherwise idle and answering): so a request that has not settled in SYNC_HANDLE_STALL_MS is given up and made
 * anew, and a handle the given-up request yields later is closed at once, so it holds no lock. After
 * SYNC_HANDLE_TRIES stalls the write fails as STALLED, naming the file, instead of waiting forever.
 */
export async function openSyncHandle(file: FileSystemFileHandle, path: string, stallMs = SYNC_HANDLE_STALL_MS): Promise<FileSystemSyncAccessHandle> {
  const givenUp: Promise<void>[] = [];
  for (let attempt = 1; ; attempt++) {
    const pending = file.createSyncAccessHandle();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stalled = new Promise<'stalled'>((r) => { timer = setTimeout(() => r('stalled'), stallMs); });
    let got: FileSystemSyncAccessHandle | 'stalled';
    try {
      got = await Promise.race([pending, stalled]);
    } catch (e) {
      // After a stall, NoModificationAllowedError can be the given-up request's late handle holding the lock: it
      // is closed as soon as it arrives, so wait for that (bounded) and try again. Any other failure is the write's.
      if (givenUp.length === 0 || (e as { name?: string })?.name !== 'NoModificationAllowedError' || attempt > SYNC_HANDLE_TRIES) throw e;
      await Promise.race([Promise.all(givenUp), new Promise((r) => setTimeout(r, stallMs))]);
      continue;
    } finally {
      clearTimeout(timer);
    }
    if (got !== 'stalled') return got;
    // The given-up request: a late handle is closed at once; a late failure has nothing left to fail.
    givenUp.push(pending.then((late) => late.close(), () => undefined));
    console.warn(`OPFS: opening ${path} for writing did not settle within ${stallMs} ms (try ${attempt} of ${SYNC_HANDLE_TRIES})`);
    if (attempt >= SYNC_HANDLE_TRIES) {
      throw new PondError('STALLED', `writing ${path}: the browser did not open the file within ${SYNC_HANDLE_TRIES} tries of ${stallMs} ms`, { detail: { path } });
    }
  }
}

/**
 * A pond's files under `navigator.storage.getDirectory()/<rootPath>`. Open with `OpfsStore.open`.
 * Writes go through FileSystemSyncAccessHandle (the fast path, and the only one with flush()).
 * Reads use `getFile()` (readRange through Blob.slice). Measured in a worker on Chromium 156 (median of 31):
 * whole reads of 1 KiB–1 MiB 0.8–3.7 ms either way and 16 MiB 23–34 ms vs 30–107 ms for a read-only sync
 * handle; a 4 KiB range 1.0–1.4 ms vs 0.5–0.6 ms. The sync handle's half-millisecond on ranges is not worth
 * its lock: a `{mode:'read-only'}` handle cannot open while a writer has the file, and while it is open
 * a writer, a move or a remove of that file fails with NoModificationAllowedError. getFile() has no lock.
 */
export class OpfsStore implements Store {
  /** Directory handles by store path ('' is the root): saves one async lookup per path segment per call. */
  private readonly dirs = new Map<string, FileSystemDirectoryHandle>();

  private constructor(
    root: FileSystemDirectoryHandle,
    /** The folder below the OPFS root, e.g. 'ponds/<id>'. */
    readonly rootPath: string,
  ) {
    this.dirs.set('', root);
  }

  /** Opens (creating folders as needed) the store rooted at `rootPath` below the OPFS root. */
  static async open(rootPath: string): Promise<OpfsStore> {
    try {
      let dir = await navigator.storage.getDirectory();
      for (const name of splitStorePath(rootPath)) dir = await dir.getDirectoryHandle(name, { create: true });
      return new OpfsStore(dir, rootPath);
    } catch (e) {
      throw storageError(e, 'opening', rootPath);
    }
  }

  async read(path: string): Promise<Uint8Array> {
    try {
      const file = await (await this.fileHandle(path, false)).getFile();
      return new Uint8Array(await file.arrayBuffer());
    } catch (e) {
      throw storageError(e, 'reading', path);
    }
  }

  async readRange(path: string, offset: number, length: number): Promise<Uint8Array> {
    checkRange(path, offset, length);
    try {
      const file = await (await this.fileHandle(path, false)).getFile();
      // Blob.slice reads only the bytes asked for from disk, not the whole file.
      return new Uint8Array(await file.slice(offset, offset + length).arrayBuffer());
    } catch (e) {
      throw storageError(e, 'reading', path);
    }
  }

  async size(path: string): Promise<number | undefined> {
    try {
      return (await (await this.fileHandle(path, false)).getFile()).size;
    } catch (e) {
      // A missing file, a missing folder and a folder where a file was asked for are all "no such file".
      const name = (e as { name?: string }).name;
      if (name === 'NotFoundError' || name === 'TypeMismatchError') return undefined;
      throw storageError(e, 'reading', path);
    }
  }

  /** Creates or replaces `path`, flushed. A write that fails after it began leaves no file behind. */
  async write(path: string, data: Uint8Array): Promise<void> {
    const w = await this.createWriter(path);
    try {
      await w.write(data);
      await w.close();
    } catch (e) {
      await w.abort();
      throw e;
    }
  }

  async createWriter(path: string): Promise<StoreWriter> {
    let handle: FileSystemSyncAccessHandle;
    try {
      handle = await this.freshOnNotFound(async () => openSyncHandle(await this.fileHandle(path, true), path));
    } catch (e) {
      // NoModificationAllowedError here means another handle (another worker or tab) has the file open.
      throw storageError(e, 'writing', path);
    }
    let open = true;
    let at = 0;
    const ensureOpen = () => {
      if (!open) throw new PondError('STORAGE', `writing ${path}: the writer is closed`, { detail: { path } });
    };
    try {
      handle.truncate(0);
    } catch (e) {
      handle.close();
      throw storageError(e, 'writing', path);
    }
    return {
      write: async (chunk) => {
        ensureOpen();
        try {
          at = writeAll(handle, chunk, at);
        } catch (e) {
          throw storageError(e, 'writing', path);
        }
      },
      close: async () => {
        ensureOpen();
        try {
          handle.flush();
          handle.close();
          open = false;
        } catch (e) {
          throw storageError(e, 'writing', path);
        }
      },
      abort: async () => {
        if (!open) return;
        open = false;
        try {
          handle.close();
        } catch {
          // Closing a handle whose flush failed can fail too; the file is removed next either way.
        }
        await this.remove(path).catch(() => undefined);
      },
    };
  }

  /**
   * Renames with FileSystemFileHandle.move(dir, name), also across folders. Chromium 156 replaces an existing
   * destination (checked by the browser tests, same folder and across folders) as one rename in its sandboxed
   * file system, so no remove-then-move is needed and there is no moment without a destination file: that is
   * what makes write-new-then-move a commit. The tests check the outcome; atomicity under a power cut is the
   * OS rename's, which OPFS does not promise. It refuses (NoModificationAllowedError → STORAGE) when the
   * source or the destination is open for writing.
   */
  async move(from: string, to: string): Promise<void> {
    try {
      const { dir, name } = splitFilePath(to);
      await this.freshOnNotFound(async () => (await this.fileHandle(from, false)).move(await this.dirHandle(dir, true), name));
    } catch (e) {
      throw storageError(e, 'moving', `${from} -> ${to}`);
    }
  }

  async remove(path: string): Promise<void> {
    const { dir, name } = splitFilePath(path);
    try {
      await (await this.dirHandle(dir, false)).removeEntry(name);
    } catch (e) {
      if ((e as { name?: string }).name === 'NotFoundError') return;
      throw storageError(e, 'removing', path);
    }
  }

  async removeTree(dir: string): Promise<void> {
    const names = splitStorePath(dir);
    const key = names.join('/');
    // Forget the cached handles first: a handle to a removed folder would silently fail later lookups.
    for (const k of [...this.dirs.keys()]) if (k !== '' && (key === '' || k === key || k.startsWith(`${key}/`))) this.dirs.delete(k);
    try {
      const last = names.pop();
      const parent = await this.dirHandle(names, false);
      const victims = last === undefined ? await keys(parent) : [last];
      for (const name of victims) await parent.removeEntry(name, { recursive: true });
    } catch (e) {
      if ((e as { name?: string }).name === 'NotFoundError') return;
      throw storageError(e, 'removing', dir);
    }
  }

  async list(dir: string): Promise<string[]> {
    const names = splitStorePath(dir);
    try {
      const handle = await this.dirHandle(names, false);
      const out: string[] = [];
      for await (const [name, h] of handle.entries()) out.push(h.kind === 'directory' ? `${name}/` : name);
      return out.sort();
    } catch (e) {
      if ((e as { name?: string }).name === 'NotFoundError') return [];
      throw storageError(e, 'listing', dir);
    }
  }

  private async fileHandle(path: string, create: boolean): Promise<FileSystemFileHandle> {
    const { dir, name } = splitFilePath(path);
    return (await this.dirHandle(dir, create)).getFileHandle(name, { create });
  }

  /**
   * Runs a creating lookup; on NotFoundError forgets the cached folders and runs it once more. A cached folder
   * can have been removed behind our back (another store on the same root, a test): Chromium then fails
   * lookups in it, and a cached *file* handle would even let writes land in a detached file, which is why
   * only folders are cached.
   */
  private async freshOnNotFound<T>(f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      if ((e as { name?: string }).name !== 'NotFoundError') throw e;
      for (const k of [...this.dirs.keys()]) if (k !== '') this.dirs.delete(k);
      return f();
    }
  }

  /** The folder handle for `names`, from the cache or looked up from the deepest cached ancestor. */
  private async dirHandle(names: string[], create: boolean): Promise<FileSystemDirectoryHandle> {
    let depth = names.length;
    while (!this.dirs.has(names.slice(0, depth).join('/'))) depth--;
    let handle = this.dirs.get(names.slice(0, depth).join('/'))!;
    for (; depth < names.length; depth++) {
      handle = await handle.getDirectoryHandle(names[depth]!, { create });
      this.dirs.set(names.slice(0, depth + 1).join('/'), handle);
    }
    return handle;
  }
}

/**
 * Writes all of `chunk` at `at` and returns the new end. Chromium 156 (seen in the quota test; crbug.com/541725401)
 * does not throw when a write runs out of quota: it writes what fits and returns 4294967288, a File::Error
 * (-8, FILE_ERROR_NO_SPACE) cast to uint32, and only the next call throws QuotaExceededError. Trusting that
 * count would report a torn file as written, so a count larger than asked is turned into the error it is.
 */
function writeAll(handle: FileSystemSyncAccessHandle, chunk: Uint8Array, at: number): number {
  let done = 0;
  while (done < chunk.length) {
    const asked = chunk.length - done;
    const n = handle.write(chunk.subarray(done), { at: at + done });
    if (n > asked || n <= 0) throw shortWriteError(n);
    done += n;
  }
  return at + done;
}

/** The DOMException a bogus write() count stands for. */
export function shortWriteError(n: number): DOMException {
  const code = n >= 2 ** 31 ? n - 2 ** 32 : n;
  if (code === -8) return new DOMException('the write ran out of storage quota (FILE_ERROR_NO_SPACE)', 'QuotaExceededError');
  return new DOMException(`the file system wrote no bytes (write() returned ${n})`, 'InvalidStateError');
}

async function keys(dir: FileSystemDirectoryHandle): Promise<string[]> {
  const out: string[] = [];
  for await (const k of dir.keys()) out.push(k);
  return out;
}
