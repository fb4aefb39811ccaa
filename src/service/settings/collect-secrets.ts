// Collector secrets (the HydroVu client secret): kept in IndexedDB of this browser, never in the pond, so a backup,
// a zip snapshot or an export never carries them. Keyed by pond id and node path.
import { openDB, type IDBPDatabase } from 'idb';

export interface SecretStore {
  get(pondId: string, nodePath: string): Promise<string | undefined>;
  set(pondId: string, nodePath: string, secret: string): Promise<void>;
  delete(pondId: string, nodePath: string): Promise<void>;
}

const key = (pondId: string, nodePath: string) => `${pondId}\u0000${nodePath}`;

/** The browser's store: its own database, apart from settings, so clearing one never clears the other. */
export class IdbSecretStore implements SecretStore {
  private db: Promise<IDBPDatabase> | undefined;

  constructor(private readonly dbName = 'duckpond-secrets') {}

  private open(): Promise<IDBPDatabase> {
    this.db ??= openDB(this.dbName, 1, { upgrade: (db) => void db.createObjectStore('secrets') });
    return this.db;
  }

  async get(pondId: string, nodePath: string): Promise<string | undefined> {
    const v: unknown = await (await this.open()).get('secrets', key(pondId, nodePath));
    return typeof v === 'string' ? v : undefined;
  }

  async set(pondId: string, nodePath: string, secret: string): Promise<void> {
    await (await this.open()).put('secrets', secret, key(pondId, nodePath));
  }

  async delete(pondId: string, nodePath: string): Promise<void> {
    await (await this.open()).delete('secrets', key(pondId, nodePath));
  }
}

/** For node tests and services without IndexedDB. */
export class MemorySecretStore implements SecretStore {
  private readonly secrets = new Map<string, string>();
  async get(pondId: string, nodePath: string) { return this.secrets.get(key(pondId, nodePath)); }
  async set(pondId: string, nodePath: string, secret: string) { this.secrets.set(key(pondId, nodePath), secret); }
  async delete(pondId: string, nodePath: string) { this.secrets.delete(key(pondId, nodePath)); }
}
