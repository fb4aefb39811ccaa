// A snapshot of the replayed TinyFS state, so that opening a big pond does not decode and replay every live oplog row
// (20 100 rows in a pond of 10 000 transactions: most of a cold open). Written beside each checkpoint and compaction,
// it holds the state at one version; opening loads it and replays only the commits after it.
//
// Like the head hint it is a private cache, outside `_delta_log` (`_duckpond_state.bin`): not part of the Delta
// table, never backed up, zipped or validated as content, and rebuilt by the next checkpoint or compaction. It is
// bound to the history it was built from: it records the SHA-256 of its version's commit file, and is used only when
// that commit is still the same bytes (a rewritten history, e.g. after a restore into the same folder, ignores it).
// A missing, torn or foreign snapshot reads as none: opening then replays the log, which gives the same state
// (tests/unit/oplog/state-snapshot.test.ts proves it, node by node).
//
// Layout (little-endian): a 4-byte length L, L bytes of JSON (the header, and per node its id, type, part, version
// count and children; per version its sha256 and attributes), padding to a multiple of 8, then 8 float64 per version
// (version, txnSeq, timestamp, size, minEventTime, maxEventTime, inline offset, inline length; NaN / -1 for null), then
// the inline contents one after the other. The header records the SHA-256 of that body (numbers and inline). Loading is
// one JSON.parse of mostly strings, one read of numbers from a Float64Array, and views of the inline area: no
// per-row Parquet decode, no directory deltas re-applied, no number parsing.
import type { EntryType } from '../core/entry';
import { readIfPresent, type Store } from '../core/store';
import type { ChildRef, NodeRecord, VersionRecord } from '../tinyfs/node';
import { FsState } from '../tinyfs/state';
import type { AddAction } from './delta-log';

export const STATE_SNAPSHOT_PATH = '_duckpond_state.bin';
const FORMAT = 'duckpond-state/2';
/** Float64 values per version. */
const STRIDE = 8;

export interface StateSnapshot {
  version: number;
  /** SHA-256 of `_delta_log/<version>.json`, the commit the state is as of. */
  commitSha256: string;
  pondId: string;
  createdTime: number;
  name?: string;
  /** The live oplog files at `version` (what compaction rewrites, and what the next checkpoint lists). */
  files: AddAction[];
  state: FsState;
}

interface Header {
  format: string;
  version: number;
  commitSha256: string;
  pondId: string;
  createdTime: number;
  name: string | null;
  files: AddAction[];
  /** SHA-256 of the body after the JSON and its padding (numbers, inline area). */
  bodySha256: string;
  inlineBytes: number;
  ids: string[];
  types: EntryType[];
  parts: string[];
  /** Versions per node. */
  counts: number[];
  /** Per node: null, or its children as [name, node id, entry type] … flat. */
  children: (string[] | null)[];
  /** Per version, in node order. */
  sha256: (string | null)[];
  attrs: (Record<string, string> | null)[];
}

const NO_ATTRS: Readonly<Record<string, string>> = Object.freeze({});
const orNaN = (x: number | null) => (x === null ? NaN : x);
const orNull = (x: number) => (Number.isNaN(x) ? null : x);

/** The snapshot's bytes. */
export async function encodeStateSnapshot(s: StateSnapshot, sha256Hex: (b: Uint8Array) => Promise<string>): Promise<Uint8Array> {
  const h: Header = {
    format: FORMAT, version: s.version, commitSha256: s.commitSha256, pondId: s.pondId, createdTime: s.createdTime, name: s.name ?? null,
    files: s.files.map((f) => ({ path: f.path, size: f.size, modificationTime: f.modificationTime, dataChange: f.dataChange, tags: { sha256: f.tags.sha256, rows: f.tags.rows } })),
    bodySha256: '', inlineBytes: 0, ids: [], types: [], parts: [], counts: [], children: [], sha256: [], attrs: [],
  };
  const nums: number[] = [];
  const inline: Uint8Array[] = [];
  let at = 0;
  for (const id of s.state.ids()) {
    const n = s.state.get(id)!;
    h.ids.push(n.id); h.types.push(n.type); h.parts.push(n.partId); h.counts.push(n.versions.length);
    let children: string[] | null = null;
    if (n.children) {
      children = [];
      for (const [name, c] of n.children) children.push(name, c.node_id, c.entry_type);
    }
    h.children.push(children);
    for (const v of n.versions) {
      nums.push(v.version, v.txnSeq, v.timestamp, v.size, orNaN(v.minEventTime), orNaN(v.maxEventTime), v.inline ? at : -1, v.inline?.length ?? 0);
      if (v.inline) { inline.push(v.inline); at += v.inline.length; }
      h.sha256.push(v.sha256);
      h.attrs.push(Object.keys(v.attrs).length ? { ...v.attrs } : null);
    }
  }
  h.inlineBytes = at;
  // The body: numbers then inline bytes; its hash goes into the header, so the header is encoded last.
  const numBytes = nums.length * 8;
  const body = new Uint8Array(numBytes + at);
  new Float64Array(body.buffer, 0, nums.length).set(nums);
  let p = numBytes;
  for (const b of inline) { body.set(b, p); p += b.length; }
  h.bodySha256 = await sha256Hex(body);
  const json = new TextEncoder().encode(JSON.stringify(h));
  const bodyAt = Math.ceil((4 + json.length) / 8) * 8;
  const out = new Uint8Array(bodyAt + body.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 4);
  out.set(body, bodyAt);
  return out;
}

/** The snapshot in `bytes`, or undefined when they are not a whole snapshot of this format. */
export async function decodeStateSnapshot(bytes: Uint8Array, sha256Hex: (b: Uint8Array) => Promise<string>): Promise<StateSnapshot | undefined> {
  if (bytes.length < 4) return undefined;
  const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.length).getUint32(0, true);
  const bodyAt = Math.ceil((4 + len) / 8) * 8;
  if (bodyAt > bytes.length) return undefined;
  let h: Header;
  try {
    h = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + len))) as Header;
  } catch {
    return undefined; // torn: the next checkpoint or compaction writes a whole one
  }
  if (h?.format !== FORMAT || !Array.isArray(h.ids) || !Array.isArray(h.files)) return undefined;
  const versions = h.sha256.length;
  let body = bytes.subarray(bodyAt);
  if (body.length !== versions * STRIDE * 8 + h.inlineBytes || (await sha256Hex(body)) !== h.bodySha256) return undefined;
  if (body.byteOffset % 8 !== 0) body = body.slice(); // a Float64Array view needs 8-byte alignment
  const nums = new Float64Array(body.buffer, body.byteOffset, versions * STRIDE);
  // Inline contents are views of one buffer (their owner is this state; readers get copies: pond/blobs.ts).
  const area = body.subarray(versions * STRIDE * 8);
  const state = FsState.empty();
  for (let n = 0, k = 0; n < h.ids.length; n++) {
    const list = new Array<VersionRecord>(h.counts[n]!);
    for (let i = 0; i < list.length; i++, k++) {
      const o = k * STRIDE;
      const off = nums[o + 6]!;
      list[i] = {
        version: nums[o]!, txnSeq: nums[o + 1]!, timestamp: nums[o + 2]!, size: nums[o + 3]!, sha256: h.sha256[k]!,
        inline: off < 0 ? null : area.subarray(off, off + nums[o + 7]!),
        minEventTime: orNull(nums[o + 4]!), maxEventTime: orNull(nums[o + 5]!), attrs: h.attrs[k] ?? NO_ATTRS,
      };
    }
    const node: NodeRecord = { id: h.ids[n]!, type: h.types[n]!, partId: h.parts[n]!, versions: list };
    const children = h.children[n];
    if (children) {
      const map = new Map<string, ChildRef>();
      for (let c = 0; c < children.length; c += 3) map.set(children[c]!, { node_id: children[c + 1]!, entry_type: children[c + 2] as EntryType });
      node.children = map;
    }
    state.create(node);
  }
  return {
    version: h.version, commitSha256: h.commitSha256, pondId: h.pondId, createdTime: h.createdTime, files: h.files, state,
    ...(h.name !== null ? { name: h.name } : {}),
  };
}

/** Writes the snapshot through `tmp` and a move, so the file is the old one or the whole new one. */
export async function writeStateSnapshot(store: Store, s: StateSnapshot, tmp: string, sha256Hex: (b: Uint8Array) => Promise<string>): Promise<void> {
  await store.write(tmp, await encodeStateSnapshot(s, sha256Hex));
  await store.move(tmp, STATE_SNAPSHOT_PATH);
}

/** The snapshot in `store`, or undefined when there is none or it is not whole. */
export async function readStateSnapshot(store: Store, sha256Hex: (b: Uint8Array) => Promise<string>): Promise<StateSnapshot | undefined> {
  const bytes = await readIfPresent(store, STATE_SNAPSHOT_PATH);
  return bytes ? decodeStateSnapshot(bytes, sha256Hex) : undefined; // none: younger than its first checkpoint or compaction
}
