// Reading and writing the commit log in a Store. A commit counts once its `_delta_log/N.json` is there whole and
// its oplog files match the sha256 recorded in it. Opening walks back from the newest commit to the first place the
// state can start from: a commit that carries a metaData action (version 0, or a compaction), a Delta checkpoint
// (checkpoint.ts), or the pond's private state snapshot (state-snapshot.ts); so opening costs O(commits since then).
import { PondError, isPondError } from '../core/errors';
import type { OplogEntry } from '../core/entry';
import type { Store } from '../core/store';
import { LOG_DIR, decodeCommit, encodeCommit, logPath, parseLogFileName, type AddAction, type Commit } from './delta-log';
import { decodeEntries } from './entry-codec';
import { CHECKPOINT_INTERVAL, type CheckpointState } from './checkpoint';
import { readCheckpoint, readLastCheckpoint } from './checkpoint-store';

/**
 * A hint, outside `_delta_log` so Delta readers and backups never see it: a version opening can start from (the
 * newest compaction, or the checkpoint the last open started from). Opening then reads forward from there instead
 * of listing every commit ever made (10 000 names cost ~0.5 s in OPFS). It is only a hint: missing, stale or wrong,
 * opening is just slower, never different. (The field keeps its first name, `compaction`, so older ponds read it.)
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
  /**
   * The version replay started from (version 0, the newest compaction, or a checkpoint): what the head hint should
   * say, so the next open starts there too.
   */
  base: number;
  /** The checkpoint the state was read from, when it was (undefined: replayed from commit `base`'s JSON). */
  checkpoint?: number;
  /**
   * The version of the state snapshot opening starts from, when options.snapshot was used: `entries` are then only
   * the rows of the files added after it, to replay onto the snapshot's state.
   */
  stateSnapshot?: number;
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

/** The rows of `files`, in order, each file checked against its add action (compaction after a snapshot open). */
export async function readLiveEntries(store: Store, files: readonly AddAction[], sha256Hex: (b: Uint8Array) => Promise<string>): Promise<OplogEntry[]> {
  return (await Promise.all(files.map((f) => readOplogFile(store, f, sha256Hex)))).flat();
}

export interface ReadLogOptions {
  /** Read checkpoints (default true); false replays the JSON commits only (tests and benchmarks compare the two). */
  checkpoints?: boolean;
  /**
   * A state snapshot (state-snapshot.ts) to start from: used when its version is where the walk stops and its
   * commit's bytes are still the ones it was built from. Then `entries` holds only the rows after it.
   */
  snapshot?: { version: number; commitSha256: string; pondId: string; createdTime: number; name?: string; files: AddAction[] };
}

/** The oplog file's txn number from its name (`oplog/<20 digits>-<uuid>.parquet`), or undefined for another name. */
function txnOfOplogPath(path: string): number | undefined {
  const m = /^oplog\/(\d{20})-/.exec(path);
  return m ? Number(m[1]) : undefined;
}

/** A checkpoint as the walk below sees it: a commit with metaData whose adds are the live files. */
function checkpointAsCommit(s: CheckpointState): Commit {
  return {
    version: s.version, metaData: { id: s.pondId, createdTime: s.createdTime }, adds: s.adds, removes: [],
    info: { timestamp: 0, operation: 'WRITE', engineInfo: 'checkpoint', duckpond: { txnSeq: s.version, command: 'checkpoint', timestampUs: 0, entries: 0, ...(s.name !== undefined ? { pondName: s.name } : {}) } },
  };
}

/**
 * The pond's rows as of `asOf` (default: the newest whole commit). A torn newest commit is skipped (crash between
 * writing and finishing it); damage anywhere else is CORRUPT, because committed data would be lost silently.
 * Replay starts from the newest of: the checkpoint at or below the version read (`_last_checkpoint`, or for time
 * travel the checkpoint of its hundred), the newest compaction (the head hint), and options.snapshot. A checkpoint or
 * snapshot that cannot be used is passed over and the JSON commits are replayed instead: the state is the same, only
 * slower to reach.
 */
export async function readLog(store: Store, sha256Hex: (b: Uint8Array) => Promise<string>, asOf?: number, opts: ReadLogOptions = {}): Promise<LogSnapshot> {
  const useCheckpoints = opts.checkpoints !== false;
  const [hint, last] = await Promise.all([readHeadHint(store), useCheckpoints ? readLastCheckpoint(store) : undefined]);
  let ckpt: { version: number; rows?: number } | undefined;
  if (last && (asOf === undefined || asOf >= last.version)) ckpt = { version: last.version, rows: last.size };
  else if (useCheckpoints && asOf !== undefined && asOf >= CHECKPOINT_INTERVAL) ckpt = { version: asOf - (asOf % CHECKPOINT_INTERVAL) };
  const snapshot = asOf === undefined ? opts.snapshot : undefined;
  const starts = [hint, ckpt?.version, snapshot?.version].filter((v): v is number => v !== undefined && (asOf === undefined || asOf >= v));
  const start = starts.length ? Math.max(...starts) : undefined;
  let versions = start !== undefined ? await versionsFrom(store, start, asOf) : [];
  if (versions.length === 0) versions = await listCommitVersions(store);
  if (versions.length === 0) throw new PondError('NOT_FOUND', 'no pond here: the commit log is empty', { detail: { path: LOG_DIR } });
  const newest = versions[versions.length - 1]!;
  if (asOf !== undefined && (asOf < 0 || asOf > newest || !Number.isInteger(asOf))) {
    throw new PondError('NOT_FOUND', `version ${asOf} does not exist (the pond has versions 0 to ${newest})`, { detail: { version: asOf } });
  }
  let head = asOf ?? newest;
  let tornTail: number | undefined;
  let tornWhy: unknown;
  let fromCheckpoint: number | undefined;
  let fromSnapshot: number | undefined;
  const chain: Commit[] = [];
  const loaded = new Map<string, OplogEntry[]>();
  const withFiles = async (commit: Commit) => ({
    commit, files: await Promise.all(commit.adds.map(async (add) => [add.path, await readOplogFile(store, add, sha256Hex)] as const)),
  });
  // Each commit with its oplog rows. With a start known up front, the commits after it are all read at once (OPFS
  // latency overlaps); the walk below still decides what counts.
  const fetchCommit = (v: number) => readCommit(store, v).then(withFiles);
  // At the checkpoint's version, the checkpoint stands for the commit and everything before it. If it is missing,
  // torn, or names a file that is not there whole, commit v is read as JSON instead and the walk goes on back.
  type Fetched = { commit: Commit; files: (readonly [string, OplogEntry[]])[]; checkpoint: boolean; snapshot?: boolean };
  const fetchAt = (v: number): Promise<Fetched> => {
    if (v === snapshot?.version) {
      // The snapshot stands for commit v if commit v is still the bytes it was built from; its files are not read.
      return store.read(logPath(v)).then(async (bytes) => {
        if ((await sha256Hex(bytes)) !== snapshot.commitSha256) return fetchCheckpointOrCommit(v);
        const commit: Commit = {
          version: v, metaData: { id: snapshot.pondId, createdTime: snapshot.createdTime }, adds: snapshot.files, removes: [],
          info: { timestamp: 0, operation: 'WRITE', engineInfo: 'state snapshot', duckpond: { txnSeq: v, command: 'state snapshot', timestampUs: 0, entries: 0, ...(snapshot.name !== undefined ? { pondName: snapshot.name } : {}) } },
        };
        return { commit, files: [], checkpoint: false, snapshot: true };
      });
    }
    return fetchCheckpointOrCommit(v);
  };
  const fetchCheckpointOrCommit = (v: number): Promise<Fetched> => {
    if (v !== ckpt?.version) return fetchCommit(v).then((f) => ({ ...f, checkpoint: false }));
    return readCheckpoint(store, v, ckpt.rows)
      .then((s) => (s ? withFiles(checkpointAsCommit(s)).then((f) => ({ ...f, checkpoint: true })) : undefined))
      .catch((e: unknown) => {
        if (isPondError(e, 'CORRUPT')) return undefined; // a file the checkpoint names is missing or torn: the JSON decides
        throw e;
      })
      .then((f) => f ?? fetchCommit(v).then((c) => ({ ...c, checkpoint: false })));
  };
  const ahead = new Map<number, ReturnType<typeof fetchAt>>();
  if (start !== undefined && versions[0] === start) {
    for (const v of versions) {
      const p = fetchAt(v);
      p.catch(() => undefined); // judged when the walk reaches it (a torn tail is not an error)
      ahead.set(v, p);
    }
  }
  for (let v = head; v >= 0; v--) {
    let commit: Commit;
    try {
      const fetched = await (ahead.get(v) ?? fetchAt(v));
      commit = fetched.commit;
      if (fetched.checkpoint) fromCheckpoint = v;
      if (fetched.snapshot) fromSnapshot = v;
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
  // Commits since the last compaction: from a compaction base, the chain; from a checkpoint, back to the oldest live
  // file, which the compaction (or commit 0) wrote: only a compaction removes files.
  const compactedAt = fromCheckpoint === undefined && fromSnapshot === undefined ? base.version : Math.min(base.version, ...base.adds.map((a) => txnOfOplogPath(a.path) ?? base.version));
  return {
    pondId: base.metaData.id, createdTime: base.metaData.createdTime, head, files, entries, sinceCompaction: head - compactedAt, tornTail, base: base.version,
    ...(fromCheckpoint !== undefined ? { checkpoint: fromCheckpoint } : {}), ...(fromSnapshot !== undefined ? { stateSnapshot: fromSnapshot } : {}), ...(name !== undefined ? { name } : {}),
  };
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
