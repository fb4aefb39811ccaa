// Rules for the commit log itself: which names are commits, that versions are contiguous, and that each commit is
// whole Delta JSON with every field the protocol and the pond's own record require. Stricter than decodeCommit,
// which trusts files this app wrote; here nothing is trusted and nothing is "a torn tail".
import { LOG_DIR, MAX_COMMIT_VERSION, OPLOG_SCHEMA_STRING, logPath, type AddAction, type Commit, type CommitInfo } from '../../oplog/delta-log';
import { isSha256Hex } from '../hash';
import { isCommitTimeUs, shown, type ProblemSink } from './problems';

/** Oplog data files: the same shape as remote/layout's OPLOG_RE (the pond layer cannot import remote/). */
const OPLOG_PATH = /^oplog\/[A-Za-z0-9][A-Za-z0-9._-]{0,200}\.parquet$/;
const COMMIT_NAME = /^(\d{20})\.json$/;
/** Files Delta keeps in _delta_log that are not commits: checkpoints (checked by checkpoint-rules.ts). */
const NOT_A_COMMIT = /^(?:\d{20}\.checkpoint\.parquet|_last_checkpoint)$/;
const POND_ID = /^[0-9a-f-]{36}$/;

export function isOplogPath(path: string): boolean {
  return OPLOG_PATH.test(path);
}

/**
 * The commit versions among the names in _delta_log, ascending. A 20-digit name past 2^53 - 1 (2^54,
 * 99999999999999999999) is refused by name: no pond gets there, and such a version cannot be counted in a JS number.
 * With `upTo` (fsck of a live pond) commits newer than the version being checked are left alone.
 */
export function commitVersions(names: readonly string[], sink: ProblemSink, upTo?: number): number[] {
  const out: number[] = [];
  for (const name of names) {
    const file = `${LOG_DIR}/${name.replace(/\/$/, '')}`;
    const m = COMMIT_NAME.exec(name);
    if (!m) {
      if (!NOT_A_COMMIT.test(name)) sink.add('commit-name', file, 'is not a commit file name (20 digits and .json)');
      continue;
    }
    // BigInt: Number('99999999999999999999') rounds, and a rounded version could pass for a real one.
    if (BigInt(m[1]!) > BigInt(MAX_COMMIT_VERSION)) {
      sink.add('commit-name', file, `names version ${m[1]}, past the largest a pond can reach (2^53 - 1)`);
      continue;
    }
    const v = Number(m[1]);
    if (upTo === undefined || v <= upTo) out.push(v);
  }
  out.sort((a, b) => a - b);
  if (out.length === 0) {
    sink.add('commit-contiguous', logPath(0), 'is missing: the log has no commit 0');
    return out;
  }
  const gaps: number[] = [];
  for (let i = 0, want = 0; i < out.length && gaps.length < 5; i++, want++) {
    if (out[i] !== want) { gaps.push(want); want = out[i]!; }
  }
  for (const g of gaps) sink.add('commit-contiguous', logPath(g), `is missing: the log jumps from commit ${g - 1} to a later one`);
  return out;
}

type Json = Record<string, unknown>;
const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);
const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

/**
 * Parses commit `version` strictly; undefined (with the problems reported) when it cannot be used. `pondId` is the id
 * commit 0 gave, for later commits that repeat metaData (compactions).
 */
export function parseCommit(version: number, bytes: Uint8Array, sink: ProblemSink, pondId?: string): Commit | undefined {
  const file = logPath(version);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    sink.add('commit-json', file, 'is not UTF-8 text');
    return undefined;
  }
  if (!text.endsWith('\n')) {
    sink.add('commit-json', file, 'is incomplete (no final newline): a snapshot is never torn');
    return undefined;
  }
  const adds: AddAction[] = [];
  const removes: string[] = [];
  let protocol: Json | undefined, meta: Json | undefined, info: Json | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.trim()) continue;
    const where = `line ${i + 1}`;
    let action: unknown;
    try {
      action = JSON.parse(line);
    } catch {
      sink.add('commit-json', file, 'is not JSON', where);
      return undefined;
    }
    const keys = isObject(action) ? Object.keys(action) : [];
    if (!isObject(action) || keys.length !== 1) {
      sink.add('commit-json', file, 'is not one Delta action (an object with one key)', where);
      return undefined;
    }
    const [kind] = keys as [string];
    const body = action[kind];
    if (!isObject(body)) {
      sink.add('commit-json', file, `${kind} is not an object`, where);
      return undefined;
    }
    if (kind === 'protocol') protocol = body;
    else if (kind === 'metaData') meta = body;
    else if (kind === 'commitInfo') {
      if (info) { sink.add('commit-info', file, 'has two commitInfo actions', where); return undefined; }
      info = body;
    } else if (kind === 'add') {
      const add = checkAdd(body, file, where, sink);
      if (!add) return undefined;
      adds.push(add);
    } else if (kind === 'remove') {
      if (typeof body.path !== 'string') { sink.add('commit-add', file, 'remove without a path', where); return undefined; }
      removes.push(body.path);
    } else {
      sink.add('commit-json', file, `has an action the pond does not write (${shown(kind, 30)})`, where);
      return undefined;
    }
  }
  let metaData: Commit['metaData'];
  if (version === 0 || meta) {
    if (version === 0 && (!protocol || protocol.minReaderVersion !== 1 || protocol.minWriterVersion !== 2)) {
      sink.add('commit-protocol', file, 'lacks the protocol action (minReaderVersion 1, minWriterVersion 2)');
      return undefined;
    }
    const format = isObject(meta?.format) ? meta.format : undefined;
    if (!meta || typeof meta.id !== 'string' || !POND_ID.test(meta.id) || !isCount(meta.createdTime) || format?.provider !== 'parquet' || meta.schemaString !== OPLOG_SCHEMA_STRING) {
      sink.add('commit-protocol', file, 'lacks a metaData action with a pond id, createdTime, Parquet format and the oplog schema');
      return undefined;
    }
    if (pondId !== undefined && meta.id !== pondId) {
      sink.add('pond-id', file, `names pond ${meta.id}, commit 0 names ${pondId}`);
      return undefined;
    }
    metaData = { id: meta.id, createdTime: meta.createdTime };
  }
  const duckpond = isObject(info?.duckpond) ? info.duckpond : undefined;
  if (!info || !duckpond) {
    sink.add('commit-info', file, "has no commitInfo with the pond's record (duckpond)");
    return undefined;
  }
  if (duckpond.txnSeq !== version) {
    sink.add('commit-info', file, `records txnSeq ${shown(duckpond.txnSeq, 30)} in the file of version ${version}`);
    return undefined;
  }
  if (!isCommitTimeUs(duckpond.timestampUs) || !isCount(info.timestamp) || info.timestamp > Number.MAX_SAFE_INTEGER / 1000) {
    sink.add('timestamp-range', file, `commit time ${shown(duckpond.timestampUs, 30)} µs / ${shown(info.timestamp, 30)} ms is outside 0 … 2^53 µs`);
    return undefined;
  }
  if (typeof duckpond.command !== 'string' || !isCount(duckpond.entries) || (duckpond.compaction !== undefined && typeof duckpond.compaction !== 'boolean') || typeof info.operation !== 'string') {
    sink.add('commit-info', file, 'commitInfo lacks operation, or its record lacks command, entries or a boolean compaction');
    return undefined;
  }
  if (duckpond.pondName !== undefined && (typeof duckpond.pondName !== 'string' || duckpond.pondName.length > 100)) {
    sink.add('commit-info', file, `records a pond name that is not a string of at most 100 characters (${shown(duckpond.pondName, 30)})`);
    return undefined;
  }
  return { version, ...(metaData ? { metaData } : {}), adds, removes, info: info as unknown as CommitInfo };
}

function checkAdd(body: Json, file: string, where: string, sink: ProblemSink): AddAction | undefined {
  const tags = isObject(body.tags) ? body.tags : undefined;
  if (typeof body.path !== 'string' || !isCount(body.size) || !isCount(body.modificationTime) || typeof body.dataChange !== 'boolean'
    || !tags || !isSha256Hex(tags.sha256) || typeof tags.rows !== 'string' || !/^\d{1,15}$/.test(tags.rows)) {
    sink.add('commit-add', file, 'add lacks path, size, modificationTime, dataChange or its tags (sha256, rows)', where);
    return undefined;
  }
  if (!isOplogPath(body.path)) {
    sink.add('add-path', file, `adds ${shown(body.path)}, which is not an oplog/… file inside the pond`, where);
    return undefined;
  }
  return body as unknown as AddAction;
}
