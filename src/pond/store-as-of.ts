// A read-only view of a pond's store as it was at one version, so that exporting it (a zip, a backup) gives a pond
// whose head is that version; later commits and the files only they name are hidden.
import { PondError } from '../core/errors';
import type { Store } from '../core/store';
import { decodeEntries } from '../oplog/entry-codec';
import { logPath } from '../oplog/delta-log';
import { readCommit } from '../oplog/log-store';
import { blobPath } from './layout';

/**
 * The pond files as they were at version `asOf`: commits 0..asOf, the oplog files those commits add and the blobs
 * their rows name. Files of later commits are hidden, so exporting this view gives a pond whose head is `asOf`.
 */
export async function storeAsOf(store: Store, asOf: number): Promise<Store> {
  if (!Number.isInteger(asOf) || asOf < 0) throw new PondError('INVALID_INPUT', `--as-of needs a version number (0 or more), not ${asOf}`, { detail: { field: 'asOf' } });
  if ((await store.size(logPath(asOf))) === undefined) throw new PondError('NOT_FOUND', `version ${asOf} does not exist in this pond`, { detail: { version: asOf } });
  const keep = new Set<string>();
  for (let v = 0; v <= asOf; v++) {
    keep.add(logPath(v));
    for (const add of (await readCommit(store, v)).adds) {
      keep.add(add.path);
      for (const e of await decodeEntries(await store.read(add.path), add.path)) if (e.sha256) keep.add(blobPath(e.sha256));
    }
  }
  const dirs = new Set<string>();
  for (const p of keep) for (let i = p.indexOf('/'); i > 0; i = p.indexOf('/', i + 1)) dirs.add(p.slice(0, i));
  const hidden = (path: string) => new PondError('NOT_FOUND', `${path} is not part of version ${asOf}`, { detail: { path } });
  const readOnly = () => { throw new PondError('READ_ONLY', `a view of version ${asOf} cannot be changed`); };
  return {
    read: async (p) => { if (!keep.has(p)) throw hidden(p); return store.read(p); },
    readRange: async (p, o, l) => { if (!keep.has(p)) throw hidden(p); return store.readRange(p, o, l); },
    size: async (p) => (keep.has(p) ? store.size(p) : undefined),
    list: async (dir) => {
      const d = dir.replace(/\/$/, '');
      return (await store.list(d)).filter((n) => {
        const path = d ? `${d}/${n.replace(/\/$/, '')}` : n.replace(/\/$/, '');
        return n.endsWith('/') ? dirs.has(path) : keep.has(path);
      });
    },
    write: async () => readOnly(), createWriter: async () => readOnly(), move: async () => readOnly(),
    remove: async () => readOnly(), removeTree: async () => readOnly(),
  };
}
