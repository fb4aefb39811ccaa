// Warming DuckDB up on its cache file right after it starts, so that the first query after a restart runs as fast as
// a query on a table already loaded (issue 12's benchmark, BENCHMARKS.md "first query after a restart").
//
// Measured (bench/data.bench.ts, 10 versions × 1M rows, hourly avg): the decoded versions are in the cache file, so
// nothing is decoded after a restart, yet the first query took ~1.8x the same query on a warm flat table. Not for the
// ten-table union (one flat persistent table was as slow on its first query), but for two costs of a new DuckDB
// worker: its wasm code for scans and aggregates runs unoptimised until V8 tiers it up (a query over unrelated rows
// first took ~300 ms off), and the tables' compressed blocks are read from OPFS into DuckDB's buffer pool.
//
// So once the file is open, in the background (DuckDB starts after the first screen is drawn, see duckdb.ts), the
// most recently used versions are read, one statement per table, newest first, up to a byte budget: every column's
// blocks come into the buffer pool and the scan code is exercised; one time-bucketed average over the newest version
// exercises the aggregate code the app's reductions run. It gives way at once: whoever needs DuckDB for real (an
// engine connecting, an import) stops it, and it only ever holds them up for the statement under way (≤ one table).
import type { AsyncDuckDB } from '@duckdb/duckdb-wasm';
import { DataType, type Field } from 'apache-arrow';
import { reduceSql } from './reduce';
import { ident } from './sql';
import { VersionCatalog, type CatalogRecord } from './version-catalog';

/** What a warm-up did, for the benchmark and tests. */
export interface WarmUpReport {
  /** The version tables read, in the order read (most recently used first). */
  tables: string[];
  /** Whether it was stopped before reading every table within its budget. */
  stopped: boolean;
  ms: number;
}

export interface WarmUpOptions {
  /** Arrow bytes (as the catalog records them) of versions to read at most (default 256 MiB). */
  maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;

interface Running {
  controller: AbortController;
  done: Promise<WarmUpReport>;
}

const running = new WeakMap<AsyncDuckDB, Running>();

/** Columns whose `max` DuckDB computes by reading every value: plain scalars (nested ones are left cold). */
function scannable(f: Field): boolean {
  const t = f.type;
  return DataType.isInt(t) || DataType.isFloat(t) || DataType.isTimestamp(t) || DataType.isDate(t) || DataType.isTime(t)
    || DataType.isDecimal(t) || DataType.isBool(t) || DataType.isUtf8(t) || DataType.isLargeUtf8(t);
}

/** The time-bucketed average over a version the app's reductions look like, or undefined without time and numbers. */
function reductionOf(r: CatalogRecord): string | undefined {
  const ts = r.schema.fields.find((f) => DataType.isTimestamp(f.type));
  const values = r.schema.fields.filter((f) => DataType.isFloat(f.type) || DataType.isInt(f.type)).map((f) => f.name);
  if (!ts || values.length === 0) return undefined;
  return reduceSql(r.table, { timestampColumn: ts.name, columns: values, resolution: '1h', aggregations: ['avg'] });
}

/**
 * Starts warming `db` up on its cache file's versions (see the file's comment); returns at once. Only one warm-up
 * per instance; a later call returns the running one. `db` must have opened a cache file (query-cache-file.ts).
 */
export function startWarmUp(db: AsyncDuckDB, opts: WarmUpOptions = {}): Promise<WarmUpReport> {
  const known = running.get(db);
  if (known) return known.done;
  const controller = new AbortController();
  const done = warmUp(db, controller.signal, opts.maxBytes ?? DEFAULT_MAX_BYTES);
  running.set(db, { controller, done });
  return done;
}

/** The warm-up started on `db`, if any (resolves when it has finished or stopped; it never rejects). */
export function warmUpOf(db: AsyncDuckDB): Promise<WarmUpReport> | undefined {
  return running.get(db)?.done;
}

/** Stops `db`'s warm-up after the statement under way: someone needs DuckDB for real work. */
export function stopWarmUp(db: AsyncDuckDB): void {
  running.get(db)?.controller.abort();
}

async function warmUp(db: AsyncDuckDB, signal: AbortSignal, maxBytes: number): Promise<WarmUpReport> {
  const t0 = performance.now();
  const tables: string[] = [];
  const report = (stopped: boolean): WarmUpReport => ({ tables, stopped, ms: performance.now() - t0 });
  // Let whoever started DuckDB go first: a caller that awaited the start and issues its statement at once (an
  // import right after a cold start) stops the warm-up before its first statement is sent.
  await new Promise((r) => setTimeout(r, 0));
  if (signal.aborted) return report(true);
  let conn: Awaited<ReturnType<AsyncDuckDB['connect']>> | undefined;
  try {
    // The catalog is loaded once per instance and shared with the engines: loading it here is work they skip later.
    const catalog = await VersionCatalog.of(db);
    const newest = [...catalog.records.values()].sort((a, b) => b.lastUsed - a.lastUsed);
    conn = await db.connect();
    let bytes = 0;
    let reduced = false;
    for (const r of newest) {
      if (bytes + r.bytes > maxBytes) break;
      if (signal.aborted) return report(true);
      const columns = r.schema.fields.filter(scannable);
      if (!catalog.records.has(r.contentId) || columns.length === 0) continue; // removed meanwhile, or nothing to read
      const reduction = reduced ? undefined : reductionOf(r);
      try {
        await conn.query(`SELECT ${columns.map((f) => `max(${ident(f.name)})`).join(', ')} FROM ${ident(r.table)}`);
        if (reduction !== undefined && !signal.aborted) {
          await conn.query(reduction);
          reduced = true;
        }
      } catch (e) {
        // Expected: the catalog removed this version (least recently used, or a pond was deleted) between our
        // look at it and the statement, so DuckDB no longer knows the table. Anything else ends the warm-up.
        if (catalog.records.has(r.contentId)) throw e;
        continue;
      }
      bytes += r.bytes;
      tables.push(r.table);
    }
    return report(false);
  } catch (e) {
    // A warm-up is only a head start: a failure (a closed or terminated instance, an OPFS read error the next query
    // will report itself) must not reach anyone, so it is logged and the warm-up ends.
    if (!signal.aborted) console.warn('DuckDB cache warm-up stopped:', e);
    return report(true);
  } finally {
    await conn?.close().catch(() => undefined); // the instance may be terminated already: nothing left to close
  }
}
