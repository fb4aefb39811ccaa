// Lays a pond's files straight into the app's OPFS folder (`ponds/<id>/`) from the test page, as an older version of
// the app or a crash could have left them: the pond worker then finds them like any pond on the device.
import type { MemoryStore } from '../../src/storage/memory-store';

async function dirAt(root: FileSystemDirectoryHandle, segments: string[]): Promise<FileSystemDirectoryHandle> {
  let dir = root;
  for (const s of segments) dir = await dir.getDirectoryHandle(s, { create: true });
  return dir;
}

/** Writes `files` (path → bytes) under `ponds/<pondId>/` in this origin's OPFS. */
export async function writePondFiles(pondId: string, files: Map<string, Uint8Array>): Promise<void> {
  const root = await dirAt(await navigator.storage.getDirectory(), ['ponds', pondId]);
  for (const [path, bytes] of files) {
    const parts = path.split('/');
    const dir = await dirAt(root, parts.slice(0, -1));
    const w = await (await dir.getFileHandle(parts[parts.length - 1]!, { create: true })).createWritable();
    await w.write(bytes as Uint8Array<ArrayBuffer>);
    await w.close();
  }
}

export async function copyStoreToOpfs(pondId: string, store: MemoryStore): Promise<void> {
  await writePondFiles(pondId, store.snapshot());
}

/** True when `ponds/<pondId>` exists in OPFS. */
export async function pondFolderExists(pondId: string): Promise<boolean> {
  const ponds = await (await navigator.storage.getDirectory()).getDirectoryHandle('ponds', { create: true });
  try {
    await ponds.getDirectoryHandle(pondId);
    return true;
  } catch (e) {
    if ((e as DOMException).name === 'NotFoundError') return false; // the one answer that means "not there"
    throw e;
  }
}
