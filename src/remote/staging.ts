// All-or-nothing writes into an empty pond store: stage under tmp/, verify, then move into place in write order.
import { throwIfAborted } from '../core/errors';
import type { Store } from '../core/store';
import { sortForWrite } from './layout';

/** True when a store holds nothing but (possibly) an empty-ish tmp/ folder. */
export async function isEmptyStore(store: Store): Promise<boolean> {
  return (await store.list('')).every((n) => n === 'tmp/');
}

/** Removes a staging folder, and tmp/ too when that leaves it empty, so a refused import leaves no trace. */
export async function dropStage(store: Store, stageDir: string): Promise<void> {
  await store.removeTree(stageDir).catch(() => undefined);
  if ((await store.list('tmp').catch(() => ['?'])).length === 0) await store.removeTree('tmp').catch(() => undefined);
}

/** Moves staged files into place in write order; on failure removes what was moved, so nothing half-made is live. */
export async function commitStaged(store: Store, stageDir: string, paths: string[], signal?: AbortSignal): Promise<string[]> {
  const moved: string[] = [];
  try {
    for (const p of sortForWrite(paths)) {
      throwIfAborted(signal, 'restore');
      await store.move(`${stageDir}/${p}`, p);
      moved.push(p);
    }
  } catch (e) {
    // Commits first: a reader that races the clean-up then sees no commit rather than a commit without its data.
    // The store was empty before (callers check), so removing the layout folders removes exactly what we made.
    for (const p of [...moved].reverse()) await store.remove(p).catch(() => undefined);
    for (const dir of ['_delta_log', 'oplog', 'blobs']) await store.removeTree(dir).catch(() => undefined);
    throw e;
  } finally {
    await dropStage(store, stageDir);
  }
  return moved;
}

/** A fresh staging folder under tmp/ (swept on open, so a crash mid-restore leaves only garbage there). */
export function stagingDir(what: string): string {
  return `tmp/${what}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}
