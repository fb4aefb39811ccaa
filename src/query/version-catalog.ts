// The record of decoded versions kept in a persistent DuckDB database (see query-cache-file.ts): which content (a
// version's SHA-256, so a record can never be stale: the same bytes always decode to the same rows) lives in which
// table, with its size and Arrow schema. It is itself a table of that database, so it survives restarts with them.
//
// The database is a cache: anything in it that the catalog does not name (a table left by a crash between the insert
// and its record, a version table of an engine of the last session, one a person created through the SQL tab) is
// dropped when DuckDB opens the file, and a record whose table is missing is forgotten.
import type { AsyncDuckDB, AsyncDuckDBConnection } from '@duckdb/duckdb-wasm';
import { SerialQueue } from '../core/serial-queue';
import { Table, tableFromIPC, tableToIPC, type Schema } from 'apache-arrow';
import { ident, runSql } from './sql';

const CATALOG = '__pond_version_catalog';
/** Persistent version tables are named by their content: `__pond_p_` and 32 hex digits of the SHA-256. */
const TABLE_PREFIX = '__pond_p_';

export interface CatalogRecord {
  contentId: string;
  table: string;
  rows: number;
  bytes: number;
  schema: Schema;
  lastUsed: number;
}

const sqlText = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The persistent table name for a content id (a hex SHA-256). */
export function persistentTableName(contentId: string): string {
  return `${TABLE_PREFIX}${contentId.toLowerCase().replace(/[^0-9a-f]/g, '').slice(0, 32)}`;
}

export function isPersistentTableName(table: string): boolean {
  return /^__pond_p_[0-9a-f]{1,32}$/.test(table);
}

function schemaToText(schema: Schema): string {
  const bytes = tableToIPC(new Table(schema), 'stream');
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

function schemaFromText(text: string): Schema {
  const bin = atob(text);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return tableFromIPC(bytes).schema;
}

/**
 * Run once when DuckDB opens its cache file, before anything else uses it: creates the catalog, forgets records whose
 * table is gone, and drops every other table or view of the main database (what a crash or a person left there).
 */
export async function tidyCacheDatabase(conn: AsyncDuckDBConnection): Promise<void> {
  await runSql(conn, `CREATE TABLE IF NOT EXISTS ${CATALOG} (content_id VARCHAR PRIMARY KEY, tbl VARCHAR, rows BIGINT, bytes BIGINT, schema_ipc VARCHAR, last_used BIGINT)`);
  const tables = new Set((await runSql(conn, `SELECT table_name::VARCHAR AS t FROM duckdb_tables() WHERE database_name = current_database() AND NOT temporary`))
    .toArray().map((r) => String(r.t)));
  const recorded = (await runSql(conn, `SELECT content_id, tbl FROM ${CATALOG}`)).toArray().map((r) => ({ id: String(r.content_id), table: String(r.tbl) }));
  const gone = recorded.filter((r) => !tables.has(r.table)).map((r) => r.id);
  if (gone.length) await runSql(conn, `DELETE FROM ${CATALOG} WHERE content_id IN (${gone.map(sqlText).join(', ')})`);
  const known = new Set(recorded.map((r) => r.table));
  for (const t of tables) if (t !== CATALOG && !known.has(t)) await runSql(conn, `DROP TABLE IF EXISTS ${ident(t)}`);
  for (const v of (await runSql(conn, `SELECT view_name::VARCHAR AS v FROM duckdb_views() WHERE database_name = current_database() AND NOT temporary AND NOT internal`)).toArray()) {
    await runSql(conn, `DROP VIEW IF EXISTS ${ident(String(v.v))}`);
  }
  await runSql(conn, 'CHECKPOINT');
}

const catalogs = new WeakMap<AsyncDuckDB, Promise<VersionCatalog>>();

/**
 * The decoded versions kept in one DuckDB instance's cache file. One per instance, shared by every engine on it (the
 * pond worker has two), so that one engine never drops a table another is reading: a record is removed only while no
 * engine has it pinned, and every engine is told when one goes. Its statements run on a connection of its own, one
 * at a time.
 */
export class VersionCatalog {
  private readonly pins = new Map<string, number>();
  private readonly listeners = new Set<(contentId: string) => void>();
  private readonly queue = new SerialQueue();
  private readonly filling = new Map<string, Promise<CatalogRecord>>();
  private due = false;

  private constructor(private readonly conn: AsyncDuckDBConnection, readonly records: Map<string, CatalogRecord>) {}

  /** The catalog of `db`'s cache file (loaded on first use). */
  static of(db: AsyncDuckDB): Promise<VersionCatalog> {
    let c = catalogs.get(db);
    if (!c) {
      c = (async () => {
        const conn = await db.connect();
        const records = new Map<string, CatalogRecord>();
        const rows = await runSql(conn, `SELECT content_id, tbl, rows::DOUBLE AS rows, bytes::DOUBLE AS bytes, schema_ipc, last_used::DOUBLE AS last_used FROM ${CATALOG}`);
        for (const r of rows.toArray()) {
          records.set(String(r.content_id), {
            contentId: String(r.content_id), table: String(r.tbl), rows: Number(r.rows), bytes: Number(r.bytes), schema: schemaFromText(String(r.schema_ipc)), lastUsed: Number(r.last_used),
          });
        }
        return new VersionCatalog(conn, records);
      })();
      c.catch(() => catalogs.delete(db)); // a later engine may try again; this one reports the failure
      catalogs.set(db, c);
    }
    return c;
  }

  /** Told the content id of every record removed, so engines forget their entries for it. */
  onRemove(listener: (contentId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  pin(contentId: string): void {
    this.pins.set(contentId, (this.pins.get(contentId) ?? 0) + 1);
    const r = this.records.get(contentId);
    if (r) r.lastUsed = Date.now();
  }

  unpin(contentId: string): void {
    const n = (this.pins.get(contentId) ?? 0) - 1;
    if (n > 0) this.pins.set(contentId, n);
    else this.pins.delete(contentId);
  }

  /**
   * The record of `contentId`, filling its table first (by `fill`, on the caller's connection) when there is none.
   * Two callers asking for the same content at once share one fill: they would otherwise drop each other's table.
   */
  fill(contentId: string, fill: (table: string) => Promise<{ rows: number; bytes: number; schema: Schema }>): Promise<CatalogRecord> {
    const known = this.records.get(contentId);
    if (known) return Promise.resolve(known);
    let p = this.filling.get(contentId);
    if (!p) {
      p = (async () => {
        const table = persistentTableName(contentId);
        const made = await fill(table);
        const r: CatalogRecord = { contentId, table, ...made, lastUsed: Date.now() };
        await this.queue.run(async () => {
          await runSql(this.conn, `INSERT OR REPLACE INTO ${CATALOG} VALUES (${sqlText(r.contentId)}, ${sqlText(r.table)}, ${r.rows}, ${r.bytes}, ${sqlText(schemaToText(r.schema))}, ${r.lastUsed})`);
          this.records.set(r.contentId, r);
          this.due = true;
        });
        return r;
      })().finally(() => this.filling.delete(contentId));
      this.filling.set(contentId, p);
    }
    return p;
  }

  /** Total Arrow bytes of the recorded versions. */
  get bytes(): number {
    let n = 0;
    for (const r of this.records.values()) n += r.bytes;
    return n;
  }

  /** Removes unpinned records, least recently used first, until their bytes fit `maxBytes`. */
  trim(maxBytes: number): Promise<void> {
    return this.queue.run(async () => {
      let kept = this.bytes;
      if (kept <= maxBytes) return;
      for (const r of [...this.records.values()].sort((a, b) => a.lastUsed - b.lastUsed)) {
        if (kept <= maxBytes) break;
        if (this.pins.has(r.contentId)) continue;
        this.records.delete(r.contentId);
        for (const l of this.listeners) l(r.contentId);
        await runSql(this.conn, `DROP TABLE IF EXISTS ${ident(r.table)}`);
        await runSql(this.conn, `DELETE FROM ${CATALOG} WHERE content_id = ${sqlText(r.contentId)}`);
        kept -= r.bytes;
        this.due = true;
      }
    });
  }

  /** Removes every record no engine has pinned now (a pond was deleted: its decoded rows must not outlive it). */
  async clear(): Promise<void> {
    await this.trim(0);
    await this.checkpoint();
  }

  /** Whether something was added or removed since the last checkpoint. */
  get needsCheckpoint(): boolean {
    return this.due;
  }

  /**
   * Writes the records' recency (kept in memory in between: a lost update only ages an entry) and checkpoints, so
   * the file holds what was added without waiting on DuckDB's WAL.
   */
  checkpoint(): Promise<void> {
    return this.queue.run(async () => {
      this.due = false;
      const rs = [...this.records.values()];
      if (rs.length) {
        await runSql(this.conn, `UPDATE ${CATALOG} AS c SET last_used = u.last_used FROM (VALUES ${rs.map((r) => `(${sqlText(r.contentId)}, ${r.lastUsed})`).join(', ')}) AS u(id, last_used) WHERE c.content_id = u.id`);
      }
      await runSql(this.conn, 'CHECKPOINT');
    });
  }
}
