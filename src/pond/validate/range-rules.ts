// The rule for a large Parquet version's recorded ranges (RANGES_ATTR, formats/parquet-ranges.ts): a well-formed
// list of [offset, length, sha256] within the content, the first (the footer) ending it, and each range hashing to
// what it records. A reader over HTTP trusts these hashes for what it fetches by range, so fsck checks them as it
// checks the blob's own hash.
import type { Store } from '../../core/store';
import { sha256Hex } from '../hash';

const SHA = /^[0-9a-f]{64}$/;

/** What is wrong with `attr` for the `size`-byte blob at `path` (undefined: nothing); `whole` when already read. */
export async function rangesProblem(store: Store, path: string, size: number, attr: string, whole?: Uint8Array): Promise<string | undefined> {
  let list: unknown;
  try {
    list = JSON.parse(attr);
  } catch {
    return 'is not JSON'; // reported as the problem itself
  }
  if (!Array.isArray(list) || list.length < 2) return 'is not a list of [offset, length, sha256] (the footer, then each row group)';
  for (const [i, r] of list.entries()) {
    if (!Array.isArray(r) || r.length !== 3 || !Number.isSafeInteger(r[0]) || !Number.isSafeInteger(r[1]) || typeof r[2] !== 'string' || !SHA.test(r[2])) {
      return `entry ${i} is not [offset, length, sha256]: ${JSON.stringify(r).slice(0, 120)}`;
    }
    const [offset, length, sha] = r as [number, number, string];
    if (offset < 0 || length <= 0 || offset + length > size) return `entry ${i} names bytes ${offset}+${length} outside the ${size}-byte content`;
    if (i === 0 && offset + length !== size) return `its first entry (the footer) does not end the content (${offset}+${length} of ${size})`;
    const bytes = whole ? whole.subarray(offset, offset + length) : await store.readRange(path, offset, length);
    const actual = await sha256Hex(bytes);
    if (actual !== sha) return `entry ${i} (bytes ${offset}+${length}) does not match recorded hash (it hashes to ${actual.slice(0, 12)}…)`;
  }
  return undefined;
}
