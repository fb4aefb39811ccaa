// Which origins the app may connect to besides its own: one entry per source of configuration ("remote:NAME" for an
// S3 remote and its presign endpoint, "pond:ID" for the HydroVu servers configured in a pond). The pond worker writes
// it whenever that configuration changes; the service worker reads it to build the network worker's
// Content-Security-Policy (src/core/csp.ts), and the network fetch (net-fetch.ts) to know when that policy is stale.
import { openDB, type IDBPDatabase } from 'idb';
import { isConnectOrigin } from '../../core/csp';
import { PondError } from '../../core/errors';

export interface ConnectOrigins {
  /** Replaces what `source` allows (an empty list removes it). */
  set(source: string, origins: readonly string[]): Promise<void>;
  /** Every allowed origin, sorted, without duplicates. */
  all(): Promise<string[]>;
  /** How many times set() was called through this object: a cheap "has my configuration changed" for net-fetch.ts. */
  readonly changes: number;
}

/** The origins of configured URLs, checked (https, or http on localhost) and without duplicates. */
export function originsOf(urls: readonly string[]): string[] {
  return [...new Set(urls.map(connectOriginOf))].sort();
}

/** The origin a configured URL connects to, as a CSP source; INVALID_INPUT naming the URL when it cannot be one. */
export function connectOriginOf(url: string): string {
  let origin: string;
  try {
    origin = new URL(url).origin;
  } catch {
    throw new PondError('INVALID_INPUT', `not a URL: ${JSON.stringify(url)}`, { detail: { url } });
  }
  if (!isConnectOrigin(origin)) throw new PondError('INVALID_INPUT', `cannot allow connections to ${JSON.stringify(url)}: use an https URL (or http on localhost)`, { detail: { url } });
  return origin;
}

const DB = 'duckpond-connect';
const STORE = 'origins';

/** IndexedDB: its own database, so the service worker can open it without knowing the settings' schema. */
export class IdbConnectOrigins implements ConnectOrigins {
  private db: Promise<IDBPDatabase> | undefined;
  changes = 0;

  private open(): Promise<IDBPDatabase> {
    this.db ??= openDB(DB, 1, { upgrade: (db) => void db.createObjectStore(STORE) });
    return this.db;
  }

  async set(source: string, origins: readonly string[]): Promise<void> {
    const db = await this.open();
    if (origins.length === 0) await db.delete(STORE, source);
    else await db.put(STORE, [...origins], source);
    this.changes++;
  }

  async all(): Promise<string[]> {
    const lists: unknown[] = await (await this.open()).getAll(STORE);
    return merge(lists);
  }
}

export class MemoryConnectOrigins implements ConnectOrigins {
  private readonly bySource = new Map<string, string[]>();
  changes = 0;
  async set(source: string, origins: readonly string[]) {
    if (origins.length === 0) this.bySource.delete(source);
    else this.bySource.set(source, [...origins]);
    this.changes++;
  }
  async all() { return merge([...this.bySource.values()]); }
}

/** Stored lists merged; anything that is not a clean origin is dropped (the database is only as trusted as the page). */
function merge(lists: unknown[]): string[] {
  const out = new Set<string>();
  for (const list of lists) {
    if (!Array.isArray(list)) continue;
    for (const o of list) if (typeof o === 'string' && isConnectOrigin(o)) out.add(o); // others left out: the safe side
  }
  return [...out].sort();
}
