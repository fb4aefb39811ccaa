// lib.dom lacks these parts of the File System Access / OPFS API that Chromium ships.
interface FileSystemSyncAccessHandleOptions { mode?: 'readwrite' | 'read-only' | 'readwrite-unsafe' }
interface FileSystemFileHandle {
  createSyncAccessHandle(options?: FileSystemSyncAccessHandleOptions): Promise<FileSystemSyncAccessHandle>;
  move(destination: FileSystemDirectoryHandle, newName?: string): Promise<void>;
  move(newName: string): Promise<void>;
}
interface FileSystemDirectoryHandle {
  entries(): AsyncIterableIterator<[string, FileSystemFileHandle | FileSystemDirectoryHandle]>;
  keys(): AsyncIterableIterator<string>;
}
