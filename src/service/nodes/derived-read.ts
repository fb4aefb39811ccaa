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
import { factoryNamed } from './registry';
import type { Pond } from '../../pond/pond';

/** The pond as a derived read sees it: a tree, and the content of a node's version. */
export interface PondView {
  fs: FsState;
  read(nodeId: string, version?: number, what?: string): Promise<Uint8Array>;
}

const utf8 = new TextDecoder();

/** The factory a node's latest version names, if it is a configured node. */
export function factoryOf(node: NodeRecord): string | undefined {
  return node.type === 'file:data' ? latestVersion(node).attrs.factory : undefined;
}

/** True when `node` is a node of a derived (computed on read) factory. */
export function isDerivedNode(node: NodeRecord): boolean {
  const f = factoryOf(node);
  return f !== undefined && factoryNamed(f).kind === 'derived';
}

/** A pond as a PondView. */
export function pondView(pond: Pond): PondView {
  return { fs: pond.fs, read: (id, version, what) => pond.readVersion(id, version, what) };
}

/** The bindable source of a table, series or derived node at `path`. */
export async function anySource(view: PondView, pond: Pond, path: string): Promise<AnySource & { path: string }> {
  const segments = parsePath(path);
  const shown = formatPath(segments);
  const node = resolve(view.fs, segments).node;
  return isDerivedNode(node) ? derivedSource(view, pond, shown, node, []) : storedSource(pond, shown, node);
}

/**
 * The DerivedSource of the derived node `node` at `path`. `reading` is the chain of derived nodes being read that led
 * here: meeting one of them again is a cycle, refused naming its path.
 */
export async function derivedSource(view: PondView, pond: Pond, path: string, node: NodeRecord, reading: readonly string[]): Promise<DerivedSource> {
  if (reading.includes(path)) {
    throw new PondError('INVALID_INPUT', `derived nodes read each other in a cycle: ${[...reading.slice(reading.indexOf(path)), path].join(' → ')}`, { detail: { cycle: [...reading, path] } });
  }
  const factory = factoryNamed(factoryOf(node)!);
  if (!factory.plan) throw new PondError('WRONG_TYPE', `${path} is a ${factory.name} node: it is not read as a table`, { detail: { path } });
  const v = latestVersion(node);
  const config = factory.parse(utf8.decode(await view.read(node.id, v.version, path)));
  const plan = factory.plan(config, { path });
  const chain = [...reading, path];
  const inputs: DerivedInput[] = [];
  const transforms = new Map<string, ((r: Relation) => Relation)[]>();
  for (const input of plan.inputs) {
    const matches = glob(view.fs, input.pattern).filter((m) => m.node.type === 'file:series' || m.node.type === 'file:table' || isDerivedNode(m.node));
    if (matches.length === 0) {
      throw new PondError('NOT_FOUND', `${path}: input ${input.name} (${input.pattern}) matches no series, table or derived node`, { detail: { path, pattern: input.pattern } });
    }
    const sources: AnySource[] = [];
    for (const m of matches) {
      const p = formatPath(m.segments);
      sources.push(isDerivedNode(m.node) ? await derivedSource(view, pond, p, m.node, chain) : storedSource(pond, p, m.node));
    }
    inputs.push({ name: input.name, what: input.pattern, sources });
    transforms.set(input.name, await Promise.all((input.transforms ?? []).map((t) => renameTransform(view, t, path))));
  }
  return {
    kind: 'derived', fileKey: `${node.id}@v${v.version}`, path, timestampColumn: plan.timestampColumn, inputs,
    build: (relations) => plan.build(new Map([...relations].map(([name, rs]) => [name, rs.map((r) => (transforms.get(name) ?? []).reduce((acc, t) => t(acc), r))]))),
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
