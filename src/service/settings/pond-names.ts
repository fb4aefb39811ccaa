// Display names of ponds: a UI setting, so it lives in IndexedDB, never inside the pond.
import { openDB, type IDBPDatabase } from 'idb';

export interface PondNames {
  all(): Promise<Map<string, string>>;
  set(id: string, name: string): Promise<void>;
  delete(id: string): Promise<void>;
}

export class IdbPondNames implements PondNames {
  private db: Promise<IDBPDatabase> | undefined;

  private open(): Promise<IDBPDatabase> {
    this.db ??= openDB('duckpond-settings', 1, { upgrade: (db) => void db.createObjectStore('pond-names') });
    return this.db;
  }

  async all(): Promise<Map<string, string>> {
    const db = await this.open();
    const [keys, values] = await Promise.all([db.getAllKeys('pond-names'), db.getAll('pond-names')]);
    return new Map(keys.map((k, i) => [String(k), String(values[i])]));
  }

  async set(id: string, name: string): Promise<void> {
    await (await this.open()).put('pond-names', name, id);
  }

  async delete(id: string): Promise<void> {
    await (await this.open()).delete('pond-names', id);
  }
}

export class MemoryPondNames implements PondNames {
  private readonly names = new Map<string, string>();
  async all() { return new Map(this.names); }
  async set(id: string, name: string) { this.names.set(id, name); }
  async delete(id: string) { this.names.delete(id); }
}
