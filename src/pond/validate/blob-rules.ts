// Rules for blobs: every blob a row names is present with the recorded size, hashes to its name (in chunks, so a
// 1 GB blob costs a chunk of memory), and is Parquet when a table or series version uses it. A bad blob is reported
// once, with every path that uses it.
import type { EntryType } from '../../core/entry';
import { throwIfAborted } from '../../core/errors';
import type { Store } from '../../core/store';
import { sha256Hex, streamingSha256 } from '../hash';
import { blobPath } from '../layout';
import type { ProblemSink } from './problems';
import { isParquetShaped } from './row-rules';
import { rangesProblem } from './range-rules';
import { RANGES_ATTR } from '../transaction';

/** A blob and the node versions that use it. */
export interface BlobUse {
  sha256: string;
  size: number;
  /** Every size a row gave it: more than one means some row lies. */
  sizes: Set<number>;
  /** Any table or series version uses it (so it must be Parquet). */
  parquet: boolean;
  users: { nodeId: string; version: number; type: EntryType }[];
  /** The recorded byte ranges (RANGES_ATTR) its versions give, each checked against the blob (range-rules.ts). */
  ranges: Set<string>;
}

/** Up to this size a blob is read whole and hashed natively (WebCrypto); larger ones stream through hash-wasm. */
const WHOLE_HASH_LIMIT = 32 * 1024 * 1024;
const CHUNK = 4 * 1024 * 1024;

/** Collects blob uses from rows; the same content used by several versions is checked once. */
export class BlobUses {
  readonly bySha = new Map<string, BlobUse>();

  add(sha256: string, size: number, nodeId: string, version: number, type: EntryType, ranges?: string): void {
    let u = this.bySha.get(sha256);
    if (!u) this.bySha.set(sha256, (u = { sha256, size, sizes: new Set(), parquet: false, users: [], ranges: new Set() }));
    u.sizes.add(size);
    if (ranges !== undefined) u.ranges.add(ranges);
    if (type === 'file:table' || type === 'file:series') u.parquet = true;
    // One node version is one use, however many files repeat its row (a compaction copies live rows).
    if (!u.users.some((x) => x.nodeId === nodeId && x.version === version)) u.users.push({ nodeId, version, type });
  }

  get totalBytes(): number {
    let n = 0;
    for (const u of this.bySha.values()) n += u.size;
    return n;
  }
}

export interface BlobCheckOptions {
  /** Skip re-hashing (fsck --quick): presence, size and Parquet magic are still checked. */
  quick: boolean;
  /** Paths whose SHA-256 was computed from their bytes already (zip import hashes every entry while extracting it). */
  verified?: ReadonlyMap<string, string>;
  signal?: AbortSignal;
  onBytes?: (n: number, path: string) => void;
  /** How a use is named in messages: its path at the checked version, or its node id when it is not in the tree. */
  nameOf: (nodeId: string, version: number) => string;
}

/** Checks every blob; returns the bytes hashed. */
export async function checkBlobs(store: Store, uses: BlobUses, sink: ProblemSink, opts: BlobCheckOptions): Promise<number> {
  let hashed = 0;
  const list = [...uses.bySha.values()].sort((a, b) => (a.sha256 < b.sha256 ? -1 : 1));
  const toHash = (u: BlobUse) => !opts.quick && opts.verified?.get(blobPath(u.sha256)) !== u.sha256;
  // The next blob is read while this one is hashed (OPFS reads are async I/O, the digest is CPU): at most two
  // WHOLE_HASH_LIMIT buffers are held. A prefetch that fails is forgotten: the blob is then checked as usual.
  let prefetched: { sha: string; bytes: Promise<Uint8Array | undefined> } | undefined;
  const prefetch = (u: BlobUse | undefined) => {
    if (!u || !toHash(u) || u.size > WHOLE_HASH_LIMIT) return undefined;
    const bytes = store.read(blobPath(u.sha256)).then((b) => (b.length === u.size ? b : undefined), () => undefined);
    return { sha: u.sha256, bytes };
  };
  prefetched = prefetch(list[0]);
  for (let i = 0; i < list.length; i++) {
    const u = list[i]!;
    throwIfAborted(opts.signal, 'checking the pond');
    const path = blobPath(u.sha256);
    const usedBy = () => `used by ${u.users.map((x) => opts.nameOf(x.nodeId, x.version)).join(', ')}`;
    const early = prefetched?.sha === u.sha256 ? prefetched.bytes : undefined;
    prefetched = undefined;
    const size = await store.size(path);
    if (size === undefined) { sink.add('blob-present', path, `is missing; ${usedBy()}`); continue; }
    if (u.sizes.size !== 1 || size !== u.size) { sink.add('blob-present', path, `is ${size} bytes, its rows record ${[...u.sizes].join(' and ')}; ${usedBy()}`); continue; }
    if (toHash(u)) {
      const whole = early ? await early : undefined;
      prefetched = prefetch(list[i + 1]);
      let actual: string;
      if (whole) {
        opts.onBytes?.(whole.length, path);
        actual = await sha256Hex(whole);
      } else {
        actual = await hashFile(store, path, size, opts);
      }
      hashed += size;
      if (actual !== u.sha256) { sink.add('blob-hash', path, `does not match recorded hash (it hashes to ${actual.slice(0, 12)}…); ${usedBy()}`); continue; }
      await checkRanges(u, store, path, size, sink, usedBy, whole);
    } else if (opts.verified?.get(path) === u.sha256) {
      // Hashed by the caller as it arrived (a zip import, a restore, a pull): its recorded ranges are new too, and a
      // link reader will trust them, so they are checked here (reading the ranges back), quick or not.
      await checkRanges(u, store, path, size, sink, usedBy);
    }
    if (u.parquet) {
      const head = await store.readRange(path, 0, 4);
      const tail = await store.readRange(path, Math.max(0, size - 4), 4);
      if (!isParquetShaped(head, tail)) sink.add('parquet-magic', path, `is not Parquet (no PAR1 at both ends); ${usedBy()}`);
    }
  }
  return hashed;
}

/** Each recorded RANGES_ATTR of a blob whose own hash holds (range-rules.ts). */
async function checkRanges(u: BlobUse, store: Store, path: string, size: number, sink: ProblemSink, usedBy: () => string, whole?: Uint8Array): Promise<void> {
  for (const attr of u.ranges) {
    const problem = await rangesProblem(store, path, size, attr, whole);
    if (problem) sink.add('blob-ranges', path, `its recorded ${RANGES_ATTR} ${problem}; ${usedBy()}`);
  }
}

/** SHA-256 of a stored file in bounded memory; the next chunk is read while the current one is hashed. */
export async function hashFile(store: Store, path: string, size: number, opts: Pick<BlobCheckOptions, 'signal' | 'onBytes'> = {}): Promise<string> {
  if (size <= WHOLE_HASH_LIMIT) {
    const bytes = await store.read(path);
    opts.onBytes?.(bytes.length, path);
    return sha256Hex(bytes);
  }
  const h = await streamingSha256();
  let next = store.readRange(path, 0, Math.min(CHUNK, size));
  for (let at = 0; at < size;) {
    throwIfAborted(opts.signal, 'checking the pond');
    const chunk = await next;
    if (chunk.length === 0) break; // shorter than its size said: the hash then differs, which is the report
    at += chunk.length;
    if (at < size) next = store.readRange(path, at, Math.min(CHUNK, size - at));
    h.update(chunk);
    opts.onBytes?.(chunk.length, path);
  }
  return h.hex();
}
