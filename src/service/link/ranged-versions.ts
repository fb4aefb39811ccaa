// Which versions of a pond opened from a link are read by ranges: those whose writer recorded the checked ranges of
// their Parquet (formats/parquet-ranges.ts), when the pond's store is a link's HTTP store. Elsewhere (a pond on this
// device, a version written before ranges were recorded) versions are read whole, as they always were.
import type { Pond } from '../../pond/pond';
import { blobPath } from '../../pond/layout';
import { decodeRanges, RANGES_ATTR } from '../../formats/parquet-ranges';
import type { VersionRanges } from '../../query/ranged-parquet';
import { HttpStore } from '../../storage/http-store';
import type { VersionRecord } from '../../tinyfs/node';
import { isPondError, PondError } from '../../core/errors';

export function linkRanges(pond: Pond, v: VersionRecord, what: string): VersionRanges | undefined {
  const attr = v.attrs[RANGES_ATTR];
  if (!(pond.store instanceof HttpStore) || attr === undefined || !v.sha256 || v.inline) return undefined;
  const store = pond.store;
  const path = blobPath(v.sha256);
  let decoded: ReturnType<typeof decodeRanges> | undefined;
  // A malformed attribute is CORRUPT when first used (a chart of this version), not when the tree is listed.
  const ranges = () => (decoded ??= decodeRanges(attr, v.size, what));
  return {
    size: v.size,
    get rowGroups() { return ranges().rowGroups.length; },
    footer: () => named(what, () => { const f = ranges().footer; return store.readChecked(path, f.offset, f.length, f.sha256); }),
    rowGroup: (i) => named(what, () => { const g = ranges().rowGroups[i]!; return store.readChecked(path, g.offset, g.length, g.sha256); }),
    rowGroupAt: (i) => ranges().rowGroups[i]!,
  };
}

/** A refused range says which version it belongs to, as a refused whole object does (pond/blobs.ts loadContent). */
async function named<T>(what: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (isPondError(e, 'CORRUPT') && !e.message.startsWith(`${what}:`)) throw new PondError('CORRUPT', `${what}: ${e.message}`, { cause: e, detail: { ...e.detail } });
    throw e;
  }
}
