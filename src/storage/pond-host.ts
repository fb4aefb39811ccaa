// Where ponds live: one folder per pond id under `ponds/` in OPFS (or in memory for unit tests).
import { PondError } from '../core/errors';
import type { Store } from '../core/store';
import { MemoryStore } from './memory-store';
import { OpfsStore } from './opfs-store';

export interface PondHost {
  listPondIds(): Promise<string[]>;
  openStore(pondId: string): Promise<Store>;
  removePond(pondId: string): Promise<void>;
}

const POND_ID = /^[0-9a-f-]{36}$/;

function checkId(id: string): string {
  if (!POND_ID.test(id)) throw new PondError('INVALID_INPUT', `${JSON.stringify(id)} is not a pond id`);
  return id;
}

/** Ponds in the Origin Private File System (pond worker only). */
export class OpfsPondHost implements PondHost {
  constructor(private readonly folder = 'ponds') {}

  async listPondIds(): Promise<string[]> {
    const root = await navigator.storage.getDirectory();
    let dir: FileSystemDirectoryHandle;
    try {
      dir = await root.getDirectoryHandle(this.folder);
    } catch {
      return []; // no folder yet: no ponds (any other failure shows at openStore)
    }
    const ids: string[] = [];
    for await (const [name, handle] of dir.entries()) if (handle.kind === 'directory' && POND_ID.test(name)) ids.push(name);
    return ids.sort();
  }

  openStore(pondId: string): Promise<Store> {
    return OpfsStore.open(`${this.folder}/${checkId(pondId)}`);
  }

  async removePond(pondId: string): Promise<void> {
    const root = await navigator.storage.getDirectory();
    const dir = await root.getDirectoryHandle(this.folder, { create: true });
    await dir.removeEntry(checkId(pondId), { recursive: true }).catch((e: { name?: string }) => {
      if (e?.name !== 'NotFoundError') throw e;
    });
  }
}

/** Ponds in memory, for unit tests of everything above the store. */
export class MemoryPondHost implements PondHost {
  readonly stores = new Map<string, MemoryStore>();

  async listPondIds(): Promise<string[]> {
    return [...this.stores.keys()].sort();
  }

  async openStore(pondId: string): Promise<Store> {
    let s = this.stores.get(checkId(pondId));
    if (!s) this.stores.set(pondId, (s = new MemoryStore()));
    return s;
  }

  async removePond(pondId: string): Promise<void> {
    this.stores.delete(pondId);
  }
}
