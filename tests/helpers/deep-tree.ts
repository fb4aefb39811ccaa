// Builds trees deeper than the write path allows (as an older version or a crafted import could leave them), by
// recording directory rows through the transaction's mutator directly instead of through mkdir's checks.
import type { Pond } from '../../src/pond/pond';
import type { NodeRecord } from '../../src/tinyfs/node';

const EMPTY = { inline: null, sha256: null, size: 0 };

/** Adds a chain of `depth` directories named `d` below `/deep`'s parent, and a file at the bottom; returns its path. */
export async function addDeepChain(pond: Pond, depth: number, file = { name: 'bottom.txt', text: 'at the bottom' }): Promise<string> {
  const names: string[] = [];
  await pond.transact(`deep chain ${depth}`, async (tx) => {
    let dir: NodeRecord = tx.state.root!;
    for (let i = 0; i < depth; i++) {
      const id = tx.newNodeId();
      const child = tx.addVersion({ id, type: 'directory', partId: id }, EMPTY);
      const name = i === 0 ? 'deep' : 'd';
      tx.linkChild(dir, name, { node_id: id, entry_type: 'directory' });
      names.push(name);
      dir = child;
    }
    const bytes = new TextEncoder().encode(file.text);
    const id = tx.newNodeId();
    tx.addVersion({ id, type: 'file:data', partId: dir.id }, { inline: bytes, sha256: null, size: bytes.length });
    tx.linkChild(dir, file.name, { node_id: id, entry_type: 'file:data' });
    names.push(file.name);
  });
  return `/${names.join('/')}`;
}
