// Rules for the tree: the live rows folded into nodes (as replay would), then one iterative walk from the root that
// refuses what replay would silently accept: a node with two names, cycles, children whose type contradicts their
// node, duplicate names, references to nodes that do not exist, and trees deeper than MAX_TREE_DEPTH.
import { ROOT_ID, isEntryType, type EntryType, type OplogEntry } from '../../core/entry';
import { isPondError } from '../../core/errors';
import type { ChildRef } from '../../tinyfs/node';
import { MAX_TREE_DEPTH, validateName } from '../../tinyfs/paths';
import { smallSha256Hex } from './small-hash';
import { shown, type ProblemSink } from './problems';
import { rowWhere } from './row-rules';

/** A live row and where it came from, so a problem can name its file and row. */
export interface PlacedRow {
  row: OplogEntry;
  file: string;
  index: number;
}

/** What the root hash needs of a version: everything logical, nothing about where or when it was stored. */
export interface VersionSummary {
  version: number;
  /** The row's sha256, or for inline content without one (symlinks) the hash of that content. */
  contentHash: string | null;
  size: number;
  minEventTime: number | null;
  maxEventTime: number | null;
}

export interface TreeNode {
  id: string;
  type: EntryType;
  versions: VersionSummary[];
  children?: Map<string, ChildRef>;
  /** The file and row of the newest version, to name in problems about this node. */
  file: string;
  where: string;
}

export interface DirectoryDelta {
  add: [string, ChildRef][];
  remove: string[];
}

/** A directory version's content, strictly: valid names, known types, no name added twice. */
export function parseDelta(bytes: Uint8Array, file: string, where: string, sink: ProblemSink): DirectoryDelta | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    sink.add('directory-content', file, 'directory content is not UTF-8 JSON', where);
    return undefined;
  }
  const p = parsed as { add?: unknown; remove?: unknown } | null;
  if (!p || !Array.isArray(p.add) || !Array.isArray(p.remove)) {
    sink.add('directory-content', file, 'directory content lacks its add and remove lists', where);
    return undefined;
  }
  const out: DirectoryDelta = { add: [], remove: [] };
  const added = new Set<string>();
  for (const r of p.remove as unknown[]) {
    if (typeof r !== 'string') { sink.add('directory-content', file, `removes ${shown(r)}, which is not a name`, where); continue; }
    out.remove.push(r);
  }
  for (const a of p.add as { name?: unknown; node_id?: unknown; entry_type?: unknown }[]) {
    if (typeof a?.name !== 'string' || typeof a.node_id !== 'string' || typeof a.entry_type !== 'string') {
      sink.add('directory-content', file, `a child entry ${shown(JSON.stringify(a))} lacks name, node_id or entry_type`, where);
      continue;
    }
    if (!isEntryType(a.entry_type)) { sink.add('entry-type', file, `child ${shown(a.name)} has unknown entry type ${shown(a.entry_type, 30)}`, where); continue; }
    try {
      validateName(a.name);
    } catch (e) {
      if (!isPondError(e, 'INVALID_PATH')) throw e;
      sink.add('name', file, `child name ${shown(a.name)}: ${e.message}`, where);
      continue;
    }
    if (added.has(a.name)) { sink.add('tree-duplicate-name', file, `adds child ${shown(a.name)} twice`, where); continue; }
    added.add(a.name);
    out.add.push([a.name, { node_id: a.node_id, entry_type: a.entry_type }]);
  }
  return out;
}

/**
 * Folds live rows (in commit order) into nodes. `directoryBlob` loads a directory version stored as a blob (hash
 * checked by the caller's loader); undefined when it cannot (already reported). `start`: nodes the rows come after (a
 * pull's rows onto the device's own tree, device-state.ts), changed in place; rows then obey the same rules against
 * them (versions after theirs, the same entry type, no name a directory already has).
 */
export async function foldNodes(rows: readonly PlacedRow[], directoryBlob: (sha256: string, file: string, where: string) => Promise<Uint8Array | undefined>, sink: ProblemSink, start?: Map<string, TreeNode>): Promise<Map<string, TreeNode>> {
  const nodes = start ?? new Map<string, TreeNode>();
  const ordered = [...rows].sort((a, b) => a.row.txn_seq - b.row.txn_seq);
  for (const { row: e, file, index } of ordered) {
    const where = rowWhere(index, e);
    let node = nodes.get(e.node_id);
    if (!node) {
      if (e.version !== 1) sink.add('row-version', file, `the first version of node ${e.node_id} is ${e.version}, not 1`, where);
      node = { id: e.node_id, type: e.entry_type, versions: [], file, where, ...(e.entry_type === 'directory' ? { children: new Map() } : {}) };
      nodes.set(e.node_id, node);
    } else if (node.type !== e.entry_type) {
      sink.add('entry-type', file, `node ${e.node_id} is a ${node.type} and cannot become a ${e.entry_type}`, where);
      continue;
    } else {
      const last = node.versions[node.versions.length - 1]!.version;
      if (e.version <= last) { sink.add('row-version', file, `version ${e.version} of node ${e.node_id} comes after version ${last}`, where); continue; }
    }
    node.file = file;
    node.where = where;
    const contentHash = e.sha256 ?? (e.content && e.entry_type === 'symlink' ? await smallSha256Hex(e.content) : null);
    node.versions.push({ version: e.version, contentHash, size: e.size, minEventTime: e.min_event_time, maxEventTime: e.max_event_time });
    if (e.entry_type !== 'directory') continue;
    const bytes = e.content ?? (e.sha256 ? await directoryBlob(e.sha256, file, where) : undefined);
    const delta = bytes && parseDelta(bytes, file, where, sink);
    if (!delta) continue;
    const children = node.children!;
    const removed = new Set(delta.remove);
    for (const name of delta.remove) children.delete(name);
    for (const [name, child] of delta.add) {
      // A name already there and not removed in the same version would replace a child silently (one disappears).
      if (children.has(name) && !removed.has(name)) sink.add('tree-duplicate-name', file, `adds child ${shown(name)}, which the directory already has`, where);
      else children.set(name, child);
    }
  }
  return nodes;
}

export interface WalkedNode {
  path: string;
  node: TreeNode;
}

/**
 * Walks the tree from the root, iteratively (a crafted 5000-deep chain must not overflow the stack), in name order.
 * Returns the nodes reachable by one path each; what breaks the rules is reported and not descended into.
 */
export function walkTree(nodes: ReadonlyMap<string, TreeNode>, sink: ProblemSink): WalkedNode[] {
  const root = nodes.get(ROOT_ID);
  if (!root || root.type !== 'directory') {
    sink.add('tree-root', root?.file ?? '', root ? `the root node is a ${root.type}, not a directory` : 'there is no root directory');
    return [];
  }
  const out: WalkedNode[] = [];
  const parentOf = new Map<string, string | null>([[ROOT_ID, null]]);
  const stack: { node: TreeNode; path: string; depth: number }[] = [{ node: root, path: '/', depth: 0 }];
  while (stack.length > 0) {
    const { node, path, depth } = stack.pop()!;
    out.push({ path, node });
    if (!node.children) continue;
    const names = [...node.children.keys()].sort().reverse(); // popped in name order
    for (const name of names) {
      const ref = node.children.get(name)!;
      const childPath = path === '/' ? `/${name}` : `${path}/${name}`;
      const where = `directory ${shown(path, 80)}, child ${shown(name)}`;
      const child = nodes.get(ref.node_id);
      if (!child) { sink.add('tree-dangling', node.file, `names node ${ref.node_id}, which does not exist`, where); continue; }
      if (child.type !== ref.entry_type) { sink.add('tree-type', node.file, `lists a ${ref.entry_type}, but node ${child.id} is a ${child.type}`, where); continue; }
      if (parentOf.has(child.id)) {
        const cycle = isAncestor(parentOf, node.id, child.id);
        sink.add(cycle ? 'tree-cycle' : 'tree-parent', node.file, cycle ? `contains ${child.id === node.id ? 'itself' : 'its own ancestor'} (a cycle)` : `node ${child.id} already has another name`, where);
        continue;
      }
      const childDepth = depth + 1;
      // The rule writes follow (tinyfs): no node, directory or file, more than MAX_TREE_DEPTH names below the root.
      if (childDepth > MAX_TREE_DEPTH) {
        sink.add('tree-depth', node.file, `is ${childDepth} levels deep; the limit is ${MAX_TREE_DEPTH}`, where);
        continue;
      }
      parentOf.set(child.id, node.id);
      stack.push({ node: child, path: childPath, depth: childDepth });
    }
  }
  return out;
}

/** True when `candidate` is `from` or one of its ancestors (a bounded walk: depth is at most MAX_TREE_DEPTH). */
function isAncestor(parentOf: ReadonlyMap<string, string | null>, from: string, candidate: string): boolean {
  for (let id: string | null | undefined = from; id; id = parentOf.get(id)) if (id === candidate) return true;
  return false;
}
