// Which remotes push a pond by themselves on this device, and what each knows of its backup: the last version it saw
// arrive there, when, and the last failure. A device setting (IndexedDB), never inside the pond: a restored copy must
// not push to its producer's bucket by itself. The pushed version is what the UI counts "not backed up" from; the
// push itself never trusts it (it compares with the bucket's listing), so a stale one costs nothing but a number.
import { openDB, type IDBPDatabase } from 'idb';

export interface AutoPushSetting {
  remote: string;
  /** The newest version known to be in the backup (all commits up to it are there). */
  pushedVersion?: number;
  /** When that was last found true (ms since the epoch). */
  lastPushed?: number;
  /** The last failed push's words, until a push succeeds. */
  lastError?: string;
  /** Set when a CONFLICT stopped auto-push: why, in words. Turning it on again clears it. */
  stopped?: string;
}

export interface AutoPushSettings {
  /** The pond's auto-pushing remotes, by name. */
  get(pondId: string): Promise<AutoPushSetting[]>;
  put(pondId: string, setting: AutoPushSetting): Promise<void>;
  delete(pondId: string, remote: string): Promise<void>;
  /** Forgets a remote for every pond (the remote was removed from this device). */
  deleteRemote(remote: string): Promise<void>;
  /** Forgets a pond (it was deleted from this device). */
  deletePond(pondId: string): Promise<void>;
}

// Pond ids are UUIDs and remote names never hold '/': the key sorts a pond's remotes together.
const key = (pondId: string, remote: string) => `${pondId}/${remote}`;

export class IdbAutoPushSettings implements AutoPushSettings {
  private db: Promise<IDBPDatabase> | undefined;
  // Its own database, as follow-settings.ts has: sharing one would need coordinated upgrades.
  private open(): Promise<IDBPDatabase> {
    this.db ??= openDB('duckpond-auto-push', 1, { upgrade: (db) => void db.createObjectStore('auto-push') });
    return this.db;
  }
  private range(pondId: string): IDBKeyRange {
    return IDBKeyRange.bound(`${pondId}/`, `${pondId}/\uffff`);
  }
  async get(pondId: string): Promise<AutoPushSetting[]> {
    return (await (await this.open()).getAll('auto-push', this.range(pondId))) as AutoPushSetting[];
  }
  async put(pondId: string, setting: AutoPushSetting): Promise<void> {
    await (await this.open()).put('auto-push', setting, key(pondId, setting.remote));
  }
  async delete(pondId: string, remote: string): Promise<void> {
    await (await this.open()).delete('auto-push', key(pondId, remote));
  }
  async deleteRemote(remote: string): Promise<void> {
    const db = await this.open();
    for (const k of await db.getAllKeys('auto-push')) if (String(k).endsWith(`/${remote}`)) await db.delete('auto-push', k);
  }
  async deletePond(pondId: string): Promise<void> {
    await (await this.open()).delete('auto-push', this.range(pondId));
  }
}

export class MemoryAutoPushSettings implements AutoPushSettings {
  private readonly saved = new Map<string, AutoPushSetting>();
  async get(pondId: string) { return [...this.saved.entries()].filter(([k]) => k.startsWith(`${pondId}/`)).map(([, s]) => ({ ...s })); }
  async put(pondId: string, s: AutoPushSetting) { this.saved.set(key(pondId, s.remote), { ...s }); }
  async delete(pondId: string, remote: string) { this.saved.delete(key(pondId, remote)); }
  async deleteRemote(remote: string) { for (const k of [...this.saved.keys()]) if (k.endsWith(`/${remote}`)) this.saved.delete(k); }
  async deletePond(pondId: string) { for (const k of [...this.saved.keys()]) if (k.startsWith(`${pondId}/`)) this.saved.delete(k); }
}
