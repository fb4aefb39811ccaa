// fsck: the snapshot validator over a pond on the device, reporting every problem (bounded) and the content root.
import type { Pond } from '../pond';
import { checkSnapshot, type CheckProgress, type SnapshotReport } from './snapshot-check';

export interface FsckOptions {
  /** Skip re-hashing blobs and reading the oplog files older versions use (presence and sizes are still checked). */
  quick?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: CheckProgress) => void;
  /** Most problems listed (default 200); the rest are counted. */
  limit?: number;
}

/**
 * Checks `pond` as of the version it shows: commits another tab (or this one) makes meanwhile are left for the next
 * fsck, so a check never races a write into a false alarm.
 */
export function fsckPond(pond: Pond, opts: FsckOptions = {}): Promise<SnapshotReport> {
  return checkSnapshot(pond.store, {
    mode: 'all', upTo: pond.version, pondId: pond.id, quick: opts.quick === true,
    ...(opts.limit !== undefined ? { limit: opts.limit } : {}), ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
}
