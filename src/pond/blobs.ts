// Content storage: small content goes inline into the oplog row, content of INLINE_LIMIT bytes and more into
// an immutable blob named by its SHA-256. Blobs are written to tmp/ and moved into place, and writing one that
// exists already is skipped (same name = same bytes), so a crashed or repeated write is harmless.
import { INLINE_LIMIT } from '../core/entry';
import { PondError, throwIfAborted } from '../core/errors';
import type { Store } from '../core/store';
import type { PreparedContent } from '../tinyfs/wd';
import { sha256Hex, sha256HexInParallel, streamingSha256 } from './hash';
import { blobPath, tmpPath } from './layout';

export type ContentSource = Uint8Array | Blob | AsyncIterable<Uint8Array>;

export interface ContentOptions {
  signal?: AbortSignal;
  onProgress?: (bytesDone: number, bytesTotal: number | undefined) => void;
  newId: () => string;
}

const CHUNK = 4 * 1024 * 1024;
/** Up to this size a Blob is read whole, so the native (and parallel) WebCrypto hash can be used. */
const WHOLE_READ_LIMIT = 256 * 1024 * 1024;

/** Stores content and describes it (inline bytes, or blob hash and size). */
export async function storeContent(store: Store, source: ContentSource, opts: ContentOptions): Promise<PreparedContent> {
  if (source instanceof Uint8Array) return storeBytes(store, source, opts);
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    if (source.size <= WHOLE_READ_LIMIT) return storeBytes(store, new Uint8Array(await source.arrayBuffer()), opts);
    return storeStream(store, blobChunks(source), source.size, opts);
  }
  return storeStream(store, source as AsyncIterable<Uint8Array>, undefined, opts);
}

async function storeBytes(store: Store, bytes: Uint8Array, opts: ContentOptions): Promise<PreparedContent> {
  if (bytes.length < INLINE_LIMIT) return { inline: bytes, sha256: await sha256Hex(bytes), size: bytes.length };
  // Start the hash first, on another thread for large content, so it runs while the chunks are written below.
  const hashing = sha256HexInParallel(bytes);
  const tmp = tmpPath(opts.newId());
  const writer = await store.createWriter(tmp);
  try {
    for (let at = 0; at < bytes.length; at += CHUNK) {
      throwIfAborted(opts.signal, 'writing content');
      await writer.write(bytes.subarray(at, Math.min(at + CHUNK, bytes.length)));
      opts.onProgress?.(Math.min(at + CHUNK, bytes.length), bytes.length);
    }
    await writer.close();
  } catch (e) {
    await writer.abort().catch(() => undefined); // the original error matters more than a failed clean-up
    throw e;
  }
  return placeBlob(store, tmp, await hashing, bytes.length);
}

async function storeStream(store: Store, chunks: AsyncIterable<Uint8Array>, total: number | undefined, opts: ContentOptions): Promise<PreparedContent> {
  const sink = await ContentSink.open(store, opts.newId);
  let size = 0;
  try {
    for await (const chunk of chunks) {
      throwIfAborted(opts.signal, 'writing content');
      await sink.write(chunk);
      size += chunk.length;
      opts.onProgress?.(size, total);
    }
    return await sink.finish();
  } catch (e) {
    await sink.abort().catch(() => undefined); // the original error matters more than a failed clean-up
    throw e;
  }
}

/**
 * Push-style content: for producers that emit chunks as they go (a CSV import writing Parquet row group by row
 * group). Small content stays in memory and ends inline; large content streams into a blob while it is hashed,
 * so a 1 GB import never holds its output whole.
 */
export class ContentSink {
  private head: Uint8Array[] = [];
  private size = 0;
  private writer: Awaited<ReturnType<Store['createWriter']>> | undefined;
  private readonly tmp: string;

  private constructor(private readonly store: Store, private readonly hasher: Awaited<ReturnType<typeof streamingSha256>>, newId: () => string) {
    this.tmp = tmpPath(newId());
  }

  static async open(store: Store, newId: () => string): Promise<ContentSink> {
    return new ContentSink(store, await streamingSha256(), newId);
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.hasher.update(chunk);
    this.size += chunk.length;
    if (this.writer) return this.writer.write(chunk);
    this.head.push(chunk.slice()); // the producer may reuse its buffer
    if (this.size < INLINE_LIMIT) return;
    this.writer = await this.store.createWriter(this.tmp);
    for (const h of this.head) await this.writer.write(h);
    this.head = [];
  }

  /** The stored content's description; the sink cannot be written after this. */
  async finish(): Promise<PreparedContent> {
    if (!this.writer) return { inline: concat(this.head, this.size), sha256: this.hasher.hex(), size: this.size };
    await this.writer.close();
    return placeBlob(this.store, this.tmp, this.hasher.hex(), this.size);
  }

  /** Drops what was written (the import failed or was cancelled). */
  async abort(): Promise<void> {
    await this.writer?.abort();
  }
}

async function placeBlob(store: Store, tmp: string, sha256: string, size: number): Promise<PreparedContent> {
  const path = blobPath(sha256);
  if ((await store.size(path)) === size) await store.remove(tmp);
  else await store.move(tmp, path);
  return { inline: null, sha256, size };
}

async function* blobChunks(blob: Blob): AsyncIterable<Uint8Array> {
  for (let at = 0; at < blob.size; at += CHUNK) yield new Uint8Array(await blob.slice(at, at + CHUNK).arrayBuffer());
}

function concat(parts: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/** Reads a version's content: inline, or its blob, checking the blob's hash (a corrupt blob is never returned). */
export async function loadContent(store: Store, v: { inline: Uint8Array | null; sha256: string | null; size: number }, what: string): Promise<Uint8Array> {
  if (v.inline) return v.inline.slice(); // a copy: the state's bytes may be a view of a larger buffer (state snapshot)
  if (!v.sha256) return new Uint8Array();
  const path = blobPath(v.sha256);
  let bytes: Uint8Array;
  try {
    bytes = await store.read(path);
  } catch (e) {
    throw new PondError('CORRUPT', `${what}: its content ${path} is missing`, { cause: e, detail: { path } });
  }
  const actual = await sha256Hex(bytes);
  if (actual !== v.sha256) {
    throw new PondError('CORRUPT', `${what}: content ${path} does not match recorded hash (got ${actual.slice(0, 12)}…)`, { detail: { path, expected: v.sha256, actual } });
  }
  return bytes;
}
