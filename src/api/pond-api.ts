// The one typed boundary between the UI (main thread) and the pond worker. Everything crosses it through
// comlink: plain data, transferred buffers, Blobs, and proxied callbacks for progress.
import type { EntryType } from '../core/entry';
import type { AutoPlotData, CollectorStatus, ConfiguredNode, ExportResult, NodeFactory, RunResult, TemporalPart } from './collect-types';
import type { BackupReport, PushSummary, RemoteInput, RemoteSummary, RestoreSummary, ZipExport } from './remotes';

export interface PondSummary {
  id: string;
  name: string;
}

export interface PondInfo extends PondSummary {
  /** Newest committed version (transaction sequence). */
  version: number;
  /** True when this tab may not write: another tab holds the writer lock, or the pond is open as of a past version. */
  readOnly: boolean;
  /** Why it is read-only, in words for the UI. */
  readOnlyReason?: string;
  /** Set when the pond is open as of a past version (time travel). */
  asOf?: number;
  /** The last background maintenance failure (e.g. compaction), if any. */
  maintenanceError?: string;
}

export interface NodeInfo {
  path: string;
  name: string;
  type: EntryType;
  nodeId: string;
  /** Latest version number. */
  version: number;
  /** Size of the latest version in bytes (files) or number of children (directories). */
  size: number;
  /** Commit time of the latest version, UTC µs. */
  modified: number;
  /** Symlink target. */
  target?: string;
}

export interface VersionInfo {
  version: number;
  txnSeq: number;
  timestamp: number;
  size: number;
  sha256: string | null;
  minEventTime: number | null;
  maxEventTime: number | null;
  attrs: Record<string, string>;
}

export interface TxnInfo {
  seq: number;
  timestamp: number;
  command: string;
  entries: number;
}

/** How a host file becomes a pond file (`copy` in). */
export type CopyFormat = 'data' | 'table' | 'series';

export interface CopyOptions {
  format: CopyFormat;
  /** Event-time column, instead of the detected one. */
  timestampColumn?: string;
  /** IANA zone of zone-less times in the file (default UTC). */
  timezone?: string;
  /** Keep the good rows of a CSV with bad lines (they are listed in the version's attributes); default: refuse. */
  skipBadLines?: boolean;
}

export type ProgressCallback = (done: number, total: number | undefined, what: string) => void;

/**
 * Options every long operation takes. Cancel it with `cancel(opId)`. `onProgress` works for callers in the
 * worker; across comlink a callback cannot sit inside an object, so the UI registers it with `watch(opId, cb)`.
 */
export interface LongOp {
  opId?: string;
  onProgress?: ProgressCallback;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  /** Files the command produced for the user (copy out): the UI offers them as downloads. */
  downloads?: { name: string; data: Uint8Array }[];
}

/** A query's answer: Arrow IPC stream bytes (decode with apache-arrow's tableFromIPC) and the row count. */
export interface QueryResult {
  ipc: Uint8Array;
  rows: number;
  columns: { name: string; type: string }[];
}

/** Pond files bound to SQL table names for one query: name → path (a series reads as all its versions). */
export type Bindings = Record<string, string>;

export interface DescribeInfo {
  path: string;
  type: EntryType;
  timestampColumn: string | null;
  columns: { name: string; type: string }[];
  versions: {
    version: number; rows: number | null; minEventTime: number | null; maxEventTime: number | null; size: number; source?: string;
    /** Rows whose time is earlier than the previous row's, and rows repeating the previous row's time. */
    outOfOrder: number; duplicateTimes: number;
  }[];
  /** Pairs of versions whose time ranges overlap. */
  overlaps: { a: number; b: number; start: number; end: number }[];
}

/** Plot-ready points (M4): x in seconds, one y array per column. */
export interface PlotData {
  x: Float64Array;
  y: Record<string, (number | null)[]>;
  /** The full time range of the file (UTC µs), for zoom limits and presets. */
  extent: [number, number] | null;
}

/** One broken rule found by fsck (the same rules import and restore refuse a snapshot by). */
export interface FsckProblem {
  /** The rule's name (src/pond/validate/problems.ts RULES), e.g. `blob-hash`, `tree-cycle`. */
  rule: string;
  /** The pond file at fault (`_delta_log/…`, `oplog/…`, `blobs/…`), or '' for the pond as a whole. */
  file: string;
  /** The row, action or tree entry within that file. */
  where?: string;
  message: string;
}

/** What fsck found in the open pond. */
export interface FsckReport {
  ok: boolean;
  quick: boolean;
  /** The version checked (the one the pond showed when fsck started). */
  version: number;
  /**
   * The content root: a SHA-256 of the pond's logical content (paths, entry types, versions, content hashes, event-time
   * bounds), equal for the same pond on any device, in its zip, its backup and after compaction. Null when the tree
   * could not be read.
   */
  root: string | null;
  problems: FsckProblem[];
  /** Problems past the listed ones, counted only. */
  moreProblems: number;
  checked: { commits: number; oplogFiles: number; rows: number; nodes: number; blobs: number; blobBytesHashed: number };
}

/** A change another tab committed (or this one), so views can refresh. */
export interface PondChange {
  pondId: string;
  version: number;
}

export interface PondApi {
  listPonds(): Promise<PondSummary[]>;
  createPond(name: string): Promise<PondInfo>;
  /** Opens a pond: as the writer when the lock is free, else read-only (and promoted when the lock frees). */
  openPond(id: string, opts?: { asOf?: number }): Promise<PondInfo>;
  renamePond(id: string, name: string): Promise<void>;
  deletePond(id: string): Promise<void>;
  info(): Promise<PondInfo>;
  /** Called whenever the open pond's version or writer status changes (from this tab or another). */
  subscribe(listener: (info: PondInfo) => void): Promise<void>;

  list(pattern: string): Promise<NodeInfo[]>;
  stat(path: string): Promise<NodeInfo>;
  versions(path: string): Promise<VersionInfo[]>;
  readFile(path: string, opts?: { version?: number }): Promise<Uint8Array>;
  mkdir(path: string, opts?: { parents?: boolean }): Promise<void>;
  writeFile(path: string, data: Uint8Array | Blob, opts?: { parents?: boolean } & LongOp): Promise<NodeInfo>;
  symlink(target: string, path: string): Promise<void>;
  remove(path: string, opts?: { recursive?: boolean }): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  log(opts?: { limit?: number }): Promise<TxnInfo[]>;

  /** Copies host files into the pond as raw data, a table or a series (one transaction for all). */
  copyIn(files: { name: string; data: Blob }[], dest: string, opts: CopyOptions & LongOp): Promise<NodeInfo[]>;

  /** Runs SQL over pond files bound to table names; `limit` caps the rows returned (default 10 000). */
  query(sql: string, bindings: Bindings, opts?: { limit?: number } & LongOp): Promise<QueryResult>;
  /** Schema, timestamp column and per-version time ranges and row counts of a table or series. */
  describe(path: string): Promise<DescribeInfo>;
  /** M4-downsampled points of `columns` over [start, end) (UTC µs; default the whole file) for `width` pixels. */
  plot(path: string, columns: string[], width: number, range?: [number, number]): Promise<PlotData>;

  /** Runs one shell command line (the original CLI's language). */
  exec(commandLine: string, opts?: { files?: { name: string; data: Blob }[] }): Promise<ExecResult>;

  /** Cancels a long operation started with this opId. */
  cancel(opId: string): Promise<void>;
  /** Registers the progress callback of the operation that will start with this opId. */
  watch(opId: string, onProgress: ProgressCallback): Promise<void>;

  // --- remote: S3 backup and restore, zip snapshots (src/api/remotes.ts) ---
  /** Adds a remote (bucket URL, prefix, keys or presign endpoint); the secret is stored only with `rememberSecret`. */
  remoteAdd(config: RemoteInput): Promise<RemoteSummary>;
  /** The configured remotes, without secrets. */
  remoteList(): Promise<RemoteSummary[]>;
  remoteRemove(name: string): Promise<void>;
  /** Pond ids that have a backup on the remote. */
  remotePonds(name: string, opts?: LongOp): Promise<string[]>;
  /** Backs up the open pond to the remote, sending only what the bucket lacks. */
  push(remoteName: string, opts?: LongOp): Promise<PushSummary>;
  /** Downloads and compares every object of the open pond's backup. */
  verify(remoteName: string, opts?: LongOp): Promise<BackupReport>;
  /** Restores a backup into a NEW local pond with the same id (not opened); refused when that id exists here. */
  restore(remoteName: string, pondId: string, opts?: { name?: string } & LongOp): Promise<RestoreSummary>;
  /** The open pond (as of `asOf`, or the version it shows) as a zip snapshot Blob, for a download. */
  exportZip(opts?: { asOf?: number } & LongOp): Promise<ZipExport>;
  /** Imports a zip snapshot as a NEW local pond (not opened); refused when its pond id exists here. */
  importZip(zip: Blob, opts?: { name?: string } & LongOp): Promise<RestoreSummary>;
  /** Checks the open pond by the snapshot rules (every blob re-hashed unless `quick`) and gives its content root. */
  fsck(opts?: { quick?: boolean } & LongOp): Promise<FsckReport>;

  // --- collect and reduce: HydroVu, LakeTech, derived series (src/api/collectors.ts) ---
  /** Creates a configured node (factory `hydrovu` or `temporal-reduce`) from YAML, or a new version of its config. A HydroVu secret goes to this browser's IndexedDB, never into the pond. */
  mknod(factory: NodeFactory, path: string, configYaml: string, opts?: { secret?: string }): Promise<NodeInfo>;
  /** The open pond's configured nodes. */
  configuredNodes(): Promise<ConfiguredNode[]>;
  /** Runs a configured node once, as one transaction (a failed run commits nothing); never two runs at once. */
  runNode(path: string, opts?: LongOp): Promise<RunResult>;
  /** Turns interval runs of all configured nodes on (every N minutes, while online) or off (null). */
  scheduleCollectors(everyMinutes: number | null): Promise<CollectorStatus>;
  /** Interval state and the last result or error of each node run in this session. */
  collectorStatus(): Promise<CollectorStatus>;
  /** Like plot, from the coarsest derived (temporal-reduce) table with at least one point per pixel, else the series. */
  plotAuto(path: string, columns: string[], width: number, range?: [number, number]): Promise<AutoPlotData>;
  /** Imports LakeTech CSV exports or In-Situ Excel HTML reports (local times in `zone`) as series versions. */
  importLaketech(files: { name: string; data: Blob }[], dest: string, opts: { zone: string; scope?: string } & LongOp): Promise<NodeInfo[]>;
  /** Series and tables matching `pattern` as Hive-partitioned Parquet (`year=2024/month=03/…`) in one zip. */
  exportSeries(pattern: string, opts: { temporal: TemporalPart[] } & LongOp): Promise<ExportResult>;
}
