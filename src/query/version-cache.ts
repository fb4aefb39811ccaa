// Decoded pond versions kept inside DuckDB, one table per (file, version), so a series is decoded from Parquet
// once and then queried many times. Bounded by total rows and bytes; least recently used entries go first.
import type { AsyncDuckDBConnection } from '@duckdb/duckdb-wasm';
import type { Schema, Table } from 'apache-arrow';
import { ident, queryError } from './sql';

/** Limits of one engine's cache of decoded versions. */
export interface VersionCacheLimits {
  /** Total rows over all cached versions (default 50 million). */
  maxRows?: number;
  /** Total Arrow bytes over all cached versions (default 1 GiB; DuckDB's copy is of the same order). */
  maxBytes?: number;
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

  constructor(
    private readonly conn: AsyncDuckDBConnection,
    limits: VersionCacheLimits = {},
    /** Told the table name of every entry dropped (evicted or forgotten), so derived caches can follow. */
    private readonly onEvict?: (table: string) => void,
  ) {
    this.maxRows = limits.maxRows ?? 50_000_000;
    this.maxBytes = limits.maxBytes ?? 1024 * 1024 * 1024;
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
    return table.startsWith(this.prefix) && /^\d+$/.test(table.slice(this.prefix.length));
  }

  /** The cached entry for `key`, if any (does not touch its recency). */
  peek(key: string): CachedVersion | undefined {
    return this.entries.get(key);
  }

  /** Finds or loads the version and pins it; `decode` runs only on a miss. */
  async acquire(key: string, decode: () => Promise<Table>): Promise<CachedVersion> {
    let e = this.entries.get(key);
    if (e === undefined) {
      const arrow = await decode();
      const table = this.tableName(key);
      try {
        await this.conn.query(`DROP TABLE IF EXISTS ${ident(table)}`);
        await this.conn.insertArrowTable(arrow, { name: table, create: true });
      } catch (err) {
        throw queryError(`INSERT ARROW INTO ${table}`, err);
      }
      const bytes = arrow.batches.reduce((s, b) => s + b.data.byteLength, 0);
      e = { key, table, rows: arrow.numRows, bytes, schema: arrow.schema, pins: 0, lastUsed: 0 };
      this.entries.set(key, e);
      this.rows += e.rows;
      this.bytes += e.bytes;
    }
    e.pins += 1;
    e.lastUsed = ++this.clock;
    return e;
  }

  /** Unpins a version acquired earlier. */
  release(key: string): void {
    const e = this.entries.get(key);
    if (e && e.pins > 0) e.pins -= 1;
  }

  /** Drops unpinned versions, least recently used first, until the totals fit the limits. */
  async trim(): Promise<void> {
    if (this.rows <= this.maxRows && this.bytes <= this.maxBytes) return;
    const victims = [...this.entries.values()].filter((e) => e.pins === 0).sort((a, b) => a.lastUsed - b.lastUsed);
    for (const e of victims) {
      if (this.rows <= this.maxRows && this.bytes <= this.maxBytes) break;
      await this.evict(e.key);
    }
  }

  /** Drops every cached version of `fileKey` (e.g. after the pond rewrote it), or all of them. */
  async dropFile(fileKey?: string): Promise<void> {
    for (const key of [...this.entries.keys()]) {
      if (fileKey === undefined || key.startsWith(`${fileKey}\u0000`)) await this.evict(key);
    }
  }

  /** Totals, for tests and the UI's "memory used" line. */
  stats(): { versions: number; rows: number; bytes: number } {
    return { versions: this.entries.size, rows: this.rows, bytes: this.bytes };
  }

  private async evict(key: string): Promise<void> {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.rows -= e.rows;
    this.bytes -= e.bytes;
    this.onEvict?.(e.table);
    const sql = `DROP TABLE IF EXISTS ${ident(e.table)}`;
    try {
      await this.conn.query(sql);
    } catch (err) {
      throw queryError(sql, err);
    }
  }
}
