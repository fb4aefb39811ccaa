// Where ponds live: one folder per pond id under `ponds/` in OPFS (or in memory for unit tests).
// A folder is a pond once its first commit is there: an import or restore moves commit 0 in last, so a folder without
// it is one being made (or one a closed tab left half made) and is not listed.
import { PondError } from '../core/errors';
import type { Store } from '../core/store';
import { MemoryStore } from './memory-store';
import { OpfsStore } from './opfs-store';

/** The first commit's file: its presence is what makes a pond folder a pond (see oplog/delta-log.ts logPath(0)). */
const FIRST_COMMIT = ['_delta_log', '00000000000000000000.json'] as const;

export interface PondHost {
  /** Pond folders that hold a pond (their first commit is there). */
  listPondIds(): Promise<string[]>;
  /** Pond folders without a first commit: being created, imported or restored, or left so by a tab that died. */
  listIncompletePondIds(): Promise<string[]>;
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
    return (await this.folders()).filter((f) => f.complete).map((f) => f.id);
  }

  async listIncompletePondIds(): Promise<string[]> {
    return (await this.folders()).filter((f) => !f.complete).map((f) => f.id);
  }

  private async folders(): Promise<{ id: string; complete: boolean }[]> {
    const root = await navigator.storage.getDirectory();
    let dir: FileSystemDirectoryHandle;
    try {
      dir = await root.getDirectoryHandle(this.folder);
    } catch {
      return []; // no folder yet: no ponds (any other failure shows at openStore)
    }
    const out: { id: string; complete: boolean }[] = [];
    for await (const [name, handle] of dir.entries()) {
      if (handle.kind !== 'directory' || !POND_ID.test(name)) continue;
      out.push({ id: name, complete: await hasFirstCommit(handle as FileSystemDirectoryHandle) });
    }
    return out.sort((a, b) => (a.id < b.id ? -1 : 1));
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

async function hasFirstCommit(pond: FileSystemDirectoryHandle): Promise<boolean> {
  try {
    await (await pond.getDirectoryHandle(FIRST_COMMIT[0])).getFileHandle(FIRST_COMMIT[1]);
    return true;
  } catch (e) {
    if ((e as { name?: string })?.name === 'NotFoundError') return false; // no log folder or no commit 0 yet
    throw e;
  }
}

/** Ponds in memory, for unit tests of everything above the store. */
export class MemoryPondHost implements PondHost {
  readonly stores = new Map<string, MemoryStore>();

  async listPondIds(): Promise<string[]> {
    return (await this.folders()).filter((f) => f.complete).map((f) => f.id);
  }

  async listIncompletePondIds(): Promise<string[]> {
    return (await this.folders()).filter((f) => !f.complete).map((f) => f.id);
  }

  private async folders(): Promise<{ id: string; complete: boolean }[]> {
    const out: { id: string; complete: boolean }[] = [];
    for (const [id, s] of this.stores) out.push({ id, complete: (await s.size(FIRST_COMMIT.join('/'))) !== undefined });
    return out.sort((a, b) => (a.id < b.id ? -1 : 1));
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
