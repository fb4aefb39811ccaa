// Turning TinyFS records into the plain objects that cross the worker boundary.
import type { NodeRecord } from '../tinyfs/node';
import { latestVersion } from '../tinyfs/node';
import { formatPath } from '../tinyfs/paths';
import { symlinkTarget } from '../tinyfs/resolve';
import type { NodeInfo, VersionInfo } from '../api/pond-api';
import { factoryOf, isDerivedNode } from './nodes/derived-read';

/** The node as the API shows it, at its latest version or at `version` (which it must have). */
export function nodeInfo(segments: readonly string[], node: NodeRecord, version?: number): NodeInfo {
  const v = (version === undefined ? undefined : node.versions.find((x) => x.version === version)) ?? latestVersion(node);
  return {
    path: formatPath(segments),
    name: segments[segments.length - 1] ?? '/',
    type: node.type,
    nodeId: node.id,
    version: v.version,
    size: node.type === 'directory' ? node.children?.size ?? 0 : v.size,
    modified: v.timestamp,
    ...(node.type === 'symlink' ? { target: symlinkTarget(node) } : {}),
    ...configuredAs(node),
  };
}

/** A configured node's factory, and whether it is read as a table (derived) rather than run. */
function configuredAs(node: NodeRecord): Pick<NodeInfo, 'factory' | 'derived'> {
  const factory = factoryOf(node);
  if (factory === undefined) return {};
  return isDerivedNode(node) ? { factory, derived: true } : { factory };
}

export function versionInfos(node: NodeRecord): VersionInfo[] {
  return node.versions.map((v) => ({
    version: v.version, txnSeq: v.txnSeq, timestamp: v.timestamp, size: v.size, sha256: v.sha256,
    minEventTime: v.minEventTime, maxEventTime: v.maxEventTime, attrs: { ...v.attrs },
  }));
}
