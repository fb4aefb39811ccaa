// Decoded pond versions kept inside DuckDB, one table per (file, version), so a series is decoded from Parquet
// once and then queried many times. Bounded by total rows and bytes; least recently used entries go first.
// When DuckDB works on a cache file (query-cache-file.ts), versions with a content hash are kept in it, named by
// that hash and recorded in version-catalog.ts, so they outlive the worker: a restart finds them decoded already.
import type { AsyncDuckDBConnection } from '@duckdb/duckdb-wasm';
import type { Schema, Table } from 'apache-arrow';
import { ident, queryError } from './sql';
import { isPersistentTableName, type VersionCatalog } from './version-catalog';

/** Limits of one engine's cache of decoded versions. */
export interface VersionCacheLimits {
  /** Total rows over all cached versions (default 50 million). */
  maxRows?: number;
  /** Total Arrow bytes over all cached versions (default 1 GiB; DuckDB's copy is of the same order). */
  maxBytes?: number;
  /** Total Arrow bytes of the versions kept in the cache file, if there is one (default 1 GiB; on disk DuckDB compresses them). */
  maxPersistentBytes?: number;
}

/** One version materialised as a DuckDB table. */
export interface CachedVersion {
  readonly key: string;
  readonly table: string;
  readonly rows: number;
  readonly bytes: number;
  readonly schema: Schema;
}

interface Entry extends CachedVersion {
  pins: number;
  lastUsed: number;
  /** Set for a version kept in the cache file: its content hash (the catalog's key). */
  contentId?: string;
}

/** The cache key of a version: the pond's file key and the version number. */
export function versionKey(fileKey: string, version: number): string {
  return `${fileKey}\u0000${version}`;
}

let cacheCount = 0;

/**
 * Life-cycle: created by a QueryEngine with its connection; `acquire` loads (or finds) a version and pins it
 * while a statement needs it; `release` unpins; `trim` drops unpinned tables, least recently used first, until
 * the totals fit the limits. Every method must run under the engine's connection lock (duckdb-wasm runs one
 * statement per connection at a time). Table names are stable per key, so views over them survive eviction
 * and reloading.
 */
export class VersionCache {
  private readonly entries = new Map<string, Entry>();
  private readonly names = new Map<string, string>();
  private readonly prefix = `__pond_c${++cacheCount}_v`;
  private clock = 0;
  private rows = 0;
  private bytes = 0;
  private readonly maxRows: number;
  private readonly maxBytes: number;
  private readonly maxPersistentBytes: number;
  private catalog: VersionCatalog | null | undefined;
  private stopListening: (() => void) | undefined;

  constructor(
    private readonly conn: AsyncDuckDBConnection,
    limits: VersionCacheLimits = {},
    /** Told the table name of every entry dropped (evicted or forgotten), so derived caches can follow. */
    private readonly onEvict?: (table: string) => void,
    /** The instance's cache-file catalog when DuckDB works on a cache file: versions with a content hash go there. */
    private readonly openCatalog?: () => Promise<VersionCatalog>,
  ) {
    this.maxRows = limits.maxRows ?? 50_000_000;
    this.maxBytes = limits.maxBytes ?? 1024 * 1024 * 1024;
    this.maxPersistentBytes = limits.maxPersistentBytes ?? 1024 * 1024 * 1024;
  }

  /** The cache file's catalog (null without one), listened to so entries whose record goes are forgotten. */
  private async persistentCatalog(): Promise<VersionCatalog | null> {
    if (this.catalog === undefined) {
      const c = this.openCatalog ? await this.openCatalog() : null;
      if (this.catalog === undefined) {
        this.catalog = c;
        this.stopListening = c?.onRemove((id) => {
          for (const e of [...this.entries.values()]) if (e.contentId === id) this.forget(e.key);
        });
      }
    }
    return this.catalog;
  }

  /** The DuckDB table name a key lives (or will live) under; stable for the cache's life. */
  tableName(key: string): string {
    let name = this.names.get(key);
    if (name === undefined) {
      name = `${this.prefix}${this.names.size + 1}`;
      this.names.set(key, name);
    }
    return name;
  }

  /** Whether `table` is one of this cache's version tables (loaded or not). */
  isVersionTable(table: string): boolean {
    if (isPersistentTableName(table)) return true;
    return table.startsWith(this.prefix) && /^\d+$/.test(table.slice(this.prefix.length));
  }

  /** The cached entry for `key`, if any (does not touch its recency). */
  peek(key: string): CachedVersion | undefined {
    return this.entries.get(key);
  }

  /**
   * Finds or loads the version and pins it; `decode` runs only on a miss. With `contentId` (the version's content
   * hash) and a cache file, the decoded table is kept in the file, and found there after a restart.
   */
  async acquire(key: string, decode: () => Promise<Table>, contentId?: string): Promise<CachedVersion> {
    let e = this.entries.get(key);
    if (e === undefined) {
      const catalog = contentId ? await this.persistentCatalog() : null;
      if (catalog) {
        // Kept in the cache file (found there, or loaded now, once even if two engines ask at the same time).
        const r = await catalog.fill(contentId!, async (table) => this.load(table, decode));
        e = { key, table: r.table, rows: r.rows, bytes: r.bytes, schema: r.schema, pins: 0, lastUsed: 0, contentId };
      } else {
        const table = this.tableName(key);
        const loaded = await this.load(table, decode);
        e = { key, table, ...loaded, pins: 0, lastUsed: 0 };
      }
      this.entries.set(key, e);
      if (!e.contentId) {
        this.rows += e.rows;
        this.bytes += e.bytes;
      }
    }
    e.pins += 1;
    e.lastUsed = ++this.clock;
    if (e.contentId) this.catalog?.pin(e.contentId);
    return e;
  }

  /**
   * Decodes a cached version anew into its table (a version read by ranges, which now holds more of its row groups:
   * ranged-tables.ts); its pins and recency stay. Not for versions kept in the cache file (named by their content).
   */
  async reload(key: string, decode: () => Promise<Table>): Promise<void> {
    const e = this.entries.get(key);
    if (!e || e.contentId) return;
    const loaded = await this.load(e.table, decode);
    this.rows += loaded.rows - e.rows;
    this.bytes += loaded.bytes - e.bytes;
    this.entries.set(key, { ...e, ...loaded });
  }

  /** Decodes a version into a new DuckDB table `table` (replacing any table of that name). */
  private async load(table: string, decode: () => Promise<Table>): Promise<{ rows: number; bytes: number; schema: Schema }> {
    const arrow = await decode();
    try {
      await this.conn.query(`DROP TABLE IF EXISTS ${ident(table)}`);
      await this.conn.insertArrowTable(arrow, { name: table, create: true });
    } catch (err) {
      throw queryError(`INSERT ARROW INTO ${table}`, err);
    }
    return { rows: arrow.numRows, bytes: arrow.batches.reduce((s, b) => s + b.data.byteLength, 0), schema: arrow.schema };
  }

  /** Unpins a version acquired earlier. */
  release(key: string): void {
    const e = this.entries.get(key);
    if (e && e.pins > 0) {
      e.pins -= 1;
      if (e.contentId) this.catalog?.unpin(e.contentId);
    }
  }

  /**
   * Drops unpinned versions, least recently used first, until the totals fit the limits; the cache file's the same
   * way against its own limit.
   */
  async trim(): Promise<void> {
    if (this.rows > this.maxRows || this.bytes > this.maxBytes) {
      const victims = [...this.entries.values()].filter((e) => e.pins === 0 && !e.contentId).sort((a, b) => a.lastUsed - b.lastUsed);
      for (const e of victims) {
        if (this.rows <= this.maxRows && this.bytes <= this.maxBytes) break;
        await this.evict(e.key);
      }
    }
    await this.catalog?.trim(this.maxPersistentBytes);
  }

  /** Whether versions were added to or removed from the cache file since its last checkpoint. */
  get needsCheckpoint(): boolean {
    return this.catalog?.needsCheckpoint ?? false;
  }

  /** Makes the cache file's new contents and the entries' recency durable. */
  async checkpoint(): Promise<void> {
    await this.catalog?.checkpoint();
  }

  /** Stops following the cache file's catalog (the engine is closing). */
  detach(): void {
    this.stopListening?.();
  }

  /**
   * Drops every cached version of `fileKey` (e.g. after the pond rewrote it), or all of them. Versions kept in the
   * cache file are only let go of: they are named by their content, so no rewrite can make them wrong.
   */
  async dropFile(fileKey?: string): Promise<void> {
    for (const key of [...this.entries.keys()]) {
      if (fileKey === undefined || key.startsWith(`${fileKey}\u0000`)) await this.evict(key);
    }
  }

  /** Totals, for tests and the UI's "memory used" line (versions in the cache file count as versions, not memory). */
  stats(): { versions: number; rows: number; bytes: number; persistent: number } {
    return { versions: this.entries.size, rows: this.rows, bytes: this.bytes, persistent: [...this.entries.values()].filter((e) => e.contentId).length };
  }

  /** Removes an entry from this cache's books and tells the listener; returns it. */
  private forget(key: string): Entry | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.entries.delete(key);
    if (!e.contentId) {
      this.rows -= e.rows;
      this.bytes -= e.bytes;
    }
    this.onEvict?.(e.table);
    return e;
  }

  private async evict(key: string): Promise<void> {
    const e = this.forget(key);
    if (!e || e.contentId) return;
    const sql = `DROP TABLE IF EXISTS ${ident(e.table)}`;
    try {
      await this.conn.query(sql);
    } catch (err) {
      throw queryError(sql, err);
    }
  }
}
