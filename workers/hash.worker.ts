// Hashes large content for the pond worker on another thread. In Chromium crypto.subtle.digest runs on the calling
// worker's thread, so hashing 100 MiB there would stop the blob's writes for its whole duration.
import { sha256Hex } from '../src/pond/hash';

self.onmessage = async (e: MessageEvent<{ id: number; bytes: Uint8Array }>) => {
  const { id, bytes } = e.data;
  try {
    (self as unknown as Worker).postMessage({ id, hex: await sha256Hex(bytes) });
  } catch (err) {
    (self as unknown as Worker).postMessage({ id, error: String((err as Error)?.message ?? err) });
  }
};
