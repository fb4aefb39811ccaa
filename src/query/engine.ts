// The query layer the pond worker drives: pond files become SQL views over versions cached in DuckDB.
import type { AsyncDuckDB, AsyncDuckDBConnection } from '@duckdb/duckdb-wasm';
import { Table, type RecordBatch, type Schema } from 'apache-arrow';
import { isPondError, PondError, throwIfAborted } from '../core/errors';
import { parquetToArrow } from '../formats/parquet';
import { getDuckDb } from './duckdb';
import { mayIntersect } from './overlaps';
import { checkSchemaCompatible, mergedSchema, withoutTimeZones } from './schema';
import { ident, queryError, timeRangePredicate } from './sql';
import { VersionCache, versionKey, type VersionCacheLimits } from './version-cache';

/** One stored version of a pond file, as the pond describes it; `load` gives its Parquet bytes. */
export interface SourceVersion {
  version: number;
  /** Recorded event-time range (UTC µs, inclusive), or null when unknown (never pruned then). */
  minEventTime: number | null;
  maxEventTime: number | null;
  load: () => Promise<Uint8Array>;
}

/** A pond file to expose as a view: a series reads as all its versions, a table as its latest. */
export interface BindSource {
  /** Identifies the file across binds (node id or path); with the version number it keys the cache. */
  fileKey: string;
  kind: 'table' | 'series';
  timestampColumn?: string;
  versions: SourceVersion[];
}

export interface BindOptions {
  /** Half-open [start, end) in UTC µs: versions outside are never loaded, rows outside are filtered out. */
  timeRange?: [number, number];
  signal?: AbortSignal;
}

export interface QueryOptions {
  signal?: AbortSignal;
}

/** A page of rows for `cat`, with the total so a viewer can size its scroll bar. */
export interface Page {
  rows: Table;
  total: number;
  offset: number;
}

export interface QueryEngineOptions extends VersionCacheLimits {
  /** The DuckDB instance; the worker's shared one by default. */
  db?: AsyncDuckDB | Promise<AsyncDuckDB>;
}

interface Bound {
  source: BindSource;
  timeRange: [number, number] | undefined;
  /** The versions the view reads, after pruning, oldest first. */
  selected: SourceVersion[];
}

/**
 * One per pond worker. Life-cycle: construct (cheap; DuckDB starts and a connection opens on first use),
 * `bind` pond files as views, `query` / `page` them any number of times, `unbind` or re-`bind` when the pond
 * changes, `close` when the worker goes away. All statements run one at a time on one connection (duckdb-wasm
 * cannot interleave them on a connection); views are TEMP, so they are private to this engine.
 */
export class QueryEngine {
  private connecting: Promise<{ conn: AsyncDuckDBConnection; cache: VersionCache }> | undefined;
  private readonly bound = new Map<string, Bound>();
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: QueryEngineOptions = {}) {}

  /** Makes `tableName` a view of `source` (union by name of its versions) and loads what it needs. */
  async bind(tableName: string, source: BindSource, opts: BindOptions = {}): Promise<void> {
    ident(tableName); // reject unusable names before any work
    const sorted = [...source.versions].sort((a, b) => a.version - b.version);
    const candidates = source.kind === 'table' ? sorted.slice(-1) : sorted;
    const range = opts.timeRange;
    const selected = range ? candidates.filter((v) => mayIntersect(v, range)) : candidates;
    const b: Bound = { source, timeRange: range, selected };
    await this.exclusive(opts.signal, async ({ conn, cache }) => {
      const tables = await this.materialise(cache, b, opts.signal);
      try {
        await run(conn, `CREATE OR REPLACE TEMP VIEW ${ident(tableName)} AS ${viewSql(b, tables)}`);
      } finally {
        for (const v of b.selected) cache.release(versionKey(source.fileKey, v.version));
      }
      this.bound.set(tableName.toLowerCase(), b);
      await cache.trim();
    });
  }

  /** Removes a view (its cached versions stay until evicted or dropped with `forget`). */
  async unbind(tableName: string): Promise<void> {
    await this.exclusive(undefined, async ({ conn }) => {
      this.bound.delete(tableName.toLowerCase());
      await run(conn, `DROP VIEW IF EXISTS ${ident(tableName)}`);
    });
  }

  /** Drops the cached versions of a file, e.g. after the pond removed it. */
  async forget(fileKey: string): Promise<void> {
    await this.exclusive(undefined, ({ cache }) => cache.dropFile(fileKey));
  }

  /** Runs SQL over the bound views; DuckDB errors become PondError QUERY with the SQL and position. */
  async query(sql: string, opts: QueryOptions = {}): Promise<Table> {
    return this.exclusive(opts.signal, async ({ conn, cache }) => {
      const pinned: string[] = [];
      // A view's versions may have been evicted since it was bound: load them again before DuckDB binds it.
      const ensure = async (views: Bound[]) => {
        for (const b of views) {
          await this.materialise(cache, b, opts.signal);
          pinned.push(...b.selected.map((v) => versionKey(b.source.fileKey, v.version)));
        }
      };
      try {
        await ensure(this.referencedViews(sql));
        await cache.trim();
        try {
          return await execute(conn, sql, opts.signal);
        } catch (e) {
          // A bound view reached indirectly (through a view of the caller's own) was not seen by the lexical
          // scan: load everything bound and try once more.
          if (!(isPondError(e, 'QUERY') && /__pond_c\d+_v\d+/.test(e.message))) throw e;
          await ensure([...this.bound.values()]);
          return await execute(conn, sql, opts.signal);
        }
      } finally {
        for (const k of pinned) cache.release(k);
      }
    });
  }

  /** Rows `offset … offset+limit` of a bound view in time order (when it has a timestamp column), and the total. */
  async page(tableName: string, offset: number, limit: number, opts: QueryOptions = {}): Promise<Page> {
    if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(limit) || limit < 0) {
      throw new PondError('INVALID_INPUT', `page offset and limit must be non-negative integers (got ${offset}, ${limit})`);
    }
    const ts = this.bound.get(tableName.toLowerCase())?.source.timestampColumn;
    const counted = await this.query(`SELECT count(*)::DOUBLE AS n FROM ${ident(tableName)}`, opts);
    const total = Number(counted.getChild('n')?.get(0) ?? 0);
    // Ordering makes pages stable across calls; without a time column the insertion order has to do.
    const order = ts ? ` ORDER BY ${ident(ts)}` : '';
    const rows = await this.query(`SELECT * FROM ${ident(tableName)}${order} LIMIT ${limit} OFFSET ${offset}`, opts);
    return { rows, total, offset };
  }

  /** Column names and DuckDB types of a bound view (or any relation). */
  async describe(tableName: string, opts: QueryOptions = {}): Promise<{ name: string; type: string }[]> {
    const t = await this.query(`DESCRIBE ${ident(tableName)}`, opts);
    return t.toArray().map((r: { column_name: string; column_type: string }) => ({ name: String(r.column_name), type: String(r.column_type) }));
  }

  /** The source a view was bound from, if it is bound. */
  source(tableName: string): BindSource | undefined {
    return this.bound.get(tableName.toLowerCase())?.source;
  }

  /** Size of the decoded-version cache. */
  async cacheStats(): Promise<{ versions: number; rows: number; bytes: number }> {
    return this.exclusive(undefined, async ({ cache }) => cache.stats());
  }

  /** Drops views and cached tables and closes the connection. */
  async close(): Promise<void> {
    if (!this.connecting) return;
    await this.exclusive(undefined, async ({ conn, cache }) => {
      await cache.dropFile();
      this.bound.clear();
      await conn.close();
    });
    this.connecting = undefined;
  }

  private connection(): Promise<{ conn: AsyncDuckDBConnection; cache: VersionCache }> {
    this.connecting ??= (async () => {
      const db = await (this.options.db ?? getDuckDb());
      const conn = await db.connect();
      return { conn, cache: new VersionCache(conn, this.options) };
    })();
    return this.connecting;
  }

  /** Runs `fn` after every earlier call has finished: one statement at a time on the connection. */
  private exclusive<T>(signal: AbortSignal | undefined, fn: (c: { conn: AsyncDuckDBConnection; cache: VersionCache }) => Promise<T>): Promise<T> {
    const next = this.tail.then(async () => {
      throwIfAborted(signal, 'query');
      return fn(await this.connection());
    });
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** Loads (or finds) and pins every selected version of a bound source, checking their schemas agree. */
  private async materialise(cache: VersionCache, b: Bound, signal: AbortSignal | undefined): Promise<string[]> {
    const tables: string[] = [];
    const schemas: Schema[] = [];
    const acquired: string[] = [];
    try {
      for (const v of b.selected) {
        throwIfAborted(signal, 'query');
        const key = versionKey(b.source.fileKey, v.version);
        const name = `${b.source.fileKey} v${v.version}`;
        const c = await cache.acquire(key, async () => withoutTimeZones(await parquetToArrow(await v.load(), name)));
        acquired.push(key);
        if (schemas.length > 0) checkSchemaCompatible(mergedSchema(schemas), c.schema, `version ${v.version} of ${b.source.fileKey}`);
        schemas.push(c.schema);
        tables.push(c.table);
      }
    } catch (e) {
      for (const k of acquired) cache.release(k);
      throw e;
    }
    return tables;
  }

  /**
   * The bound views a statement may name: every identifier token (bare or "quoted") that is a bound name.
   * Lexical, so it over-includes (a column named like a view), which only loads more; duckdb-wasm's
   * getTableNames was tried and leaves out TEMP views.
   */
  private referencedViews(sql: string): Bound[] {
    const out = new Set<Bound>();
    for (const m of sql.matchAll(/"((?:[^"]|"")+)"|([A-Za-z_][A-Za-z0-9_$]*)/g)) {
      const name = m[1] !== undefined ? m[1].replaceAll('""', '"') : m[2]!;
      const b = this.bound.get(name.toLowerCase());
      if (b) out.add(b);
    }
    return [...out];
  }
}

/** The view over a bound source's cached version tables. */
function viewSql(b: Bound, tables: string[]): string {
  const ts = b.source.timestampColumn;
  if (tables.length === 0) {
    // Every version was pruned: nothing to read, but the view must still exist for the caller's SQL.
    return ts ? `SELECT NULL::TIMESTAMP AS ${ident(ts)} WHERE false` : 'SELECT NULL AS "empty" WHERE false';
  }
  const union = tables.map((t) => `SELECT * FROM ${ident(t)}`).join(' UNION ALL BY NAME ');
  if (!b.timeRange || !ts) return union;
  return `SELECT * FROM (${union}) WHERE ${timeRangePredicate(ts, b.timeRange)}`;
}

async function run(conn: AsyncDuckDBConnection, sql: string): Promise<void> {
  try {
    await conn.query(sql);
  } catch (e) {
    throw queryError(sql, e);
  }
}

/**
 * Runs one statement through duckdb-wasm's pending-query path (`send`), the only one `cancelSent` can stop:
 * `query` blocks the DuckDB worker until done. The result is materialised, then fetched batch by batch.
 */
async function execute(conn: AsyncDuckDBConnection, sql: string, signal: AbortSignal | undefined): Promise<Table> {
  throwIfAborted(signal, 'query');
  const onAbort = () => void conn.cancelSent().catch(() => undefined);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const reader = await conn.send(sql, false);
    const batches: RecordBatch[] = [];
    for await (const batch of reader) {
      throwIfAborted(signal, 'query');
      batches.push(batch);
    }
    throwIfAborted(signal, 'query');
    return batches.length > 0 ? new Table(batches) : new Table(reader.schema);
  } catch (e) {
    if (signal?.aborted) throw new PondError('ABORTED', 'query was cancelled', { cause: e, detail: { sql } });
    throw queryError(sql, e);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
