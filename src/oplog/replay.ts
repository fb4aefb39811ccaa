// Replay: fold OplogEntry rows into a TinyFS state. Live transactions use the same function after their commit
// is durable, so the state after a commit and the state after reopening are built by one code path.
import { PondError } from '../core/errors';
import type { OplogEntry } from '../core/entry';
import type { VersionRecord } from '../tinyfs/node';
import { pushVersion, type FsState } from '../tinyfs/state';
import { applyDelta } from './directory';

/** Shared by every version without attributes (most of them): one object instead of one per row. */
const NO_ATTRS: Readonly<Record<string, string>> = Object.freeze({});

export function versionRecordOf(e: OplogEntry): VersionRecord {
  let attrs: Readonly<Record<string, string>> = NO_ATTRS;
  if (e.extended_attributes) {
    try {
      attrs = JSON.parse(e.extended_attributes) as Record<string, string>;
    } catch (err) {
      throw new PondError('CORRUPT', `node ${e.node_id} v${e.version}: extended attributes are not JSON`, { cause: err });
    }
  }
  return {
    version: e.version, txnSeq: e.txn_seq, timestamp: e.timestamp, size: e.size, sha256: e.sha256, inline: e.content,
    minEventTime: e.min_event_time, maxEventTime: e.max_event_time, attrs,
  };
}

const whereOf = (e: OplogEntry) => `txn ${e.txn_seq}, node ${e.node_id} v${e.version}`;

/**
 * Applies one row. `directoryContent` is the row's content for directories whose content is a blob
 * (the caller loads it); inline content is used as is.
 */
export function applyEntry(state: FsState, e: OplogEntry, directoryContent?: Uint8Array): void {
  let node = state.mutable(e.node_id);
  if (!node) {
    if (e.version !== 1) throw new PondError('CORRUPT', `${whereOf(e)}: first version of a node must be 1`);
    node = state.create({ id: e.node_id, type: e.entry_type, partId: e.part_id, versions: [] });
    if (e.entry_type === 'directory') node.children = new Map();
  } else if (node.type !== e.entry_type) {
    throw new PondError('CORRUPT', `${whereOf(e)}: a ${node.type} cannot become a ${e.entry_type}`);
  }
  node.partId = e.part_id;
  try {
    pushVersion(node, versionRecordOf(e));
  } catch (err) {
    throw new PondError('CORRUPT', `${whereOf(e)}: ${(err as Error).message}`, { cause: err });
  }
  if (e.entry_type === 'directory') {
    const bytes = e.content ?? directoryContent;
    if (!bytes) throw new PondError('CORRUPT', `${whereOf(e)}: directory content missing`);
    applyDelta(node, bytes, whereOf(e));
  }
}

/** Rows in transaction order, stable within a transaction; the array itself when it is in order already (opening). */
function inTxnOrder(entries: readonly OplogEntry[]): readonly OplogEntry[] {
  for (let i = 1; i < entries.length; i++) {
    if (entries[i]!.txn_seq < entries[i - 1]!.txn_seq) {
      return entries.map((e, j) => [e, j] as const).sort((a, b) => a[0].txn_seq - b[0].txn_seq || a[1] - b[1]).map(([e]) => e);
    }
  }
  return entries;
}

/** Replays rows in transaction order (stable within a transaction). */
export async function replayEntries(
  state: FsState,
  entries: readonly OplogEntry[],
  loadBlob: (sha256: string) => Promise<Uint8Array>,
): Promise<void> {
  for (const e of inTxnOrder(entries)) {
    // Only a directory version too large to be inline waits for a read; the rest replays without yielding.
    if (e.entry_type === 'directory' && !e.content && e.sha256) applyEntry(state, e, await loadBlob(e.sha256));
    else applyEntry(state, e);
  }
}
