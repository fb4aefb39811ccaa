// The in-memory model of TinyFS nodes, as replayed from the oplog.
import type { EntryType } from '../core/entry';

/** What a directory knows of a child: enough to list it without loading the child. */
export interface ChildRef {
  node_id: string;
  entry_type: EntryType;
}

/** One version of a node (one OplogEntry, decoded). */
export interface VersionRecord {
  version: number;
  txnSeq: number;
  /** Commit time, UTC µs. */
  timestamp: number;
  size: number;
  sha256: string | null;
  /** Inline content (under INLINE_LIMIT); null when the content is a blob named by sha256. */
  inline: Uint8Array | null;
  minEventTime: number | null;
  maxEventTime: number | null;
  attrs: Readonly<Record<string, string>>;
}

export interface NodeRecord {
  id: string;
  type: EntryType;
  /** The parent directory's id (a directory's own id for directories, as in the original). */
  partId: string;
  versions: VersionRecord[];
  /** Directories: children as of the latest version. */
  children?: Map<string, ChildRef>;
}

export function latestVersion(node: NodeRecord): VersionRecord {
  const v = node.versions[node.versions.length - 1];
  if (!v) throw new Error(`node ${node.id} has no versions`); // replay never creates such a node
  return v;
}
