// The commit files of the oplog, following the Delta Lake protocol (reader 1 / writer 2), so that a pond's
// backup is a Delta table other engines read: `_delta_log/<20-digit version>.json`, one JSON action per line.
// One pond transaction = one Delta commit; its version is the transaction's sequence number.
import { PondError } from '../core/errors';

export const LOG_DIR = '_delta_log';
export const OPLOG_DIR = 'oplog';

const SPARK_FIELDS: [string, string, boolean][] = [
  ['part_id', 'string', false], ['node_id', 'string', false], ['entry_type', 'string', false], ['version', 'long', false],
  ['timestamp', 'timestamp', false], ['content', 'binary', true], ['sha256', 'string', true], ['size', 'long', false],
  ['min_event_time', 'timestamp', true], ['max_event_time', 'timestamp', true], ['extended_attributes', 'string', true],
  ['txn_seq', 'long', false],
];

/** Spark-style schemaString of the OplogEntry table (Delta metaData). */
export const OPLOG_SCHEMA_STRING = JSON.stringify({
  type: 'struct',
  fields: SPARK_FIELDS.map(([name, type, nullable]) => ({ name, type, nullable, metadata: {} })),
});

export function logFileName(version: number): string {
  return `${String(version).padStart(20, '0')}.json`;
}

export function logPath(version: number): string {
  return `${LOG_DIR}/${logFileName(version)}`;
}

/**
 * Largest commit version: a JS number counts exactly only up to 2^53 - 1, and a version past it would make every
 * `v + 1` / `v - 1` walk over the log stand still (2^54 - 1 === 2^54 in doubles).
 */
export const MAX_COMMIT_VERSION = Number.MAX_SAFE_INTEGER;

/**
 * The version of a commit file name, or undefined for other files (checkpoints, crc, temp names) and for names
 * whose number is past MAX_COMMIT_VERSION (no pond gets there; such a name is crafted, never a commit).
 */
export function parseLogFileName(name: string): number | undefined {
  const m = /^(\d{20})\.json$/.exec(name);
  if (!m) return undefined;
  const v = Number(m[1]);
  return v <= MAX_COMMIT_VERSION ? v : undefined;
}

export interface AddAction {
  path: string;
  size: number;
  modificationTime: number;
  dataChange: boolean;
  /** Integrity of the oplog file: checked on open so a torn data file is never replayed. */
  tags: { sha256: string; rows: string };
}

export interface CommitInfo {
  /** When, in ms (Delta's commitInfo.timestamp). */
  timestamp: number;
  operation: 'CREATE TABLE' | 'WRITE' | 'OPTIMIZE';
  engineInfo: string;
  /** The pond's own record of the transaction. */
  duckpond: {
    txnSeq: number; command: string; timestampUs: number; entries: number; compaction?: boolean;
    /**
     * The pond's display name, on the commits that set it: commit 0, a rename, and every compaction (which repeats
     * it, because opening reads only from the newest compaction forward). It lives in the log, not in a side file,
     * so it travels with every copy of the pond (zip, backup, restore) and a validator needs no new file kind.
     */
    pondName?: string;
    /** A transaction replayed by a rebase (remote/rebase.ts): the version it had before; command and time are its own. */
    rebasedFrom?: number;
  };
}

export interface Commit {
  version: number;
  metaData?: { id: string; createdTime: number };
  adds: AddAction[];
  removes: string[];
  info: CommitInfo;
}

/** Newline-delimited JSON actions for one commit. */
export function encodeCommit(c: Commit): Uint8Array {
  const lines: unknown[] = [];
  if (c.metaData) {
    lines.push({ protocol: { minReaderVersion: 1, minWriterVersion: 2 } });
    lines.push({
      metaData: {
        id: c.metaData.id, name: 'duckpond oplog', format: { provider: 'parquet', options: {} }, schemaString: OPLOG_SCHEMA_STRING,
        partitionColumns: [], configuration: {}, createdTime: c.metaData.createdTime,
      },
    });
  }
  for (const path of c.removes) lines.push({ remove: { path, deletionTimestamp: c.info.timestamp, dataChange: false } });
  for (const a of c.adds) lines.push({ add: { path: a.path, partitionValues: {}, size: a.size, modificationTime: a.modificationTime, dataChange: a.dataChange, stats: JSON.stringify({ numRecords: Number(a.tags.rows) }), tags: a.tags } });
  lines.push({ commitInfo: c.info });
  return new TextEncoder().encode(lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
}

/** Parses a commit file; throws CORRUPT when it is not whole (a torn write) or not ours. */
export function decodeCommit(version: number, bytes: Uint8Array): Commit {
  const where = logPath(version);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (!text.endsWith('\n')) throw new PondError('CORRUPT', `${where} is incomplete (no final newline)`, { detail: { path: where } });
  const commit: Partial<Commit> & { adds: AddAction[]; removes: string[] } = { version, adds: [], removes: [] };
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let action: Record<string, unknown>;
    try {
      action = JSON.parse(line) as Record<string, unknown>;
    } catch (e) {
      throw new PondError('CORRUPT', `${where}: a line is not JSON`, { cause: e, detail: { path: where } });
    }
    if (action.metaData) {
      const m = action.metaData as { id?: unknown; createdTime?: unknown };
      if (typeof m.id !== 'string') throw new PondError('CORRUPT', `${where}: metaData without an id`);
      commit.metaData = { id: m.id, createdTime: Number(m.createdTime) };
    } else if (action.add) {
      const a = action.add as Partial<AddAction>;
      if (typeof a.path !== 'string' || !a.tags?.sha256) throw new PondError('CORRUPT', `${where}: add without path or sha256 tag`);
      commit.adds.push(a as AddAction);
    } else if (action.remove) {
      const r = action.remove as { path?: unknown };
      if (typeof r.path !== 'string') throw new PondError('CORRUPT', `${where}: remove without a path`);
      commit.removes.push(r.path);
    } else if (action.commitInfo) {
      commit.info = action.commitInfo as CommitInfo;
    }
  }
  if (!commit.info?.duckpond) throw new PondError('CORRUPT', `${where} has no duckpond commitInfo`, { detail: { path: where } });
  return commit as Commit;
}
