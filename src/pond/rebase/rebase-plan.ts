// Rebase, the logic: given the pond at the last commit both sides share (the base), the backup's transactions after it
// and this pond's own, decide whether this pond's can be replayed after the backup's, and if so produce the rows they
// become.
//
// Choice: re-apply the oplog rows, not re-run the operations. A transaction's rows say exactly what it did (one new
// version per node it wrote, and per directory it changed a delta of names added and removed, oplog/directory.ts),
// while re-running would need every command's inputs (files on the device that wrote them, collector responses) and
// could give other results. Re-applied on the new base, a row keeps its node, content, event-time range, attributes
// and time; only its numbers change: `txn_seq` becomes the new commit's version and `version` follows the node's
// newest version on the new base (a series appended on both sides keeps the backup's versions first, then ours).
// Directory deltas name only what changed, so two transactions that add different names to one directory compose.
//
// When is that allowed? Each change is named by a path (as seen on the side that made it, or at the base): a file
// version at the file's path, a name added to or removed from a directory at dir/name. Two changes from different
// sides conflict when their paths are equal or one lies under the other (a folder removed on one side, a file in it
// written on the other), unless both are new versions of the same series (appends). Conflicts are reported all at once,
// by path.
import { PondError } from '../../core/errors';
import { ROOT_ID, type OplogEntry } from '../../core/entry';
import { decodeDelta } from '../../oplog/directory';
import { applyEntry } from '../../oplog/replay';
import type { FsState } from '../../tinyfs/state';

/** One side's transaction after the base: its commit version and rows (compactions are left out by the caller). */
export interface SideTxn {
  version: number;
  entries: OplogEntry[];
}

/** What one side did to one path. */
interface Change {
  path: string;
  /** 'append': a new version of a series; 'write': a new version of any other file or symlink; 'name': a name added or removed. */
  kind: 'append' | 'write' | 'name';
  nodeId: string;
}

export interface RebaseConflict {
  path: string;
  /** What each side did there, in words. */
  ours: string;
  theirs: string;
}

/** Loads a directory version's content when it is a blob (large deltas); inline ones need no store. */
export type DirBlobLoader = (sha256: string) => Promise<Uint8Array>;

/** Replays `txns` onto a fork of `base` (the side's state after them). */
export async function replaySide(base: FsState, txns: readonly SideTxn[], loadBlob: DirBlobLoader): Promise<FsState> {
  const state = base.fork();
  for (const t of txns) for (const e of t.entries) applyEntry(state, e, await dirContent(e, loadBlob));
  return state;
}

async function dirContent(e: OplogEntry, loadBlob: DirBlobLoader): Promise<Uint8Array | undefined> {
  return e.entry_type === 'directory' && !e.content && e.sha256 ? loadBlob(e.sha256) : undefined;
}

/** Every node's path in `state` ("/" for the root), walking from the root. */
export function pathsOf(state: FsState): Map<string, string> {
  const out = new Map<string, string>([[ROOT_ID, '/']]);
  const walk = (id: string, path: string) => {
    for (const [name, c] of state.get(id)?.children ?? []) {
      const p = path === '/' ? `/${name}` : `${path}/${name}`;
      if (out.has(c.node_id)) continue; // a node is reached once (TinyFS has no hard links; this only guards cycles)
      out.set(c.node_id, p);
      if (c.entry_type === 'directory') walk(c.node_id, p);
    }
  };
  walk(ROOT_ID, '/');
  return out;
}

/** The changes one side's rows make, named by paths from `paths` (its own state after them, then the base's). */
async function changesOf(txns: readonly SideTxn[], paths: (id: string) => string, loadBlob: DirBlobLoader): Promise<Change[]> {
  const out: Change[] = [];
  for (const t of txns) {
    for (const e of t.entries) {
      if (e.entry_type !== 'directory') {
        out.push({ path: paths(e.node_id), kind: e.entry_type === 'file:series' ? 'append' : 'write', nodeId: e.node_id });
        continue;
      }
      const bytes = e.content ?? (await dirContent(e, loadBlob));
      if (!bytes) throw new PondError('CORRUPT', `txn ${e.txn_seq}: directory ${e.node_id} v${e.version} has no content`);
      const d = decodeDelta(bytes, `txn ${e.txn_seq}, node ${e.node_id} v${e.version}`);
      const dir = paths(e.node_id);
      for (const name of new Set([...d.add.keys(), ...d.remove])) out.push({ path: dir === '/' ? `/${name}` : `${dir}/${name}`, kind: 'name', nodeId: e.node_id });
    }
  }
  return out;
}

const under = (a: string, b: string) => a === b || a.startsWith(b === '/' ? '/' : `${b}/`);
const said: Record<Change['kind'], string> = { append: 'appended a version', write: 'wrote a new version', name: 'added or removed this name' };

/**
 * The paths both sides changed in ways that do not compose, empty when ours can be replayed after theirs. `base` is the
 * pond at the shared commit; `theirs` and `ours` the transactions after it.
 */
export async function findConflicts(base: FsState, theirs: readonly SideTxn[], ours: readonly SideTxn[], loadBlob: DirBlobLoader): Promise<RebaseConflict[]> {
  const basePaths = pathsOf(base);
  const pathFn = (state: FsState) => {
    const own = pathsOf(state);
    return (id: string) => own.get(id) ?? basePaths.get(id) ?? `(node ${id})`;
  };
  const theirChanges = await changesOf(theirs, pathFn(await replaySide(base, theirs, loadBlob)), loadBlob);
  const ourChanges = await changesOf(ours, pathFn(await replaySide(base, ours, loadBlob)), loadBlob);
  const found = new Map<string, RebaseConflict>();
  for (const o of ourChanges) {
    for (const t of theirChanges) {
      if (!under(o.path, t.path) && !under(t.path, o.path)) continue;
      if (o.kind === 'append' && t.kind === 'append' && o.nodeId === t.nodeId) continue; // both append to one series
      // The deeper path is the one to name: "/a/b.csv" says more than its folder "/a".
      const path = o.path.length >= t.path.length ? o.path : t.path;
      if (!found.has(path)) found.set(path, { path, ours: said[o.kind], theirs: said[t.kind] });
    }
  }
  // A folder both made (or changed) is named only through the paths inside it both changed, which say more.
  const all = [...found.values()];
  return all.filter((c) => !all.some((d) => d !== c && d.path.startsWith(c.path === '/' ? '/' : `${c.path}/`))).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Our rows renumbered onto `onto` (the pond after their transactions): transaction i becomes version `firstVersion + i`,
 * each row's node version follows the node's newest on the evolving state. Content, times and attributes are kept.
 * Call only when findConflicts found none.
 */
export async function renumberOnto(onto: FsState, ours: readonly SideTxn[], firstVersion: number, loadBlob: DirBlobLoader): Promise<SideTxn[]> {
  const state = onto.fork();
  const out: SideTxn[] = [];
  ours.forEach((t, i) => out.push({ version: firstVersion + i, entries: [] }));
  for (let i = 0; i < ours.length; i++) {
    const txnSeq = firstVersion + i;
    for (const e of ours[i]!.entries) {
      const node = state.get(e.node_id);
      const version = node ? (node.versions[node.versions.length - 1]?.version ?? 0) + 1 : e.version;
      const row: OplogEntry = { ...e, version, txn_seq: txnSeq };
      applyEntry(state, row, await dirContent(row, loadBlob));
      out[i]!.entries.push(row);
    }
  }
  return out;
}

/** The CONFLICT a refused rebase throws: the paths both sides changed, in the message and in detail.paths. */
export function conflictError(conflicts: readonly RebaseConflict[], where: string): PondError {
  const shown = conflicts.slice(0, 8).map((c) => `${c.path} (here: ${c.ours}; ${where}: ${c.theirs})`).join('; ');
  const more = conflicts.length > 8 ? ` and ${conflicts.length - 8} more` : '';
  return new PondError('CONFLICT', `cannot rebase onto ${where}: both changed ${shown}${more}. Push this pond as a new pond instead, or undo one side's change.`, {
    detail: { reason: 'rebase-conflict', paths: conflicts.map((c) => c.path) },
  });
}
