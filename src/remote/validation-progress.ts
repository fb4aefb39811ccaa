// The snapshot validator's progress as a transfer's 'checking' phase, so import and restore draw one bar throughout.
import type { CheckProgress } from '../pond/validate/snapshot-check';
import type { ProgressTracker } from './progress';

export function checkingProgress(progress: ProgressTracker): (p: CheckProgress) => void {
  return (p) => progress.set({ phase: 'checking', filesDone: p.done, filesTotal: p.total, bytesDone: p.done, bytesTotal: p.total, path: `${p.phase}${p.path ? `: ${p.path}` : ''}` });
}
