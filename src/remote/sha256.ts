// SHA-256 helpers: WebCrypto for whole buffers (fast, native), hash-wasm for streams (WebCrypto has no incremental API).
import { createSHA256 } from 'hash-wasm';

/** Hex SHA-256 of a whole buffer. */
export async function sha256Hex(data: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>);
  return bytesToHex(new Uint8Array(digest));
}

/** An incremental SHA-256 for data that arrives in chunks. */
export interface StreamingSha256 {
  update(chunk: Uint8Array): void;
  /** Hex digest; the hasher cannot be used afterwards. */
  digestHex(): string;
}

export async function createStreamingSha256(): Promise<StreamingSha256> {
  const h = await createSHA256();
  h.init();
  return {
    update: (chunk) => void h.update(chunk),
    digestHex: () => h.digest('hex'),
  };
}

export function bytesToHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}


export function isSha256Hex(s: unknown): s is string {
  return typeof s === 'string' && /^[0-9a-f]{64}$/.test(s);
}
