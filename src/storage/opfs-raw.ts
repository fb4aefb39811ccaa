// The benchmark baseline: what one durable "write new file, then move it into place" costs in OPFS with
// no abstraction at all (no path parsing, no handle cache, no error mapping). Worker only.
import { shortWriteError } from './opfs-store';

/** Opens (creating) `name` directly under the OPFS root: the scratch folder for rawOpfsWriteFlushMove. */
export async function openScratchDir(name = 'bench-scratch'): Promise<FileSystemDirectoryHandle> {
  return (await navigator.storage.getDirectory()).getDirectoryHandle(name, { create: true });
}

/**
 * Writes `bytes` to `<dir>/<name>.tmp` through a sync access handle (create, truncate(0), write, flush,
 * close), then moves it onto `<dir>/<name>`, replacing any earlier one. Returns the bytes written.
 * Errors are the raw DOMExceptions. Time it against OpfsStore.write + OpfsStore.move.
 */
export async function rawOpfsWriteFlushMove(dir: FileSystemDirectoryHandle, name: string, bytes: Uint8Array): Promise<number> {
  const tmp = await dir.getFileHandle(`${name}.tmp`, { create: true });
  const h = await tmp.createSyncAccessHandle();
  let written = 0;
  try {
    h.truncate(0);
    while (written < bytes.length) {
      const n = h.write(bytes.subarray(written), { at: written });
      // Chromium signals "out of quota" as a huge count (see shortWriteError), never as a throw.
      if (n > bytes.length - written || n <= 0) throw shortWriteError(n);
      written += n;
    }
    h.flush();
  } finally {
    h.close();
  }
  await tmp.move(dir, name);
  return written;
}
