// Write side of TinyFS: the working-directory operations (mkdir -p, create/write a version, symlink, remove,
// rename). They check everything against the state and then ask a FsMutator to record the change; the pond's
// transaction is the mutator, so what is recorded becomes oplog rows.
import { PondError } from '../core/errors';
import { isFileType, type EntryType, type FileEntryType } from '../core/entry';
import type { ChildRef, NodeRecord } from './node';
import { formatPath, MAX_TREE_DEPTH, parsePath, splitLast } from './paths';
import { resolve, tryResolve } from './resolve';
import type { FsState } from './state';

/** Content already stored (inline or as a blob) and described by its hash. */
export interface PreparedContent {
  inline: Uint8Array | null;
  sha256: string | null;
  size: number;
}

export interface VersionMeta {
  minEventTime?: number | null;
  maxEventTime?: number | null;
  attrs?: Record<string, string>;
}

/** Where the working directory records its changes. */
export interface FsMutator {
  readonly state: FsState;
  newNodeId(): string;
  /** Adds a version to a node, creating it (version 1) when it does not exist yet. */
  addVersion(node: { id: string; type: EntryType; partId: string }, content: PreparedContent, meta?: VersionMeta): NodeRecord;
  linkChild(dir: NodeRecord, name: string, child: ChildRef): void;
  unlinkChild(dir: NodeRecord, name: string): void;
}

const EMPTY: PreparedContent = { inline: null, sha256: null, size: 0 };

export class WorkingDirectory {
  constructor(private readonly m: FsMutator, private readonly cwd: readonly string[] = []) {}

  private parse(path: string): string[] {
    return parsePath(path, this.cwd);
  }

  /** Creates a directory; with `parents`, missing parents too and no error if it exists (mkdir -p). */
  mkdir(path: string, opts: { parents?: boolean } = {}): NodeRecord {
    const segments = this.parse(path);
    if (segments.length === 0) {
      if (opts.parents) return resolve(this.m.state, []).node;
      throw new PondError('ALREADY_EXISTS', '/ already exists', { detail: { path: '/' } });
    }
    let dir = resolve(this.m.state, []).node;
    let dirPath: string[] = []; // where `dir` really is (symlinks on the way followed): what its depth is
    for (let i = 0; i < segments.length; i++) {
      const here = segments.slice(0, i + 1);
      const existing = tryResolve(this.m.state, here);
      const isLast = i === segments.length - 1;
      if (existing) {
        if (existing.node.type !== 'directory') {
          throw new PondError('NOT_A_DIRECTORY', `mkdir ${formatPath(segments)}: ${formatPath(here)} is a ${existing.node.type}`, { detail: { path: formatPath(segments) } });
        }
        if (isLast && !opts.parents) throw new PondError('ALREADY_EXISTS', `mkdir ${formatPath(segments)}: already exists`, { detail: { path: formatPath(segments) } });
        dir = existing.node;
        dirPath = existing.segments;
        continue;
      }
      if (!isLast && !opts.parents) {
        throw new PondError('NOT_FOUND', `mkdir ${formatPath(segments)}: parent ${formatPath(here)} does not exist (use -p)`, { detail: { path: formatPath(segments) } });
      }
      dirPath = [...dirPath, segments[i]!];
      checkDepth(dirPath.length, `mkdir ${formatPath(segments)}`);
      const id = this.m.newNodeId();
      const created = this.m.addVersion({ id, type: 'directory', partId: id }, EMPTY);
      this.m.linkChild(dir, segments[i]!, { node_id: id, entry_type: 'directory' });
      dir = created;
    }
    return dir;
  }

  /**
   * Checks that a file of `type` may be written at `path` and returns where: the parent directory, the name,
   * and the existing node if any. Call before preparing content so bad paths fail before bytes are stored.
   */
  planFileWrite(path: string, type: FileEntryType, opts: { parents?: boolean } = {}): { parent: NodeRecord; name: string; existing?: NodeRecord; path: string } {
    const segments = this.parse(path);
    const { parent: parentSegs, name } = splitLast(segments);
    const shown = formatPath(segments);
    if (opts.parents) this.mkdir(formatPath(parentSegs), { parents: true });
    const { node: parent, segments: parentPath } = resolve(this.m.state, parentSegs);
    if (parent.type !== 'directory') throw new PondError('NOT_A_DIRECTORY', `${shown}: ${formatPath(parentSegs)} is a ${parent.type}, not a directory`, { detail: { path: shown } });
    const ref = parent.children?.get(name);
    const existing = ref ? this.m.state.get(ref.node_id) : undefined;
    if (!existing) checkDepth(parentPath.length + 1, shown);
    if (existing && existing.type !== type) {
      const what = existing.type === 'directory' ? 'IS_A_DIRECTORY' : 'WRONG_TYPE';
      throw new PondError(what, `${shown} is a ${existing.type}; cannot write it as ${type}`, { detail: { path: shown, existing: existing.type, requested: type } });
    }
    return { parent, name, existing, path: shown };
  }

  /** Writes a new version of a file (version 1 when new). */
  writeFile(path: string, type: FileEntryType, content: PreparedContent, meta: VersionMeta = {}, opts: { parents?: boolean } = {}): NodeRecord {
    if (!isFileType(type)) throw new PondError('INVALID_INPUT', `${type} is not a file type`);
    const plan = this.planFileWrite(path, type, opts);
    const id = plan.existing?.id ?? this.m.newNodeId();
    const node = this.m.addVersion({ id, type, partId: plan.parent.id }, content, meta);
    if (!plan.existing) this.m.linkChild(plan.parent, plan.name, { node_id: id, entry_type: type });
    return node;
  }

  /** Creates a symlink at `path` pointing at `target` (stored as given; resolved when followed). */
  symlink(target: string, path: string): NodeRecord {
    parsePath(target, this.cwd); // a target that can never resolve is refused now, not at every read
    const segments = this.parse(path);
    const { parent: parentSegs, name } = splitLast(segments);
    const { node: parent, segments: parentPath } = resolve(this.m.state, parentSegs);
    if (parent.type !== 'directory') throw new PondError('NOT_A_DIRECTORY', `${formatPath(segments)}: ${formatPath(parentSegs)} is not a directory`);
    if (parent.children?.has(name)) throw new PondError('ALREADY_EXISTS', `${formatPath(segments)} already exists`, { detail: { path: formatPath(segments) } });
    checkDepth(parentPath.length + 1, `ln -s ${formatPath(segments)}`);
    const bytes = new TextEncoder().encode(target);
    const id = this.m.newNodeId();
    const node = this.m.addVersion({ id, type: 'symlink', partId: parent.id }, { inline: bytes, sha256: null, size: bytes.length });
    this.m.linkChild(parent, name, { node_id: id, entry_type: 'symlink' });
    return node;
  }

  /** Removes an entry from its directory (its history stays reachable by time travel). */
  remove(path: string, opts: { recursive?: boolean } = {}): void {
    const segments = this.parse(path);
    const { parent: parentSegs, name } = splitLast(segments);
    const parent = resolve(this.m.state, parentSegs).node;
    const target = resolve(this.m.state, segments, false).node;
    if (target.type === 'directory' && (target.children?.size ?? 0) > 0 && !opts.recursive) {
      throw new PondError('INVALID_INPUT', `${formatPath(segments)} is a directory that is not empty (use -r)`, { detail: { path: formatPath(segments) } });
    }
    this.m.unlinkChild(parent, name);
  }

  /** Moves an entry to a new path (same node, so its versions follow it). */
  rename(from: string, to: string): void {
    const src = this.parse(from);
    const dst = this.parse(to);
    if (dst.length >= src.length && src.every((s, i) => dst[i] === s)) {
      throw new PondError('INVALID_INPUT', `cannot move ${formatPath(src)} into itself`);
    }
    const { parent: srcParentSegs, name: srcName } = splitLast(src);
    const { parent: dstParentSegs, name: dstName } = splitLast(dst);
    const srcParent = resolve(this.m.state, srcParentSegs).node;
    const { node, segments: srcPath } = resolve(this.m.state, src, false);
    const { node: dstParent, segments: dstParentPath } = resolve(this.m.state, dstParentSegs);
    if (dstParent.type !== 'directory') throw new PondError('NOT_A_DIRECTORY', `${formatPath(dstParentSegs)} is not a directory`);
    if (dstParent.children?.has(dstName)) throw new PondError('ALREADY_EXISTS', `${formatPath(dst)} already exists`, { detail: { path: formatPath(dst) } });
    // Through a symlink the destination can lie inside the source although the typed paths say otherwise
    // (`ln -s /a /l; mv /a /l/x`): that would make /a its own ancestor and cut it off from the root.
    if (node.type === 'directory' && dstParentPath.length >= srcPath.length && srcPath.every((s, i) => dstParentPath[i] === s)) {
      throw new PondError('INVALID_INPUT', `cannot move ${formatPath(src)} into itself (${formatPath(dstParentSegs)} is ${formatPath(dstParentPath)})`);
    }
    checkDepth(dstParentPath.length + 1 + subtreeHeight(this.m.state, node), `mv ${formatPath(src)} ${formatPath(dst)}`);
    this.m.unlinkChild(srcParent, srcName);
    this.m.linkChild(this.m.state.mutable(dstParent.id)!, dstName, { node_id: node.id, entry_type: node.type });
  }
}

/** Refuses a node that would sit `depth` names below the root when that is past MAX_TREE_DEPTH. */
function checkDepth(depth: number, what: string): void {
  if (depth > MAX_TREE_DEPTH) {
    throw new PondError('INVALID_PATH', `${what.length > 200 ? `${what.slice(0, 200)}…` : what}: would be ${depth} levels deep; the limit is ${MAX_TREE_DEPTH}`, { detail: { depth, limit: MAX_TREE_DEPTH } });
  }
}

/** How many names below `node` its deepest descendant sits (0 for a file or an empty directory); symlinks are not followed. */
function subtreeHeight(state: FsState, node: NodeRecord): number {
  let height = 0;
  const stack: [NodeRecord, number][] = [[node, 0]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [n, depth] = item;
    height = Math.max(height, depth);
    // A crafted tree could hold a cycle; once past the limit the answer is known, so stop there.
    if (depth > MAX_TREE_DEPTH) break;
    for (const ref of n.children?.values() ?? []) {
      const child = state.get(ref.node_id);
      if (child) stack.push([child, depth + 1]);
    }
  }
  return height;
}
