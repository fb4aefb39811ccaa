// An in-memory Store for fast node unit tests. It imitates what the OPFS store does in Chromium
// (measured in tests/browser/storage), so logic tested here behaves the same on the real store:
// writers are visible at their destination byte by byte, a file open for writing is locked, and
// failures are the same DOMException names mapped through storageError.
import { PondError, storageError } from '../core/errors';
import type { Store, StoreWriter } from '../core/store';
import { checkRange, splitFilePath, splitStorePath } from './paths';

/** A growable byte buffer: appending is amortised O(1), so a writer of many chunks stays linear. */
class Bytes {
  data: Uint8Array;
  length: number;
  constructor(initial: Uint8Array = new Uint8Array(0)) {
    this.data = initial.slice();
    this.length = initial.length;
  }
  append(chunk: Uint8Array): void {
    const need = this.length + chunk.length;
    if (need > this.data.length) {
      const grown = new Uint8Array(Math.max(need, this.data.length * 2, 64));
      grown.set(this.data.subarray(0, this.length));
      this.data = grown;
    }
    this.data.set(chunk, this.length);
    this.length = need;
  }
  view(): Uint8Array {
    return this.data.subarray(0, this.length);
  }
}

// The names Chromium's OPFS throws (see the browser tests); storageError maps them to PondError codes.
const notFound = () => new DOMException('A requested file or directory could not be found', 'NotFoundError');
const locked = () => new DOMException('the file is open for writing', 'NoModificationAllowedError');
const wrongType = () => new DOMException('the path exists, but is not an entry of the requested type', 'TypeMismatchError');

/**
 * A Store held in memory. Directories are real entries (created by writes, kept after their files are
 * removed, dropped by removeTree) as in OPFS. `clone()` copies the state as a crash would leave it:
 * bytes written so far, no open writers.
 */
export class MemoryStore implements Store {
  private readonly files = new Map<string, Bytes>();
  /** Every directory path ('' is the root), so list() and removeTree() behave as on OPFS. */
  private readonly dirs = new Set<string>(['']);
  /** Files with an open writer: OPFS refuses a second writer, a move or a remove of them. */
  private readonly locked = new Set<string>();

  async read(path: string): Promise<Uint8Array> {
    return this.fileBytes(path, 'reading').view().slice();
  }

  async readRange(path: string, offset: number, length: number): Promise<Uint8Array> {
    checkRange(path, offset, length);
    const view = this.fileBytes(path, 'reading').view();
    return view.slice(Math.min(offset, view.length), Math.min(offset + length, view.length));
  }

  async size(path: string): Promise<number | undefined> {
    return this.files.get(key(path))?.length;
  }

  async write(path: string, data: Uint8Array): Promise<void> {
    const w = await this.createWriter(path);
    await w.write(data);
    await w.close();
  }

  async createWriter(path: string): Promise<StoreWriter> {
    const k = key(path);
    try {
      if (this.locked.has(k)) throw locked();
      this.makeParents(path);
      if (this.dirs.has(k)) throw wrongType();
    } catch (e) {
      throw storageError(e, 'writing', path);
    }
    // Like createSyncAccessHandle + truncate(0): the old content is gone as soon as the writer opens.
    const bytes = new Bytes();
    this.files.set(k, bytes);
    this.locked.add(k);
    let open = true;
    const ensureOpen = () => {
      if (!open) throw new PondError('STORAGE', `writing ${path}: the writer is closed`, { detail: { path } });
    };
    return {
      write: async (chunk) => {
        ensureOpen();
        // Visible at once, as in a real file: a crash after this leaves a partial file behind.
        bytes.append(chunk);
      },
      close: async () => {
        ensureOpen();
        open = false;
        this.locked.delete(k);
      },
      abort: async () => {
        if (!open) return;
        open = false;
        this.locked.delete(k);
        this.files.delete(k);
      },
    };
  }

  async move(from: string, to: string): Promise<void> {
    const f = key(from);
    const t = key(to);
    try {
      if (!this.files.has(f)) throw notFound();
      // Chromium refuses to move a locked file or onto a locked destination (NoModificationAllowedError).
      if (this.locked.has(f) || this.locked.has(t)) throw locked();
      this.makeParents(to);
      if (this.dirs.has(t)) throw wrongType();
    } catch (e) {
      throw storageError(e, 'moving', `${from} -> ${to}`);
    }
    if (f === t) return;
    // Replaces the destination in one step, as FileSystemFileHandle.move does in Chromium.
    this.files.set(t, this.files.get(f)!);
    this.files.delete(f);
  }

  async remove(path: string): Promise<void> {
    const k = key(path);
    if (!this.files.has(k)) return;
    if (this.locked.has(k)) throw storageError(locked(), 'removing', path);
    this.files.delete(k);
  }

  async removeTree(dir: string): Promise<void> {
    const k = splitStorePath(dir).join('/');
    const below = (p: string) => k === '' || p === k || p.startsWith(`${k}/`);
    if ([...this.locked].some(below)) throw storageError(locked(), 'removing', dir);
    if (this.files.has(k)) throw storageError(wrongType(), 'removing', dir);
    for (const p of [...this.files.keys()]) if (below(p)) this.files.delete(p);
    for (const p of [...this.dirs]) if (below(p) && p !== '') this.dirs.delete(p);
  }

  async list(dir: string): Promise<string[]> {
    const k = splitStorePath(dir).join('/');
    if (!this.dirs.has(k)) return [];
    const prefix = k === '' ? '' : `${k}/`;
    const names: string[] = [];
    const direct = (p: string) => p.startsWith(prefix) && p.length > prefix.length && !p.slice(prefix.length).includes('/');
    for (const p of this.files.keys()) if (direct(p)) names.push(p.slice(prefix.length));
    for (const p of this.dirs) if (direct(p)) names.push(`${p.slice(prefix.length)}/`);
    return names.sort();
  }

  /** A deep copy of the state, as a crash would leave it: every byte written so far, no open writers. */
  clone(): MemoryStore {
    const copy = new MemoryStore();
    for (const [p, b] of this.files) copy.files.set(p, new Bytes(b.view()));
    for (const d of this.dirs) copy.dirs.add(d);
    return copy;
  }

  /** Every file and its content (copies), sorted by path: handy for comparing whole states in tests. */
  snapshot(): Map<string, Uint8Array> {
    return new Map([...this.files.keys()].sort().map((p) => [p, this.files.get(p)!.view().slice()]));
  }

  private fileBytes(path: string, action: string): Bytes {
    const b = this.files.get(key(path));
    if (b) return b;
    const e = this.dirs.has(key(path)) ? wrongType() : notFound();
    throw storageError(e, action, path);
  }

  /** mkdir -p of the file's folder; a file in the way is a TypeMismatchError, as in OPFS. */
  private makeParents(path: string): void {
    const { dir } = splitFilePath(path);
    for (let i = 1; i <= dir.length; i++) {
      const d = dir.slice(0, i).join('/');
      if (this.files.has(d)) throw wrongType();
      this.dirs.add(d);
    }
  }
}

/** The canonical key of a file path (INVALID_INPUT for the root or a bad segment). */
function key(path: string): string {
  const { dir, name } = splitFilePath(path);
  return [...dir, name].join('/');
}
