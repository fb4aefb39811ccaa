// SQL over versions read by ranges (a large version in a pond opened from a link): a statement fetches the version's
// footer and only the row groups it needs. Such a version is bound from its footer alone: its table (the version
// cache's, under the version's key, as for a whole version) starts EMPTY, with the version's columns. Before a
// statement runs, its plan is read (EXPLAIN (FORMAT JSON)); the time filters DuckDB pushed into each scan of the table
// give the interval it can read (plan-time-filters.ts), and the row groups whose footer statistics meet it that the
// table lacks are fetched (each hash-checked, ranged-parquet.ts) and the table made again with every row group it
// holds, in the file's order. A table in no scan is read by no part of the statement.
//
// Why the answer equals that of reading the version whole: the rows the scan returns are those inside its filters;
// every row group left out has all its times outside them (its statistics say so), so the scan returns the same rows,
// in the same order, from the same one table per version as a whole read (a table per row group would not do: DuckDB
// sums each table of a union apart, and floating-point sums then differ in their last digits).
// While the plan is read, DuckDB's statistics propagation is off: with it on, the plan depends on what the table holds
// (an empty table's scan under `WHERE x IS NULL` is pruned from the plan), and a plan must not depend on that.
import type { AsyncDuckDBConnection } from '@duckdb/duckdb-wasm';
import { Field, Schema, Table, Timestamp, Type } from 'apache-arrow';
import { throwIfAborted } from '../core/errors';
import { readRangedFooter, readRowGroups, statInt64, type RangedFooter, type RowGroupReadOptions, type VersionRanges } from './ranged-parquet';
import { hull, meets, planScans, scanInterval, UNBOUNDED, type TimeInterval } from './plan-time-filters';
import { duckDbMessage, runSql } from './sql';
import { withoutTimeZones } from './schema';
import { versionKey, type VersionCache } from './version-cache';

/** A version read by ranges, as the engine binds it. */
export interface RangedVersion {
  fileKey: string;
  version: number;
  ranges: VersionRanges;
  /** For errors: "<path> v<n>". */
  name: string;
  timestampColumn: string | undefined;
}

/**
 * The version cache's key of a version read by ranges: not the whole version's key, since its table holds only some
 * row groups, and the same version may be read whole later in this engine (a link kept as a copy on this device).
 */
export function rangedKey(fileKey: string, version: number): string {
  return `${versionKey(fileKey, version)}\u0000ranges`;
}

/** Cancel and progress (bytes of row groups fetched of those the statement needs) of fetching for a statement. */
export interface FillOptions {
  signal?: AbortSignal;
  /**
   * Statements in `sql` (default 1). EXPLAIN plans only the first of several (and a later one may read a view an
   * earlier one makes), so a text of several fetches every row group.
   */
  statements?: number;
  onProgress?: (done: number, total: number, what: string) => void;
}

/** A bound ranged version's table and which of its row groups it holds now. */
interface Held {
  v: RangedVersion;
  key: string;
  footer: RangedFooter;
  /** Row groups in the table, ascending. */
  groups: number[];
  /** The footer's min/max of the time column per row group (µs), where recorded and stored as µs. */
  bounds: { min: bigint | undefined; max: bigint | undefined }[];
}

/**
 * One per QueryEngine, used under its connection lock. Life-cycle: `acquire` whenever a view over the version must
 * bind (its table is made to exist, pinned); `fillFor` before each statement that may read such a table; `evicted`
 * when the version cache drops one; `forget` when the pond drops a file.
 */
export class RangedTables {
  private readonly footers = new Map<string, Promise<RangedFooter>>();
  /** Ranged versions whose table exists, by table name. */
  private readonly held = new Map<string, Held>();

  constructor(private readonly conn: AsyncDuckDBConnection, private readonly cache: VersionCache) {}

  /** Whether some bound ranged version's table lacks row groups: then a statement's plan decides what to fetch. */
  get pending(): boolean {
    for (const h of this.held.values()) if (h.groups.length < h.footer.spans.length) return true;
    return false;
  }

  /** Makes version `v`'s table exist (empty when new: only its footer is fetched) and pins it (its key to `pin`). */
  async acquire(v: RangedVersion, pin: (key: string) => void): Promise<{ table: string; schema: Schema }> {
    const footer = await this.footer(v);
    const key = rangedKey(v.fileKey, v.version);
    const e = await this.cache.acquire(key, () => this.decode(v, footer, []));
    pin(key);
    if (!this.held.has(e.table)) {
      const ts = v.timestampColumn;
      const bounds = footer.spans.map((s) => {
        const st = ts !== undefined && footer.micros.has(ts) ? s.stats.get(ts) : undefined;
        return { min: statInt64(st?.min), max: statInt64(st?.max) };
      });
      this.held.set(e.table, { v, key, footer, groups: [], bounds });
    }
    return { table: e.table, schema: e.schema };
  }

  /**
   * Fetches into their tables the row groups statement `sql` may read on `conn`, by its plan. A statement whose plan
   * cannot be had (EXPLAIN refuses it) fetches every row group of every bound ranged version: nothing says which it reads.
   */
  async fillFor(conn: AsyncDuckDBConnection, sql: string, opts: FillOptions = {}): Promise<void> {
    if (!this.pending) return;
    const needed = (opts.statements ?? 1) === 1 ? await this.neededBy(conn, sql) : undefined;
    if (!needed && (opts.statements ?? 1) === 1 && !(await prepares(conn, sql))) return; // it fails as it is, with its own error
    await this.fillTables(needed ? [...needed] : [...this.held.keys()].map((t) => [t, UNBOUNDED] as const), opts);
  }

  /** Fetches every row group of the ranged versions among `tables` (a derived result materialised whole reads all). */
  async fillAll(tables: Iterable<string>, opts: FillOptions = {}): Promise<void> {
    await this.fillTables([...tables].map((t) => [t, UNBOUNDED] as const), opts);
  }

  /** Adds to each table the row groups whose times meet its interval that it lacks, reporting bytes fetched of all. */
  private async fillTables(wanted: (readonly [string, TimeInterval])[], opts: FillOptions): Promise<void> {
    const plans = wanted.flatMap(([table, interval]) => {
      const h = this.held.get(table);
      if (!h || !this.cache.peek(h.key)) return [];
      const missing = h.bounds.flatMap((b, i) => (!h.groups.includes(i) && meets(interval, b.min, b.max) ? [i] : []));
      return missing.length ? [{ h, missing }] : [];
    });
    const total = plans.reduce((n, p) => n + p.missing.reduce((m, i) => m + p.h.v.ranges.rowGroupAt(i).length, 0), 0);
    let done = 0;
    for (const { h, missing } of plans) {
      throwIfAborted(opts.signal, 'query');
      const groups = [...h.groups, ...missing].sort((a, b) => a - b);
      const onGroup = (i: number, bytes: number) => {
        if (!missing.includes(i)) return; // held already: read again from the link's cache, not fetched
        done += bytes;
        opts.onProgress?.(done, total, `fetching ${h.v.name}`);
      };
      await this.cache.reload(h.key, () => this.decode(h.v, h.footer, groups, { signal: opts.signal, onGroup }));
      h.groups = groups;
    }
  }

  /** A table the version cache dropped (evicted, forgotten): made anew, empty, when next bound. */
  evicted(table: string): void {
    this.held.delete(table);
  }

  /** Forgets the footers of `fileKey` (the pond rewrote or removed it), or of every file. */
  forget(fileKey?: string): void {
    for (const key of [...this.footers.keys()]) if (fileKey === undefined || key.startsWith(`${fileKey}\u0000`)) this.footers.delete(key);
    for (const [table, h] of [...this.held]) if (fileKey === undefined || h.v.fileKey === fileKey) this.held.delete(table);
  }

  /**
   * Per bound ranged table the statement scans, the interval of time its scans can read (the hull over several
   * scans); undefined when the plan cannot be had.
   */
  private async neededBy(conn: AsyncDuckDBConnection, sql: string): Promise<Map<string, TimeInterval> | undefined> {
    let plan: unknown;
    // The option is instance-wide (DuckDB refuses it per connection). This engine's statements run one at a time;
    // another engine's statement planned meanwhile is only planned without statistics, never answered otherwise.
    await runSql(this.conn, `SET GLOBAL disabled_optimizers = 'statistics_propagation'`);
    try {
      const t = await conn.query(`EXPLAIN (FORMAT JSON) ${sql}`);
      plan = JSON.parse(String(t.getChild('explain_value')?.get(0) ?? 'null'));
    } catch {
      return undefined; // not a statement EXPLAIN plans, or one that will fail with its own error: fetch all
    } finally {
      await runSql(this.conn, 'RESET GLOBAL disabled_optimizers');
    }
    const scans = planScans(plan);
    if (!scans) return undefined;
    const out = new Map<string, TimeInterval>();
    for (const s of scans) {
      const h = this.held.get(s.table);
      if (!h) continue;
      const ts = h.v.timestampColumn;
      const i = ts === undefined ? UNBOUNDED : scanInterval(s.filters, ts);
      const had = out.get(s.table);
      out.set(s.table, had ? hull(had, i) : i);
    }
    return out;
  }

  private footer(v: RangedVersion): Promise<RangedFooter> {
    const key = versionKey(v.fileKey, v.version);
    let f = this.footers.get(key);
    if (!f) {
      f = readRangedFooter(v.ranges, v.name);
      f.catch(() => this.footers.delete(key)); // the caller sees the error; the next bind fetches the footer anew
      this.footers.set(key, f);
    }
    return f;
  }

  /** Row groups `groups` of a version (fetched, checked, decoded in the file's order), or none: its empty table. */
  private async decode(v: RangedVersion, footer: RangedFooter, groups: number[], opts: RowGroupReadOptions = {}): Promise<Table> {
    if (groups.length === 0) return new Table(zoneless(footer.schema));
    return withoutTimeZones(await readRowGroups(v.ranges, groups, v.name, footer.schema.fields.map((f) => f.name), opts));
  }
}

/** A footer's schema as a decoded row group's will be: timestamp zones dropped, as withoutTimeZones does. */
function zoneless(schema: Schema): Schema {
  const zoned = (f: Field) => f.type.typeId === Type.Timestamp && Boolean((f.type as Timestamp).timezone);
  if (!schema.fields.some(zoned)) return schema;
  return new Schema(schema.fields.map((f) => (zoned(f) ? new Field(f.name, new Timestamp((f.type as Timestamp).unit, null), f.nullable) : f)));
}

/**
 * Whether `sql` (one statement EXPLAIN would not plan) may run: false only when DuckDB cannot parse or bind it, an
 * error of its text that running it reports the same way whatever the tables hold, so nothing need be fetched for
 * it (a typo must not fetch the pond). Any other refusal to prepare (a statement DuckDB runs as several, like some
 * PIVOTs) says nothing: true.
 */
async function prepares(conn: AsyncDuckDBConnection, sql: string): Promise<boolean> {
  let prepared: Awaited<ReturnType<AsyncDuckDBConnection['prepare']>>;
  try {
    prepared = await conn.prepare(sql);
  } catch (e) {
    return !/^(Parser|Binder|Catalog) Error/.test(duckDbMessage(e)); // expected: the statement's own error
  }
  await prepared.close();
  return true;
}
