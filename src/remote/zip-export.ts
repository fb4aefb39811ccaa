// Export a pond store as a zip snapshot, streamed: at most one read chunk and fflate's small buffers are in memory.
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import { PondError, throwIfAborted } from '../core/errors';
import type { Store } from '../core/store';
import { classifyPondPath, committedPondFiles, sortForWrite } from './layout';
import { ProgressTracker, type ProgressCallback } from './progress';
import { streamingSha256 } from '../pond/hash';
import { MANIFEST_NAME, type ManifestFile, type ZipManifest } from './zip-manifest';

export interface ZipExportOptions {
  pondId?: string;
  /** The pond's display name on the exporting device (what an import calls it). */
  pondName?: string;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  /** Bytes read from the store at a time (default 1 MiB). */
  chunkSize?: number;
}

async function* chunksOf(store: Store, path: string, size: number, chunkSize: number, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  for (let off = 0; off < size; off += chunkSize) {
    throwIfAborted(signal, 'zip export');
    yield await store.readRange(path, off, Math.min(chunkSize, size - off));
  }
}

/**
 * The zip as an async sequence of chunks: `manifest.json` first (so an import can check every later entry
 * against it), then the pond files in write order. Files are hashed in a first pass and hashed again while
 * zipped, so a file that changed in between fails the export instead of producing a zip that will not import.
 */
export async function* zipChunks(store: Store, opts: ZipExportOptions = {}): AsyncGenerator<Uint8Array> {
  const { signal } = opts;
  const chunkSize = opts.chunkSize ?? 1 << 20;
  const { files } = await committedPondFiles(store, signal);
  const paths = sortForWrite([...files.keys()]);
  const total = paths.reduce((n, p) => n + files.get(p)!, 0);
  const progress = new ProgressTracker(opts.onProgress, paths.length, total * 2);
  progress.set({ phase: 'checking' });
  const listed: ManifestFile[] = [];
  for (const path of paths) {
    const h = await streamingSha256();
    for await (const c of chunksOf(store, path, files.get(path)!, chunkSize, signal)) {
      h.update(c);
      progress.bytes(c.length, path);
    }
    listed.push({ path, size: files.get(path)!, sha256: h.hex() });
  }
  const manifest: ZipManifest = { format: 'duckpond-snapshot', version: 1, ...(opts.pondId ? { pondId: opts.pondId } : {}), ...(opts.pondName ? { pondName: opts.pondName } : {}), created: new Date().toISOString(), files: listed };

  let queue: Uint8Array[] = [];
  let failure: Error | undefined;
  const zip = new Zip((err, chunk) => {
    if (err) failure = err;
    else queue.push(chunk);
  });
  const drain = function* (): Generator<Uint8Array> {
    if (failure) throw new PondError('INTERNAL', `zip export failed: ${failure.message}`, { cause: failure });
    const q = queue;
    queue = [];
    yield* q;
  };
  const m = new ZipDeflate(MANIFEST_NAME, { level: 6 });
  zip.add(m);
  m.push(new TextEncoder().encode(JSON.stringify(manifest, null, 1)), true);
  yield* drain();

  progress.set({ phase: 'sending' });
  for (const f of listed) {
    // Blobs and Parquet are compressed already: storing them saves CPU; JSON commits shrink well.
    const kind = classifyPondPath(f.path);
    const entry = kind === 'log' || kind === 'checkpoint' ? new ZipDeflate(f.path, { level: 6 }) : new ZipPassThrough(f.path);
    zip.add(entry);
    const h = await streamingSha256();
    let sent = 0;
    for await (const c of chunksOf(store, f.path, f.size, chunkSize, signal)) {
      h.update(c);
      sent += c.length;
      entry.push(c, sent === f.size);
      progress.bytes(c.length, f.path);
      yield* drain();
    }
    if (f.size === 0) entry.push(new Uint8Array(0), true);
    if (h.hex() !== f.sha256) throw new PondError('CONFLICT', `${f.path} changed while the zip was being written; export again`, { detail: { path: f.path } });
    progress.file(f.path);
    yield* drain();
  }
  zip.end();
  yield* drain();
  progress.set({ phase: 'done' });
}

/** The zip as a ReadableStream (pull-driven: nothing is read from the store until the consumer asks). */
export function exportZip(store: Store, opts: ZipExportOptions = {}): ReadableStream<Uint8Array> {
  const it = zipChunks(store, opts);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await it.next();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (e) {
        controller.error(e);
      }
    },
    async cancel() {
      await it.return(undefined);
    },
  }, { highWaterMark: 1 });
}
