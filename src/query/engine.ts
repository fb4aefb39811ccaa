// The query layer the pond worker drives: pond files become SQL views over versions cached in DuckDB.
import type { AsyncDuckDB, AsyncDuckDBConnection } from '@duckdb/duckdb-wasm';
import { Table, type RecordBatch, type Schema } from 'apache-arrow';
import { isPondError, PondError, throwIfAborted } from '../core/errors';
import { SerialQueue } from '../core/serial-queue';
import { parquetToArrow } from '../formats/parquet';
import { getDuckDb } from './duckdb';
import { cacheFileOf } from './query-cache-file';
import { stopWarmUp } from './cache-warm-up';
import { VersionCatalog } from './version-catalog';
import type { M4Options, M4Result } from './m4';
import { fastM4Eligible, m4Compute, PlotColumns, toColumnArray, toTimeArray, type VersionArrays } from './m4-fast';
import { mayIntersect } from './overlaps';
import { checkSchemaCompatible, mergedSchema, withoutTimeZones } from './schema';
import { ident, queryError, runSql, timeRangePredicate } from './sql';
import { checkUserSql, isReadOnlySql, refusal } from './user-sql';
import { VersionCache, versionKey, type VersionCacheLimits } from './version-cache';
import { derivedRelation, leavesOf } from './derived-bind';
import { isDerived, type AnySource, type DerivedSource, type Relation } from './derived-source';
import type { VersionRanges } from './ranged-parquet';
import { RangedTables } from './ranged-tables';

/** One stored version of a pond file, as the pond describes it; `load` gives its Parquet bytes. */
export interface SourceVersion {
  version: number;
  /** Recorded event-time range (UTC µs, inclusive), or null when unknown (never pruned then). */
  minEventTime: number | null;
  maxEventTime: number | null;
  load: () => Promise<Uint8Array>;
  /** The SHA-256 of the version's Parquet bytes, when known: lets DuckDB's cache file keep its decoded rows. */
  contentId?: string;
  /** Checked ranged reads of its footer and row groups, where they pay (a large version in a pond opened from a link). */
  ranges?: VersionRanges;
}

/** A pond file to expose as a view: a series reads as all its versions, a table as its latest. */
export interface BindSource {
  /** Identifies the file across binds (node id or path); with the version number it keys the cache. */
  fileKey: string;
  /** The file's pond path, for errors (a derived node's input whose schema changed is named by it). */
  path?: string;
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
  /** Bytes fetched of the row groups a statement over a link needs (done, total, what is fetched). */
  onProgress?: (done: number, total: number | undefined, what: string) => void;
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
  /**
   * Bytes of query results kept for repeating the same read-only statement over unchanged bound views (default
   * 64 MiB; 0 turns the result cache off). See `query`.
   */
  maxResultBytes?: number;
  /** Bytes of plotted columns kept in JS for `m4` (default 256 MiB; 0 turns the JS M4 path off). */
  maxPlotBytes?: number;
}

/** The engine's two DuckDB connections and its version cache (whose tables both can read). */
interface Connections {
  /** Binds, loads versions, and runs the worker's own SQL (plots, reductions, collectors). */
  conn: AsyncDuckDBConnection;
  /** Runs SQL a person typed (`userQuery`); it sees the bound views through copies of its own. */
  user: AsyncDuckDBConnection;
  cache: VersionCache;
  /** Versions read by ranges: their tables hold the row groups statements have needed (ranged-tables.ts). */
  ranged: RangedTables;
}

/** Which connection a statement runs on. */
type Lane = 'engine' | 'user';

/** A stored source under a view, and the versions the view reads of it (after pruning, oldest first). */
interface Leaf {
  source: BindSource;
  selected: SourceVersion[];
}

interface Bound {
  source: AnySource;
  timeRange: [number, number] | undefined;
  /** The stored sources the view reads: the source itself, or those under a derived one. */
  leaves: Leaf[];
  /** A derived view's relation without its time range: what a plot materialises once (see derivedM4). */
  derivedSql?: string;
}

/** Derived results kept as tables for plotting: a few, the most recently plotted. */
const MATERIALISED_MAX = 4;
let materialisedCount = 0;

/**
 * One per pond worker. Life-cycle: construct (cheap; DuckDB starts and a connection opens on first use),
 * `bind` pond files as views, `query` / `page` them any number of times, `unbind` or re-`bind` when the pond
 * changes, `close` when the worker goes away. All statements run one at a time (duckdb-wasm cannot interleave them
 * on a connection); views are TEMP, so they are private to this engine. SQL a person typed goes through `userQuery`:
 * checked by user-sql.ts and run on a second connection, so whatever it does to its session never reaches the
 * connection the engine binds and plots on (instance-wide settings are what the check refuses).
 */
export class QueryEngine {
  private connecting: Promise<Connections> | undefined;
  private readonly bound = new Map<string, Bound>();
  /** The SQL each of our views was last created with, so an unchanged re-bind costs no DuckDB round trip. */
  private readonly viewSql = new Map<string, string>();
  /** The same for the copies of our views on the user connection (created when user SQL first needs them). */
  private readonly userViewSql = new Map<string, string>();
  /** Results of cacheable statements by SQL text; cleared whenever a view changes or a statement may write. */
  private readonly results = new Map<string, { table: Table; bytes: number; views: ReadonlySet<string> }>();
  private resultBytes = 0;
  /** Whether a statement reads only our version tables (EXPLAIN-checked), by SQL text; cleared like `results`. */
  private readonly cacheable = new Map<string, boolean>();
  private readonly plot: PlotColumns;
  /** Derived relations (by their SQL, which names the version tables they read) materialised for the JS M4 path. */
  private readonly materialised = new Map<string, { table: string; schema: Schema }>();
  private readonly statements = new SerialQueue();

  constructor(private readonly options: QueryEngineOptions = {}) {
    this.plot = new PlotColumns(options.maxPlotBytes ?? 256 * 1024 * 1024);
  }

  /**
   * Makes `tableName` a view of `source` and loads what it needs: a series or table reads as the union by name of its
   * versions; a derived source as its factory's SQL over its inputs' views (see derived-bind.ts).
   */
  async bind(tableName: string, source: AnySource, opts: BindOptions = {}): Promise<void> {
    ident(tableName); // reject unusable names before any work
    const range = opts.timeRange;
    // A derived view's range filters its result; its inputs are read whole (a join's rows come from all of them).
    const leaves = leavesOf(source).map((leaf) => selectVersions(leaf, isDerived(source) ? undefined : range));
    const b: Bound = { source, timeRange: range, leaves };
    await this.exclusive(opts.signal, async (c) => {
      const { conn, cache } = c;
      const tables: string[][] = [];
      const key = tableName.toLowerCase();
      const pinned: string[] = [];
      try {
        for (const leaf of leaves) tables.push(await this.materialise(c, leaf, opts.signal, pinned));
        if (isDerived(source)) b.derivedSql = await this.derivedViewSql(conn, source, leaves, tables);
        const body = b.derivedSql === undefined ? viewSql(leaves[0]!, tables[0]!, range)
          : range && source.timestampColumn ? `SELECT * FROM (${b.derivedSql}) WHERE ${timeRangePredicate(source.timestampColumn, range)}` : b.derivedSql;
        const sql = `CREATE OR REPLACE TEMP VIEW ${ident(tableName)} AS ${body}`;
        // Re-binding the same versions (every API call re-binds) leaves the view as it is: no round trip.
        if (this.viewSql.get(key) !== sql) {
          this.invalidateView(key);
          this.viewSql.delete(key);
          await runSql(conn, sql).catch((e: unknown) => { throw isDerived(source) ? derivedError(source, e) : e; });
          this.viewSql.set(key, sql);
        }
      } finally {
        for (const k of pinned) cache.release(k);
      }
      this.bound.set(key, b);
      await cache.trim();
    });
  }

  /** The SQL of a derived view: each leaf's relation (its versions' union, described for its column types), built up. */
  private async derivedViewSql(conn: AsyncDuckDBConnection, source: DerivedSource, leaves: Leaf[], tables: string[][]): Promise<string> {
    const describe = async (from: string) => {
      const described = await conn.query(`DESCRIBE SELECT * FROM ${from}`).catch((e: unknown) => { throw queryError(from, e); });
      return described.toArray().map((r: { column_name: string; column_type: string }) => ({ name: String(r.column_name), type: String(r.column_type) }));
    };
    const relations = new Map<BindSource, Relation>();
    for (const [i, leaf] of leaves.entries()) {
      const from = `(${viewSql(leaf, tables[i]!, undefined)})`;
      relations.set(leaf.source, { from, columns: await describe(from) });
    }
    const rel = await derivedRelation(source, (leaf) => relations.get(leaf)!, describe);
    return `SELECT * FROM ${rel.from}`;
  }

  /**
   * M4 of a derived view in JS: its relation (whole, whatever range the view was bound with) is materialised once as
   * a table of this engine, keyed by its SQL, which changes exactly when a version it reads does; zooming then only
   * re-buckets cached arrays, as for a stored series. Undefined when the columns do not allow the JS path.
   */
  private async derivedM4(c: Connections, bound: Bound, o: M4Options & { signal?: AbortSignal }): Promise<M4Result | undefined> {
    const sql = bound.derivedSql!;
    let m = this.materialised.get(sql);
    if (!m) {
      const pinned: string[] = [];
      try {
        const tables: string[] = [];
        for (const leaf of bound.leaves) tables.push(...(await this.materialise(c, leaf, o.signal, pinned)));
        // Materialised whole, whatever range is plotted: every row group of a version read by ranges is read.
        await c.ranged.fillAll(tables, { signal: o.signal });
        const table = `__pond_d${++materialisedCount}`;
        await runSql(c.conn, `CREATE TEMP TABLE ${ident(table)} AS ${sql}`);
        const schema = (await c.conn.query(`SELECT * FROM ${ident(table)} LIMIT 0`)).schema;
        m = { table, schema };
      } finally {
        for (const k of pinned) c.cache.release(k);
      }
      this.materialised.set(sql, m);
      for (const [k, old] of this.materialised) {
        if (this.materialised.size <= MATERIALISED_MAX) break;
        this.materialised.delete(k);
        this.plot.drop(old.table);
        await runSql(c.conn, `DROP TABLE IF EXISTS ${ident(old.table)}`);
      }
    } else {
      this.materialised.delete(sql); // refresh recency
      this.materialised.set(sql, m);
    }
    if (!fastM4Eligible(m.schema, o.timestampColumn, o.columns)) return undefined;
    const a = await this.plotArrays(c.conn, m.table, m.schema, o.timestampColumn, o.columns);
    if (!a) return undefined;
    throwIfAborted(o.signal, 'query');
    return m4Compute([a], o, bound.timeRange);
  }

  /** Removes a view (its cached versions stay until evicted or dropped with `forget`). */
  async unbind(tableName: string): Promise<void> {
    await this.exclusive(undefined, async ({ conn, user }) => {
      this.bound.delete(tableName.toLowerCase());
      this.viewSql.delete(tableName.toLowerCase());
      this.userViewSql.delete(tableName.toLowerCase());
      this.invalidate();
      await runSql(conn, `DROP VIEW IF EXISTS ${ident(tableName)}`);
      await runSql(user, `DROP VIEW IF EXISTS ${ident(tableName)}`);
    });
  }

  /** Drops the cached versions of a file, e.g. after the pond removed it. */
  async forget(fileKey: string): Promise<void> {
    await this.exclusive(undefined, async ({ cache, ranged }) => {
      this.invalidate(); // the pond may have rewritten the file: results over it are stale
      await cache.dropFile(fileKey);
      ranged.forget(fileKey);
    });
  }

  /**
   * Runs SQL over the bound views; DuckDB errors become PondError QUERY with the SQL and position.
   *
   * Result cache: a single read-only statement (SELECT / WITH / FROM / VALUES) that names a bound view, calls no
   * volatile function and, by DuckDB's own plan, scans nothing but the version tables of this engine, has its
   * result kept (up to `maxResultBytes`) and returned again for the same SQL text. Version tables never change
   * under a key, and every event that could change such a result empties the cache: a view re-bound to other
   * versions or range, unbind, forget, close, and any statement that is not read-only (DDL, SET, INSERT…).
   * The returned Table may be shared between callers: treat it as immutable (Arrow tables are).
   */
  async query(sql: string, opts: QueryOptions = {}): Promise<Table> {
    return this.run('engine', sql, opts);
  }

  /**
   * Runs SQL a person typed, like `query` but refused with INVALID_INPUT (naming the statement) before DuckDB sees
   * it when it would change settings, load extensions, reach files or other databases (see user-sql.ts) or touch
   * the engine's version tables; it runs on the user connection, where the bound views are kept up to date too.
   * Cancel and the result cache work as for `query`.
   */
  async userQuery(sql: string, opts: QueryOptions = {}): Promise<Table> {
    const statements = checkUserSql(sql, { unknown: 'return' });
    for (const s of statements) {
      const own = s.tokens.find((t) => (t.kind === 'word' || t.kind === 'quoted') && ENGINE_TABLE.test(t.text));
      if (own) {
        throw new PondError('INVALID_INPUT', `SQL typed here cannot name the query engine's own table ${JSON.stringify(own.text.toLowerCase())}: query the bound names instead`, {
          detail: { sql, keyword: s.keyword, statement: s.index },
        });
      }
    }
    const unknown = statements.filter((s) => s.kind === 'unknown');
    if (unknown.length > 0) {
      // A word that starts no statement the check knows, almost always a typo: DuckDB parses it (preparing runs
      // nothing) so the person gets its syntax error and position; should it parse, it is refused all the same.
      await this.exclusive(opts.signal, async ({ user }) => {
        for (const s of unknown) {
          const text = statements.length === 1 ? sql : s.text; // the whole text keeps DuckDB's line numbers right
          let prepared: Awaited<ReturnType<AsyncDuckDBConnection['prepare']>>;
          try {
            prepared = await user.prepare(text);
          } catch (e) {
            throw queryError(sql, e);
          }
          await prepared.close();
          throw refusal(sql, s, statements.length);
        }
      });
    }
    return this.run('user', sql, opts, statements.length);
  }

  /** Runs `sql` (`statements` statements: the engine's own SQL is always one) on the lane's connection. */
  private async run(lane: Lane, sql: string, opts: QueryOptions, statements = 1): Promise<Table> {
    return this.exclusive(opts.signal, async (c) => {
      const { cache } = c;
      const conn = lane === 'user' ? c.user : c.conn;
      const key = `${lane}:${sql}`; // the same text may name other objects on the other connection
      const readOnly = isReadOnlySql(sql);
      const views = this.referencedViews(sql);
      // A write may drop or replace views (ours included) on its connection or write tables: forget what we know.
      // On the user connection it can only reach the copies of our views it names (a TEMP view is changed by name).
      const forgetViews = () => {
        if (lane === 'engine') return this.viewSql.clear();
        for (const [key, b] of this.bound) if (views.includes(b)) this.userViewSql.delete(key);
      };
      if (!readOnly) {
        this.invalidate();
        forgetViews();
      }
      const hit = this.results.get(key);
      if (hit) {
        this.results.delete(key); // refresh recency
        this.results.set(key, hit);
        return hit.table;
      }
      const pinned: string[] = [];
      // A view's versions may have been evicted since it was bound: load them again before DuckDB binds it.
      const ensure = async (views: Bound[]) => {
        for (const b of views) for (const leaf of b.leaves) await this.materialise(c, leaf, opts.signal, pinned);
      };
      // A version read by ranges holds only the row groups statements needed so far: this one's plan says which it
      // reads (ranged-tables.ts). Our own SQL reaches such tables only through the views it names; a person's may
      // through views of their own, so any may.
      const fill = async (any = lane === 'user') => {
        if (c.ranged.pending && (any || views.some(readsByRanges))) await c.ranged.fillFor(conn, sql, { signal: opts.signal, onProgress: opts.onProgress, statements });
      };
      try {
        await ensure(views);
        if (lane === 'user') await this.syncUserViews(c, ensure);
        await cache.trim();
        try {
          const cacheable = readOnly && CACHEABLE.test(sql) && views.length > 0 && this.maxResultBytes() > 0 && !VOLATILE.test(sql) && (await this.readsOnlyVersions(conn, key, sql, cache));
          await fill();
          const table = await execute(conn, sql, opts.signal);
          if (cacheable) this.remember(key, table, lane === 'engine' ? new Set(views.map((v) => this.nameOf(v))) : ANY_VIEW);
          return table;
        } catch (e) {
          // A bound view reached indirectly (through a view of the caller's own) was not seen by the lexical
          // scan: load everything bound and try once more.
          if (!(isPondError(e, 'QUERY') && /__pond_(c\d+_v\d+|p_[0-9a-f]+)/.test(e.message))) throw e;
          await ensure([...this.bound.values()]);
          await fill(true);
          return await execute(conn, sql, opts.signal);
        }
      } finally {
        for (const k of pinned) cache.release(k);
        // What we synced before a write (the user's copies of our views) may be what it replaced or dropped.
        if (!readOnly) forgetViews();
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
  source(tableName: string): AnySource | undefined {
    return this.bound.get(tableName.toLowerCase())?.source;
  }

  /** Size of the decoded-version cache. */
  async cacheStats(): Promise<{ versions: number; rows: number; bytes: number }> {
    return this.exclusive(undefined, async ({ cache }) => cache.stats());
  }

  /**
   * M4 over a bound view computed in JS (see m4-fast.ts), or undefined when the view or its columns do not allow
   * the exact JS path (then `m4` runs the SQL form). Used by `m4`; `o` is already validated there.
   */
  async m4Fast(tableName: string, o: M4Options & { signal?: AbortSignal }): Promise<M4Result | undefined> {
    const [start, end] = o.range;
    // The JS path compares times as doubles: only exact for bounds (and rows, see toTimeArray) below 2^53 µs.
    if (this.plot.maxBytes <= 0 || (end - start) * o.width >= 2 ** 62 || !(Math.abs(start) <= 2 ** 53 && Math.abs(end) <= 2 ** 53)) return undefined;
    return this.exclusive(o.signal, async (connections) => {
      const { conn, cache } = connections;
      const bound = this.bound.get(tableName.toLowerCase());
      if (!bound || bound.source.timestampColumn !== o.timestampColumn) return undefined;
      if (isDerived(bound.source)) return this.derivedM4(connections, bound, o);
      const b = { source: bound.source, selected: bound.leaves[0]!.selected, timeRange: bound.timeRange };
      // A version read by ranges holds in DuckDB only the row groups statements needed: the SQL form fetches what it reads.
      if (b.selected.some((v) => v.ranges)) return undefined;
      const wanted = b.selected.filter((v) => mayIntersect(v, o.range));
      const pinned: string[] = [];
      try {
        // The view's columns are those of all its versions: one no version has is the SQL form's binder error
        // (also when every version was pruned), so let the SQL form report it.
        const present = new Set<string>();
        for (const v of b.selected) {
          const c = cache.peek(versionKey(b.source.fileKey, v.version));
          if (!c) return undefined; // evicted: the SQL form reloads what it needs
          for (const f of c.schema.fields) present.add(f.name);
        }
        if (o.columns.some((col) => !present.has(col))) return undefined;
        const arrays: VersionArrays[] = [];
        for (const v of wanted) {
          throwIfAborted(o.signal, 'query');
          const key = versionKey(b.source.fileKey, v.version);
          const c = await cache.acquire(key, async () => withoutTimeZones(await parquetToArrow(await v.load(), `${b.source.path ?? b.source.fileKey} v${v.version}`)), v.contentId);
          pinned.push(key);
          if (!fastM4Eligible(c.schema, o.timestampColumn, o.columns)) return undefined;
          const a = await this.plotArrays(conn, c.table, c.schema, o.timestampColumn, o.columns);
          if (!a) return undefined;
          arrays.push(a);
        }
        throwIfAborted(o.signal, 'query');
        return m4Compute(arrays, o, b.timeRange);
      } finally {
        for (const k of pinned) cache.release(k);
      }
    });
  }

  /** Drops views and cached tables and closes the connections. */
  async close(): Promise<void> {
    if (!this.connecting) return;
    await this.exclusive(undefined, async ({ conn, user, cache, ranged }) => {
      await cache.dropFile();
      ranged.forget();
      cache.detach();
      this.invalidate();
      this.viewSql.clear();
      this.userViewSql.clear();
      this.plot.clear();
      this.bound.clear();
      for (const m of this.materialised.values()) await runSql(conn, `DROP TABLE IF EXISTS ${ident(m.table)}`);
      this.materialised.clear();
      await user.close();
      await conn.close();
    });
    this.connecting = undefined;
  }

  private connection(): Promise<Connections> {
    this.connecting ??= (async () => {
      const db = await (this.options.db ?? getDuckDb());
      stopWarmUp(db); // this engine's statements come first (getDuckDb stops it too; a given instance may not be the shared one)
      const conn = await db.connect();
      const user = await db.connect();
      const catalog = cacheFileOf(db) !== null ? () => VersionCatalog.of(db) : undefined;
      let ranged: RangedTables | undefined;
      const cache = new VersionCache(conn, this.options, (table) => { this.plot.drop(table); ranged?.evicted(table); }, catalog);
      ranged = new RangedTables(conn, cache);
      return { conn, user, cache, ranged };
    })();
    return this.connecting;
  }

  /**
   * Brings the user connection's copies of our views up to date with the engine's (a view is TEMP: private to the
   * connection that made it), all of them, so that a view of the user's own over one of ours reads what is bound
   * now. Only copies that changed are made again: a view re-bound since (whose versions the bind just loaded), or one
   * a user write named. A view's versions are loaded and pinned by `ensure` first: DuckDB binds a view when it is
   * created, so its tables must exist.
   */
  private async syncUserViews(c: Connections, ensure: (views: Bound[]) => Promise<void>): Promise<void> {
    for (const [key, b] of this.bound) {
      const sql = this.viewSql.get(key);
      if (sql === undefined || this.userViewSql.get(key) === sql) continue;
      await ensure([b]);
      this.userViewSql.delete(key);
      await runSql(c.user, sql);
      this.userViewSql.set(key, sql);
    }
  }

  /** Runs `fn` after every earlier call has finished: one statement at a time on the connections. */
  private exclusive<T>(signal: AbortSignal | undefined, fn: (c: Connections) => Promise<T>): Promise<T> {
    return this.statements.run(async () => {
      throwIfAborted(signal, 'query');
      const c = await this.connection();
      try {
        return await fn(c);
      } finally {
        if (c.cache.needsCheckpoint) this.checkpointLater(c.cache);
      }
    });
  }

  /**
   * Versions newly kept in DuckDB's cache file are made durable by a checkpoint queued after the statement that
   * loaded them, so that statement's answer does not wait for the disk.
   */
  private checkpointLater(cache: VersionCache): void {
    void this.statements.run(() => cache.checkpoint()).catch((e) => {
      // Expected: an OPFS write failure (quota, say). The cache file then lacks only what the pond still holds, and
      // DuckDB's WAL or the next checkpoint keeps trying; a query must not fail for it.
      console.warn('DuckDB cache checkpoint failed:', e);
    });
  }

  private maxResultBytes(): number {
    return this.options.maxResultBytes ?? 64 * 1024 * 1024;
  }

  /** Forgets every cached result and cacheability verdict. */
  private invalidate(): void {
    this.results.clear();
    this.cacheable.clear();
    this.resultBytes = 0;
  }

  /**
   * Forgets the results that may read view `key`: those of statements naming it, and every result of user SQL, which
   * may reach it through a view of the user's own. Other results stay: re-binding one derived node after its input
   * changed leaves the other nodes' answers cached.
   */
  private invalidateView(key: string): void {
    this.cacheable.clear();
    for (const [k, e] of this.results) {
      if (e.views !== ANY_VIEW && !e.views.has(key)) continue;
      this.results.delete(k);
      this.resultBytes -= e.bytes;
    }
  }

  /** The bound name of a Bound (its key in `bound`). */
  private nameOf(b: Bound): string {
    for (const [k, x] of this.bound) if (x === b) return k;
    return '';
  }

  private remember(sql: string, table: Table, views: ReadonlySet<string>): void {
    const bytes = table.batches.reduce((s, b) => s + b.data.byteLength, 0) + sql.length * 2;
    const max = this.maxResultBytes();
    if (bytes > max / 4) return;
    for (const [k, e] of this.results) {
      if (this.resultBytes + bytes <= max) break;
      this.results.delete(k);
      this.resultBytes -= e.bytes;
    }
    this.results.set(sql, { table, bytes, views });
    this.resultBytes += bytes;
  }

  /**
   * Whether DuckDB's plan for `sql` reads nothing but this engine's version tables (no user or main tables, no
   * table functions): then its result depends only on the bound views. One EXPLAIN per distinct SQL text.
   */
  private async readsOnlyVersions(conn: AsyncDuckDBConnection, key: string, sql: string, cache: VersionCache): Promise<boolean> {
    const known = this.cacheable.get(key);
    if (known !== undefined) return known;
    let plan: unknown;
    try {
      const t = await conn.query(`EXPLAIN (FORMAT JSON) ${sql}`);
      plan = JSON.parse(String(t.getChild('explain_value')?.get(0) ?? 'null'));
    } catch {
      return false; // the statement itself will report its error (or is retried after a reload)
    }
    const ok = planReadsOnly(plan, (name) => cache.isVersionTable(name));
    this.cacheable.set(key, ok);
    return ok;
  }

  /** A version table's time and value columns as JS arrays, from the plot LRU or fetched once from DuckDB. */
  private async plotArrays(conn: AsyncDuckDBConnection, table: string, schema: Schema, ts: string, columns: string[]): Promise<VersionArrays | undefined> {
    let a = this.plot.get(table);
    const has = new Set(schema.fields.map((f) => f.name));
    const missing = columns.filter((c) => !a?.columns.has(c));
    if (a && missing.length === 0) return a;
    const fetched = missing.filter((c) => has.has(c));
    const select = [...(a ? [] : [`epoch_us(${ident(ts)})::DOUBLE AS t`]), ...fetched.map((c, i) => `${ident(c)}::DOUBLE AS c${i}`)];
    let r: Table | undefined;
    if (select.length > 0) {
      const sql = `SELECT ${select.join(', ')} FROM ${ident(table)}`;
      try {
        r = await conn.query(sql);
      } catch (e) {
        throw queryError(sql, e);
      }
    }
    if (!a) {
      const t = toTimeArray(r!.getChild('t')!);
      if (!t) return undefined;
      a = { ...t, columns: new Map() };
    }
    const next: VersionArrays = { t: a.t, sorted: a.sorted, columns: new Map(a.columns) };
    for (const c of missing) next.columns.set(c, has.has(c) ? toColumnArray(r!.getChild(`c${fetched.indexOf(c)}`)!) : null);
    this.plot.set(table, next);
    return next;
  }

  /**
   * Loads (or finds) and pins every selected version of a stored source, checking their schemas agree; the keys pinned
   * go to `pinned`, for the caller to release (also when this throws). A version read by ranges is bound from its
   * footer: its table holds the row groups statements have needed so far, none at first (ranged-tables.ts).
   */
  private async materialise(c: Connections, b: Leaf, signal: AbortSignal | undefined, pinned: string[]): Promise<string[]> {
    const tables: string[] = [];
    const schemas: Schema[] = [];
    const what = b.source.path ?? b.source.fileKey;
    for (const v of b.selected) {
      throwIfAborted(signal, 'query');
      const name = `${what} v${v.version}`;
      let schema: Schema;
      if (v.ranges) {
        const r = await c.ranged.acquire({ fileKey: b.source.fileKey, version: v.version, ranges: v.ranges, name, timestampColumn: b.source.timestampColumn }, (k) => pinned.push(k));
        schema = r.schema;
        tables.push(r.table);
      } else {
        const key = versionKey(b.source.fileKey, v.version);
        const e = await c.cache.acquire(key, async () => withoutTimeZones(await parquetToArrow(await v.load(), name)), v.contentId);
        pinned.push(key);
        schema = e.schema;
        tables.push(e.table);
      }
      if (schemas.length > 0) checkSchemaCompatible(mergedSchema(schemas), schema, `version ${v.version} of ${what}`);
      schemas.push(schema);
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

/**
 * A derived view DuckDB would not make (a column its SQL names is gone from an input, types that no longer agree):
 * the error names the node and what its inputs read, since the SQL is the factory's, not the person's.
 */
function derivedError(source: DerivedSource, e: unknown): unknown {
  if (!isPondError(e, 'QUERY')) return e;
  const inputs = source.inputs.map((i) => `${i.name}: ${i.paths.join(', ') || i.what}`).join('; ');
  return new PondError('QUERY', `${source.path} cannot be computed from its inputs (${inputs}): ${e.message}`, { cause: e, detail: { ...e.detail, path: source.path } });
}

/** The versions of a stored source a view reads: a table its latest, a series all; pruned by a time range. */
function selectVersions(source: BindSource, range: [number, number] | undefined): Leaf {
  const sorted = [...source.versions].sort((a, b) => a.version - b.version);
  const candidates = source.kind === 'table' ? sorted.slice(-1) : sorted;
  return { source, selected: range ? candidates.filter((v) => mayIntersect(v, range)) : candidates };
}

/** Whether a view reads a version by ranges (whose row groups a statement's plan decides to fetch). */
function readsByRanges(b: Bound): boolean {
  return b.leaves.some((leaf) => leaf.selected.some((v) => v.ranges));
}

/** The view over a stored source's cached version tables. */
function viewSql(leaf: Leaf, tables: string[], range: [number, number] | undefined): string {
  const ts = leaf.source.timestampColumn;
  if (tables.length === 0) {
    // Every version was pruned: nothing to read, but the view must still exist for the caller's SQL.
    return ts ? `SELECT NULL::TIMESTAMP AS ${ident(ts)} WHERE false` : 'SELECT NULL AS "empty" WHERE false';
  }
  const union = tables.map((t) => `SELECT * FROM ${ident(t)}`).join(' UNION ALL BY NAME ');
  if (!range || !ts) return union;
  return `SELECT * FROM (${union}) WHERE ${timeRangePredicate(ts, range)}`;
}

/** The dependencies of a result that may read any bound view. */
const ANY_VIEW: ReadonlySet<string> = new Set();

/** Names of the engine's version tables (version-cache.ts: `__pond_c<engine>_v<n>`), which user SQL may not name. */
const ENGINE_TABLE = /^__pond_/i;

/** Statements whose results may be cached (still subject to the checks in `query`). */
const CACHEABLE = /^[(\s]*(SELECT|WITH|FROM|VALUES)\b/i;

/** Functions (and sampling) whose results differ between runs: statements naming them are never cached. */
const VOLATILE = /\b(random|rand|uuid|gen_random_uuid|uuidv4|uuidv7|now|today|current_\w+|localtime|localtimestamp|get_current_\w+|transaction_timestamp|statement_timestamp|nextval|currval|setseed|sample|tablesample|reservoir|bernoulli|system)\b/i;

/** Leaves of a physical plan (EXPLAIN FORMAT JSON) that read no data of their own. */
const PURE_LEAVES = new Set(['DUMMY_SCAN', 'EMPTY_RESULT', 'COLUMN_DATA_SCAN', 'CTE_SCAN', 'DELIM_SCAN', 'CHUNK_SCAN', 'RECURSIVE_CTE_SCAN', 'RECURSIVE_RECURRING_CTE_SCAN']);

/** Whether every leaf of the plan is a scan of a version table (per `isVersion`) or reads no data. */
function planReadsOnly(plan: unknown, isVersion: (table: string) => boolean): boolean {
  if (!Array.isArray(plan) || plan.length === 0) return false;
  const ok = (n: { name?: unknown; children?: unknown; extra_info?: Record<string, unknown> }): boolean => {
    const name = String(n.name ?? '').trim();
    const kids = Array.isArray(n.children) ? (n.children as (typeof n)[]) : [];
    if (name === 'SEQ_SCAN' || name === 'TABLE_SCAN') return typeof n.extra_info?.Table === 'string' && isVersion(n.extra_info.Table) && kids.every(ok);
    if (kids.length === 0) return PURE_LEAVES.has(name);
    return kids.every(ok);
  };
  return (plan as Parameters<typeof ok>[0][]).every(ok);
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
