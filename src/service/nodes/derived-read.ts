// Reading a derived node: its config parsed by its factory, each input's pattern matched against the pond as it is
// at the version being read (so time travel reads the inputs as of that version), matched derived nodes resolved in
// turn, transforms applied. The result is a DerivedSource the query layer binds; nothing is computed here.
import { PondError } from '../../core/errors';
import type { AnySource, DerivedInput, DerivedSource } from '../../query/derived-source';
import { renamedRelation, type Relation } from '../../query/time-join';
import type { NodeRecord } from '../../tinyfs/node';
import { latestVersion } from '../../tinyfs/node';
import { formatPath, parsePath } from '../../tinyfs/paths';
import { glob, resolve } from '../../tinyfs/resolve';
import type { FsState } from '../../tinyfs/state';
import { storedSource } from '../sources';
import { withDynamicDirs } from './dynamic-dirs';
import { FACTORIES, factoryNamed } from './registry';
import { loadContent } from '../../pond/blobs';
import type { Pond } from '../../pond/pond';
import type { Transaction } from '../../pond/transaction';
import { mountOf, unreadableMount, withImports, type ImportedPonds, type Mount } from '../imports/import-view';

/** The pond as a derived read sees it: a tree, and the content of a node's version. */
export interface PondView {
  fs: FsState;
  read(nodeId: string, version?: number, what?: string): Promise<Uint8Array>;
  /** The import mounts laid out in `fs` (imports/import-view.ts), with the imported ponds' own views. */
  mounts?: readonly Mount[];
  /** The pond whose own node `nodeId` is (sources.ts reads a link pond's large versions by ranges). */
  ownerOf?(nodeId: string): Pond | undefined;
}

const utf8 = new TextDecoder();

/** The factory a node's latest version names, if it is a configured node. */
export function factoryOf(node: NodeRecord): string | undefined {
  return node.type === 'file:data' ? latestVersion(node).attrs.factory : undefined;
}

/** True when `node` is a node of a derived (computed on read) factory. */
export function isDerivedNode(node: NodeRecord): boolean {
  const f = factoryOf(node);
  return f !== undefined && FACTORIES.some((x) => x.name === f && x.kind === 'derived');
}

/** A transaction's state as a PondView: what mknod checks before it commits. */
export function transactionView(tx: Transaction): PondView {
  return {
    fs: tx.state,
    read: async (id, version, what = id) => {
      const node = tx.state.get(id);
      const v = node && (version === undefined ? node.versions[node.versions.length - 1] : node.versions.find((x) => x.version === version));
      if (!v) throw new PondError('NOT_FOUND', `${what}: no such version`);
      return loadContent(tx.store, v, what);
    },
  };
}

const views = new WeakMap<Pond, { version: number; imports: ImportedPonds | undefined; generation: number | undefined; view: Promise<PondView> }>();

/**
 * The pond as reads see it (dynamic directories laid out, see dynamic-dirs.ts; import mounts laid out when `imports`
 * is given, see imports/import-view.ts), made once per pond version. A node's content comes from the pond, from the
 * imported pond for an id under a mount, or inline from the view for the entries of a dynamic directory.
 */
export function pondView(pond: Pond, imports?: ImportedPonds): Promise<PondView> {
  const known = views.get(pond);
  if (known?.version === pond.version && known.imports === imports && known.generation === imports?.generation) return known.view;
  const view = (async (): Promise<PondView> => {
    const readConfig = (node: NodeRecord) => pond.readVersion(node.id, undefined, node.id);
    // An imported pond's own imports are not followed (ponds: undefined): one level, so no cycle between ponds.
    const mounted = await withImports(pond.fs, readConfig, imports, (inner) => pondView(inner));
    const fs = await withDynamicDirs(mounted.fs, readConfig);
    const { mounts } = mounted;
    return {
      fs, mounts,
      ownerOf: (id) => (pond.fs.get(id) ? pond : undefined),
      read: async (id, version, what = id) => {
        if (pond.fs.get(id)) return pond.readVersion(id, version, what);
        const under = mountOf(mounts, id);
        if (under) {
          if (!under.mount.read) throw under.mount.error ?? new PondError('NOT_FOUND', `${what}: no such node`);
          return under.mount.read(under.id, version, what);
        }
        const v = fs.get(id)?.versions.find((x) => version === undefined || x.version === version);
        if (!v?.inline) throw new PondError('NOT_FOUND', `${what}: no such node or version`, { detail: { version } });
        return v.inline;
      },
    };
  })();
  const entry = { version: pond.version, imports, generation: imports?.generation, view };
  views.set(pond, entry);
  const forget = () => { if (views.get(pond) === entry) views.delete(pond); };
  view.catch(forget); // a failed expansion is not kept: the next read tries again
  // Nor one with a mount that cannot be read yet: its pond may be fetched (import-pull) with no new version here.
  void view.then((v) => { if (v.mounts?.some((m) => m.error)) forget(); }, () => undefined);
  return view;
}

/** The bindable source of a table, series or derived node at `path`. */
export async function anySource(view: PondView, pond: Pond, path: string): Promise<AnySource & { path: string }> {
  const segments = parsePath(path);
  const shown = formatPath(segments);
  const problem = unreadableMount(view.mounts ?? [], segments);
  if (problem) throw problem;
  const node = resolve(view.fs, segments).node;
  return isDerivedNode(node) ? { ...(await derivedSource(view, pond, shown, node, [])), path: shown } : storedSource(view, shown, node);
}

/** How far a read resolves: `check` (mknod) tolerates patterns that match nothing yet, and still refuses cycles. */
export interface ResolveOptions {
  check?: boolean;
}

/**
 * The source of the derived node `node` at `path`. `reading` is the chain of derived nodes being read that led here:
 * meeting one of them again is a cycle, refused naming its path.
 */
export async function derivedSource(
  view: PondView, pond: Pond, path: string, node: NodeRecord, reading: readonly string[], opts: ResolveOptions = {},
): Promise<AnySource> {
  if (reading.includes(path)) {
    throw new PondError('INVALID_INPUT', `derived nodes read each other in a cycle: ${[...reading.slice(reading.indexOf(path)), path].join(' → ')}`, { detail: { cycle: [...reading, path] } });
  }
  const inside = mountOf(view.mounts ?? [], node.id);
  if (inside?.mount.view) return importedDerived(inside.mount, path, reading, opts);
  const factory = factoryNamed(factoryOf(node)!);
  const v = latestVersion(node);
  const config = factory.parse(utf8.decode(await view.read(node.id, v.version, path)));
  const fileKey = `${node.id}@v${v.version}`;
  if (factory.generate) {
    const g = factory.generate(config);
    // A one-version table: decoded once into the version cache under (node, config version), then reread for free.
    return { fileKey, kind: 'table', timestampColumn: g.timestampColumn, versions: [{ version: 1, minEventTime: g.minEventTime, maxEventTime: g.maxEventTime, load: () => g.parquet() }] };
  }
  if (!factory.plan) throw new PondError('WRONG_TYPE', `${path} is a ${factory.name} node: it is not read as a table`, { detail: { path } });
  const plan = factory.plan(config, { path });
  const chain = [...reading, path];
  const inputs: DerivedInput[] = [];
  const transforms = new Map<string, ((r: Relation) => Relation)[]>();
  for (const input of plan.inputs) {
    const matches = glob(view.fs, input.pattern).filter((m) => m.node.type === 'file:series' || m.node.type === 'file:table' || isDerivedNode(m.node));
    if (matches.length === 0 && !opts.check) {
      const problem = unreadableMount(view.mounts ?? [], parsePath(input.pattern.replace(/[*?[{].*$/, '')));
      if (problem) throw problem; // the pattern reaches into an import that cannot be read: say so, not "no match"

      throw new PondError('NOT_FOUND', `${path}: input ${input.name} (${input.pattern}) matches no series, table or derived node`, { detail: { path, pattern: input.pattern } });
    }
    const sources: AnySource[] = [];
    const paths: string[] = [];
    for (const m of matches) {
      const p = formatPath(m.segments);
      sources.push(isDerivedNode(m.node) ? await derivedSource(view, pond, p, m.node, chain, opts) : storedSource(view, p, m.node));
      paths.push(p);
    }
    inputs.push({ name: input.name, what: input.pattern, sources, paths });
    transforms.set(input.name, await Promise.all((input.transforms ?? []).map((t) => renameTransform(view, t, path))));
  }
  const source: DerivedSource = {
    kind: 'derived', fileKey, path, inputs,
    ...(plan.timestampColumn ? { timestampColumn: plan.timestampColumn } : {}),
    build: (matched) => plan.build(new Map([...matched].map(([name, ms]) => [name, ms.map((m) => ({
      path: m.path, relation: (transforms.get(name) ?? []).reduce((acc, t) => t(acc), m.relation),
    }))]))),
  };
  return source;
}

/**
 * A derived node of an imported pond: its patterns name paths of that pond, so it is resolved in that pond's own view
 * (at its path there), and the resulting source's file keys are prefixed with the mount's so they stay apart from
 * this pond's in the caches.
 */
async function importedDerived(mount: Mount, path: string, reading: readonly string[], opts: ResolveOptions): Promise<AnySource> {
  const innerPath = formatPath(parsePath(path).slice(mount.segments.length));
  const node = resolve(mount.view!.fs, parsePath(innerPath)).node;
  const inner = await derivedSource(mount.view!, mount.pond!, innerPath, node, reading.map((r) => `${mount.path}:${r}`), opts);
  return prefixSource(inner, `${mount.nodeId}:`, mount.path);
}

function prefixSource(src: AnySource, prefix: string, mountPath: string): AnySource {
  const shown = (p: string | undefined) => (p === undefined ? undefined : `${mountPath}${p === '/' ? '' : p}`);
  if (src.kind !== 'derived') return { ...src, fileKey: `${prefix}${src.fileKey}`, ...(src.path !== undefined ? { path: shown(src.path)! } : {}) };
  return {
    ...src, fileKey: `${prefix}${src.fileKey}`, path: shown(src.path)!,
    inputs: src.inputs.map((i) => ({ ...i, sources: i.sources.map((s) => prefixSource(s, prefix, mountPath)), paths: i.paths.map((p) => shown(p)!) })),
  };
}

/** A column-rename node at `path` as a function on relations. */
async function renameTransform(view: PondView, path: string, reader: string): Promise<(r: Relation) => Relation> {
  const segments = parsePath(path);
  const node = resolve(view.fs, segments).node;
  const name = factoryOf(node);
  const factory = name === undefined ? undefined : factoryNamed(name);
  if (!factory?.renameColumns) {
    throw new PondError('WRONG_TYPE', `${reader}: transform ${formatPath(segments)} is not a column-rename node`, { detail: { path: formatPath(segments) } });
  }
  const rename = factory.renameColumns.bind(factory);
  const config = factory.parse(utf8.decode(await view.read(node.id, undefined, path)));
  return (r) => {
    const names = rename(config, r.columns.map((c) => c.name));
    return renamedRelation(r, new Map(r.columns.map((c, i) => [c.name, names[i]!])));
  };
}
