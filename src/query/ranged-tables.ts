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
import { readRangedFooter, readRowGroups, type RangedFooter, type VersionRanges } from './ranged-parquet';
import { hull, meets, planScans, scanInterval, UNBOUNDED, type TimeInterval } from './plan-time-filters';
import { queryError } from './sql';
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
  /** Counts for tests and benchmarks: plans read, and row groups decoded into tables. */
  readonly counts = { plans: 0, decoded: 0 };

  constructor(private readonly conn: AsyncDuckDBConnection, private readonly cache: VersionCache) {}

  /** Whether some bound ranged version's table lacks row groups: then a statement's plan decides what to fetch. */
  get pending(): boolean {
    for (const h of this.held.values()) if (h.groups.length < h.footer.spans.length) return true;
    return false;
  }

  /** Makes version `v`'s table exist (empty when new: only its footer is fetched) and pins it (its key to `pin`). */
  async acquire(v: RangedVersion, pin: (key: string) => void): Promise<{ table: string; schema: Schema }> {
    const footer = await this.footer(v);
    const key = versionKey(v.fileKey, v.version);
    const e = await this.cache.acquire(key, () => this.decode(v, footer, []));
    pin(key);
    if (!this.held.has(e.table)) {
      const ts = v.timestampColumn;
      const bounds = footer.spans.map((s) => {
        const st = ts !== undefined && footer.micros.has(ts) ? s.stats.get(ts) : undefined;
        return { min: int64(st?.min), max: int64(st?.max) };
      });
      this.held.set(e.table, { v, key, footer, groups: [], bounds });
    }
    return { table: e.table, schema: e.schema };
  }

  /**
   * Fetches into their tables the row groups statement `sql` may read on `conn`, by its plan. A statement whose plan
   * cannot be had (EXPLAIN refuses it) fetches every row group of every bound ranged version: nothing says which it reads.
   */
  async fillFor(conn: AsyncDuckDBConnection, sql: string, signal: AbortSignal | undefined): Promise<void> {
    if (!this.pending) return;
    const needed = await this.neededBy(conn, sql);
    for (const [table, interval] of needed ?? [...this.held.keys()].map((t) => [t, UNBOUNDED] as const)) {
      throwIfAborted(signal, 'query');
      await this.fill(table, interval);
    }
  }

  /** Fetches every row group of the ranged versions among `tables` (a derived result materialised whole reads all). */
  async fillAll(tables: Iterable<string>, signal: AbortSignal | undefined): Promise<void> {
    for (const table of tables) {
      throwIfAborted(signal, 'query');
      await this.fill(table, UNBOUNDED);
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

  /** Adds to `table` the row groups whose times meet `interval` that it lacks. */
  private async fill(table: string, interval: TimeInterval): Promise<void> {
    const h = this.held.get(table);
    if (!h || !this.cache.peek(h.key)) return;
    const missing = h.bounds.flatMap((b, i) => (!h.groups.includes(i) && meets(interval, b.min, b.max) ? [i] : []));
    if (missing.length === 0) return;
    const groups = [...h.groups, ...missing].sort((a, b) => a - b);
    await this.cache.reload(h.key, () => this.decode(h.v, h.footer, groups));
    h.groups = groups;
  }

  /**
   * Per bound ranged table the statement scans, the interval of time its scans can read (the hull over several
   * scans); undefined when the plan cannot be had.
   */
  private async neededBy(conn: AsyncDuckDBConnection, sql: string): Promise<Map<string, TimeInterval> | undefined> {
    this.counts.plans++;
    let plan: unknown;
    // The option is instance-wide (DuckDB refuses it per connection). This engine's statements run one at a time;
    // another engine's statement planned meanwhile is only planned without statistics, never answered otherwise.
    await run(this.conn, `SET GLOBAL disabled_optimizers = 'statistics_propagation'`);
    try {
      const t = await conn.query(`EXPLAIN (FORMAT JSON) ${sql}`);
      plan = JSON.parse(String(t.getChild('explain_value')?.get(0) ?? 'null'));
    } catch {
      return undefined; // not a statement EXPLAIN plans, or one that will fail with its own error: fetch all
    } finally {
      await run(this.conn, 'RESET GLOBAL disabled_optimizers');
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
  private async decode(v: RangedVersion, footer: RangedFooter, groups: number[]): Promise<Table> {
    if (groups.length === 0) return new Table(zoneless(footer.schema));
    this.counts.decoded += groups.length;
    return withoutTimeZones(await readRowGroups(v.ranges, groups, v.name, footer.schema.fields.map((f) => f.name)));
  }
}

/** A footer's schema as a decoded row group's will be: timestamp zones dropped, as withoutTimeZones does. */
function zoneless(schema: Schema): Schema {
  const zoned = (f: Field) => f.type.typeId === Type.Timestamp && Boolean((f.type as Timestamp).timezone);
  if (!schema.fields.some(zoned)) return schema;
  return new Schema(schema.fields.map((f) => (zoned(f) ? new Field(f.name, new Timestamp((f.type as Timestamp).unit, null), f.nullable) : f)));
}

function int64(b: Uint8Array | undefined): bigint | undefined {
  if (!b || b.length !== 8) return undefined;
  return new DataView(b.buffer, b.byteOffset, 8).getBigInt64(0, true);
}

async function run(conn: AsyncDuckDBConnection, sql: string): Promise<void> {
  try {
    await conn.query(sql);
  } catch (e) {
    throw queryError(sql, e);
  }
}
