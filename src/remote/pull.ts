// Incremental pull of a pond's backup into the replica on this device: fetch only the commits after the local head and
// the files they need that the device lacks, check them with the snapshot validator over the pond as it would be, and
// apply them as one step (src/pond/pull-journal.ts says how "one step" holds across a crash).
import { PondError, isPondError, throwIfAborted } from '../core/errors';
import type { Store } from '../core/store';
import { LOG_DIR, decodeCommit } from '../oplog/delta-log';
import { decodeEntries } from '../oplog/entry-codec';
import { writeHeadHint } from '../oplog/log-store';
import { sha256Hex } from '../pond/hash';
import { SHA256_HEX, blobPath } from '../pond/layout';
import { finishPull, readPullJournal, rollBackPull, writePullJournal } from '../pond/pull-journal';
import type { DeviceState } from '../pond/validate/device-state';
import { checkSnapshot } from '../pond/validate/snapshot-check';
import { checkPondId, objectKey, pondKeyPrefix } from './config';
import { downloadBytes, downloadProbe, downloadToStore } from './download';
import { classifyPondPath, consecutiveLogs, logPath, logVersionOf, sortForWrite } from './layout';
import { ProgressTracker, type ProgressCallback } from './progress';
import { listRemotePond } from './push';
import type { S3Remote } from './s3-client';
import { dropStage, overlayView, stagingDir } from './staging';
import { checkingProgress } from './validation-progress';

/** Most bytes of commits and oplog files a pull keeps in memory for its check (the rest it reads back). */
const HELD_LIMIT = 64 * 1024 * 1024;

/** Writes of downloaded objects in flight at once, beside the downloads (each holds its bytes until written). */
const WRITES_AHEAD = 8;

/** Objects up to this size are downloaded into memory and written in one call; bigger blobs stream to the store. */
const IN_MEMORY_LIMIT = 8 * 1024 * 1024;

export interface PullOptions {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  /** Objects in flight at once (default 4). */
  concurrency?: number;
  /**
   * Called once everything is fetched and checked, just before the journal is written. Tests use it to stop a pull
   * at that point (as a tab closed then would).
   */
  beforeApply?: () => Promise<void> | void;
  /**
   * The open pond's state at `localHead` (Pond.fs and its live files): the check then folds only the new commits'
   * rows onto it instead of decoding the replica's live oplog files again. Ignored unless it is as of `localHead`.
   */
  device?: DeviceState;
}

export interface PullResult {
  /** The replica's version before and after. */
  before: number;
  after: number;
  /** Pond paths fetched, in the order they went into place. */
  fetched: string[];
  bytesFetched: number;
  /** Backup objects left alone: already here, not needed for the new commits (checkpoints, older files), or strays. */
  skipped: number;
}

/**
 * Brings the replica in `store` (pond `pondId`, at version `localHead`) up to its backup. The caller holds the pond's
 * writer lock: nothing else changes the store meanwhile, and an unfinished earlier pull is rolled back first.
 * CONFLICT (detail.reason 'diverged', detail.version) when this pond has commits the backup lacks.
 */
export async function pull(store: Store, remote: S3Remote, pondId: string, localHead: number, opts: PullOptions = {}): Promise<PullResult> {
  checkPondId(pondId);
  const { signal } = opts;
  const progress = new ProgressTracker(opts.onProgress);
  const pending = await readPullJournal(store);
  if (pending) await rollBackPull(store, pending);

  progress.set({ phase: 'listing' });
  // Only what is after the head: the commits (and checkpoint files, which sort among them and are not needed). The
  // files they need are then named by them: oplog files by their add actions (with sizes), blobs by the rows.
  const base = pondKeyPrefix(remote.config.prefix, pondId);
  // The listing and the comparison of this pond's head with the backup's commit of that number go out together, and
  // so do guesses at the next commits, in the download slots those two leave free: over a field link that round trip
  // is as long as any, and each commit starts a chain of them (its oplog file, then blobs). A guess is used only where
  // the listing confirms it (the same size; its hash was checked as any download's).
  const early = probeCommits(remote, pondId, localHead, Math.max(0, (opts.concurrency ?? 4) - 2), signal);
  const [{ listed, remoteHead }, head] = await Promise.all([listCommitsAfter(remote, pondId, localHead, signal), compareCommit(store, remote, pondId, localHead, signal)]);
  if (head === 'missing') {
    // The backup does not have this pond's head: it is behind (or not there at all). Its own head, from a full listing.
    const all = await listRemotePond(remote, pondId, signal);
    const { whole } = consecutiveLogs([...all.keys()].map(logVersionOf).filter((v): v is number => v !== undefined));
    if (whole.length === 0) throw new PondError('NOT_FOUND', `no backup of pond ${pondId} under ${base}`, { detail: { pondId } });
    const theirs = whole[whole.length - 1]!;
    await checkSameHistory(store, remote, pondId, theirs, signal);
    throw diverged(pondId, theirs + 1, `this pond has commits ${theirs + 1} to ${localHead} that the backup lacks`);
  }
  if (head === 'differs') await checkSameHistory(store, remote, pondId, localHead, signal); // throws, naming the version
  if (remoteHead === localHead) {
    progress.set({ phase: 'done' });
    return { before: localHead, after: localHead, fetched: [], bytesFetched: 0, skipped: listed.size };
  }
  const device = opts.device?.version === localHead ? opts.device : undefined;
  const got = await fetchCommitsAfter(store, remote, pondId, localHead, remoteHead, listed, progress, { ...opts, ...(device ? { device } : {}), early });
  try {
    await opts.beforeApply?.();
  } catch (e) {
    await discardFetched(store, got);
    throw e;
  }
  const { stage, fetched, bytesFetched, newestCompaction } = got;

  // 5. One step: from here on nothing is cancelled; a failure (or a crash) leaves the old version.
  progress.set({ phase: 'committing' });
  const data = sortForWrite(fetched.filter((p) => classifyPondPath(p) !== 'log'));
  const logs = fetched.filter((p) => classifyPondPath(p) === 'log').sort().reverse(); // newest first, `from` last
  const journal = { from: localHead + 1, to: remoteHead, files: data };
  try {
    await writePullJournal(store, journal);
    for (const p of logs) await store.move(`${stage}/${p}`, p);
    await finishPull(store);
  } catch (e) {
    await rollBackPull(store, journal).catch(() => undefined); // e is what went wrong; a failed roll-back is redone on the next open or pull
    throw e;
  } finally {
    await dropStage(store, stage);
  }
  // After the commits count: the hint never names a commit that is not there. A compaction among them is where the
  // next open starts reading.
  if (newestCompaction !== undefined) await writeHeadHint(store, newestCompaction);
  progress.set({ phase: 'done' });
  return { before: localHead, after: remoteHead, fetched: [...data, ...logs.reverse()], bytesFetched, skipped: [...listed.keys()].filter((p) => !fetched.includes(p)).length };
}


/**
 * The backup's objects under `_delta_log/` after commit `after` (commits, and checkpoint files, which sort among them),
 * and the newest commit that follows `after` without a gap: commits after a gap (a push still sending) are not commits yet.
 */
export async function listCommitsAfter(remote: S3Remote, pondId: string, after: number, signal?: AbortSignal): Promise<{ listed: Map<string, number>; remoteHead: number }> {
  const base = pondKeyPrefix(remote.config.prefix, pondId);
  const listed = new Map<string, number>();
  for (const o of await remote.list(`${base}_delta_log/`, signal, 1000, `${base}${logPath(after)}`)) listed.set(o.key.slice(base.length), o.size);
  const newVersions = new Set([...listed.keys()].map(logVersionOf).filter((v): v is number => v !== undefined));
  let remoteHead = after;
  while (newVersions.has(remoteHead + 1)) remoteHead++;
  return { listed, remoteHead };
}

/** The largest commit a guess takes (commits are small JSON; a bigger one is fetched once the listing names it). */
const PROBE_LIMIT = 1024 * 1024;

type Probe = Promise<Awaited<ReturnType<typeof downloadProbe>>>;

/** GETs of commits `after + 1 … after + n`, before the listing says whether they exist (see downloadProbe). */
function probeCommits(remote: S3Remote, pondId: string, after: number, n: number, signal?: AbortSignal): Map<string, Probe> {
  const out = new Map<string, Probe>();
  for (let v = after + 1; v <= after + n; v++) {
    const p = downloadProbe(remote, objectKey(remote.config.prefix, pondId, logPath(v)), logPath(v), PROBE_LIMIT, signal);
    p.catch(() => undefined); // rejects only when cancelled, which the pull reports itself; may never be awaited
    out.set(logPath(v), p);
  }
  return out;
}

/** What fetchCommitsAfter brought: commits staged under `stage`, data files already in place (unreferenced). */
export interface FetchedCommits {
  stage: string;
  /** Pond paths fetched (commits under `stage`, the rest in place). */
  fetched: string[];
  /** Data files written in place (none was on the device whole before). */
  placed: string[];
  /** SHA-256 of each fetched path, computed from its bytes. */
  verified: Map<string, string>;
  bytesFetched: number;
  remoteHead: number;
  /** The newest compaction among the fetched commits. */
  newestCompaction?: number;
}

/** Removes what a fetch staged and placed (a refused or failed pull or rebase). */
export async function discardFetched(store: Store, got: Pick<FetchedCommits, 'stage' | 'placed'>): Promise<void> {
  await dropStage(store, got.stage);
  for (const p of got.placed) await store.remove(p).catch(() => undefined); // the caller's error is what matters; a leftover is unreferenced
}

/**
 * Fetches the backup's commits `base + 1 … remoteHead` (their sizes in `listed`) into a staging folder, and the files
 * they need that the device lacks into place, then checks the pond as it would be (`checkBase`, default the store:
 * the pond up to `base`, with the staged commits over it) by the import and restore rules. On failure nothing it
 * fetched is left. Shared by pull and rebase (remote/rebase.ts), which applies them differently.
 */
export async function fetchCommitsAfter(
  store: Store, remote: S3Remote, pondId: string, base: number, remoteHead: number, listed: ReadonlyMap<string, number>,
  progress: ProgressTracker, opts: { signal?: AbortSignal; concurrency?: number; device?: DeviceState; early?: ReadonlyMap<string, Probe> }, checkBase?: Store, stageName = 'pull',
): Promise<FetchedCommits> {
  const { signal } = opts;
  const stage = stagingDir(stageName);
  const verified = new Map<string, string>();
  const fetched: string[] = [];
  let bytesFetched = 0;
  // The totals grow as each step learns what the next needs (commits, then their files, then their blobs).
  let filesTotal = 0, bytesTotal = 0;
  // One queue for every object: a commit, once here, queues the oplog files it adds; an oplog file, once here, queues
  // the blobs its rows use. So downloads overlap as much as they would as plain GETs of a known list.
  const queued = new Set<string>();
  /** Data files written in place by this pull (none was on the device whole before it). */
  const placed: string[] = [];
  let newestCompaction: number | undefined;
  const queue = new WorkQueue(opts.concurrency ?? 4);
  const writes = new WritesInFlight(WRITES_AHEAD);
  /** Commits and oplog files as downloaded (and written): the check reads them from here, not again from the store. */
  const held = new Map<string, Uint8Array>();
  let heldBytes = 0;
  // The device's own commit names, listed while the downloads run (1 000 names cost tens of ms in OPFS); nothing else
  // changes them meanwhile (the caller holds the writer lock). The check takes them with the staged ones.
  const checked = checkBase ?? store;
  const deviceLog = checked.list(LOG_DIR);
  deviceLog.catch(() => undefined); // awaited by the check; if the fetch fails first, nobody waits for it
  const logNames = async () => [...new Set([...(await deviceLog), ...(await store.list(`${stage}/${LOG_DIR}`))])].sort();
  /**
   * Fetches `path` (of the size `sizeFrom` gives); then `next` looks at its bytes for what it needs in turn. Commits go
   * to the staging folder (they are what makes files count); data files go straight to their place, as a transaction
   * writes them: no commit names them yet, so nothing reads them, and a pull that fails removes them again.
   */
  const fetchOne = (path: string, size: number, sizeFrom: string, mayBeMissing: boolean, next?: (bytes: Uint8Array) => Promise<void>) => {
    if (queued.has(path)) return;
    queued.add(path);
    filesTotal++;
    bytesTotal += size;
    progress.set({ phase: 'receiving', filesTotal, bytesTotal });
    const kind = classifyPondPath(path);
    queue.add(async () => {
      throwIfAborted(signal, 'pull');
      const isLog = kind === 'log';
      const target = isLog ? `${stage}/${path}` : path;
      const key = objectKey(remote.config.prefix, pondId, path);
      const onBytes = (n: number) => progress.bytes(n, path);
      let got: { sha256: string; size: number; bytes?: Uint8Array };
      try {
        if (!isLog) placed.push(path); // before the first byte: a failed pull removes what it began
        const guessed = await opts.early?.get(path);
        if (guessed && guessed.size === size) {
          onBytes(size);
          got = guessed;
        } else {
          // Small objects (all but big blobs) are held whole: written in one store call, read from memory by `next`.
          got = size <= IN_MEMORY_LIMIT ? await downloadBytes(remote, key, path, size, signal, onBytes, sizeFrom) : await downloadToStore(remote, key, path, size, store, target, signal, onBytes, sizeFrom);
        }
      } catch (e) {
        // A file a commit needs that the bucket lacks is left to the validator, which names it missing with the commit
        // that needs it; a listed commit that went missing is an error here.
        if (mayBeMissing && isPondError(e, 'NOT_FOUND')) return;
        throw e;
      }
      // The write goes on beside the next downloads (it does not hold a download slot), and what the bytes name is
      // queued at once: a durable OPFS write costs more than a GET of a small object, and the chain commit → oplog
      // file → blob would otherwise wait for one at each step. All writes are done before the check reads them.
      if (got.bytes) await writes.add(store.write(target, got.bytes));
      if (got.bytes && kind !== 'blob' && heldBytes + got.bytes.length <= HELD_LIMIT) { held.set(path, got.bytes); heldBytes += got.bytes.length; }
      verified.set(path, got.sha256);
      fetched.push(path);
      bytesFetched += got.size;
      progress.file(path);
      await next?.(got.bytes ?? (await store.read(target)));
    }, kind === 'blob' ? 2 : kind === 'oplog' ? 1 : 0);
  };
  /** The blobs an oplog file's rows use that this device lacks (a compaction's file names old ones too: those are here). */
  const blobsOf = (path: string) => async (bytes: Uint8Array) => {
    for (const e of await decodeEntries(bytes, path)) {
      if (e.content !== null || typeof e.sha256 !== 'string' || !SHA256_HEX.test(e.sha256)) continue;
      const b = blobPath(e.sha256);
      // A blob here whole (its size) is the same content (its name is its hash); a shorter one was cut off by a crash.
      if (!queued.has(b) && (await store.size(b)) !== e.size) fetchOne(b, e.size, 'the rows that use it', true);
    }
  };
  /** The oplog files a commit adds, bounded by the size its add records. */
  const addsOf = (path: string) => async (bytes: Uint8Array) => {
    const commit = decodeCommitNamed(logVersionOf(path)!, bytes, objectKey(remote.config.prefix, pondId, path));
    if (commit.metaData && commit.version > (newestCompaction ?? -1)) newestCompaction = commit.version;
    for (const a of commit.adds) {
      // Fetched even when a file of that name is here: no commit here names it, so it is what a pull or transaction that
      // stopped mid-way left (possibly torn).
      if (classifyPondPath(a.path) === 'oplog') fetchOne(a.path, a.size, 'its add action', true, blobsOf(a.path));
    }
  };
  try {
    for (let v = base + 1; v <= remoteHead; v++) fetchOne(logPath(v), listed.get(logPath(v))!, 'the bucket listing', false, addsOf(logPath(v)));
    await queue.finished;
    await writes.finished();
    // 4. The pond as it would be, checked by the import and restore rules; what was on the device was checked when
    // it came (quick), everything new in full (since); with the device's state, only the new rows are folded onto it.
    await checkSnapshot(heldView(overlayView(checked, stage), held, logNames), {
      mode: 'first', quick: true, since: base, verified, pondId, ...(signal ? { signal } : {}), ...(opts.device ? { device: opts.device } : {}), onProgress: checkingProgress(progress),
    });
    throwIfAborted(signal, 'pull');
  } catch (e) {
    await writes.settled(); // none still writes what is removed next
    await dropStage(store, stage);
    for (const p of placed) await store.remove(p).catch(() => undefined); // e is what matters; a leftover is unreferenced
    if (signal?.aborted && !isPondError(e, 'ABORTED')) throw new PondError('ABORTED', 'pull was cancelled', { cause: e });
    throw e;
  }
  return { stage, fetched, placed, verified, bytesFetched, remoteHead, ...(newestCompaction !== undefined ? { newestCompaction } : {}) };
}

/**
 * Histories that differ at some commit differ at every later one both have (each commit names oplog files with fresh
 * uuids), so comparing the newest shared commit compares the whole shared past; only when it differs is the first
 * differing one looked for (a binary search of HEADs), to name it.
 */
async function checkSameHistory(store: Store, remote: S3Remote, pondId: string, shared: number, signal?: AbortSignal): Promise<void> {
  if ((await compareCommit(store, remote, pondId, shared, signal)) === 'same') return;
  let lo = 0, hi = shared; // hi differs; find the smallest version that does
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if ((await compareCommit(store, remote, pondId, mid, signal)) === 'same') lo = mid + 1;
    else hi = mid;
  }
  throw diverged(pondId, hi, `commit ${hi} here differs from the backup's commit ${hi}: another device pushed a different history under this pond id`);
}

export async function compareCommit(store: Store, remote: S3Remote, pondId: string, version: number, signal?: AbortSignal): Promise<'same' | 'differs' | 'missing'> {
  const key = objectKey(remote.config.prefix, pondId, logPath(version));
  let recorded: string | null;
  try {
    recorded = (await remote.head(key, signal)).get('x-amz-meta-sha256');
  } catch (e) {
    if (isPondError(e, 'NOT_FOUND')) return 'missing'; // the backup has no commit of that number
    throw e;
  }
  if (recorded === null) throw new PondError('HTTP', `${key}: the backup's commit carries no readable x-amz-meta-sha256, so this pull cannot tell whether it continues this pond's history`, { detail: { key } });
  return recorded === (await sha256Hex(await store.read(logPath(version)))) ? 'same' : 'differs';
}

function diverged(pondId: string, version: number, why: string): PondError {
  return new PondError('CONFLICT', `cannot pull pond ${pondId}: ${why} (diverged at version ${version}). Ways forward: push this pond's commits (if the backup is only behind); rebase this pond onto the backup (push --rebase); or push this pond as a new pond (push --as-new-pond).`, {
    detail: { reason: 'diverged', version, pondId },
  });
}

function decodeCommitNamed(version: number, bytes: Uint8Array, key: string) {
  try {
    return decodeCommit(version, bytes);
  } catch (e) {
    throw new PondError('CORRUPT', `backup object ${key} is not a commit this app can read: ${(e as Error).message}`, { cause: e, detail: { key } });
  }
}

/**
 * A view of `store` (the overlay) in which the paths in `held` (the bytes just written) read from memory, and the
 * listing of `_delta_log` is `logNames` (the same names, listed earlier).
 */
function heldView(store: Store, held: ReadonlyMap<string, Uint8Array>, logNames: () => Promise<string[]>): Store {
  return {
    read: async (p) => held.get(p) ?? store.read(p),
    readRange: async (p, offset, length) => held.get(p)?.subarray(offset, offset + length) ?? store.readRange(p, offset, length),
    size: async (p) => held.get(p)?.length ?? store.size(p),
    list: (d) => (d === LOG_DIR ? logNames() : store.list(d)),
    write: (p, b) => store.write(p, b), createWriter: (p) => store.createWriter(p), move: (a, b) => store.move(a, b),
    remove: (p) => store.remove(p), removeTree: (d) => store.removeTree(d),
  };
}

/** Store writes running beside the downloads, at most `limit` at once (`add` waits for room), every one awaited later. */
class WritesInFlight {
  private readonly all: Promise<void>[] = [];
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly limit: number) {}

  /** Starts counting `write`; resolves once there is room for another (not when `write` is done). */
  async add(write: Promise<void>): Promise<void> {
    const tracked = write.finally(() => this.running.delete(tracked));
    tracked.catch(() => undefined); // judged by finished() or settled(); a failure is not lost, it is kept in `all`
    this.all.push(tracked);
    this.running.add(tracked);
    while (this.running.size >= this.limit) await Promise.race(this.running).catch(() => undefined); // (the same: judged later)
  }

  /** Every write done; rejects with the first failure. */
  async finished(): Promise<void> {
    const failed = (await Promise.allSettled(this.all)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Every write settled, however it ended. */
  async settled(): Promise<void> {
    await Promise.allSettled(this.all);
  }
}

/**
 * Runs tasks `limit` at once from a queue that tasks add to as they learn what is needed next. `finished` resolves when
 * the queue is empty and nothing runs; on a failure it rejects with the first error, once the tasks running have
 * settled (none still writes into the staging folder when the caller drops it).
 */
class WorkQueue {
  private readonly waiting: { task: () => Promise<void>; depth: number }[] = [];
  private active = 0;
  private failure: { error: unknown } | undefined;
  private settle!: { resolve: () => void; reject: (e: unknown) => void };
  readonly finished = new Promise<void>((resolve, reject) => { this.settle = { resolve, reject }; });

  constructor(private readonly limit: number) {
    this.finished.catch(() => undefined); // rejected only once someone awaits it (the pull does)
  }

  /**
   * Queues `task`; a higher `depth` goes before every lower one waiting (in order of adding among equals). The pull
   * gives an oplog file depth 1 and a blob depth 2: what a fetched object names is the end of a chain of round trips,
   * so it goes ahead of the commits still waiting, and the last chain does not trail the plain fetches.
   */
  add(task: () => Promise<void>, depth = 0): void {
    const at = this.waiting.findIndex((w) => w.depth < depth);
    this.waiting.splice(at < 0 ? this.waiting.length : at, 0, { task, depth });
    this.pump();
  }

  private pump(): void {
    while (!this.failure && this.active < this.limit && this.waiting.length > 0) {
      const { task } = this.waiting.shift()!;
      this.active++;
      task().then(
        () => { this.active--; this.pump(); },
        (error: unknown) => { this.failure ??= { error }; this.active--; this.pump(); },
      );
    }
    if (this.active > 0) return;
    if (this.failure) this.settle.reject(this.failure.error);
    else if (this.waiting.length === 0) this.settle.resolve();
  }
}
