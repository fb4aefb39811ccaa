// Writing a configured node's config as a new version, the one way mknod and apply both do it: the YAML checked by
// its factory first, stored as a file:data version whose attrs name the factory, and a derived node that would read
// itself (however indirectly) refused before the transaction commits.
import type { Pond } from '../../pond/pond';
import type { Transaction } from '../../pond/transaction';
import type { NodeRecord } from '../../tinyfs/node';
import { parsePath } from '../../tinyfs/paths';
import { tryResolve } from '../../tinyfs/resolve';
import { derivedSource, transactionView } from './derived-read';
import { parseNodeConfig } from './registry';

const utf8 = new TextDecoder();

/** Writes `yaml` as the config of a `factory` node at `path` (absolute), in `tx`. */
export async function writeNodeConfig(tx: Transaction, pond: Pond, factory: string, path: string, yaml: string): Promise<NodeRecord> {
  const { factory: f } = parseNodeConfig(factory, yaml); // a bad config fails before anything is written
  const node = await tx.writeFile(path, 'file:data', new TextEncoder().encode(yaml), { attrs: { factory: f.name } }, { parents: true });
  // Its patterns may still match nothing (the data may come later); a cycle is refused now rather than at every read.
  if (f.kind === 'derived') await derivedSource(transactionView(tx), pond, path, node, [], { check: true });
  return node;
}

/** True when the node at `path` already is a `factory` node whose latest config is exactly `yaml`. */
export async function sameNodeConfig(tx: Transaction, factory: string, path: string, yaml: string): Promise<boolean> {
  const node = tryResolve(tx.state, parsePath(path))?.node;
  const last = node?.versions[node.versions.length - 1];
  if (!node || node.type !== 'file:data' || last?.attrs.factory !== factory) return false;
  return utf8.decode(await transactionView(tx).read(node.id, last.version, path)) === yaml;
}
