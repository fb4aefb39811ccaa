// Which store paths belong to a pond's backup/snapshot, in what order they may be sent, and which commits are whole.
// One list for S3 push/restore and zip export/import, so the two can never disagree on what a pond is.
import { PondError } from '../core/errors';
import type { Store } from '../core/store';
import { logPath, parseLogFileName } from '../pond/layout';

export type PondFileKind = 'blob' | 'oplog' | 'log' | 'checkpoint';

const LOG_RE = /^_delta_log\/(\d{20})\.json$/;
const CHECKPOINT_RE = /^_delta_log\/(?:\d{20}\.checkpoint\.parquet|_last_checkpoint)$/;
const OPLOG_RE = /^oplog\/[A-Za-z0-9][A-Za-z0-9._-]{0,200}\.parquet$/;
const BLOB_RE = /^blobs\/sha256\/([0-9a-f]{2})\/([0-9a-f]{64})$/;

/** The kind of a pond file, or undefined for anything outside the layout (tmp/, stray names, `..`). */
export function classifyPondPath(path: string): PondFileKind | undefined {
  if (LOG_RE.test(path)) return 'log';
  if (CHECKPOINT_RE.test(path)) return 'checkpoint';
  if (OPLOG_RE.test(path)) return 'oplog';
  const b = BLOB_RE.exec(path);
  // The two-hex folder must be the hash's own prefix, or the same blob could live under two names.
  if (b && b[2]!.startsWith(b[1]!)) return 'blob';
  return undefined;
}

/** The SHA-256 (hex) a blob path promises, or undefined for other paths. */
export function blobHashOf(path: string): string | undefined {
  const b = BLOB_RE.exec(path);
  return b && b[2]!.startsWith(b[1]!) ? b[2] : undefined;
}

/** Commit number of a `_delta_log/N.json` path (undefined past MAX_COMMIT_VERSION: see parseLogFileName). */
export function logVersionOf(path: string): number | undefined {
  return path.startsWith('_delta_log/') ? parseLogFileName(path.slice('_delta_log/'.length)) : undefined;
}

// The pond's own naming of commit files: one definition for the engine and its backups.
export { logPath };

const ORDER: Record<PondFileKind, number> = { blob: 0, oplog: 1, log: 2, checkpoint: 3 };

/**
 * Sorts pond paths into the only safe write order: blobs, then oplog files, then commits in
 * version order, then checkpoints. A reader that sees commit N then also sees everything N refers to.
 */
export function sortForWrite(paths: string[]): string[] {
  return [...paths].sort((a, b) => {
    const ka = classifyPondPath(a)!, kb = classifyPondPath(b)!;
    if (ka !== kb) return ORDER[ka] - ORDER[kb];
    return a < b ? -1 : a > b ? 1 : 0; // zero-padded log names sort by version as strings
  });
}

/**
 * Of the log versions present, those a reader would accept: 0, 1, 2 … up to the first gap.
 * Anything after a gap is not (yet) a commit and must not be shipped as one.
 */
export function consecutiveLogs(versions: Iterable<number>): { whole: number[]; stranded: number[] } {
  const set = new Set(versions);
  const whole: number[] = [];
  for (let v = 0; set.has(v); v++) whole.push(v);
  const stranded = [...set].filter((v) => v >= whole.length).sort((a, b) => a - b);
  return { whole, stranded };
}

/** True when every non-empty line is JSON: a torn commit (crash mid-write on a store without rename) is not. */
export function isWholeLog(bytes: Uint8Array): boolean {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    if (!text.trim()) return false;
    for (const line of text.split('\n')) if (line.trim()) JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

/** Every layout file of a pond store (tmp/ and strays excluded), with its size. */
export async function listPondFiles(store: Store, signal?: AbortSignal): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const walk = async (dir: string): Promise<void> => {
    if (signal?.aborted) throw new PondError('ABORTED', 'listing the pond was cancelled', { cause: signal.reason });
    for (const name of await store.list(dir)) {
      const path = dir ? `${dir}/${name.replace(/\/$/, '')}` : name.replace(/\/$/, '');
      if (name.endsWith('/')) await walk(path);
      else if (classifyPondPath(path)) out.set(path, (await store.size(path)) ?? 0);
    }
  };
  for (const top of ['_delta_log', 'oplog', 'blobs']) await walk(top);
  return out;
}

/**
 * The files of a pond that form its valid state: all blobs and oplog files, and the commits up to the
 * last whole consecutive one (a torn or stranded tail is left behind, as a reader would ignore it).
 */
export async function committedPondFiles(store: Store, signal?: AbortSignal): Promise<{ files: Map<string, number>; leftOut: string[] }> {
  const all = await listPondFiles(store, signal);
  const versions = [...all.keys()].map(logVersionOf).filter((v): v is number => v !== undefined);
  const { whole, stranded } = consecutiveLogs(versions);
  const leftOut = stranded.map(logPath);
  let last = -1;
  for (const v of whole) {
    if (!isWholeLog(await store.read(logPath(v)))) break;
    last = v;
  }
  for (const v of whole) if (v > last) leftOut.push(logPath(v));
  for (const p of leftOut) all.delete(p);
  return { files: all, leftOut: leftOut.sort() };
}
