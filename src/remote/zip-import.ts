// Import a zip snapshot into an empty pond store: every entry checked against the layout and the manifest,
// written into a staging folder, the staged pond checked by the snapshot validator, and made live only when all of
// it verified. An archive problem is BAD_ZIP naming the entry, a pond problem CORRUPT naming the file and the rule;
// either leaves the store as it was.
import { PondError, isPondError } from '../core/errors';
import type { Store } from '../core/store';
import { classifyPondPath } from './layout';
import { ProgressTracker, type ProgressCallback } from './progress';
import { commitStaged, dropStage, isEmptyStore, stagedView, stagingDir } from './staging';
import { streamingSha256 } from '../pond/hash';
import { checkSnapshot } from '../pond/validate/snapshot-check';
import { checkingProgress } from './validation-progress';
import { MANIFEST_MAX_BYTES, MANIFEST_NAME, parseManifest, type ZipManifest } from './zip-manifest';
import { badZip, extractEntry, readCentralDirectory, type ZipEntry } from './zip-reader';

export interface ZipImportOptions {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  /** Largest inflated/compressed ratio accepted per entry (default 200; our exports store blobs, so theirs is 1). */
  maxRatio?: number;
  /** Largest total inflated size accepted (default 16 GiB). */
  maxTotalBytes?: number;
  /**
   * Check the staged pond with the snapshot validator before it goes live (default true). Only tests of the archive
   * handling itself (over fake ponds) and the benchmark's baseline turn it off.
   */
  validate?: boolean;
}

export interface ZipImportResult {
  manifest: ZipManifest;
  files: number;
  bytes: number;
}

/** Folder entries some zip tools add; harmless when they are layout folders. */
const LAYOUT_DIR = /^(?:_delta_log|oplog|blobs|blobs\/sha256|blobs\/sha256\/[0-9a-f]{2})\/$/;

/** Why an entry name is unsafe, or undefined when it is a plain relative path. Pure, for unit tests. */
export function unsafeEntryName(name: string): string | undefined {
  if (name.length === 0) return 'has an empty name';
  if (name.includes('\\')) return 'contains a backslash (a Windows path separator: zip slip)';
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'contains control characters';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'is an absolute path';
  const segs = name.replace(/\/$/, '').split('/');
  if (segs.includes('..')) return 'climbs out of the folder with ".." (zip slip)';
  if (segs.some((s) => s === '' || s === '.')) return 'has an empty or "." path segment';
  return undefined;
}

/** Structural checks on the directory that need no inflating: names, duplicates, declared sizes and ratios. */
export function checkEntries(entries: ZipEntry[], maxRatio: number): void {
  const seen = new Set<string>();
  for (const e of entries) {
    const unsafe = unsafeEntryName(e.name);
    if (unsafe) throw badZip(e.name, unsafe);
    if (seen.has(e.name)) throw badZip(e.name, 'appears twice in the archive');
    seen.add(e.name);
    if (e.method === 0 && e.size !== e.compressedSize) throw badZip(e.name, 'is stored uncompressed but its two sizes differ');
    if (e.size > Math.max(1, e.compressedSize) * maxRatio && e.size > 1 << 20) {
      throw badZip(e.name, `would inflate ${e.compressedSize} bytes to ${e.size} (over ${maxRatio}:1, a zip bomb)`);
    }
  }
}

/** Imports the zip snapshot `zip` into the empty `store`. */
export async function importZip(zip: Blob | Uint8Array, store: Store, opts: ZipImportOptions = {}): Promise<ZipImportResult> {
  const { signal } = opts;
  const blob = zip instanceof Blob ? zip : new Blob([zip as Uint8Array<ArrayBuffer>]);
  if (!(await isEmptyStore(store))) throw new PondError('INVALID_INPUT', 'a zip snapshot can only be imported into an empty pond folder');
  const { entries, cdOffset } = await readCentralDirectory(blob);
  checkEntries(entries, opts.maxRatio ?? 200);

  const manifestEntry = entries.find((e) => e.name === MANIFEST_NAME);
  if (!manifestEntry) throw badZip('', `has no ${MANIFEST_NAME}: not a DuckPond snapshot`);
  const mchunks: Uint8Array[] = [];
  await extractEntry(blob, manifestEntry, cdOffset, Math.min(MANIFEST_MAX_BYTES, manifestEntry.size), async (c) => void mchunks.push(c), signal);
  const manifest = parseManifest(new Uint8Array(await new Blob(mchunks as Uint8Array<ArrayBuffer>[]).arrayBuffer()));

  const expected = new Map(manifest.files.map((f) => [f.path, f]));
  const files: ZipEntry[] = [];
  for (const e of entries) {
    if (e === manifestEntry) continue;
    if (e.name.endsWith('/')) {
      if (!LAYOUT_DIR.test(e.name) || e.size !== 0) throw badZip(e.name, 'is a folder outside the pond layout');
      continue;
    }
    if (!classifyPondPath(e.name)) throw badZip(e.name, 'is not a pond file (unexpected entry)');
    const m = expected.get(e.name);
    if (!m) throw badZip(e.name, `is not listed in ${MANIFEST_NAME} (unexpected entry)`);
    if (m.size !== e.size) throw badZip(e.name, `is ${e.size} bytes in the archive, ${m.size} in the manifest`);
    files.push(e);
  }
  const inZip = new Set(files.map((e) => e.name));
  for (const p of expected.keys()) if (!inZip.has(p)) throw badZip(p, `is listed in ${MANIFEST_NAME} but missing from the archive`);
  const total = manifest.files.reduce((n, f) => n + f.size, 0);
  if (total > (opts.maxTotalBytes ?? 16 * 2 ** 30)) throw badZip('', `would unpack to ${total} bytes, over the limit`);

  const progress = new ProgressTracker(opts.onProgress, files.length, total);
  progress.set({ phase: 'receiving' });
  const stage = stagingDir('zip-import');
  // Every entry's SHA-256 is computed while it is extracted and must equal the manifest's, so the validator can take
  // the manifest's hashes as the files' own and not hash the blobs a second time.
  const verified = new Map(manifest.files.map((f) => [f.path, f.sha256]));
  try {
    for (const e of files) {
      const m = expected.get(e.name)!;
      const writer = await store.createWriter(`${stage}/${e.name}`);
      try {
        const h = await streamingSha256();
        // The manifest size is the hard limit: an entry that inflates further stops at the first extra chunk.
        const n = await extractEntry(blob, e, cdOffset, m.size, async (c) => {
          h.update(c);
          await writer.write(c);
          progress.bytes(c.length, e.name);
        }, signal);
        if (n !== m.size) throw badZip(e.name, `inflated to ${n} bytes, the manifest says ${m.size}`);
        const sha = h.hex();
        if (sha !== m.sha256) throw badZip(e.name, `SHA-256 ${sha} does not match the manifest's ${m.sha256}`);
        await writer.close();
      } catch (err) {
        await writer.abort().catch(() => undefined);
        throw err;
      }
      progress.file(e.name);
    }
    if (opts.validate !== false) {
      await checkSnapshot(stagedView(store, stage), {
        mode: 'first', verified, ...(manifest.pondId ? { pondId: manifest.pondId } : {}), ...(signal ? { signal } : {}), onProgress: checkingProgress(progress),
      });
    }
  } catch (err) {
    await dropStage(store, stage);
    if (isPondError(err)) throw err;
    throw new PondError('STORAGE', `zip import failed: ${(err as Error).message}`, { cause: err });
  }
  progress.set({ phase: 'committing' });
  await commitStaged(store, stage, files.map((e) => e.name), signal);
  progress.set({ phase: 'done' });
  return { manifest, files: files.length, bytes: total };
}
