// A directory version's content records what changed in that transaction (names added or removed), not the
// whole listing: adding one file to a large directory stays a small row. Replay applies the changes in order.
import { PondError } from '../core/errors';
import { isEntryType } from '../core/entry';
import type { ChildRef } from '../tinyfs/node';

export interface DirectoryDelta {
  add: Map<string, ChildRef>;
  remove: Set<string>;
}

export function emptyDelta(): DirectoryDelta {
  return { add: new Map(), remove: new Set() };
}

/** Records `name` added; a name removed and re-added in one transaction ends as added. */
export function deltaAdd(d: DirectoryDelta, name: string, child: ChildRef): void {
  d.add.set(name, child);
}

export function deltaRemove(d: DirectoryDelta, name: string): void {
  d.add.delete(name);
  d.remove.add(name);
}

/** JSON, so a Delta reader outside the app can still see what a directory holds. */
export function encodeDelta(d: DirectoryDelta): Uint8Array {
  const add = [...d.add].map(([name, c]) => ({ name, node_id: c.node_id, entry_type: c.entry_type }));
  return new TextEncoder().encode(JSON.stringify({ remove: [...d.remove], add }));
}

const utf8 = new TextDecoder();

function parseDeltaJson(bytes: Uint8Array, where: string): { add: unknown[]; remove: unknown[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8.decode(bytes));
  } catch (e) {
    throw new PondError('CORRUPT', `${where}: directory content is not JSON`, { cause: e });
  }
  const p = parsed as { add?: unknown; remove?: unknown };
  if (!Array.isArray(p.add) || !Array.isArray(p.remove)) throw new PondError('CORRUPT', `${where}: directory content lacks add/remove`);
  return p as { add: unknown[]; remove: unknown[] };
}

function childOf(a: { name?: unknown; node_id?: unknown; entry_type?: unknown }, where: string): ChildRef & { name: string } {
  if (typeof a.name !== 'string' || typeof a.node_id !== 'string' || typeof a.entry_type !== 'string' || !isEntryType(a.entry_type)) {
    throw new PondError('CORRUPT', `${where}: bad directory entry ${JSON.stringify(a)}`);
  }
  return a as ChildRef & { name: string };
}

export function decodeDelta(bytes: Uint8Array, where: string): DirectoryDelta {
  const p = parseDeltaJson(bytes, where);
  const d = emptyDelta();
  for (const name of p.remove) d.remove.add(String(name));
  for (const a of p.add as { name?: unknown }[]) {
    const c = childOf(a, where);
    d.add.set(c.name, { node_id: c.node_id, entry_type: c.entry_type });
  }
  return d;
}

/**
 * Applies a directory version's delta to its node's children: removes first, then adds, as decodeDelta's result
 * would be applied, without building it (opening applies one per directory version, 10 000 in a big pond).
 * The whole delta is checked before the children change, so a bad one leaves the node as it was.
 */
export function applyDelta(dir: { children?: Map<string, ChildRef> }, bytes: Uint8Array, where: string): void {
  const p = parseDeltaJson(bytes, where);
  const adds = (p.add as { name?: unknown }[]).map((a) => childOf(a, where));
  const children = (dir.children ??= new Map());
  for (const name of p.remove) children.delete(String(name));
  for (const c of adds) children.set(c.name, { node_id: c.node_id, entry_type: c.entry_type });
}
