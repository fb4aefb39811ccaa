// Which ponds on this device follow a remote (a replica kept up to date by pull), and when each last pulled: a device
// setting, so it lives in IndexedDB, never inside the pond (its backup must not make every copy a follower).
import { openDB, type IDBPDatabase } from 'idb';

export interface FollowSetting {
  remote: string;
  everySeconds: number;
  /** When the last pull succeeded (ms since the epoch), and what the last attempt's failure was, if it failed. */
  lastPulled?: number;
  lastError?: string;
}

export interface FollowSettings {
  get(pondId: string): Promise<FollowSetting | undefined>;
  set(pondId: string, setting: FollowSetting | undefined): Promise<void>;
}

export class IdbFollowSettings implements FollowSettings {
  private db: Promise<IDBPDatabase> | undefined;
  // Its own database, as remotes.ts has: sharing 'duckpond-settings' would need coordinated upgrades.
  private open(): Promise<IDBPDatabase> {
    this.db ??= openDB('duckpond-follow', 1, { upgrade: (db) => void db.createObjectStore('follow') });
    return this.db;
  }
  async get(pondId: string): Promise<FollowSetting | undefined> {
    return ((await (await this.open()).get('follow', pondId)) as FollowSetting | undefined) ?? undefined;
  }
  async set(pondId: string, setting: FollowSetting | undefined): Promise<void> {
    const db = await this.open();
    if (setting) await db.put('follow', setting, pondId);
    else await db.delete('follow', pondId);
  }
}

export class MemoryFollowSettings implements FollowSettings {
  private readonly saved = new Map<string, FollowSetting>();
  async get(pondId: string) { const s = this.saved.get(pondId); return s ? { ...s } : undefined; }
  async set(pondId: string, setting: FollowSetting | undefined) { if (setting) this.saved.set(pondId, { ...setting }); else this.saved.delete(pondId); }
}
