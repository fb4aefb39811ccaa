// The content root: one SHA-256 over a pond's logical content, so two copies of a pond (on the tablet, in its zip, in
// a backup restored elsewhere, before and after compaction) can be compared by one line. It covers what a user sees
// and nothing about how it is stored: no node ids, commit times, file names of the oplog or compaction state.
//
// Definition (documented in the README so it can be recomputed outside the app): for every node reachable from the
// root at the checked version, sorted by path (UTF-16 code-unit order), one line `JSON.stringify([path, type, versions])`
// + "\n", where `versions` is [] for directories and, for files and symlinks, one [version, contentHash, size,
// minEventTime, maxEventTime] per version, oldest first (contentHash: the row's sha256, or for a symlink the SHA-256 of
// its target). The root is the hex SHA-256 of "duckpond-content-root/1\n" followed by those lines.
import { streamingSha256 } from '../hash';
import type { WalkedNode } from './tree-rules';

export const CONTENT_ROOT_FORMAT = 'duckpond-content-root/1';

/** One node's line of the content root (exported so tests can recompute the root from the public API). */
export function contentLine(path: string, type: string, versions: readonly (readonly [number, string | null, number, number | null, number | null])[]): string {
  return `${JSON.stringify([path, type, type === 'directory' ? [] : versions])}\n`;
}

export async function contentRoot(walked: readonly WalkedNode[]): Promise<string> {
  const sorted = [...walked].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const h = await streamingSha256();
  const enc = new TextEncoder();
  h.update(enc.encode(`${CONTENT_ROOT_FORMAT}\n`));
  for (const { path, node } of sorted) {
    h.update(enc.encode(contentLine(path, node.type, node.versions.map((v) => [v.version, v.contentHash, v.size, v.minEventTime, v.maxEventTime] as const))));
  }
  return h.hex();
}
