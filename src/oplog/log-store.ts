// Reading and writing the commit log in a Store. A commit counts once its `_delta_log/N.json` is there whole and
// its oplog files match the sha256 recorded in it. Opening walks back from the newest commit to the last one
// that carries a metaData action (version 0, or a compaction), so opening costs O(commits since compaction).
import { PondError, isPondError } from '../core/errors';
import type { OplogEntry } from '../core/entry';
import type { Store } from '../core/store';
import { LOG_DIR, decodeCommit, encodeCommit, logPath, parseLogFileName, type AddAction, type Commit } from './delta-log';
import { decodeEntries } from './entry-codec';

/**
 * A hint, outside `_delta_log` so Delta readers and backups never see it: the version of the newest compaction.
 * Opening then reads forward from there instead of listing every commit ever made (10 000 names cost ~0.5 s in
 * OPFS). It is only a hint: missing, stale or wrong, opening is just slower, never different.
 */
export const HEAD_HINT_PATH = '_duckpond_head.json';

export async function readHeadHint(store: Store): Promise<number | undefined> {
  try {
    const v = (JSON.parse(new TextDecoder().decode(await store.read(HEAD_HINT_PATH))) as { compaction?: unknown }).compaction;
    return Number.isSafeInteger(v) && (v as number) >= 0 ? (v as number) : undefined;
  } catch {
    return undefined; // no hint, or a torn one: list the log instead
  }
}

export async function writeHeadHint(store: Store, compaction: number): Promise<void> {
  await store.write(HEAD_HINT_PATH, new TextEncoder().encode(JSON.stringify({ compaction })));
}

/** Versions from `from` upward while their commit files exist (at most up to `asOf`). */
async function versionsFrom(store: Store, from: number, asOf: number | undefined): Promise<number[]> {
  const out: number[] = [];
  for (let v = from; asOf === undefined || v <= asOf; v++) {
    if ((await store.size(logPath(v))) === undefined) break;
    out.push(v);
  }
  return out;
}

export interface LogSnapshot {
  pondId: string;
  createdTime: number;
  /** The newest valid commit (the pond's version). */
  head: number;
  /** Oplog files live at `head`, oldest first. */
  files: AddAction[];
  entries: OplogEntry[];
  /** Commits since the last compaction (how much a compaction would save). */
  sinceCompaction: number;
  /** A newest commit that was not whole (torn by a crash); a writer removes it. */
  tornTail?: number;
  /** The commit replay started from (version 0 or the newest compaction): what the head hint should say. */
  base: number;
  /** The pond's display name as its log records it (the newest commit since `base` that sets one), if any. */
  name?: string;
}

/** Commit versions present, ascending. */
export async function listCommitVersions(store: Store): Promise<number[]> {
  const names = await store.list(LOG_DIR);
  return names.map(parseLogFileName).filter((v): v is number => v !== undefined).sort((a, b) => a - b);
}

export async function readCommit(store: Store, version: number): Promise<Commit> {
  return decodeCommit(version, await store.read(logPath(version)));
}

/** Reads an oplog data file, checking it against its add action. */
async function readOplogFile(store: Store, add: AddAction, sha256Hex: (b: Uint8Array) => Promise<string>): Promise<OplogEntry[]> {
  let bytes: Uint8Array;
  try {
    bytes = await store.read(add.path);
  } catch (e) {
    throw new PondError('CORRUPT', `oplog file ${add.path} is missing`, { cause: e, detail: { path: add.path } });
  }
  if ((await sha256Hex(bytes)) !== add.tags.sha256) {
    throw new PondError('CORRUPT', `oplog file ${add.path} does not match recorded hash`, { detail: { path: add.path } });
  }
  return decodeEntries(bytes, add.path);
}

/**
 * The pond's rows as of `asOf` (default: the newest whole commit). A torn newest commit is skipped (crash between
 * writing and finishing it); damage anywhere else is CORRUPT, because committed data would be lost silently.
 */
export async function readLog(store: Store, sha256Hex: (b: Uint8Array) => Promise<string>, asOf?: number): Promise<LogSnapshot> {
  const hint = await readHeadHint(store);
  let versions = hint !== undefined && (asOf === undefined || asOf >= hint) ? await versionsFrom(store, hint, asOf) : [];
  if (versions.length === 0) versions = await listCommitVersions(store);
  if (versions.length === 0) throw new PondError('NOT_FOUND', 'no pond here: the commit log is empty', { detail: { path: LOG_DIR } });
  const newest = versions[versions.length - 1]!;
  if (asOf !== undefined && (asOf < 0 || asOf > newest || !Number.isInteger(asOf))) {
    throw new PondError('NOT_FOUND', `version ${asOf} does not exist (the pond has versions 0 to ${newest})`, { detail: { version: asOf } });
  }
  let head = asOf ?? newest;
  let tornTail: number | undefined;
  let tornWhy: unknown;
  const chain: Commit[] = [];
  const loaded = new Map<string, OplogEntry[]>();
  // Each commit with its oplog rows. With the hint, the commits since the last compaction are known up front, so
  // their reads are all issued at once (OPFS latency overlaps); the walk below still decides what counts.
  const fetchCommit = (v: number) => readCommit(store, v).then(async (commit) => ({
    commit, files: await Promise.all(commit.adds.map(async (add) => [add.path, await readOplogFile(store, add, sha256Hex)] as const)),
  }));
  const ahead = new Map<number, ReturnType<typeof fetchCommit>>();
  if (hint !== undefined && versions[0] === hint) {
    for (const v of versions) {
      const p = fetchCommit(v);
      p.catch(() => undefined); // judged when the walk reaches it (a torn tail is not an error)
      ahead.set(v, p);
    }
  }
  for (let v = head; v >= 0; v--) {
    let commit: Commit;
    try {
      const fetched = await (ahead.get(v) ?? fetchCommit(v));
      commit = fetched.commit;
      // The data files must be whole too: they were flushed before the log entry, but flush is only best effort.
      for (const [path, rows] of fetched.files) loaded.set(path, rows);
    } catch (e) {
      const isTail = v === newest && asOf === undefined && chain.length === 0;
      if (isTail && (isPondError(e, 'CORRUPT') || isPondError(e, 'NOT_FOUND'))) {
        tornTail = v;
        tornWhy = e;
        head = v - 1;
        continue;
      }
      if (isPondError(e, 'NOT_FOUND')) throw new PondError('CORRUPT', `commit ${v} is missing from the log (${logPath(v)})`, { cause: e });
      throw e;
    }
    chain.push(commit);
    if (commit.metaData) break;
    if (v === 0) throw new PondError('CORRUPT', `${logPath(0)} has no metaData`);
  }
  const base = chain[chain.length - 1];
  // Only a torn first commit leaves nothing: that commit's own fault is the reason, not "no pond".
  if (!base?.metaData && isPondError(tornWhy)) throw tornWhy;
  if (!base?.metaData) throw new PondError('NOT_FOUND', 'no pond here: no whole commit in the log');
  const live = new Map<string, AddAction>();
  for (const commit of chain.reverse()) {
    for (const path of commit.removes) live.delete(path);
    for (const add of commit.adds) live.set(add.path, add);
  }
  const files = [...live.values()];
  const entries = files.flatMap((f) => loaded.get(f.path) ?? []);
  // chain is oldest first now: the last commit that names the pond wins.
  const name = chain.reduce<string | undefined>((n, c) => c.info.duckpond.pondName ?? n, undefined);
  return { pondId: base.metaData.id, createdTime: base.metaData.createdTime, head, files, entries, sinceCompaction: chain.length - 1, tornTail, base: base.version, ...(name !== undefined ? { name } : {}) };
}

/**
 * Makes a commit durable: the log file is written under tmp/, flushed and moved into place, so `_delta_log/N.json`
 * is either absent or whole. A file already at N means another writer got there first: CONFLICT.
 * `dataWritten` is the write of the files the commit adds, which may run alongside the log file's: each OPFS call is a
 * round trip to the browser, so overlapping the two writes saves one file's worth of them. The move, which is what
 * makes the commit count, waits for both.
 */
export async function writeCommit(store: Store, commit: Commit, tmpName: string, dataWritten: Promise<void> = Promise.resolve()): Promise<void> {
  const target = logPath(commit.version);
  const staged = (async () => {
    if ((await store.size(target)) !== undefined) {
      throw new PondError('CONFLICT', `commit ${commit.version} already exists: another writer committed first; reopen the pond and retry`, { detail: { path: target } });
    }
    await store.write(tmpName, encodeCommit(commit));
  })();
  // Both settle before anything is reported, so no write is still running when the caller hears of a failure;
  // the data's failure comes first (it is what a quota error is usually about).
  const [data, log] = await Promise.allSettled([dataWritten, staged]);
  if (data.status === 'rejected') throw data.reason;
  if (log.status === 'rejected') throw log.reason;
  await store.move(tmpName, target);
}
