// Rules for oplog rows, one file at a time: the Parquet decodes with the oplog columns, and every row is well typed,
// in range, tied to the commit that added it, and (when inline) its content is what its hash says.
import { isFileType, type OplogEntry } from '../../core/entry';
import { isPondError } from '../../core/errors';
import type { Commit } from '../../oplog/delta-log';
import { decodeEntries } from '../../oplog/entry-codec';
import { isSha256Hex } from '../hash';
import { smallSha256Hex } from './small-hash';
import { isCommitTimeUs, isEventTimeUs, shown, type ProblemSink } from './problems';

const NODE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PAR1 = [0x50, 0x41, 0x52, 0x31];

/** Rows of one oplog file, or undefined (reported) when the file is not oplog Parquet. */
export async function decodeOplogFile(bytes: Uint8Array, file: string, sink: ProblemSink): Promise<OplogEntry[] | undefined> {
  try {
    return await decodeEntries(bytes, file);
  } catch (e) {
    // decodeEntries reports every fault as CORRUPT; an unknown entry type is its own rule, the rest is the file.
    if (!isPondError(e, 'CORRUPT')) throw e;
    sink.add(/unknown entry type/.test(e.message) ? 'entry-type' : 'oplog-parquet', file, e.message.replace(`oplog file ${file}`, '').replace(/^[:\s]+/, '') || 'cannot be read');
    return undefined;
  }
}

/** A row's name for messages: its index in the file and the node version it claims. */
export function rowWhere(i: number, e: Pick<OplogEntry, 'node_id' | 'version'>): string {
  return `row ${i} (node ${typeof e.node_id === 'string' ? e.node_id.slice(0, 36) : shown(e.node_id)} v${Number.isSafeInteger(e.version) ? e.version : shown(e.version, 20)})`;
}

/** True when `bytes` start and end with Parquet's magic. */
export function isParquetShaped(head: Uint8Array, tail: Uint8Array): boolean {
  return head.length === 4 && tail.length === 4 && PAR1.every((b, i) => head[i] === b && tail[i] === b);
}

/**
 * Checks the rows of `file`, added by `commit`. Returns false when a row is too broken for the tree checks to use
 * (ids or versions of the wrong type); field-level problems are reported and the row is still usable.
 */
export async function checkRows(rows: readonly OplogEntry[], file: string, commit: Commit, sink: ProblemSink): Promise<boolean> {
  const compaction = commit.info.duckpond.compaction === true;
  let usable = true;
  for (let i = 0; i < rows.length; i++) {
    const e = rows[i]!;
    const where = rowWhere(i, e);
    const bad = (message: string) => sink.add('row-field', file, message, where);
    if (typeof e.node_id !== 'string' || !NODE_ID.test(e.node_id) || typeof e.part_id !== 'string' || !NODE_ID.test(e.part_id)) {
      bad(`node_id ${shown(e.node_id, 40)} or part_id ${shown(e.part_id, 40)} is not a node id`);
      usable = false;
      continue;
    }
    if (typeof e.version !== 'number' || !Number.isSafeInteger(e.version) || e.version < 1) {
      bad(`version ${shown(e.version, 30)} is not a whole number from 1`);
      usable = false;
      continue;
    }
    if (e.entry_type === 'directory' && e.part_id !== e.node_id) bad(`a directory's part_id must be its own id, not ${e.part_id}`);
    if (!isCommitTimeUs(e.timestamp)) sink.add('timestamp-range', file, `commit time ${shown(e.timestamp, 30)} µs is outside 0 … 2^53 µs`, where);
    if (!Number.isSafeInteger(e.size) || e.size < 0) bad(`size ${shown(e.size, 30)} is not a byte count`);
    if (e.sha256 !== null && !isSha256Hex(e.sha256)) bad(`sha256 ${shown(e.sha256, 70)} is not a lower-case hex SHA-256`);
    if (isFileType(e.entry_type) && e.sha256 === null) bad('a file version without a sha256');
    if (e.entry_type === 'directory' && e.content === null && e.sha256 === null) bad('a directory version with neither inline content nor a blob');
    for (const [k, t] of [['min_event_time', e.min_event_time], ['max_event_time', e.max_event_time]] as const) {
      if (t !== null && !isEventTimeUs(t)) sink.add('timestamp-range', file, `${k} ${t} µs is not an Int64 time`, where);
    }
    if (e.min_event_time !== null && e.max_event_time !== null && e.min_event_time > e.max_event_time) {
      sink.add('timestamp-range', file, `min_event_time ${e.min_event_time} is after max_event_time ${e.max_event_time}`, where);
    }
    if (e.extended_attributes !== null) checkAttributes(e.extended_attributes, bad);
    if (compaction) {
      if (!Number.isSafeInteger(e.txn_seq) || e.txn_seq < 0 || e.txn_seq > commit.version) sink.add('row-txn', file, `txn_seq ${e.txn_seq} is not a commit up to ${commit.version}`, where);
    } else if (e.txn_seq !== commit.version || e.timestamp !== commit.info.duckpond.timestampUs) {
      sink.add('row-txn', file, `txn_seq ${e.txn_seq} / timestamp ${e.timestamp} are not those of commit ${commit.version} (${commit.info.duckpond.timestampUs})`, where);
    }
    if (e.content) {
      if (e.content.length !== e.size) sink.add('inline-size', file, `inline content is ${e.content.length} bytes, the row says ${e.size}`, where);
      if (e.sha256 !== null && (await smallSha256Hex(e.content)) !== e.sha256) sink.add('inline-hash', file, 'inline content does not match recorded hash', where);
      if ((e.entry_type === 'file:table' || e.entry_type === 'file:series') && !isParquetShaped(e.content.subarray(0, 4), e.content.subarray(-4))) {
        sink.add('parquet-magic', file, `a ${e.entry_type.slice(5)} version whose content is not Parquet (no PAR1 at both ends)`, where);
      }
    }
  }
  return usable;
}

function checkAttributes(text: string, bad: (message: string) => void): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return bad('extended_attributes is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return bad('extended_attributes is not a JSON object');
  for (const [k, v] of Object.entries(parsed)) if (typeof v !== 'string') return bad(`extended attribute ${shown(k, 40)} is not a string`);
}
