// Builds small fake ponds (real layout, fake content) in any Store, for remote and zip tests in node and browser.
import type { Store } from '../../../src/core/store';
import { logPath } from '../../../src/remote/layout';
import { sha256Hex } from '../../../src/pond/hash';

/** Deterministic pseudo-random bytes (xorshift), so failures reproduce and content is incompressible. */
export function noise(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export async function writeBlob(store: Store, bytes: Uint8Array): Promise<string> {
  const h = await sha256Hex(bytes);
  const path = `blobs/sha256/${h.slice(0, 2)}/${h}`;
  await store.write(path, bytes);
  return path;
}

/** Adds commit `version`: one blob of `blobSize` bytes (if > 0), one oplog file, then the log entry. */
export async function addCommit(store: Store, version: number, blobSize = 70_000): Promise<string[]> {
  const written: string[] = [];
  if (blobSize > 0) written.push(await writeBlob(store, noise(blobSize, version + 1)));
  const oplog = `oplog/${String(version).padStart(6, '0')}-0190f0d2-7a3c-7c1e-9f00-${String(version).padStart(12, '0')}.parquet`;
  await store.write(oplog, noise(2000 + version, 1000 + version));
  written.push(oplog);
  const actions = [
    ...(version === 0 ? [{ protocol: { minReaderVersion: 1, minWriterVersion: 2 } }] : []),
    { add: { path: oplog, size: 2000 + version, modificationTime: 1_700_000_000_000 + version, dataChange: true } },
    { commitInfo: { operation: 'WRITE', txn_seq: version } },
  ];
  await store.write(logPath(version), new TextEncoder().encode(actions.map((a) => JSON.stringify(a)).join('\n') + '\n'));
  written.push(logPath(version));
  return written;
}

/** A pond with commits 0 … n-1. */
export async function makePond(store: Store, n: number, blobSize = 70_000): Promise<void> {
  for (let v = 0; v < n; v++) await addCommit(store, v, blobSize);
}

/** Every file under the store root, path → bytes (for byte-by-byte comparisons). */
export async function snapshot(store: Store, dir = ''): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const name of await store.list(dir)) {
    const path = dir ? `${dir}/${name.replace(/\/$/, '')}` : name.replace(/\/$/, '');
    if (name.endsWith('/')) for (const [k, v] of await snapshot(store, path)) out.set(k, v);
    else out.set(path, await store.read(path));
  }
  return out;
}

/** Same paths and the same bytes (a plain loop: deep-equality of big typed arrays is slow in the browser). */
export function sameFiles(a: Map<string, Uint8Array>, b: Map<string, Uint8Array>): string[] {
  const diff: string[] = [];
  for (const p of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(p), y = b.get(p);
    if (!x || !y || x.length !== y.length || x.some((v, i) => v !== y[i])) diff.push(p);
  }
  return diff.sort();
}
