// Fetches one backup object as a stream, hashing as it goes, and checks it against everything recorded about it.
import { PondError, isPondError } from '../core/errors';
import type { Store, StoreWriter } from '../core/store';
import { blobHashOf } from './layout';
import type { S3Remote } from './s3-client';
import { streamingSha256, isSha256Hex } from '../pond/hash';

export interface CheckedObject {
  sha256: string;
  size: number;
}

/**
 * Downloads `key` (pond path `path`), optionally into `writer`, and returns its hash; throws CORRUPT naming
 * the key when the bytes disagree with the listed size, the recorded `x-amz-meta-sha256`, or a blob's name.
 */
export async function downloadChecked(
  remote: S3Remote, key: string, path: string, listedSize: number, writer: StoreWriter | undefined,
  signal: AbortSignal | undefined, onBytes: (n: number) => void, stallMs = STALL_MS, sizeFrom = 'the bucket listing',
  sizeIsLimit = false,
): Promise<CheckedObject> {
  const res = await remote.get(key, signal);
  const recorded = res.headers.get('x-amz-meta-sha256');
  const hasher = await streamingSha256();
  let size = 0;
  const reader = res.body?.getReader();
  if (reader) {
    for (;;) {
      const { done, value } = await readWithin(reader, stallMs, key);
      if (done) break;
      size += value.length;
      // The listing bounds the download: a server that keeps sending cannot fill the tablet.
      if (size > listedSize) {
        await reader.cancel().catch(() => undefined);
        throw corrupt(key, path, `is longer than the ${listedSize} bytes ${sizeFrom} gives`);
      }
      hasher.update(value);
      if (writer) await writer.write(value);
      onBytes(value.length);
    }
  }
  const sha256 = hasher.hex();
  if (size !== listedSize && !sizeIsLimit) throw corrupt(key, path, `has ${size} bytes, ${sizeFrom} says ${listedSize}`);
  if (recorded === null) {
    throw corrupt(key, path, 'carries no x-amz-meta-sha256 (not pushed by DuckPond, or the bucket CORS rule does not expose x-amz-meta-sha256)');
  }
  if (!isSha256Hex(recorded)) throw corrupt(key, path, `has a malformed recorded hash "${String(recorded).slice(0, 80)}"`);
  if (recorded !== sha256) throw corrupt(key, path, `content hash ${sha256} differs from the recorded ${recorded}`);
  const named = blobHashOf(path);
  // The snapshot validator's rule, named here because this is where a restore meets it first.
  if (named && named !== sha256) throw corrupt(key, path, `content hash ${sha256} differs from the blob's name: it does not match recorded hash`, 'blob-hash');
  return { sha256, size };
}

/**
 * Downloads `key` (pond path `path`) to `target` in `store`, checked as downloadChecked does (`sizeFrom` says where
 * `listedSize` comes from, for the error); a download that stalls
 * (STALLED: no data for a while) is tried again from the start, twice at most. A failed attempt leaves no file.
 */
export async function downloadToStore(
  remote: S3Remote, key: string, path: string, listedSize: number, store: Store, target: string,
  signal: AbortSignal | undefined, onBytes: (n: number) => void, sizeFrom?: string,
): Promise<CheckedObject> {
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw new PondError('ABORTED', `download of ${key} was cancelled`, { cause: signal.reason });
    const writer = await store.createWriter(target);
    try {
      const got = await downloadChecked(remote, key, path, listedSize, writer, signal, onBytes, STALL_MS, sizeFrom);
      await writer.close();
      return got;
    } catch (e) {
      await writer.abort().catch(() => undefined); // the error that matters is e; a failed abort leaves only tmp/ garbage
      if (!isPondError(e, 'STALLED') || attempt >= 3) throw e;
    }
  }
}

/** As downloadToStore, into memory: for objects small enough to hold (a pull's commits, oplog files, small blobs). */
export async function downloadBytes(
  remote: S3Remote, key: string, path: string, listedSize: number, signal: AbortSignal | undefined, onBytes: (n: number) => void, sizeFrom?: string,
): Promise<CheckedObject & { bytes: Uint8Array }> {
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw new PondError('ABORTED', `download of ${key} was cancelled`, { cause: signal.reason });
    const memory = memoryWriter();
    try {
      const got = await downloadChecked(remote, key, path, listedSize, memory.writer, signal, onBytes, STALL_MS, sizeFrom);
      return { ...got, bytes: memory.bytes(got.size) };
    } catch (e) {
      if (!isPondError(e, 'STALLED') || attempt >= 3) throw e;
    }
  }
}

/**
 * `key` fetched before anything says it exists or how big it is (a pull asks for the next commits while it lists
 * them): at most `limit` bytes, checked against its recorded hash as any download; null when that did not work out.
 * The caller compares its size with the listing's before using it, and fetches it the usual way when null.
 */
export async function downloadProbe(
  remote: S3Remote, key: string, path: string, limit: number, signal: AbortSignal | undefined,
): Promise<(CheckedObject & { bytes: Uint8Array }) | null> {
  const memory = memoryWriter();
  let got: CheckedObject;
  try {
    got = await downloadChecked(remote, key, path, limit, memory.writer, signal, () => undefined, STALL_MS, 'the limit for a guessed commit', true);
  } catch (e) {
    if (signal?.aborted) throw e;
    // A probe is a guess: whatever it met (no such commit yet, one bigger than `limit`, a bad body) is met again, and
    // reported, by the download the listing then asks for, or does not matter when the listing does not name it.
    return null;
  }
  return { ...got, bytes: memory.bytes(got.size) };
}

/** A writer that keeps what it is given in memory; `bytes(size)` joins it (`size`: the total written). */
function memoryWriter(): { writer: StoreWriter; bytes(size: number): Uint8Array } {
  const chunks: Uint8Array[] = [];
  return {
    writer: { write: async (c) => void chunks.push(c.slice()), close: async () => undefined, abort: async () => undefined },
    bytes(size) {
      const out = new Uint8Array(size);
      let at = 0;
      for (const c of chunks) { out.set(c, at); at += c.length; }
      return out;
    },
  };
}

/**
 * How long a body may send nothing before the download counts as stalled. Seen in tests: a body stopped mid-way
 * with no error at all, and the restore waited forever; STALLED lets the caller retry the object.
 */
const STALL_MS = 20_000;

/** The next chunk, or STALLED (the body cancelled) when none comes within `ms`. */
async function readWithin(reader: ReadableStreamDefaultReader<Uint8Array>, ms: number, key: string): Promise<ReadableStreamReadResult<Uint8Array>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PondError('STALLED', `backup object ${key}: no data for ${ms / 1000} s`, { detail: { key } })), ms);
  });
  try {
    return await Promise.race([reader.read(), stalled]);
  } catch (e) {
    if (isPondError(e, 'STALLED')) await reader.cancel().catch(() => undefined); // the stream is given up either way
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

function corrupt(key: string, path: string, problem: string, rule?: string): PondError {
  return new PondError('CORRUPT', `backup object ${key} ${problem}${rule ? ` (rule ${rule})` : ''}`, { detail: { key, path, problem, ...(rule ? { rule } : {}) } });
}
