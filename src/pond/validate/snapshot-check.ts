// The one snapshot validator: every rule over a pond's files, read through the Store interface, so the same code
// checks a staged import or restore (through a view of its staging folder) before any of it becomes visible, and the
// pond on the device for fsck. Streaming: commits and oplog files one at a time, blobs in chunks; cancellable between
// files and chunks; reports progress.
import { isPondError, throwIfAborted } from '../../core/errors';
import type { OplogEntry } from '../../core/entry';
import type { Store } from '../../core/store';
import { LOG_DIR, logPath, type AddAction, type Commit } from '../../oplog/delta-log';
import { sha256Hex } from '../hash';
import { blobPath } from '../layout';
import { BlobUses, checkBlobs } from './blob-rules';
import { checkCheckpoints } from './checkpoint-rules';
import { commitVersions, parseCommit } from './commit-rules';
import { contentRoot } from './content-root';
import { ProblemSink, type Problem } from './problems';
import { checkRows, decodeOplogFile, rowWhere } from './row-rules';
import { foldNodes, parseDelta, walkTree, type PlacedRow } from './tree-rules';
import { RANGES_ATTR } from '../transaction';
import { nodesOfDevice, type DeviceState } from './device-state';

export interface CheckProgress {
  phase: 'commits' | 'rows' | 'tree' | 'blobs';
  done: number;
  total: number;
  path?: string;
}

export interface CheckOptions {
  /** `first`: throw the first problem as CORRUPT (import, restore); `all`: report every problem (fsck). */
  mode: 'first' | 'all';
  /**
   * fsck --quick: what opening the pond reads, and no more re-hashing. All commit names are checked (present,
   * contiguous), but only the commits from the newest compaction on are parsed and only their live oplog files read;
   * blobs are checked for presence, size and Parquet magic, not re-hashed. What only time travel to older versions
   * uses (their commits, oplog files and blobs) is left to the full check.
   */
  quick?: boolean;
  /** Paths whose SHA-256 the caller computed from their bytes already, so they are not hashed twice. */
  verified?: ReadonlyMap<string, string>;
  /** Check the pond as of this version (fsck of a live pond: commits made meanwhile are left alone). */
  upTo?: number;
  /**
   * With `quick`: the commits after this version are new (a pull stages them over the checked pond on the device), so
   * each of them is parsed and every file they add is read, hashed and its rows checked, live or not, and the blobs
   * their rows use are checked. The device's own files (added by commits up to `since`) are decoded for the tree but
   * not hashed again, nor their blobs looked at: they were checked when they came.
   */
  since?: number;
  /**
   * With `quick` and `since`: the device's own state at `since` (the open pond's), so only the new commits are read and
   * their rows folded onto it; every rule for the new commits and the whole resulting tree still runs. Not used (the
   * live files are decoded and folded as without it) when a new commit removes files (a compaction starts the state
   * again from its own file; any other remove is not what this app writes), adds a path live on the device, or a
   * checkpoint lies among the new versions: then the device's state is not simply what the new rows come after.
   */
  device?: DeviceState;
  /** The pond id the snapshot must carry. */
  pondId?: string;
  /** Most problems kept in `all` mode (the rest are counted). */
  limit?: number;
  signal?: AbortSignal;
  onProgress?: (p: CheckProgress) => void;
}

export interface SnapshotReport {
  pondId: string | undefined;
  /** The newest commit checked. */
  version: number;
  problems: Problem[];
  /** Problems past the limit, counted only. */
  moreProblems: number;
  /** The content root (content-root.ts), or null when the tree could not be read. */
  root: string | null;
  commits: number;
  /** Checkpoints read and compared with the commits. */
  checkpoints: number;
  oplogFiles: number;
  rows: number;
  nodes: number;
  blobs: number;
  blobBytesHashed: number;
}

const CHECKPOINT_FILE = /^\d{20}\.checkpoint\.parquet$/;
const COMMIT_BATCH = 64; // commit reads in flight at once: OPFS latency overlaps, memory stays small
const OPLOG_AHEAD = 4; // oplog files read ahead of the one being decoded

export async function checkSnapshot(store: Store, opts: CheckOptions): Promise<SnapshotReport> {
  const { signal } = opts;
  const sink = new ProblemSink(opts.mode, opts.limit);
  const step = (phase: CheckProgress['phase'], done: number, total: number, path?: string) => opts.onProgress?.({ phase, done, total, ...(path ? { path } : {}) });

  // 1. The log: names, contiguity, each commit parsed strictly.
  const logNames = await store.list(LOG_DIR);
  const versions = commitVersions(logNames, sink, opts.upTo);
  const commits: Commit[] = [];
  let pondId = opts.pondId;
  const parseBatch = async (batch: number[]) => {
    const bytes = await Promise.all(batch.map((v) => store.read(logPath(v))));
    const out: Commit[] = [];
    for (let j = 0; j < batch.length; j++) {
      const c = parseCommit(batch[j]!, bytes[j]!, sink, pondId);
      if (!c) continue;
      pondId ??= c.metaData?.id; // commit 0 names the pond; later metaData (compactions) must repeat it
      out.push(c);
    }
    return out;
  };
  // The device's state stands in for its live files while every new commit only adds files it does not have.
  const deviceLive = new Set(opts.device && opts.since === opts.device.version && opts.quick ? opts.device.files.map((a) => a.path) : []);
  let onDevice = deviceLive.size > 0 && (versions[versions.length - 1] ?? -1) > opts.since! && !logNames.some((n) => CHECKPOINT_FILE.test(n) && Number(n.slice(0, 20)) > opts.since!);
  if (opts.quick) {
    // Newest first, back to the commit that starts the live state (version 0 or the newest compaction), as opening does,
    // or with the device's state, back to the first new commit. Read a batch at a time (4, 8 … up to COMMIT_BATCH: the
    // newest compaction is usually near), parse newest first, and stop at that commit: nothing older is read as a commit.
    let found = false;
    let seenBase = false;
    for (let end = versions.length, n = 4; end > 0 && !found; end -= n, n = Math.min(n * 2, COMMIT_BATCH)) {
      throwIfAborted(signal, 'checking the pond');
      const batch = versions.slice(Math.max(0, end - n), end);
      const bytes = await Promise.all(batch.map((v) => store.read(logPath(v))));
      for (let j = batch.length - 1; j >= 0 && !found; j--) {
        // The device's own commits are what its state stands for (reached only when a new one could not be parsed).
        if (onDevice && batch[j]! <= opts.since!) { found = true; break; }
        const c = parseCommit(batch[j]!, bytes[j]!, sink, opts.pondId);
        if (!c) continue;
        commits.unshift(c);
        seenBase ||= c.metaData !== undefined;
        if (onDevice && c.version > opts.since! && (c.removes.length > 0 || c.adds.some((a) => deviceLive.has(a.path)))) onDevice = false;
        found = (seenBase || onDevice) && (opts.since === undefined || c.version <= opts.since + 1);
      }
      step('commits', versions.length - Math.max(0, end - n), versions.length);
    }
    pondId ??= commits[0]?.metaData?.id;
    onDevice &&= !seenBase; // a compaction among the new commits: the live state starts at it, not on the device
  } else {
    onDevice = false;
    for (let i = 0; i < versions.length; i += COMMIT_BATCH) {
      throwIfAborted(signal, 'checking the pond');
      commits.push(...(await parseBatch(versions.slice(i, i + COMMIT_BATCH))));
      step('commits', Math.min(i + COMMIT_BATCH, versions.length), versions.length);
    }
  }
  // (A commit 0 naming another pond than opts.pondId was refused by parseCommit under rule pond-id.)
  const head = commits[commits.length - 1]?.version ?? -1;

  // 2. What is live at the head, as readLog computes it: from the newest commit with metaData forward.
  let base = 0;
  for (const c of commits) if (c.metaData) base = c.version;
  const live = new Map<string, AddAction>(onDevice ? opts.device!.files.map((a) => [a.path, a]) : []);
  for (const c of commits) {
    if (c.version < base) continue;
    for (const p of c.removes) live.delete(p);
    for (const a of c.adds) live.set(a.path, a);
  }

  // 2b. Checkpoints say what the commits say at their versions (they change nothing in the content root).
  const checkpoints = await checkCheckpoints(store, logNames, commits, head, pondId, sink, opts.upTo);

  // 3. Every added file: present, its size and hash, its rows well typed; live rows kept for the tree.
  const files: { add: AddAction; commit: Commit }[] = [];
  const seen = new Set<string>();
  for (const c of commits) for (const add of c.adds) if (!seen.has(add.path)) { seen.add(add.path); files.push({ add, commit: c }); }
  const liveRows: PlacedRow[] = [];
  const uses = new BlobUses();
  let rowCount = 0;
  const readsOf = (i: number) => {
    const { add } = files[i]!;
    const isNew = opts.since !== undefined && files[i]!.commit.version > opts.since;
    const presenceOnly = live.get(add.path) !== add && opts.quick === true && !isNew;
    const p = readOplogFile(store, add.path, presenceOnly);
    p.catch(() => undefined); // judged when its turn comes; if the check stops first (cancel), nobody waits for it
    return p;
  };
  // A few files are read ahead while one is decoded: OPFS latency overlaps the CPU work, memory stays a few files.
  const ahead: ReturnType<typeof readsOf>[] = [];
  for (let i = 0; i < Math.min(OPLOG_AHEAD, files.length); i++) ahead.push(readsOf(i));
  for (let i = 0; i < files.length; i++) {
    throwIfAborted(signal, 'checking the pond');
    const { add, commit } = files[i]!;
    const isLive = live.get(add.path) === add;
    const read = await ahead.shift()!;
    if (i + OPLOG_AHEAD < files.length) ahead.push(readsOf(i + OPLOG_AHEAD));
    const rows = await checkOplogFile(read, add, commit, sink, opts);
    if (rows) {
      rowCount += rows.length;
      for (let r = 0; r < rows.length; r++) {
        const e = rows[r]!;
        // With `since`, blobs only the device's own rows use were checked when they came.
        if (e.content === null && e.sha256 !== null && (opts.since === undefined || commit.version > opts.since)) uses.add(e.sha256, e.size, e.node_id, e.version, e.entry_type, recordedRanges(e.extended_attributes));
        if (isLive) liveRows.push({ row: e, file: add.path, index: r });
        // Older directory versions (time travel shows them) get their names and types checked here; live ones in the fold.
        else if (e.entry_type === 'directory' && e.content) parseDelta(e.content, add.path, rowWhere(r, e), sink);
      }
    }
    step('rows', i + 1, files.length, add.path);
  }

  // 4. The tree at the head.
  step('tree', 0, 1);
  const nodes = await foldNodes(liveRows, async (sha, file, where) => {
    const bytes = await store.read(blobPath(sha)).catch(() => undefined); // absent: reported with the other blobs below
    if (bytes && (await sha256Hex(bytes)) !== sha) { sink.add('blob-hash', blobPath(sha), 'directory content does not match recorded hash', `${file} ${where}`); return undefined; }
    return bytes;
  }, sink, onDevice ? await nodesOfDevice(opts.device!) : undefined);
  const walked = walkTree(nodes, sink);
  const pathOf = new Map(walked.map((w) => [w.node.id, w.path]));
  step('tree', 1, 1);

  // 5. Blobs, with the paths that use them.
  let bytesDone = 0;
  const bytesTotal = uses.totalBytes;
  const blobBytesHashed = await checkBlobs(store, uses, sink, {
    quick: opts.quick === true, ...(opts.verified ? { verified: opts.verified } : {}), ...(signal ? { signal } : {}),
    onBytes: (n, path) => { bytesDone += n; step('blobs', bytesDone, bytesTotal, path); },
    nameOf: (id, v) => `${pathOf.has(id) ? pathOf.get(id) : `node ${id} (not in the tree)`} v${v}`,
  });

  const treeBroken = sink.problems.some((p) => p.rule.startsWith('tree-'));
  return {
    pondId, version: head, problems: sink.problems, moreProblems: sink.dropped, root: walked.length > 0 && !treeBroken ? await contentRoot(walked) : null,
    commits: commits.length, checkpoints, oplogFiles: files.length, rows: rowCount, nodes: walked.length, blobs: uses.bySha.size, blobBytesHashed,
  };
}

/** One added file: present with its size and hash, then decoded and its rows checked; `presenceOnly` stops before reading. */
/** An oplog file's size and (unless only its presence is checked) its bytes; never rejects (a failure is a size of undefined). */
async function readOplogFile(store: Store, path: string, presenceOnly: boolean): Promise<{ size: number | undefined; bytes?: Uint8Array }> {
  const size = await store.size(path);
  if (size === undefined || presenceOnly) return { size };
  return store.read(path).then((bytes) => ({ size, bytes }), (e: unknown) => {
    if (isPondError(e, 'NOT_FOUND')) return { size: undefined }; // removed between the two calls: reported as missing
    throw e;
  });
}

/** One added file, read: present with its size and hash, then decoded and its rows checked. */
async function checkOplogFile(read: { size: number | undefined; bytes?: Uint8Array }, add: AddAction, commit: Commit, sink: ProblemSink, opts: CheckOptions): Promise<OplogEntry[] | undefined> {
  const at = logPath(commit.version);
  const { size, bytes } = read;
  if (size === undefined) { sink.add('add-present', add.path, `is missing (added by ${at})`); return undefined; }
  if (size !== add.size) { sink.add('add-size', add.path, `is ${size} bytes, ${at} records ${add.size}`); return undefined; }
  if (!bytes) return undefined;
  const checkedBefore = opts.since !== undefined && commit.version <= opts.since; // on the device already, checked then
  if (!checkedBefore && opts.verified?.get(add.path) !== add.tags.sha256 && (await sha256Hex(bytes)) !== add.tags.sha256) {
    sink.add('add-hash', add.path, `does not match recorded hash (${at} records ${add.tags.sha256.slice(0, 12)}…)`);
    return undefined;
  }
  const rows = await decodeOplogFile(bytes, add.path, sink);
  if (!rows) return undefined;
  if (String(rows.length) !== add.tags.rows) sink.add('commit-add', at, `records ${add.tags.rows} rows for ${add.path}, which has ${rows.length}`);
  return (await checkRows(rows, add.path, commit, sink)) ? rows : rows.filter((e) => typeof e.node_id === 'string' && Number.isSafeInteger(e.version) && e.version >= 1);
}

/** A row's recorded Parquet ranges (RANGES_ATTR), when it has them; attributes that are not JSON are row-rules' to report. */
function recordedRanges(attrs: string | null): string | undefined {
  if (attrs === null || !attrs.includes(RANGES_ATTR)) return undefined;
  try {
    const v = (JSON.parse(attrs) as Record<string, unknown>)[RANGES_ATTR];
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined; // not JSON: the row rules report it
  }
}
