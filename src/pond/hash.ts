// SHA-256 for content addressing. WebCrypto (native, SHA-NI) for whole buffers; hash-wasm for streams,
// because WebCrypto cannot hash incrementally.
import { createSHA256, type IHasher } from 'hash-wasm';
import { SHA256_HEX } from './layout';

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return toHex(new Uint8Array(digest));
}

/** True for a lower-case hex SHA-256 (64 characters), the form blob names and hash headers use. */
export function isSha256Hex(s: unknown): s is string {
  return typeof s === 'string' && SHA256_HEX.test(s);
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** Below this, posting the bytes to another thread costs more than it saves. */
const PARALLEL_MIN_BYTES = 8 * 1024 * 1024;
let hashWorker: Worker | undefined;
let nextId = 0;
const pending = new Map<number, { resolve: (hex: string) => void; reject: (e: Error) => void }>();

/**
 * SHA-256 of large content on a helper thread, so the caller can write the same bytes meanwhile (Chromium's
 * digest blocks the thread that calls it). Falls back to the calling thread where there are no workers (node).
 */
export function sha256HexInParallel(bytes: Uint8Array): Promise<string> {
  if (typeof Worker === 'undefined' || bytes.length < PARALLEL_MIN_BYTES) return sha256Hex(bytes);
  return onHashWorker({ bytes }); // a copy: the caller still writes these bytes
}

/**
 * SHA-256 of a Blob (a host file), streamed: on the helper thread where there is one, so an import that reads the
 * same file meanwhile loses no time to it (a Blob crosses threads without copying its bytes).
 */
export async function sha256OfBlob(blob: Blob): Promise<string> {
  if (typeof Worker === 'undefined') return streamSha256(blob);
  return onHashWorker({ blob });
}

/** Hashes a Blob on this thread, in the chunks its stream gives. */
export async function streamSha256(blob: Blob): Promise<string> {
  const h = await streamingSha256();
  const reader = blob.stream().getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) h.update(r.value);
  return h.hex();
}

function onHashWorker(job: { bytes: Uint8Array } | { blob: Blob }): Promise<string> {
  if (!hashWorker) {
    hashWorker = new Worker(new URL('../../workers/hash.worker.ts', import.meta.url), { type: 'module', name: 'hash' });
    hashWorker.onmessage = (e: MessageEvent<{ id: number; hex?: string; error?: string }>) => {
      const p = pending.get(e.data.id);
      pending.delete(e.data.id);
      if (e.data.hex) p?.resolve(e.data.hex);
      else p?.reject(new Error(`hashing failed: ${e.data.error}`));
    };
    hashWorker.onerror = (e) => {
      for (const p of pending.values()) p.reject(new Error(`the hash worker failed: ${e.message}`));
      pending.clear();
      hashWorker = undefined; // a later call starts a fresh one
    };
  }
  const id = ++nextId;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    hashWorker!.postMessage({ id, ...job });
  });
}

/** An incremental hasher for content that arrives in chunks. */
export async function streamingSha256(): Promise<{ update(chunk: Uint8Array): void; hex(): string }> {
  const h: IHasher = await createSHA256();
  h.init();
  return { update: (chunk) => void h.update(chunk), hex: () => h.digest('hex') };
}
