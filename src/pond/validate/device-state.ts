// The replica's own tree as the validator's nodes, so a pull checks only what is new. The open pond's state (tinyfs
// FsState, replayed from commits the device checked when they came, or loaded from its state snapshot) is what the
// fold of its live rows would give; the new commits' rows are folded onto a copy of it and the tree rules then walk
// the whole resulting tree, as they would after folding every live row again (tests/unit/pond/incremental-check.test.ts
// compares the two on crafted pulls).
import type { AddAction } from '../../oplog/delta-log';
import type { FsState } from '../../tinyfs/state';
import { smallSha256Hex } from './small-hash';
import type { TreeNode } from './tree-rules';

/** What the device holds at the version a pull starts from. */
export interface DeviceState {
  /** The version the state is as of: the pull's `since`. */
  version: number;
  state: FsState;
  /** The live oplog files at that version. */
  files: readonly AddAction[];
}

/**
 * A fresh copy of the state's nodes (the fold changes them; the pond's own state is never touched). Problems about a
 * node that no new row changed cannot name an oplog file, so they name the node on the device.
 */
export async function nodesOfDevice(device: DeviceState): Promise<Map<string, TreeNode>> {
  const nodes = new Map<string, TreeNode>();
  for (const id of device.state.ids()) {
    const n = device.state.get(id)!;
    const versions = [];
    for (const v of n.versions) {
      const contentHash = v.sha256 ?? (v.inline && n.type === 'symlink' ? await smallSha256Hex(v.inline) : null); // as foldNodes hashes a row
      versions.push({ version: v.version, contentHash, size: v.size, minEventTime: v.minEventTime, maxEventTime: v.maxEventTime });
    }
    nodes.set(id, {
      id, type: n.type, versions, file: '', where: `node ${id} (on this device at version ${device.version})`,
      ...(n.type === 'directory' ? { children: new Map(n.children ?? []) } : {}),
    });
  }
  return nodes;
}
