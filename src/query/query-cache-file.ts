// Where DuckDB keeps its database: a file in OPFS used as a cache of decoded pond versions (version-cache.ts), so the
// first query after a restart reads DuckDB's own storage instead of decoding Parquet and handing Arrow to DuckDB
// again (BENCHMARKS.md: 10 versions × 1M rows, about 3.6 s → the time of a query on a loaded table). Once the file
// is open, cache-warm-up.ts reads its most recently used versions into DuckDB's buffer pool in the background.
//
// Each tab has its own DuckDB, and an OPFS file opened by one DuckDB is locked against the others, so a tab takes one
// of a few numbered files under a Web Lock it holds for its life (the lock goes when the worker or tab goes). A file
// DuckDB cannot open (damaged, or from a DuckDB whose storage format differs) is deleted and made anew: it is only a
// cache. With no slot free, no Web Locks or no OPFS, DuckDB runs in memory, as it always did.
//
// duckdb-wasm 1.32 can open its main database at an `opfs://` path but cannot ATTACH one (stack-notes.md), hence the
// main database: the engine's own objects are TEMP, and version-catalog.ts drops anything else it finds there.
import * as duckdb from '@duckdb/duckdb-wasm';
import { stopWarmUp } from './cache-warm-up';
import { tidyCacheDatabase } from './version-catalog';

const SLOTS = 4;
const STEM = 'duckpond-query-cache';
const OPEN_CONFIG = { castBigIntToDouble: false, castTimestampToDate: false };

/** Which database a DuckDB instance opened: a cache file's path, or null for memory only. */
const opened = new WeakMap<duckdb.AsyncDuckDB, string | null>();

/** The OPFS cache file `db` works on, or null when it runs in memory. */
export function cacheFileOf(db: duckdb.AsyncDuckDB): string | null {
  return opened.get(db) ?? null;
}

/** Lets go of a DuckDB instance's slot (see closeDatabase). */
const releases = new WeakMap<duckdb.AsyncDuckDB, () => void>();

/** Takes the first free slot's lock, held until `release` or the end of this worker; null when none is free. */
async function takeSlot(stem: string): Promise<{ slot: number; release: () => void } | null> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks) return null;
  for (let slot = 0; slot < SLOTS; slot++) {
    let release = () => undefined as void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    const got = await new Promise<boolean>((resolve) => {
      void locks.request(`${stem}-${slot}`, { ifAvailable: true }, (lock) => {
        resolve(lock !== null);
        return lock ? held : undefined;
      });
    });
    if (got) return { slot, release };
  }
  return null;
}

/**
 * Removes the cache files no DuckDB has open (their slot's lock is free), e.g. after a pond was deleted, so none of
 * its decoded rows stay behind in them. The file of a running DuckDB is cleared through its catalog instead.
 */
export async function removeIdleCacheFiles(stem = STEM): Promise<void> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks || !navigator.storage?.getDirectory) return;
  for (let slot = 0; slot < SLOTS; slot++) {
    await locks.request(`${stem}-${slot}`, { ifAvailable: true }, async (lock) => {
      if (lock) await removeCacheFiles(`${stem}-${slot}.duckdb`);
    });
  }
}

/**
 * Terminates a DuckDB instance opened by openDatabase and frees its cache file for another instance. The worker's
 * hold on the file ends a moment after it is terminated, so the slot is given up only once the file can be opened
 * for writing again (a few tries, 20 ms apart); a DuckDB taking it earlier would find it locked and run in memory.
 */
export async function closeDatabase(db: duckdb.AsyncDuckDB): Promise<void> {
  const path = opened.get(db);
  stopWarmUp(db);
  await db.terminate();
  if (path) {
    const root = await navigator.storage.getDirectory();
    const name = path.slice('opfs://'.length);
    for (let i = 0; i < 100; i++) {
      try {
        const w = await (await root.getFileHandle(name)).createWritable({ keepExistingData: true });
        await w.abort();
        break;
      } catch (e) {
        // NoModificationAllowedError: the terminated worker still holds the file; anything else ends the wait
        if ((e as { name?: string })?.name !== 'NoModificationAllowedError') break;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  }
  releases.get(db)?.();
  releases.delete(db);
}

/**
 * Whether the file at `name` cannot be a DuckDB database: DuckDB files carry "DUCK" at byte 8. Checked before
 * opening because DuckDB keeps a file it failed to open locked, so it could not be removed and made anew after.
 */
async function isForeignFile(name: string): Promise<boolean> {
  const root = await navigator.storage.getDirectory();
  let file: File;
  try {
    file = await (await root.getFileHandle(name)).getFile();
  } catch (e) {
    if ((e as { name?: string })?.name === 'NotFoundError') return false; // no file yet: DuckDB makes it
    throw e;
  }
  if (file.size === 0) return false;
  const head = new Uint8Array(await file.slice(8, 12).arrayBuffer());
  return String.fromCharCode(...head) !== 'DUCK';
}

async function removeCacheFiles(name: string): Promise<void> {
  const root = await navigator.storage.getDirectory();
  for (const f of [name, `${name}.wal`]) {
    await root.removeEntry(f).catch((e: { name?: string }) => {
      if (e?.name !== 'NotFoundError') throw e; // nothing to remove is the usual case
    });
  }
}

export interface CacheFileOptions {
  /** false: memory only (benchmarks of the path without the file). */
  persist?: boolean;
  /** The files' name before `-<slot>.duckdb` (tests use their own, so parallel test pages cannot take their file). */
  stem?: string;
}

/** Opens `db`'s database: an OPFS cache file when one can be had, else memory. */
export async function openDatabase(db: duckdb.AsyncDuckDB, opts: CacheFileOptions = {}): Promise<void> {
  const stem = opts.stem ?? STEM;
  const fileName = (slot: number) => `${stem}-${slot}.duckdb`;
  const taken = opts.persist === false || typeof navigator === 'undefined' || !navigator.storage?.getDirectory ? null : await takeSlot(stem);
  if (taken) {
    const { slot } = taken;
    const path = `opfs://${fileName(slot)}`;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        if (await isForeignFile(fileName(slot))) {
          console.warn(`${path} is not a DuckDB database (damaged?): making it anew`);
          await removeCacheFiles(fileName(slot));
        }
        await db.open({ path, accessMode: duckdb.DuckDBAccessMode.READ_WRITE, query: OPEN_CONFIG });
        const conn = await db.connect();
        try {
          await tidyCacheDatabase(conn);
        } finally {
          await conn.close();
        }
        opened.set(db, path);
        releases.set(db, taken.release);
        return;
      } catch (e) {
        // Expected: a damaged or incompatible cache file. It holds nothing that is not in the pond: start it anew,
        // and if even a new file will not open, run in memory.
        console.warn(`DuckDB could not open its cache ${path} (${String((e as Error)?.message ?? e)}); ${attempt === 0 ? 'making it anew' : 'running in memory'}`);
        await db.dropFile(path).catch(() => undefined); // asks DuckDB to let go of the file; it may hold none
        await removeCacheFiles(fileName(slot)).catch(() => undefined); // a file still locked leaves memory mode, below
      }
    }
  }
  taken?.release();
  await db.open({ query: OPEN_CONFIG });
  opened.set(db, null);
}
