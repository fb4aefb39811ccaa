// The pond as reads see it: every dynamic-dir node laid out as a directory whose children are its entries (derived
// nodes with their configs inline). A fork of the committed state, made once per pond version; writes never see it,
// so a dynamic directory cannot be written into, and its entries exist only while its config names them.
import type { FsState } from '../../tinyfs/state';
import type { NodeRecord } from '../../tinyfs/node';
import { latestVersion } from '../../tinyfs/node';
import { parseNodeConfig } from './registry';
import type { DynamicDirConfig } from './factories/dynamic-dir-config';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The id of entry `name` of the dynamic-dir node `dirId` (not a UUID: it exists in no log). */
export function entryId(dirId: string, name: string): string {
  return `${dirId}/${name}`;
}

/** `fs` with its dynamic-dir nodes expanded; `fs` itself when it has none. */
export async function withDynamicDirs(fs: FsState, read: (node: NodeRecord) => Promise<Uint8Array>): Promise<FsState> {
  const dirs: NodeRecord[] = [];
  for (const id of fs.ids()) {
    const node = fs.get(id)!;
    if (node.type === 'file:data' && latestVersion(node).attrs.factory === 'dynamic-dir') dirs.push(node);
  }
  if (dirs.length === 0) return fs;
  const view = fs.fork();
  for (const dir of dirs) {
    const last = latestVersion(dir);
    let config: DynamicDirConfig;
    try {
      config = parseNodeConfig('dynamic-dir', decoder.decode(await read(dir))).config as DynamicDirConfig;
    } catch (e) {
      // Checked at mknod; a config that no longer parses (an older factory's) stays a plain file, its content readable.
      console.warn(`dynamic-dir ${dir.id} is shown as its config file: ${(e as Error).message}`);
      continue;
    }
    const children = new Map(config.entries.map((e) => [e.name, { node_id: entryId(dir.id, e.name), entry_type: 'file:data' as const }]));
    view.create({ ...dir, type: 'directory', versions: dir.versions, children });
    for (const e of config.entries) {
      const bytes = encoder.encode(e.config);
      // The entry's version follows its directory's config version: a changed config is a new version of every entry.
      view.create({
        id: entryId(dir.id, e.name), type: 'file:data', partId: dir.id,
        versions: [{ ...last, size: bytes.length, sha256: null, inline: bytes, minEventTime: null, maxEventTime: null, attrs: { factory: e.factory } }],
      });
    }
  }
  return view;
}
