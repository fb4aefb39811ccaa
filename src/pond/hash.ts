// SHA-256 for content addressing. WebCrypto (native, SHA-NI) for whole buffers; hash-wasm for streams,
// because WebCrypto cannot hash incrementally.
import { createSHA256, type IHasher } from 'hash-wasm';

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return toHex(new Uint8Array(digest));
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** An incremental hasher for content that arrives in chunks. */
export async function streamingSha256(): Promise<{ update(chunk: Uint8Array): void; hex(): string }> {
  const h: IHasher = await createSHA256();
  h.init();
  return { update: (chunk) => void h.update(chunk), hex: () => h.digest('hex') };
}
