// Starts duckdb-wasm (its own worker, the "eh" bundle served from our origin: never a CDN) once, lazily.
import * as duckdb from '@duckdb/duckdb-wasm';
import duckdbWasmUrl from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import duckdbWorkerUrl from '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url';
import { cacheFileOf, openDatabase, removeIdleCacheFiles, type CacheFileOptions } from './query-cache-file';
import { VersionCatalog } from './version-catalog';

let starting: Promise<duckdb.AsyncDuckDB> | undefined;

/**
 * The shared DuckDB instance. Extension autoloading is switched off: the extensions would be downloaded from
 * extensions.duckdb.org, which an offline tablet cannot reach, and a failed autoload breaks the instance.
 */
export function getDuckDb(): Promise<duckdb.AsyncDuckDB> {
  starting ??= startDuckDb().catch((e) => {
    starting = undefined; // let a later call retry rather than caching the failure forever
    throw e;
  });
  return starting;
}

/**
 * Forgets the decoded versions DuckDB keeps in its cache files (after a pond was deleted): those of this worker's
 * DuckDB, if it has started (it is not started for this), and the files no DuckDB has open.
 */
export async function forgetDecodedVersions(): Promise<void> {
  const db = starting ? await starting.catch(() => undefined) : undefined; // a DuckDB that failed to start holds no file
  if (db && cacheFileOf(db) !== null) await (await VersionCatalog.of(db)).clear();
  await removeIdleCacheFiles();
}

/**
 * A DuckDB instance of its own (the shared one is `getDuckDb`'s): for benchmarks and tests that need a restart.
 * See CacheFileOptions; end it with `closeDatabase` (query-cache-file.ts).
 */
export async function startDuckDb(opts: CacheFileOptions = {}): Promise<duckdb.AsyncDuckDB> {
  const worker = new Worker(duckdbWorkerUrl);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(duckdbWasmUrl);
  await openDatabase(db, opts); // an OPFS file that caches decoded versions across restarts, or memory
  const conn = await db.connect();
  try {
    await conn.query('SET autoinstall_known_extensions=false');
    await conn.query('SET autoload_known_extensions=false');
  } finally {
    await conn.close();
  }
  return db;
}
