// Starts duckdb-wasm (its own worker, the "eh" bundle served from our origin: never a CDN) once, lazily — or early,
// in the background, once the first screen is drawn (`startDuckDbInBackground`) — and says how far it got.
import * as duckdb from '@duckdb/duckdb-wasm';
import duckdbWasmUrl from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import duckdbWorkerUrl from '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url';
import { cacheFileOf, openDatabase, removeIdleCacheFiles, type CacheFileOptions } from './query-cache-file';
import { VersionCatalog } from './version-catalog';
import { startWarmUp, stopWarmUp } from './cache-warm-up';

/** How far the shared DuckDB instance got, with the time each stage of its start took. */
export interface DuckDbStatus {
  state: 'not started' | 'starting' | 'ready' | 'failed';
  /** Starts begun in this worker (a failed start may be retried): tests check that a step started none. */
  starts: number;
  /** Who asked first: 'background' (the warm-up after the first screen) or the first step that needed it. */
  startedBy?: string;
  /** ms per stage of the last start: worker (its script loaded), instantiate (wasm fetched, compiled, run), open, settings. */
  stages: Record<string, number>;
  error?: string;
}

let starting: Promise<duckdb.AsyncDuckDB> | undefined;
const status: DuckDbStatus = { state: 'not started', starts: 0, stages: {} };

/** A copy of the shared instance's status (no start is caused by asking). */
export function duckDbStatus(): DuckDbStatus {
  return { ...status, stages: { ...status.stages } };
}

/** Whether the shared instance is up: a step that finds it so waits for nothing. */
export function duckDbReady(): boolean {
  return status.state === 'ready';
}

/**
 * The shared DuckDB instance. Extension autoloading is switched off: the extensions would be downloaded from
 * extensions.duckdb.org, which an offline tablet cannot reach, and a failed autoload breaks the instance.
 * `by` names who needed it, for the status (the first caller starts it).
 */
export function getDuckDb(by = 'query'): Promise<duckdb.AsyncDuckDB> {
  starting ??= startShared(by).catch((e) => {
    starting = undefined; // let a later call retry rather than caching the failure forever
    status.state = 'failed';
    status.error = String((e as Error)?.message ?? e);
    throw e;
  });
  if (by === 'background') return starting;
  // Real work needs DuckDB now: the cache file's warm-up (cache-warm-up.ts) gives way after its current statement.
  return starting.then((db) => {
    stopWarmUp(db);
    return db;
  });
}

/**
 * Starts DuckDB without waiting for it, for a later SQL or import: the UI asks once its first screen is drawn (the
 * first screen itself needs no DuckDB: stored series plot from Parquet, see parquet-plot.ts). A failure here is
 * not reported: the step that needs DuckDB retries and reports its own.
 */
export function startDuckDbInBackground(): void {
  void getDuckDb('background').catch(() => undefined); // reported by the next getDuckDb, which starts again
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

/** Marks a stage's end and records its length (also as a performance measure, seen in a devtools profile). */
function stage(name: string, since: number): number {
  const now = performance.now();
  status.stages[name] = Math.round(now - since);
  try {
    performance.measure(`duckdb:${name}`, { start: since, end: now });
  } catch {
    // performance.measure with options is missing in some older engines: the status still has the figure
  }
  return now;
}

async function startShared(by: string): Promise<duckdb.AsyncDuckDB> {
  status.starts++;
  status.state = 'starting';
  status.startedBy = by;
  status.stages = {};
  delete status.error;
  const db = await startDuckDb({}, stage);
  status.state = 'ready';
  return db;
}

export interface StartOptions extends CacheFileOptions {
  /** false: no warm-up on the cache file's versions after the start (see cache-warm-up.ts; default on). */
  warmUp?: boolean;
}

/**
 * A DuckDB instance: the shared one (`getDuckDb`), or one of its own for benchmarks and tests that need a restart
 * (end it with `closeDatabase`, query-cache-file.ts). `onStage(name, since)` hears each stage's end. With a cache
 * file, a warm-up of its most recently used versions starts in the background as it returns (`warmUpOf`).
 */
export async function startDuckDb(opts: StartOptions = {}, onStage: (name: string, since: number) => number = () => performance.now()): Promise<duckdb.AsyncDuckDB> {
  let t = performance.now();
  // Through workers/duckdb-streaming.worker.ts: duckdb-wasm then compiles its wasm straight from fetch(), which lets
  // Chromium cache the compiled code (see that file). The real worker script is given as the worker's name.
  const worker = new Worker(new URL('../../workers/duckdb-streaming.worker.ts', import.meta.url), { type: 'classic', name: duckdbWorkerUrl });
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.ping().catch(() => undefined); // only to time the worker's start apart from instantiate; instantiate reports
  t = onStage('worker', t);
  await db.instantiate(duckdbWasmUrl);
  t = onStage('instantiate', t);
  await openDatabase(db, opts); // an OPFS file that caches decoded versions across restarts, or memory
  t = onStage('open', t);
  const conn = await db.connect();
  try {
    await conn.query('SET autoinstall_known_extensions=false');
    await conn.query('SET autoload_known_extensions=false');
  } finally {
    await conn.close();
  }
  onStage('settings', t);
  if (opts.warmUp !== false && cacheFileOf(db) !== null) void startWarmUp(db); // never rejects; see warmUpOf
  return db;
}
