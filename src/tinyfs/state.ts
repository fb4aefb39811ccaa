// FsState: the node table. A transaction works on a fork (copy-on-write overlay) so that a failed
// transaction is dropped by forgetting the fork, and a committed one is merged in one step.
import { ROOT_ID } from '../core/entry';
import type { ChildRef, NodeRecord, VersionRecord } from './node';

export class FsState {
  private readonly own = new Map<string, NodeRecord>();

  private constructor(private readonly base: FsState | undefined) {}

  /** An empty state (no root yet: the first transaction creates it). */
  static empty(): FsState {
    return new FsState(undefined);
  }

  /** A copy-on-write child: reads fall through to this state, writes stay in the fork until `commitInto`. */
  fork(): FsState {
    return new FsState(this);
  }

  get(id: string): NodeRecord | undefined {
    return this.own.get(id) ?? this.base?.get(id);
  }

  get root(): NodeRecord | undefined {
    return this.get(ROOT_ID);
  }

  /** The node, copied into this state first if it lives in the base, so it may be changed. */
  mutable(id: string): NodeRecord | undefined {
    const mine = this.own.get(id);
    if (mine) return mine;
    const inherited = this.base?.get(id);
    if (!inherited) return undefined;
    const copy: NodeRecord = { ...inherited, versions: inherited.versions.slice() };
    if (inherited.children) copy.children = new Map(inherited.children);
    this.own.set(id, copy);
    return copy;
  }

  /** Adds a brand-new node. */
  create(node: NodeRecord): NodeRecord {
    this.own.set(node.id, node);
    return node;
  }

  /** Moves this fork's nodes into its base (the transaction committed). */
  commitInto(): FsState {
    if (!this.base) return this;
    for (const [id, node] of this.own) this.base.own.set(id, node);
    this.own.clear();
    return this.base;
  }

  /** Number of nodes, counting the base. */
  get size(): number {
    if (!this.base) return this.own.size;
    let extra = 0;
    for (const id of this.own.keys()) if (!this.base.get(id)) extra++;
    return this.base.size + extra;
  }

  /** Every node id (for verify/fsck and listings of all content). */
  *ids(): IterableIterator<string> {
    const seen = new Set<string>();
    for (const id of this.own.keys()) { seen.add(id); yield id; }
    if (this.base) for (const id of this.base.ids()) if (!seen.has(id)) yield id;
  }
}

/** Appends a version, keeping versions ordered (replay and live writes share this). */
export function pushVersion(node: NodeRecord, v: VersionRecord): void {
  const last = node.versions[node.versions.length - 1];
  if (last && v.version <= last.version) {
    throw new Error(`node ${node.id}: version ${v.version} after ${last.version}`); // a broken log, reported by replay
  }
  node.versions.push(v);
}

export function setChild(dir: NodeRecord, name: string, child: ChildRef): void {
  (dir.children ??= new Map()).set(name, child);
}

export function deleteChild(dir: NodeRecord, name: string): void {
  dir.children?.delete(name);
}
