// The whole replayed state of a pond, node by node with every version record (txn, times, attributes, inline bytes)
// and every directory's children: stricter than dumpPond, to prove two ways of opening build the same FsState.
import type { FsState } from '../../src/tinyfs/state';

const hex = (b: Uint8Array | null) => (b ? Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('') : null);

export function fullState(fs: FsState): string[] {
  return [...fs.ids()].sort().map((id) => {
    const n = fs.get(id)!;
    const children = n.children ? [...n.children].sort(([a], [b]) => (a < b ? -1 : 1)) : null;
    return JSON.stringify({ id, type: n.type, partId: n.partId, children, versions: n.versions.map((v) => ({ ...v, inline: hex(v.inline) })) });
  });
}
