// The snapshot validator's progress as a transfer's 'checking' phase, so import and restore draw one bar throughout.
import type { CheckProgress } from '../pond/validate/snapshot-check';
import type { ProgressTracker } from './progress';

export function checkingProgress(progress: ProgressTracker): (p: CheckProgress) => void {
  // Counts of commits and oplog files go in files*, blob bytes in bytes* (zero before the blobs, so no bar lies).
  return (p) => {
    const bytes = p.phase === 'blobs';
    progress.set({ phase: 'checking', filesDone: bytes ? 0 : p.done, filesTotal: bytes ? 0 : p.total, bytesDone: bytes ? p.done : 0, bytesTotal: bytes ? p.total : 0, path: `${p.phase}${p.path ? `: ${p.path}` : ''}` });
  };
}
