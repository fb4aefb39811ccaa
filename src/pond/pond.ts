// A pond: TinyFS over the oplog over a Store. Opening replays the log; every change runs in `transact`,
// which commits all or nothing: blobs and the oplog file first, then the log entry that makes them count.
import { uuidv7 } from 'uuidv7';
import { ROOT_ID, type OplogEntry } from '../core/entry';
import { PondError, throwIfAborted } from '../core/errors';
import { SerialQueue } from '../core/serial-queue';
import type { Store } from '../core/store';
import type { AddAction, Commit } from '../oplog/delta-log';
import { logPath } from '../oplog/delta-log';
import { encodeEntries } from '../oplog/entry-codec';
import { readCommit, readHeadHint, readLiveEntries, readLog, writeCommit, writeHeadHint } from '../oplog/log-store';
import { readStateSnapshot, writeStateSnapshot } from '../oplog/state-snapshot';
import { isCheckpointVersion } from '../oplog/checkpoint';
import { writeCheckpoint } from '../oplog/checkpoint-store';
import { replayEntries } from '../oplog/replay';
import { encodeDelta, emptyDelta } from '../oplog/directory';
import { FsState } from '../tinyfs/state';
import { loadContent } from './blobs';
import { sha256Hex } from './hash';
import { oplogFilePath, TMP_DIR, tmpPath } from './layout';
import { readPullJournal, rollBackPull, versionBeforePull } from './pull-journal';
import { readRebaseJournal, rollBackRebase, versionBeforeRebase } from './rebase/rebase-journal';
import { Transaction, type ContentAttrs } from './transaction';

export interface OpenOptions {
  /** Open as of this version (time travel); implies read-only. */
  asOf?: number;
  readOnly?: boolean;
  /** Compact the oplog after this many commits since the last compaction (keeps opening fast). */
  compactEvery?: number;
}

export interface TransactOptions {
  signal?: AbortSignal;
  /** Working directory for relative paths. */
  cwd?: readonly string[];
  /**
   * Attributes computed from each file version's content at commit (the service passes the checked Parquet ranges
   * of large series and tables, formats/parquet-ranges.ts: the pond layer does not read Parquet itself).
   */
  contentAttrs?: ContentAttrs;
}

/** One transaction in the history (`show` / `log`). */
export interface TxnRecord {
  seq: number;
  /** Commit time, UTC µs. */
  timestamp: number;
  command: string;
  entries: number;
  compaction: boolean;
}

const nowUs = () => Date.now() * 1000;
const DEFAULT_COMPACT_EVERY = 50;
const ENGINE_INFO = 'duckpond-web/0.1';

export class Pond {
  private readonly queue = new SerialQueue();
  /** The last failure of background maintenance (compaction), if the latest attempt failed. */
  maintenanceError: unknown;

  private constructor(
    readonly store: Store,
    readonly id: string,
    private readonly createdTime: number,
    private state: FsState,
    private head: number,
    private liveFiles: AddAction[],
    /** The live files' rows (what compaction rewrites); undefined after opening from a state snapshot until needed. */
    private liveEntries: OplogEntry[] | undefined,
    private sinceCompaction: number,
    readonly readOnly: boolean,
    readonly asOf: number | undefined,
    private readonly compactEvery: number,
    private recordedName: string | undefined,
  ) {}

  /** The display name the pond's own log records (undefined for ponds made before names were recorded). */
  get name(): string | undefined {
    return this.recordedName;
  }

  /** Creates a pond in an empty store: commit 0 holds the Delta protocol, metaData and the root directory. */
  static async create(store: Store, opts: { pondId?: string; compactEvery?: number; name?: string } = {}): Promise<Pond> {
    const existing = await store.list('_delta_log');
    if (existing.length > 0) throw new PondError('ALREADY_EXISTS', 'a pond already exists here');
    const id = opts.pondId ?? uuidv7();
    const ts = nowUs();
    const rootContent = encodeDelta(emptyDelta());
    const root: OplogEntry = {
      part_id: ROOT_ID, node_id: ROOT_ID, entry_type: 'directory', version: 1, timestamp: ts, content: rootContent,
      sha256: null, size: rootContent.length, min_event_time: null, max_event_time: null, extended_attributes: null, txn_seq: 0,
    };
    const createdTime = Math.floor(ts / 1000);
    await commitRows(store, 0, [root], { id, createdTime }, 'init', ts, [], false, opts.name);
    return Pond.open(store, { compactEvery: opts.compactEvery });
  }

  /** Opens the pond in `store` (replaying its log); a writer also repairs what a crash left behind. */
  static async open(store: Store, opts: OpenOptions = {}): Promise<Pond> {
    const readOnly = opts.readOnly === true || opts.asOf !== undefined;
    // A pull that has not finished (pull-journal.ts): a writer undoes it, a reader takes the version before it.
    const pull = await readPullJournal(store);
    if (pull && !readOnly) await rollBackPull(store, pull);
    // Likewise a rebase (rebase/rebase-journal.ts): a writer puts the pond back as it was, a reader takes the shared version.
    const rebase = await readRebaseJournal(store);
    if (rebase && !readOnly) await rollBackRebase(store, rebase);
    const limits = readOnly ? [versionBeforePull(pull), versionBeforeRebase(rebase)].filter((v): v is number => v !== undefined) : [];
    const before = limits.length ? Math.min(...limits) : undefined;
    const asOf = before === undefined || (opts.asOf !== undefined && opts.asOf < before) ? opts.asOf : before;
    // The newest state snapshot (a private cache beside the checkpoints and compactions), unless time travelling.
    const cached = asOf === undefined ? await readStateSnapshot(store, sha256Hex) : undefined;
    const snap = await readLog(store, sha256Hex, asOf, cached ? { snapshot: cached } : {});
    const fromSnapshot = cached !== undefined && snap.stateSnapshot === cached.version;
    // From a snapshot, only the rows committed after it are replayed, onto its state.
    const state = fromSnapshot ? cached.state : FsState.empty();
    await replayEntries(state, snap.entries, directoryBlobs(store));
    if (!state.root) throw new PondError('CORRUPT', 'the log has no root directory');
    if (!readOnly) {
      // A torn last commit never counted; remove it so the next commit can take its number. tmp/ holds only
      // writes that were in flight when the last writer stopped.
      if (snap.tornTail !== undefined) await store.remove(logPath(snap.tornTail));
      await store.removeTree(TMP_DIR);
      // A restored or older pond may lack the hint (or have a stale one): write it so the next open is fast.
      if ((await readHeadHint(store)) !== snap.base) await writeHeadHint(store, snap.base);
    }
    return new Pond(store, snap.pondId, snap.createdTime, state, snap.head, snap.files, fromSnapshot ? undefined : snap.entries, snap.sinceCompaction, readOnly, opts.asOf, opts.compactEvery ?? DEFAULT_COMPACT_EVERY, snap.name);
  }

  /** The newest committed version (transaction sequence). */
  get version(): number {
    return this.head;
  }

  /** The live oplog files at this version (what a pull's check folds the new commits after, remote/pull.ts). */
  get files(): readonly AddAction[] {
    return this.liveFiles;
  }

  /** The committed TinyFS state (read it with tinyfs/resolve). */
  get fs(): FsState {
    return this.state;
  }

  /**
   * Runs `fn` in a transaction and commits what it changed as one commit; if `fn` throws, or the commit fails,
   * nothing is committed and the pond stays as it was. Transactions run one at a time.
   */
  transact<T>(command: string, fn: (tx: Transaction) => Promise<T> | T, opts: TransactOptions = {}): Promise<T> {
    return this.queue.run(() => this.runTransaction(command, fn, opts));
  }

  private async runTransaction<T>(command: string, fn: (tx: Transaction) => Promise<T> | T, opts: TransactOptions): Promise<T> {
    if (this.readOnly) {
      throw new PondError('READ_ONLY', this.asOf !== undefined ? `the pond is open as of version ${this.asOf} (time travel is read-only)` : 'the pond is open read-only');
    }
    throwIfAborted(opts.signal, command);
    const tx = new Transaction(this.state, this.store, opts.cwd);
    const result = await fn(tx);
    if (tx.isEmpty) return result;
    throwIfAborted(opts.signal, command);
    const seq = this.head + 1;
    const ts = nowUs();
    const rows = await tx.rows(seq, ts, opts.contentAttrs);
    const add = await commitRows(this.store, seq, rows, undefined, command, ts, []);
    // Durable now: fold the same rows into the live state exactly as a reopen would.
    const next = this.state.fork();
    await replayEntries(next, rows, directoryBlobs(this.store));
    this.state = next.commitInto();
    this.head = seq;
    this.liveFiles.push(add);
    this.liveEntries?.push(...rows); // when not loaded, compaction reads them from the live files, these included
    this.sinceCompaction++;
    await this.maintain();
    return result;
  }

  /**
   * After a durable commit: the Delta checkpoint when the version is a multiple of CHECKPOINT_INTERVAL, and the
   * compaction when it is due (with the checkpoint of its own version if that is one). The commit is durable
   * already, so a failure here must not make it look failed: it is kept for the UI's status line; a compaction is
   * retried after the next commit, a missed checkpoint waits for the next hundred (opening is only slower meanwhile).
   */
  private async maintain(): Promise<void> {
    let ran = false;
    let failure: unknown;
    const step = async (work: () => Promise<void>) => {
      ran = true;
      failure = (await work().then(() => undefined, (e: unknown) => e)) ?? failure;
    };
    if (isCheckpointVersion(this.head)) await step(() => this.checkpoint());
    if (this.sinceCompaction >= this.compactEvery) {
      const before = this.head;
      await step(() => this.compact());
      if (this.head !== before && isCheckpointVersion(this.head)) await step(() => this.checkpoint());
    }
    // The state snapshot goes with them: opening then loads it instead of decoding and replaying every live row.
    if (ran) await step(() => this.snapshotState());
    if (ran) this.maintenanceError = failure;
  }

  /** Writes the state snapshot of the current version (state-snapshot.ts). */
  private async snapshotState(): Promise<void> {
    const commitSha256 = await sha256Hex(await this.store.read(logPath(this.head)));
    await writeStateSnapshot(this.store, {
      version: this.head, commitSha256, pondId: this.id, createdTime: this.createdTime, files: this.liveFiles, state: this.state,
      ...(this.recordedName !== undefined ? { name: this.recordedName } : {}),
    }, tmpPath(uuidv7(), '.state'), sha256Hex);
  }

  /** Writes the Delta checkpoint of the current version: the live oplog files, the pond id and name. */
  private async checkpoint(): Promise<void> {
    await writeCheckpoint(this.store, {
      version: this.head, pondId: this.id, createdTime: this.createdTime, adds: [...this.liveFiles],
      ...(this.recordedName !== undefined ? { name: this.recordedName } : {}),
    }, (ext) => tmpPath(uuidv7(), ext));
  }

  /**
   * Runs `fn` with no transaction running (they wait): for a pull, which adds commits to the store under this pond.
   * The pond's in-memory state is not updated: the caller opens the pond again afterwards.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.queue.run(fn);
  }

  /**
   * Rewrites all live oplog rows as one file in a commit that removes the old files (Delta's OPTIMIZE, no data
   * change), so opening reads one file instead of one per transaction. Old files stay for time travel.
   */
  async compact(): Promise<void> {
    if (this.readOnly || this.sinceCompaction === 0) return;
    const seq = this.head + 1;
    const ts = nowUs();
    // The name is repeated: opening reads from this commit forward only.
    this.liveEntries ??= await readLiveEntries(this.store, this.liveFiles, sha256Hex);
    const add = await commitRows(this.store, seq, this.liveEntries, { id: this.id, createdTime: this.createdTime }, 'compact', ts, this.liveFiles.map((f) => f.path), true, this.recordedName);
    this.head = seq;
    this.liveFiles = [add];
    this.sinceCompaction = 0;
    await writeHeadHint(this.store, seq); // after the compaction is durable: the hint never points past the log
  }

  /**
   * Records a new display name in the pond's log: a commit with no data (no add, no entries) whose record carries
   * the name, so a backup or zip made afterwards carries it too. `name` is checked by the caller (service).
   */
  rename(name: string): Promise<void> {
    return this.queue.run(async () => {
      if (this.readOnly) throw new PondError('READ_ONLY', 'the pond is open read-only; its name can be changed on this device only');
      if (name === this.recordedName) return;
      const seq = this.head + 1;
      const ts = nowUs();
      const commit: Commit = {
        version: seq, adds: [], removes: [],
        info: {
          timestamp: Math.floor(ts / 1000), operation: 'WRITE', engineInfo: ENGINE_INFO,
          duckpond: { txnSeq: seq, command: `rename-pond ${JSON.stringify(name)}`, timestampUs: ts, entries: 0, pondName: name },
        },
      };
      await writeCommit(this.store, commit, tmpPath(uuidv7(), '.json'));
      this.head = seq;
      this.recordedName = name;
      this.sinceCompaction++;
      await this.maintain();
    });
  }

  /** Content of a node version (the latest when `version` is omitted). */
  async readVersion(nodeId: string, version?: number, what = nodeId): Promise<Uint8Array> {
    const node = this.state.get(nodeId);
    if (!node) throw new PondError('NOT_FOUND', `${what}: no such node`);
    const v = version === undefined ? node.versions[node.versions.length - 1] : node.versions.find((x) => x.version === version);
    if (!v) throw new PondError('NOT_FOUND', `${what}: no version ${version} (it has ${node.versions.map((x) => x.version).join(', ')})`, { detail: { version } });
    return loadContent(this.store, v, `${what} v${v.version}`);
  }

  /** The transaction history, newest first. */
  async log(opts: { limit?: number; includeCompactions?: boolean } = {}): Promise<TxnRecord[]> {
    const out: TxnRecord[] = [];
    for (let v = this.head; v >= 0 && out.length < (opts.limit ?? Infinity); v--) {
      const c: Commit = await readCommit(this.store, v);
      const d = c.info.duckpond;
      if (d.compaction && !opts.includeCompactions) continue;
      out.push({ seq: d.txnSeq, timestamp: d.timestampUs, command: d.command, entries: d.entries, compaction: !!d.compaction });
    }
    return out;
  }
}

/** Replay's loader for directory versions large enough to be blobs (hash-checked like any content). */
function directoryBlobs(store: Store): (sha256: string) => Promise<Uint8Array> {
  return (sha256) => loadContent(store, { inline: null, sha256, size: 0 }, `directory blob ${sha256}`);
}

/** Writes the rows' oplog file and the commit that adds it (made visible only once both are written); returns the add action. */
async function commitRows(
  store: Store, seq: number, rows: readonly OplogEntry[], metaData: Commit['metaData'], command: string, ts: number, removes: string[], compaction = false,
  pondName?: string,
): Promise<AddAction> {
  const id = uuidv7();
  const bytes = await encodeEntries(rows);
  // The oplog file gets its final, unique name at once: until the log entry names it, nothing reads it.
  const path = oplogFilePath(seq, id);
  const dataWritten = store.write(path, bytes); // alongside the log file's write; see writeCommit
  dataWritten.catch(() => undefined); // writeCommit reports its failure; this only marks it observed if we throw first
  const add: AddAction = { path, size: bytes.length, modificationTime: Math.floor(ts / 1000), dataChange: !compaction, tags: { sha256: await sha256Hex(bytes), rows: String(rows.length) } };
  const commit: Commit = {
    version: seq, metaData, adds: [add], removes,
    info: {
      timestamp: Math.floor(ts / 1000), operation: compaction ? 'OPTIMIZE' : seq === 0 ? 'CREATE TABLE' : 'WRITE', engineInfo: ENGINE_INFO,
      duckpond: {
        txnSeq: seq, command, timestampUs: ts, entries: compaction ? 0 : rows.length, ...(compaction ? { compaction: true } : {}),
        ...(pondName !== undefined ? { pondName } : {}),
      },
    },
  };
  await writeCommit(store, commit, tmpPath(id, '.json'), dataWritten);
  return add;
}
