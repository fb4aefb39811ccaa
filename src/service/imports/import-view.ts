// Import mounts in the pond as reads see it: each `pond-import` node laid out as a directory whose subtree is the
// imported pond's tree as of the version its config records. The imported nodes get ids prefixed with the mount's
// (`<mount id>:<their id>`), so they can never collide with this pond's (a fork shares its origin's node ids) nor
// with another mount of the same pond, and the version caches keyed by node id keep them apart. Nothing is copied:
// the view routes a read of a prefixed id to the imported pond, opened read-only on this device.
import { ROOT_ID } from '../../core/entry';
import { PondError } from '../../core/errors';
import type { Pond } from '../../pond/pond';
import type { ChildRef, NodeRecord, VersionRecord } from '../../tinyfs/node';
import { latestVersion } from '../../tinyfs/node';
import { formatPath } from '../../tinyfs/paths';
import { glob } from '../../tinyfs/resolve';
import type { FsState } from '../../tinyfs/state';
import { IMPORT_FACTORY, parseImportConfig, type PondImportConfig } from './import-config';

/** Where imported ponds are found on this device (imported-ponds.ts): each as of one version, read-only. */
export interface ImportedPonds {
  /** Changes whenever an imported pond is fetched, replaced or deleted on this device: views made before are stale. */
  readonly generation: number;
  /** The pond `config` names as of its version; a PondError saying what to do when it is not here or lacks it. */
  open(config: PondImportConfig, mountPath: string): Promise<Pond>;
}

/** One import mount of the view: its config and the imported pond, or why it cannot be read. */
export interface Mount {
  path: string;
  segments: string[];
  nodeId: string;
  config?: PondImportConfig;
  /** How the imported pond's content is read, by its own node ids. */
  read?: (id: string, version: number | undefined, what: string) => Promise<Uint8Array>;
  /** The imported pond (as of the recorded version) and its own view, where its derived nodes resolve their inputs. */
  pond?: Pond;
  view?: InnerPondView;
  error?: PondError;
}

/** The imported pond's own view (its dynamic directories laid out), made by derived-read.ts's pondView. */
export interface InnerPondView {
  fs: FsState;
  read(id: string, version?: number, what?: string): Promise<Uint8Array>;
}
export type InnerView = (pond: Pond) => Promise<InnerPondView>;

const decoder = new TextDecoder();

/** The prefixed id an imported node has in the importing pond's view. */
export function mountedId(mountId: string, id: string): string {
  return `${mountId}:${id}`;
}

/** True when `node` is an import mount's config node (as stored: a file:data naming the pond-import factory). */
export function isImportNode(node: NodeRecord): boolean {
  return node.type === 'file:data' && latestVersion(node).attrs.factory === IMPORT_FACTORY;
}

/** The import nodes of `fs` with their paths (configs not yet parsed). */
export function importNodes(fs: FsState): { path: string; segments: string[]; node: NodeRecord }[] {
  // A scan of the node table first (as dynamic-dirs.ts does): most ponds have no import, and then no path is built.
  let any = false;
  for (const id of fs.ids()) if (isImportNode(fs.get(id)!)) { any = true; break; }
  if (!any) return [];
  return glob(fs, '/**').filter((m) => isImportNode(m.node)).map((m) => ({ path: formatPath(m.segments), segments: [...m.segments], node: m.node }));
}

/**
 * `fs` with its import mounts laid out (`fs` itself when there are none). A mount whose config does not parse, or
 * whose pond cannot be opened, is an empty directory and its Mount carries the error: the rest of the pond still lists.
 */
export async function withImports(
  fs: FsState, readConfig: (node: NodeRecord) => Promise<Uint8Array>, ponds: ImportedPonds | undefined, inner: InnerView,
): Promise<{ fs: FsState; mounts: Mount[] }> {
  const found = importNodes(fs);
  if (found.length === 0) return { fs, mounts: [] };
  const view = fs.fork();
  const mounts: Mount[] = [];
  for (const { path, segments, node } of found) {
    const mount: Mount = { path, segments, nodeId: node.id };
    mounts.push(mount);
    let children = new Map<string, ChildRef>();
    try {
      mount.config = parseImportConfig(decoder.decode(await readConfig(node)));
      if (!ponds) throw new PondError('UNSUPPORTED', `${path}: an import inside an imported pond is not read (import that pond directly)`, { detail: { path } });
      const imported = await ponds.open(mount.config, path);
      const inside = await inner(imported);
      const root = inside.fs.root;
      if (!root?.children) throw new PondError('CORRUPT', `${path}: the imported pond has no root directory`, { detail: { path } });
      children = prefixedChildren(node.id, root.children);
      for (const id of inside.fs.ids()) {
        if (id === ROOT_ID) continue;
        const n = inside.fs.get(id)!;
        view.create({
          ...n, id: mountedId(node.id, id), partId: n.partId === ROOT_ID ? node.id : mountedId(node.id, n.partId),
          ...(n.children ? { children: prefixedChildren(node.id, n.children) } : {}),
          ...(n.type === 'symlink' ? { versions: n.versions.map((v) => mountedLink(v, path)) } : {}),
        });
      }
      mount.read = (id, version, what) => inside.read(id, version, what);
      mount.pond = imported;
      mount.view = inside;
    } catch (e) {
      // Any PondError (a bad config, the pond not on this device, a version it lacks) is the mount's, reported on
      // reads under it; anything else is a bug and propagates.
      if (!(e instanceof PondError)) throw e;
      mount.error = e;
    }
    view.create({ ...node, type: 'directory', children });
  }
  return { fs: view, mounts };
}

/** A symlink version of the imported pond: an absolute target names that pond's path, so it goes under the mount. */
function mountedLink(v: VersionRecord, mountPath: string): VersionRecord {
  const target = decoder.decode(v.inline ?? new Uint8Array());
  if (!target.startsWith('/')) return v; // relative: resolves inside the mount as it did in its own pond
  const inline = new TextEncoder().encode(`${mountPath}${target === '/' ? '' : target}`);
  return { ...v, inline, size: inline.length };
}

function prefixedChildren(mountId: string, children: ReadonlyMap<string, ChildRef>): Map<string, ChildRef> {
  return new Map([...children].map(([name, c]) => [name, { ...c, node_id: mountedId(mountId, c.node_id) }]));
}

/** The mount an id of the view belongs to, and the imported pond's own id of it. */
export function mountOf(mounts: readonly Mount[], id: string): { mount: Mount; id: string } | undefined {
  const colon = id.indexOf(':');
  if (colon < 0) return undefined;
  const mount = mounts.find((m) => m.nodeId === id.slice(0, colon));
  return mount ? { mount, id: id.slice(colon + 1) } : undefined;
}

/**
 * The error of a mount that cannot be read, when `segments` (a path or a glob's segments) lie under it; reads there
 * throw it rather than "no such file". The mount itself (a directory, empty) stays listable.
 */
export function unreadableMount(mounts: readonly Mount[], segments: readonly string[]): PondError | undefined {
  const m = mounts.find((x) => x.error && segments.length > x.segments.length && x.segments.every((s, i) => segments[i] === s));
  return m?.error;
}

/** The mounts as fsck and `remote imports` list them. */
export interface ImportListing {
  path: string;
  remote?: string;
  pondId?: string;
  version?: number;
  problem?: string;
}

export function listMounts(mounts: readonly Mount[]): ImportListing[] {
  return mounts.map((m) => ({
    path: m.path,
    ...(m.config ? { remote: m.config.remote, pondId: m.config.pondId, version: m.config.version } : {}),
    ...(m.error ? { problem: m.error.message } : {}),
  }));
}
