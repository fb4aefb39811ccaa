/** The kinds of node in TinyFS, spelled as the original DuckPond spells them. */
export const ENTRY_TYPES = ['directory', 'symlink', 'file:data', 'file:table', 'file:series'] as const;
export type EntryType = (typeof ENTRY_TYPES)[number];
export type FileEntryType = Extract<EntryType, `file:${string}`>;

export function isEntryType(s: string): s is EntryType {
  return (ENTRY_TYPES as readonly string[]).includes(s);
}
export function isFileType(t: EntryType): t is FileEntryType {
  return t.startsWith('file:');
}

/** Node ids are UUIDv7 strings; the root directory has this fixed id (as in the original). */
export const ROOT_ID = '00000000-0000-7000-8000-000000000000';

/** Content of this many bytes or more is stored as a blob named by its SHA-256 rather than inline. */
export const INLINE_LIMIT = 64 * 1024;

/**
 * One row of the oplog: one new version of one node, added by transaction `txn_seq`.
 * Times are UTC microseconds since the epoch (Delta's `timestamp`), exact int64 in the oplog Parquet and JS numbers
 * here: exact below 2^53 µs (the years 1685-2255); beyond, event-time bounds are rounded outward and every time is
 * clamped inside int64 (core/utc-micros.ts).
 */
export interface OplogEntry {
  /** A directory's own id for a directory; the parent directory's id for files and symlinks. */
  part_id: string;
  node_id: string;
  entry_type: EntryType;
  /** Per node, starting at 1. */
  version: number;
  /** When the transaction committed. */
  timestamp: number;
  /** The content itself when smaller than INLINE_LIMIT; null when it lives in a blob. */
  content: Uint8Array | null;
  /** Hex SHA-256 of the content (always set for files, so blobs and inline content verify alike). */
  sha256: string | null;
  size: number;
  /** Event-time range of a table or series version (UTC µs), when it has a timestamp column. */
  min_event_time: number | null;
  max_event_time: number | null;
  /** JSON object of string attributes (timestamp column name, row count, schema …). */
  extended_attributes: string | null;
  txn_seq: number;
}

/** A directory version's content: its children by name. */
export interface DirectoryEntry {
  name: string;
  node_id: string;
  entry_type: EntryType;
}
