// Hashes large content for the pond worker on another thread. In Chromium crypto.subtle.digest runs on the calling
// worker's thread, so hashing 100 MiB there would stop the blob's writes for its whole duration; a host file (a Blob)
// is streamed here while the import reads the same file.
import { sha256Hex, streamSha256 } from '../src/pond/hash';

self.onmessage = async (e: MessageEvent<{ id: number; bytes?: Uint8Array; blob?: Blob }>) => {
  const { id, bytes, blob } = e.data;
  try {
    const hex = blob ? await streamSha256(blob) : await sha256Hex(bytes!);
    (self as unknown as Worker).postMessage({ id, hex });
  } catch (err) {
    (self as unknown as Worker).postMessage({ id, error: String((err as Error)?.message ?? err) });
  }
};
