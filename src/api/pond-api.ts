// The one typed boundary between the UI (main thread) and the pond worker. Everything crosses it through
// comlink: plain data, transferred buffers, Blobs, and proxied callbacks for progress.
// This file is the whole contract: every type the API names is declared here, and it imports nothing but core/.
// The worker side (src/service/) implements it; the shell and the UI import only this and error-transfer.ts.
import type { EntryType } from '../core/entry';

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
  /** Set when this pond follows a remote (a read-only replica that pulls by itself). */
  follow?: FollowInfo;
  /** The remotes that push this pond by themselves on this device, and how far each backup is behind. */
  autoPush?: AutoPushInfo[];
  /** Set when the pond was opened from a link (read-only, not on this device): where it is and what it cost. */
  link?: LinkInfo;
}

/** A replica following its remote: it pulls on opening and every `everySeconds` while online. */
export interface FollowInfo {
  remote: string;
  everySeconds: number;
  /** When the last pull succeeded (ms since the epoch). */
  lastPulled?: number;
  /** Why the last pull failed, when it did. */
  lastError?: string;
}

/** A remote that pushes the pond after each commit while online (in the tab holding the writer lock). */
export interface AutoPushInfo {
  remote: string;
  /** Commits of this pond not known to be in the backup (0: backed up at `pushedVersion`). */
  unpushed: number;
  /** The newest version known to be in the backup. */
  pushedVersion?: number;
  /** When a push last found the backup whole (ms since the epoch). */
  lastPushed?: number;
  /** A push is running now. */
  pushing: boolean;
  /** This tab pushes (it holds the writer lock and auto-push is not stopped); false: it only shows. */
  active: boolean;
  /** The last push failure, until a push succeeds. */
  lastError?: string;
  /** When the next try after a failure is due (ms since the epoch). */
  nextTry?: number;
  /** Commits wait and the device is offline: they go when it is online again. */
  waitingOnline?: boolean;
  /** Why auto-push stopped by itself (another device pushed: CONFLICT), and what to do. */
  stopped?: string;
}

/** A pond opened from a link (`#open=<url>`): its backup layout read over HTTP(S). */
export interface LinkInfo {
  /** The pond's folder (the one holding `_delta_log/`), ending in '/'. */
  url: string;
  /** Its host, as the banner names it. */
  host: string;
  /** HTTP requests sent and body bytes received for this pond so far, and reads answered from the cache. */
  requests: number;
  bytes: number;
  cacheHits: number;
  /** The server ignored a Range request (answered the whole file): whole files are used. */
  rangeIgnored: boolean;
  /** The server did not answer: the pond is shown as of the last visit, from the cache. */
  offline: boolean;
  /** A signed link: when it stops working (ISO 8601, UTC). */
  expires?: string;
}

/** A link that opens a pond's backup in the app (`shareLink`). */
export interface ShareLink {
  /** The pond's folder in the bucket: what `#open=` carries. */
  pondUrl: string;
  /** The app's URL with `#open=<pondUrl>`, built from `appUrl`. */
  appUrl: string;
  /**
   * `public`: works while the prefix is public-read; nothing expires. `signed`: a bundle of presigned GETs (the pond
   * as of now) for a private bucket, valid until `expires`, at most 7 days.
   */
  kind: 'public' | 'signed';
  expires?: string;
  /** What the bucket needs for the link to work, in words. */
  needs: string;
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
  /** A configured node's factory (hydrovu, timeseries-join, …). */
  factory?: string;
  /** A node computed when read (a derived series or table): it reads like one, it is stored as its config. */
  derived?: boolean;
  /** Set by copyIn on a new series version: the existing versions its time range overlaps. */
  overlaps?: VersionOverlap[];
  /** Set by copyIn on a table or series version: how its time column was read. */
  time?: ImportTimeInfo;
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
  /** Numeric day/month dates (01/02/2000): true day first, false month first; default decided by the content, else month first (and said so). */
  dayFirst?: boolean;
  /** Keep the good rows of a CSV with bad lines (they are listed in the version's attributes); default: refuse. */
  skipBadLines?: boolean;
  /** Append a file to a series although the same file (by content) already is one of its versions; default: refuse. */
  force?: boolean;
}

/** How an import reads (or read) its time column: which, in which form, in which zone, and the day/month order. */
export interface ImportTimeInfo {
  column: string;
  /** `Jan 31 2000 (%b %d %Y)`, `ISO 8601 timestamps`, `epoch seconds` … */
  format: string;
  /** `UTC`, `offsets in the data, stored as UTC`, or the zone the import named. */
  zone: string;
  /** For numeric day/month forms: the order used, and whether it was given, proven by the content or assumed. */
  dayFirst?: boolean;
  dayOrder?: 'given' | 'content' | 'assumed';
}

/** What `previewImport` shows of a host CSV or Parquet before it is imported. */
export interface ImportPreview {
  kind: 'csv' | 'parquet';
  columns: { name: string; type: string; timeCandidate: boolean; format?: string; zone?: string; why?: string }[];
  /** The first rows as text (null: empty), at most 10. */
  rows: (string | null)[][];
  /** The column an import with these options would take as its event time, or null (a series import is refused). */
  timestampColumn: string | null;
  time: ImportTimeInfo | null;
  /** One line per column: why it is or is not a time column. */
  tried: string[];
}

export interface PreviewOptions {
  timestampColumn?: string;
  dayFirst?: boolean;
  timezone?: string;
}

/** Where a new series version's time range meets an existing version's (both inclusive, UTC µs). */
export interface VersionOverlap {
  version: number;
  start: number;
  end: number;
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
export type Bindings = Record<string, string | BoundFile>;

/** A binding to one version of a table or series: the view reads that version alone. */
export interface BoundFile {
  path: string;
  version?: number;
}

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
  /** A derived node: its factory, its config (YAML) and what each input matched at the version read. */
  derived?: { factory: string; config: string; inputs: { name: string; pattern: string; matches: string[] }[] };
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
  /** The pond's import mounts as recorded (their remote, pond id and version; none of their data is in this pond). */
  imports?: ImportInfo[];
  checked: { commits: number; oplogFiles: number; rows: number; nodes: number; blobs: number; blobBytesHashed: number };
}

/** A change another tab committed (or this one), so views can refresh. */
export interface PondChange {
  pondId: string;
  version: number;
}

// --- remote: S3 backup and restore, zip snapshots ---

/** What the user types to add a remote: keys (signed here) or a presign endpoint (keys stay on a server). */
export interface RemoteInput {
  name: string;
  bucketUrl: string;
  prefix?: string;
  region?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  presignUrl?: string;
  /** Keep the secret key in IndexedDB; otherwise it lives in the worker's memory until the tab closes. */
  rememberSecret?: boolean;
}

/** A remote as listed: never the secret, only whether this session can sign with it. */
export interface RemoteSummary {
  name: string;
  bucketUrl: string;
  prefix: string;
  signing: 'keys' | 'presign';
  accessKeyId?: string;
  region?: string;
  presignUrl?: string;
  secret: 'remembered' | 'session' | 'missing' | 'none';
}

export interface PushSummary {
  remote: string;
  pondId: string;
  /** Pond paths sent, in upload order, and their total size. */
  sent: string[];
  bytesSent: number;
  alreadyThere: number;
  remoteAhead: boolean;
}

/** One import mount (issue 13): where it is, which remote and pond it shows, and the version of that pond it records. */
export interface ImportInfo {
  path: string;
  remote?: string;
  bucketUrl?: string;
  prefix?: string;
  pondId?: string;
  version?: number;
  /** Why its config cannot be read (a config from a crafted zip, say); the other fields are then absent. */
  problem?: string;
}

/** What making or refreshing an import did: the version it recorded before (null: new) and now, and what was fetched. */
export interface ImportSummary {
  path: string;
  remote: string;
  pondId: string;
  before: number | null;
  version: number;
  /** Files restored or pulled into this device's copy of the imported pond. */
  fetched: number;
  /** Whether this pond committed the new version (false: unchanged, or a read-only pond that records nothing). */
  committed: boolean;
}

/** What a pull brought: the version before and after, and the objects it fetched. */
export interface PullSummary {
  remote: string;
  pondId: string;
  before: number;
  after: number;
  fetched: string[];
  bytesFetched: number;
}

/** What a rebase onto a remote did: the last shared version, the remote's commits taken, our transactions replayed. */
export interface RebaseSummary {
  remote: string;
  pondId: string;
  shared: number;
  before: number;
  after: number;
  /** The remote's commits after the shared version, now in this pond's history. */
  theirs: number;
  /** Our transactions, old version → new version, each with its original command (and time, in the log). */
  replayed: { from: number; to: number; command: string }[];
  bytesFetched: number;
}

/** "Push as a new pond": the fork made on this device (a copy under a new pond id, not opened) and what was pushed. */
export interface ForkSummary {
  remote: string;
  /** The pond it was forked from (left as it was). */
  fromId: string;
  id: string;
  name: string;
  version: number;
  sent: number;
}

/** The pond a restore or import created (not opened: the caller decides), and how many files it got. */
export interface RestoreSummary { id: string; name: string; version: number; files: number }
/** A zip for a download; `version` is -1 for the files of a pond that could not be opened (its version is unknown). */
export interface ZipExport { name: string; blob: Blob; files: number; version: number }
/** What verify found: every object of the pond compared with its backup copy. */
export interface BackupReport {
  remote: string;
  pondId: string;
  ok: boolean;
  /** In the pond, not in the backup. */
  missing: string[];
  /** In the backup, not in the pond. */
  extra: string[];
  corrupt: { path: string; key: string; problem: string }[];
  checked: number;
}

// --- collect and reduce ---

/** A factory's name (`list-factories`: hydrovu, temporal-reduce, …). */
export type NodeFactory = string;

/**
 * collect: runs and fetches from outside (hydrovu); reduce: runs over the pond and commits tables; derived: computed
 * when read; transform: applied by derived nodes to their inputs (column-rename); directory: a read-only directory
 * of derived nodes (dynamic-dir).
 */
export type FactoryKind = 'collect' | 'reduce' | 'derived' | 'transform' | 'directory';

/** What `apply` did: the pond version after it (unchanged when nothing was to do) and each document's outcome. */
export interface ApplyResult {
  version: number;
  committed: boolean;
  operations: { document: number; kind: 'mkdir' | 'copy' | 'mknod'; path: string; action: 'created' | 'updated' | 'unchanged' }[];
}

/** A factory as `list-factories` shows it: what its nodes are and what their YAML config holds. */
export interface FactoryInfo {
  name: string;
  kind: FactoryKind;
  summary: string;
  fields: { name: string; description: string; required?: boolean }[];
  /** `mknod --secret` applies (the secret stays in this browser). */
  takesSecret: boolean;
}

/** A configured node in the open pond: its path, factory and (for HydroVu) whether a secret is stored. */
export interface ConfiguredNode {
  path: string;
  factory: NodeFactory;
  /** Config version (the YAML file's version number). */
  version: number;
  /** HydroVu: the client secret is in this browser's IndexedDB. */
  hasSecret?: boolean;
  /** HydroVu: devices with `active: true`. */
  activeDevices?: number;
  /** HydroVu: the server it talks to (absent when the config does not parse). */
  baseUrl?: string;
  /** The YAML text (never holds a secret). */
  config: string;
}

/** What one run of a node did. */
export interface RunResult {
  path: string;
  factory: NodeFactory;
  /** Pond version after the run (unchanged when nothing was new). */
  pondVersion: number;
  /** Files that got a new version: path, version, rows written. */
  written: { path: string; version: number; rows: number }[];
  /** HTTP requests made (HydroVu). */
  requests?: number;
  /** Readings collected (HydroVu) or input versions folded in (temporal-reduce). */
  points?: number;
  /** Human summary for status lines. */
  summary: string;
}

export interface NodeRunStatus {
  path: string;
  running: boolean;
  startedAt?: number;
  finishedAt?: number;
  ok?: boolean;
  /** The run's summary, or its error message. */
  message?: string;
}

export interface CollectorStatus {
  /** Interval of scheduled runs in minutes, or null when off. */
  everyMinutes: number | null;
  /** Next scheduled run, ms since the epoch. */
  nextRunAt: number | null;
  /** A run (manual or scheduled) is in progress. */
  running: boolean;
  /** Why the last scheduled tick did not run (offline, busy), if it did not. */
  skipped: string | null;
  nodes: NodeRunStatus[];
}

/** A plot drawn from the coarsest derived table that still gives one point per pixel, else from the raw series. */
export interface AutoPlotData extends PlotData {
  /** The file the points came from. */
  source: string;
  /** Its resolution (e.g. `1h`), or null for the raw series. */
  resolution: string | null;
}

export type TemporalPart = 'year' | 'month' | 'day';

/** A Hive-partitioned export as one zip. */
export interface ExportResult {
  name: string;
  data: Uint8Array;
  /** Each Parquet file in the zip and its row count. */
  files: { path: string; rows: number }[];
}

/**
 * What the page knows as it starts (PondApi.prepareStart): the pond it will open (the one used last) and the chart it
 * will draw first. It comes from the page's own storage, which anyone can edit: both sides take only a chart the UI
 * could have drawn (plausibleChart).
 */
export interface StartHint {
  pondId: string;
  /** The chart last drawn in that pond in its default view (its first columns, the whole span), at that width. */
  chart?: StartChart;
}

export interface StartChart { path: string; columns: string[]; width: number }

/** Wider than any screen: a chart hinted wider is not one the UI drew. */
const MAX_WIDTH = 16384;
/** More than the chart ever draws (it shows at most a few columns; the rest are picked by hand). */
const MAX_COLUMNS = 64;

/** `c` as a StartChart if it is one the UI could have drawn, else undefined. */
export function plausibleChart(c: unknown): StartChart | undefined {
  const o = c as Partial<StartChart> | null | undefined;
  if (typeof o?.path !== 'string' || !Array.isArray(o.columns) || o.columns.length > MAX_COLUMNS || !o.columns.every((x) => typeof x === 'string')) return undefined;
  const width = o.width;
  if (typeof width !== 'number' || !Number.isSafeInteger(width) || width < 1 || width > MAX_WIDTH) return undefined;
  return { path: o.path, columns: [...o.columns], width };
}

export interface PondApi {
  listPonds(): Promise<PondSummary[]>;
  /**
   * Sent by the page as it starts, before its UI has loaded: the worker opens `hint.pondId` and computes the chart
   * at once, and the UI's openPond and plotAuto with the same arguments take them. Ignored once a pond was opened;
   * never fails (a hint that does not hold is dropped, and the UI's own calls report what is wrong).
   */
  prepareStart(hint: StartHint): Promise<void>;
  createPond(name: string): Promise<PondInfo>;
  /** Opens a pond: as the writer when the lock is free, else read-only (and promoted when the lock frees). */
  openPond(id: string, opts?: { asOf?: number }): Promise<PondInfo>;
  renamePond(id: string, name: string): Promise<void>;
  deletePond(id: string): Promise<void>;
  info(): Promise<PondInfo>;
  /** Called whenever the open pond's version or writer status changes (from this tab or another). */
  subscribe(listener: (info: PondInfo) => void): Promise<void>;
  /**
   * Opens the pond whose backup layout is at `url` (a static host, or a public-read S3 prefix: the folder holding
   * `_delta_log/`) read-only, without touching this device's ponds; objects are fetched when a view needs them,
   * checked against their recorded hashes and cached. Time travel with `asOf`.
   */
  openLink(url: string, opts?: { asOf?: number }): Promise<PondInfo>;
  /**
   * For a pond opened from a link: the newest version at the link when it is newer than the one open (the backup
   * was pushed to since), else null; openLink with the same URL then opens it.
   */
  checkLink(): Promise<number | null>;
  /** "Keep a copy": the pond opened from a link becomes a pond on this device (same id; refused if it is here already), then opens. */
  keepLinkCopy(opts?: { name?: string } & LongOp): Promise<PondInfo>;
  /**
   * The link that opens the open pond's backup on remote `remoteName` in the app at `appUrl`: plain for a public-read
   * prefix; with `signedForSeconds` (at most 7 days) a signed bundle for a private bucket (push first; keys remotes).
   */
  shareLink(remoteName: string, appUrl: string, opts?: { signedForSeconds?: number } & LongOp): Promise<ShareLink>;

  list(pattern: string): Promise<NodeInfo[]>;
  stat(path: string): Promise<NodeInfo>;
  versions(path: string): Promise<VersionInfo[]>;
  readFile(path: string, opts?: { version?: number }): Promise<Uint8Array>;
  /**
   * The rows of a table, series or derived node as one Parquet file: a series' versions unioned by name, a derived
   * node computed (copy out). A table, or a series of one version, is its stored bytes.
   */
  readRows(path: string, opts?: LongOp): Promise<Uint8Array>;
  mkdir(path: string, opts?: { parents?: boolean }): Promise<void>;
  writeFile(path: string, data: Uint8Array | Blob, opts?: { parents?: boolean } & LongOp): Promise<NodeInfo>;
  symlink(target: string, path: string): Promise<void>;
  remove(path: string, opts?: { recursive?: boolean }): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  log(opts?: { limit?: number }): Promise<TxnInfo[]>;

  /** Copies host files into the pond as raw data, a table or a series (one transaction for all). */
  copyIn(files: { name: string; data: Blob }[], dest: string, opts: CopyOptions & LongOp): Promise<NodeInfo[]>;
  /** The first rows of a host CSV or Parquet, its columns, and the time column an import would take (and why). */
  previewImport(file: { name: string; data: Blob }, opts?: PreviewOptions): Promise<ImportPreview>;

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

  // --- remote: S3 backup and restore, zip snapshots (src/service/backup/) ---
  /** Adds a remote (bucket URL, prefix, keys or presign endpoint); the secret is stored only with `rememberSecret`. */
  remoteAdd(config: RemoteInput): Promise<RemoteSummary>;
  /** The configured remotes, without secrets. */
  remoteList(): Promise<RemoteSummary[]>;
  remoteRemove(name: string): Promise<void>;
  /**
   * Gives a keys remote its secret again (after a browser restart it is gone unless it was remembered): kept for
   * this tab's session, or on this device with `remember`. The push, verify or restore that failed can then retry.
   */
  remoteSecret(name: string, secret: string, opts?: { remember?: boolean }): Promise<RemoteSummary>;
  /** Pond ids that have a backup on the remote. */
  remotePonds(name: string, opts?: LongOp): Promise<string[]>;
  /** Backs up the open pond to the remote, sending only what the bucket lacks. */
  push(remoteName: string, opts?: LongOp): Promise<PushSummary>;
  /** Downloads and compares every object of the open pond's backup. */
  verify(remoteName: string, opts?: LongOp): Promise<BackupReport>;
  /**
   * Brings the open pond (a replica: a pond with the remote's pond id) up to its backup: fetches only the commits
   * after its version and the files they need, checks them as a restore does, and applies them as one step.
   * CONFLICT (detail.reason 'diverged', detail.version) when this pond has commits the backup lacks.
   */
  pull(remoteName: string, opts?: LongOp): Promise<PullSummary>;
  /**
   * For a push refused with CONFLICT because another device pushed under this pond id: fetches the remote's commits
   * after the last shared one and replays this pond's own transactions after them (same command and time, new
   * versions), as one step. Allowed when the two touched different paths or only appended to series; otherwise
   * CONFLICT (detail.reason 'rebase-conflict', detail.paths). Push afterwards.
   */
  rebase(remoteName: string, opts?: LongOp): Promise<RebaseSummary>;
  /**
   * The other way forward: copies the open pond under a new pond id ("<name> (fork)" unless `name` is given) and
   * pushes the copy. The open pond stays as it was; the fork is a new local pond (not opened).
   */
  pushAsNewPond(remoteName: string, opts?: { name?: string } & LongOp): Promise<ForkSummary>;
  /**
   * Makes the open pond follow `remoteName` (null: stop): read-only, pulling now and every `everySeconds` (default 60)
   * while online. Kept per pond on this device.
   */
  follow(remoteName: string | null, opts?: { everySeconds?: number }): Promise<PondInfo>;
  /**
   * Makes `remoteName` push the open pond by itself (on: after each commit, on opening and when back online, with
   * retries) or stops it. Kept per pond on this device; turning it on again clears a CONFLICT stop.
   */
  autoPush(remoteName: string, on: boolean): Promise<PondInfo>;
  /** Restores a backup into a NEW local pond with the same id (not opened); refused when that id exists here. */
  restore(remoteName: string, pondId: string, opts?: { name?: string } & LongOp): Promise<RestoreSummary>;
  /** The open pond (as of `asOf`, or the version it shows) as a zip snapshot Blob, for a download. */
  exportZip(opts?: { asOf?: number } & LongOp): Promise<ZipExport>;
  /**
   * "Export what can be read" of a pond that may not open: its files on this device (whole commits, their oplog
   * files and blobs) as a zip snapshot, without opening or checking the pond. `version` is -1 in the answer.
   */
  exportPondFiles(pondId: string, opts?: LongOp): Promise<ZipExport>;
  /** Imports a zip snapshot as a NEW local pond (not opened); refused when its pond id exists here. */
  importZip(zip: Blob, opts?: { name?: string } & LongOp): Promise<RestoreSummary>;
  /** Checks the open pond by the snapshot rules (every blob re-hashed unless `quick`) and gives its content root. */
  fsck(opts?: { quick?: boolean } & LongOp): Promise<FsckReport>;

  // --- imports: another pond's backup read in place (src/service/imports/) ---
  /**
   * Mounts pond `pondId` of remote `remoteName` read-only at `mountPath` (e.g. /imports/c): restores it on this device
   * when absent (pulls it when present), then records the remote, pond id and version in one commit here.
   */
  importPond(remoteName: string, pondId: string, mountPath: string, opts?: LongOp): Promise<ImportSummary>;
  /** Pulls every import (or the one at `path`) and records their new versions in one commit (none on a read-only pond). */
  refreshImports(opts?: { path?: string } & LongOp): Promise<ImportSummary[]>;
  /** Removes the import at `path` (only its node, one commit); the imported pond stays on this device. */
  removeImport(path: string): Promise<void>;
  /** The open pond's imports as recorded. */
  listImports(): Promise<ImportInfo[]>;

  // --- collect and reduce: HydroVu, LakeTech, derived series (src/service/nodes/) ---
  /**
   * Applies a YAML file of mkdir / copy / mknod documents (`version: v1`, `kind`, `metadata: {path}`, `spec`) in one
   * transaction, create-or-update: what is already so is left as it is, so the same file applied twice commits
   * nothing the second time. `files` are the host files its copy documents name (`spec.source: host:NAME`).
   */
  apply(yaml: string, opts?: { files?: { name: string; data: Blob }[] } & LongOp): Promise<ApplyResult>;
  /** The factories configured nodes can be made of, from the registry. */
  listFactories(): Promise<FactoryInfo[]>;
  /** Creates a configured node of a factory (see listFactories) from YAML, or a new version of its config. A HydroVu secret goes to this browser's IndexedDB, never into the pond. */
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

  // --- the query engine's start (src/query/duckdb.ts) ---
  /**
   * Starts DuckDB in the background and returns at once: the first screen (tree, details, charts of stored series)
   * needs no DuckDB, so the UI asks once it is drawn, and a later SQL or import finds DuckDB started or starting.
   */
  startQueryEngine(): Promise<QueryEngineStatus>;
  /** How far DuckDB's start got (asking starts nothing). */
  queryEngineStatus(): Promise<QueryEngineStatus>;
}

/** DuckDB's start in the pond worker: its state, how many starts were begun, and ms per stage of the last one. */
export interface QueryEngineStatus {
  state: 'not started' | 'starting' | 'ready' | 'failed';
  starts: number;
  /** 'background' (startQueryEngine) or the step that needed it first ('query', 'import'). */
  startedBy?: string;
  /** worker, instantiate (wasm fetched, compiled and run), open, settings: ms each. */
  stages: Record<string, number>;
  error?: string;
}

/**
 * The name of every PondApi method, once: the worker exposes exactly these (src/service/expose.ts), and the compiler
 * refuses this list if it misses a method of the interface or names one it lacks.
 */
export const POND_API_METHODS = [
  'listPonds',
  'prepareStart',
  'createPond',
  'openPond',
  'renamePond',
  'deletePond',
  'info',
  'subscribe',
  'openLink',
  'keepLinkCopy',
  'checkLink',
  'shareLink',
  'list',
  'stat',
  'versions',
  'readFile',
  'readRows',
  'mkdir',
  'writeFile',
  'symlink',
  'remove',
  'rename',
  'log',
  'copyIn',
  'previewImport',
  'query',
  'describe',
  'plot',
  'exec',
  'cancel',
  'watch',
  'remoteAdd',
  'remoteList',
  'remoteRemove',
  'remoteSecret',
  'remotePonds',
  'pull',
  'rebase',
  'pushAsNewPond',
  'follow',
  'autoPush',
  'push',
  'verify',
  'restore',
  'exportZip',
  'exportPondFiles',
  'importZip',
  'fsck',
  'importPond',
  'refreshImports',
  'removeImport',
  'listImports',
  'apply',
  'listFactories',
  'mknod',
  'configuredNodes',
  'runNode',
  'scheduleCollectors',
  'collectorStatus',
  'plotAuto',
  'importLaketech',
  'exportSeries',
  'startQueryEngine',
  'queryEngineStatus',
] as const satisfies readonly (keyof PondApi)[];

// Fails to compile when a PondApi method is missing above.
type MissingFromList = Exclude<keyof PondApi, (typeof POND_API_METHODS)[number]>;
export const POND_API_METHODS_COMPLETE: MissingFromList extends never ? true : MissingFromList = true;
