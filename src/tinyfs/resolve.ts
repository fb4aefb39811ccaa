// Read side of TinyFS: path lookup (following symlinks, with a hop limit) and glob walks.
import { PondError } from '../core/errors';
import { compileGlob, matchSegment, type CompiledGlob } from './glob';
import { latestVersion, type NodeRecord } from './node';
import { formatPath, parsePath } from './paths';
import type { FsState } from './state';

/** Like Linux's MAXSYMLINKS: more hops than this is treated as a loop. */
export const MAX_SYMLINK_HOPS = 40;

export interface Resolved {
  node: NodeRecord;
  /** The canonical path of the node reached (after following symlinks). */
  segments: string[];
}

const utf8 = new TextDecoder();

/** The target path stored in a symlink's latest version. */
export function symlinkTarget(node: NodeRecord): string {
  return utf8.decode(latestVersion(node).inline ?? new Uint8Array());
}

function rootOf(state: FsState): NodeRecord {
  const root = state.root;
  if (!root) throw new PondError('NOT_FOUND', 'the pond has no root directory yet');
  return root;
}

/** Looks up `segments`; symlinks on the way are followed, the last one only when `followLast`. */
export function resolve(state: FsState, segments: readonly string[], followLast = true, hops = { n: 0 }): Resolved {
  let node = rootOf(state);
  let path: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    const name = segments[i]!;
    if (node.type !== 'directory') {
      throw new PondError('NOT_A_DIRECTORY', `${formatPath(segments)}: ${formatPath(path)} is a ${node.type}, not a directory`, { detail: { path: formatPath(segments) } });
    }
    const ref = node.children?.get(name);
    const child = ref && state.get(ref.node_id);
    if (!child) {
      throw new PondError('NOT_FOUND', `${formatPath(segments)}: not found (${formatPath(path)} has no entry ${JSON.stringify(name)})`, { detail: { path: formatPath(segments) } });
    }
    const isLast = i === segments.length - 1;
    if (child.type === 'symlink' && (!isLast || followLast)) {
      if (++hops.n > MAX_SYMLINK_HOPS) {
        throw new PondError('SYMLINK_LOOP', `${formatPath(segments)}: more than ${MAX_SYMLINK_HOPS} symlinks followed (a loop?)`, { detail: { path: formatPath(segments) } });
      }
      const target = parsePath(symlinkTarget(child), path);
      const reached = resolve(state, target, true, hops);
      node = reached.node;
      path = reached.segments;
    } else {
      node = child;
      path = [...path, name];
    }
  }
  return { node, segments: path };
}

/** Like resolve, but undefined when the path (not an intermediate directory) is missing. */
export function tryResolve(state: FsState, segments: readonly string[], followLast = true): Resolved | undefined {
  try {
    return resolve(state, segments, followLast);
  } catch (e) {
    if (e instanceof PondError && e.code === 'NOT_FOUND') return undefined;
    throw e;
  }
}

export interface GlobMatch {
  /** Path as matched (symlinks not replaced). */
  segments: string[];
  node: NodeRecord;
}

/**
 * All entries matching a glob, sorted by path. `**` does not descend through symlinks (no loops). The walk keeps its
 * own stack instead of recursing: a pond may hold a tree deeper than the JS stack (imports and older versions could
 * make one), and listing it must still work.
 */
export function glob(state: FsState, pattern: string | CompiledGlob, cwd: readonly string[] = []): GlobMatch[] {
  const g = typeof pattern === 'string' ? compileGlob(pattern, cwd) : pattern;
  const found = new Map<string, GlobMatch>();
  const emit = (segments: string[], node: NodeRecord) => {
    if (g.contents) {
      const dir = node.type === 'symlink' ? tryResolve(state, segments)?.node : node;
      if (dir?.type !== 'directory') return;
      for (const [name, ref] of dir.children ?? []) {
        const child = state.get(ref.node_id);
        if (child) found.set(formatPath([...segments, name]), { segments: [...segments, name], node: child });
      }
    } else if (segments.length > 0 || g.segments.length === 0) {
      found.set(formatPath(segments), { segments, node });
    }
  };
  // Each item is one step of what used to be a recursive call: a node reached at `path`, matching from segment i.
  const stack: { dir: NodeRecord; path: string[]; i: number }[] = [{ dir: rootOf(state), path: [], i: 0 }];
  // Several `**` can reach one (path, segment) state by many routes (`/**/**/x`): each is expanded once.
  const seen = new Set<string>();
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { dir, path, i } = item;
    const key = `${i}/${formatPath(path)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (i === g.segments.length) {
      emit(path, dir);
      continue;
    }
    const seg = g.segments[i]!;
    if (seg.kind === 'any-depth') {
      // Zero directories: match the rest right here. Then one more level, through real directories only.
      stack.push({ dir, path, i: i + 1 });
      if (dir.type !== 'directory') continue;
      const last = i + 1 === g.segments.length;
      for (const [name, ref] of dir.children ?? []) {
        const child = state.get(ref.node_id);
        if (child?.type === 'directory') stack.push({ dir: child, path: [...path, name], i });
        else if (child && last) emit([...path, name], child); // a trailing ** also matches the files below
      }
      continue;
    }
    const target = dir.type === 'symlink' ? tryResolve(state, path)?.node : dir;
    if (target?.type !== 'directory') continue;
    if (seg.kind === 'literal') {
      const ref = target.children?.get(seg.name);
      const child = ref && state.get(ref.node_id);
      if (child) stack.push({ dir: child, path: [...path, seg.name], i: i + 1 });
      continue;
    }
    for (const [name, ref] of target.children ?? []) {
      if (!matchSegment(seg, name)) continue;
      const child = state.get(ref.node_id);
      if (child) stack.push({ dir: child, path: [...path, name], i: i + 1 });
    }
  }
  return [...found.values()].sort((a, b) => comparePaths(a.segments, b.segments));
}

/** Orders paths segment by segment: a directory's entries follow it directly (`/a`, `/a/b`, then `/a-b`). */
function comparePaths(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let k = 0; k < n; k++) if (a[k] !== b[k]) return a[k]! < b[k]! ? -1 : 1;
  return a.length - b.length;
}
