// SHA-256 of many small buffers (inline row content: a compacted 10 000-row oplog file holds 10 000 of them). One
// reused hash-wasm hasher, synchronous per buffer: a WebCrypto digest per row costs a promise and a thread hop each
// (measured: about 0.5 s for 10 000 rows in a loaded worker, most of a quick fsck).
import { createSHA256, type IHasher } from 'hash-wasm';

let hasher: Promise<IHasher> | undefined;

export async function smallSha256Hex(bytes: Uint8Array): Promise<string> {
  const h = await (hasher ??= createSHA256());
  h.init();
  h.update(bytes);
  return h.digest('hex');
}
