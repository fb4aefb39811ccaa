// All-or-nothing writes into an empty pond store: stage under tmp/, verify, then move into place in write order.
import { PondError, throwIfAborted } from '../core/errors';
import type { Store } from '../core/store';
import { logPath } from '../pond/layout';
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

/**
 * Moves staged files into place in write order; on failure removes what was moved, so nothing half-made is live.
 * Commit 0 moves last: until it is there the folder is not a pond (listPonds skips it and start-up sweeps it), so a
 * tab that dies mid-move leaves garbage, never a pond holding a prefix of the snapshot.
 */
export async function commitStaged(store: Store, stageDir: string, paths: string[], signal?: AbortSignal): Promise<string[]> {
  const moved: string[] = [];
  const first = logPath(0);
  const order = sortForWrite(paths.filter((p) => p !== first));
  if (paths.includes(first)) order.push(first);
  try {
    for (const p of order) {
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

/**
 * The staged files as a read-only Store rooted at the staging folder, so the snapshot validator reads a staged import
 * exactly as it reads a pond.
 */
export function stagedView(store: Store, stageDir: string): Store {
  const at = (p: string) => (p ? `${stageDir}/${p.replace(/^\/+/, '')}` : stageDir);
  const readOnly = async (): Promise<never> => { throw new PondError('READ_ONLY', 'a staged snapshot is checked, not changed'); };
  return {
    read: (p) => store.read(at(p)),
    readRange: (p, o, l) => store.readRange(at(p), o, l),
    size: (p) => store.size(at(p)),
    list: (d) => store.list(at(d.replace(/\/$/, ''))),
    write: readOnly, createWriter: readOnly, move: readOnly, remove: readOnly, removeTree: readOnly,
  };
}

/**
 * The pond in `store` with the staged files laid over it (staged first, then the pond's own), read-only: what the pond
 * would be once a pull's staged files are in place, for the snapshot validator to check before any of them is.
 */
export function overlayView(store: Store, stageDir: string): Store {
  const staged = stagedView(store, stageDir);
  const either = async <T>(p: string, f: (s: Store) => Promise<T>): Promise<T> => ((await staged.size(p)) !== undefined ? f(staged) : f(store));
  const readOnly = async (): Promise<never> => { throw new PondError('READ_ONLY', 'a pull is checked before it changes the pond'); };
  return {
    read: (p) => either(p, (s) => s.read(p)),
    readRange: (p, o, l) => either(p, (s) => s.readRange(p, o, l)),
    size: async (p) => (await staged.size(p)) ?? store.size(p),
    list: async (d) => [...new Set([...(await store.list(d)), ...(await staged.list(d))])].sort(),
    write: readOnly, createWriter: readOnly, move: readOnly, remove: readOnly, removeTree: readOnly,
  };
}
