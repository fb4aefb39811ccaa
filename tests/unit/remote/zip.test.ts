import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { isPondError } from '../../../src/core/errors';
import { zipChunks } from '../../../src/remote/zip-export';
import { importZip, unsafeEntryName } from '../../../src/remote/zip-import';
import { sha256Hex } from '../../../src/pond/hash';
import { MemoryStore } from '../../../src/storage/memory-store';
import { makePond, noise, sameFiles, snapshot } from './pond-fixture';
import { Pond } from '../../../src/pond/pond';
import { readLog } from '../../../src/oplog/log-store';
import { LAST_CHECKPOINT_PATH, checkpointPath } from '../../../src/oplog/checkpoint';
import { STATE_SNAPSHOT_PATH } from '../../../src/oplog/state-snapshot';

// The ponds here are fake (real layout, noise content: pond-fixture.ts): the transfer is under test, not the pond, so
// the snapshot validator (tested over real ponds in tests/unit/pond/validate.test.ts) is off.
const FAKE = { validate: false } as const;

async function collect(it: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of it) parts.push(c);
  return new Uint8Array(await new Blob(parts as Uint8Array<ArrayBuffer>[]).arrayBuffer());
}

async function refused(zip: Uint8Array, pattern: RegExp): Promise<void> {
  const store = new MemoryStore();
  const err = await importZip(zip, store, FAKE).then(() => undefined, (e: unknown) => e);
  expect(isPondError(err, 'BAD_ZIP'), String(err)).toBe(true);
  expect((err as Error).message).toMatch(pattern);
  expect(await store.list('')).toEqual([]); // nothing imported, not even tmp/
}

/** A hand-made snapshot: manifest + files, with the manifest optionally lying. */
async function snapshotZip(files: Record<string, Uint8Array>, lie: (m: { path: string; size: number; sha256: string }[]) => void = () => {}, extra: Record<string, Uint8Array> = {}): Promise<Uint8Array> {
  const list = await Promise.all(Object.entries(files).map(async ([path, b]) => ({ path, size: b.length, sha256: await sha256Hex(b) })));
  lie(list);
  const manifest = strToU8(JSON.stringify({ format: 'duckpond-snapshot', version: 1, created: 'now', files: list }));
  return zipSync({ 'manifest.json': manifest, ...files, ...extra }, { level: 6 });
}

const LOG0 = '_delta_log/00000000000000000000.json';

describe('zip entry names', () => {
  it('refuses slips, absolute paths, backslashes and empty segments', () => {
    expect(unsafeEntryName('../../tmp/evil.txt')).toMatch(/zip slip/);
    expect(unsafeEntryName('..\\..\\Temp\\evil.txt')).toMatch(/backslash/);
    expect(unsafeEntryName('/etc/evil.txt')).toMatch(/absolute/);
    expect(unsafeEntryName('C:/x')).toMatch(/absolute/);
    expect(unsafeEntryName('a//b')).toMatch(/segment/);
    expect(unsafeEntryName('a/./b')).toMatch(/segment/);
    expect(unsafeEntryName('a\u0000b')).toMatch(/control/);
    expect(unsafeEntryName('oplog/a.parquet')).toBeUndefined();
  });
});

describe('zip snapshot (node, memory store)', () => {
  it('round-trips a pond byte for byte, manifest first', async () => {
    const src = new MemoryStore();
    await makePond(src, 3);
    await src.write('tmp/in-flight', new Uint8Array(5)); // not part of the pond
    const zip = await collect(zipChunks(src, { pondId: 'p1', chunkSize: 4096 }));
    expect(new TextDecoder().decode(zip.subarray(30, 30 + 13))).toBe('manifest.json');
    const dst = new MemoryStore();
    const res = await importZip(zip, dst, FAKE);
    expect(res.manifest.pondId).toBe('p1');
    const want = await snapshot(src);
    want.delete('tmp/in-flight');
    expect(sameFiles(await snapshot(dst), want)).toEqual([]);
  });

  it('refuses an entry that is not in the manifest', async () => {
    await refused(await snapshotZip({ [LOG0]: strToU8('{}\n') }, () => {}, { 'oplog/x.parquet': strToU8('x') }), /oplog\/x.parquet.*not listed/);
  });
  it('refuses an entry outside the layout', async () => {
    await refused(await snapshotZip({ [LOG0]: strToU8('{}\n') }, () => {}, { 'README.txt': strToU8('hi') }), /README.txt.*not a pond file/);
  });
  it('refuses a hash mismatch', async () => {
    await refused(await snapshotZip({ [LOG0]: strToU8('{}\n') }, (m) => { m[0]!.sha256 = '0'.repeat(64); }), /00000000000000000000.json.*SHA-256/);
  });
  it('refuses a size mismatch', async () => {
    await refused(await snapshotZip({ [LOG0]: strToU8('{}\n') }, (m) => { m[0]!.size = 2; }), /3 bytes in the archive, 2 in the manifest/);
  });
  it('refuses a file the manifest lists but the archive lacks', async () => {
    await refused(await snapshotZip({ [LOG0]: strToU8('{}\n') }, (m) => { m.push({ path: 'oplog/gone.parquet', size: 1, sha256: 'a'.repeat(64) }); }), /gone.parquet.*missing/);
  });
  it('refuses a zip without manifest', async () => {
    await refused(zipSync({ [LOG0]: strToU8('{}\n') }), /no manifest.json/);
  });
  it('stops inflating an entry that grows past its declared size (lying directory)', async () => {
    const big = new Uint8Array(4 << 20); // zeros: 4 MiB deflate to ~4 KiB
    const zip = await snapshotZip({ 'oplog/a.parquet': big }, (m) => { m[0]!.size = 1000; });
    // Make the central directory and local header agree with the lying manifest, as an attacker would.
    const view = new DataView(zip.buffer, zip.byteOffset);
    for (let i = 0; i < zip.length - 4; i++) {
      const sig = view.getUint32(i, true);
      if (sig === 0x02014b50 && new TextDecoder().decode(zip.subarray(i + 46, i + 46 + 15)) === 'oplog/a.parquet') view.setUint32(i + 24, 1000, true);
      if (sig === 0x04034b50 && new TextDecoder().decode(zip.subarray(i + 30, i + 30 + 15)) === 'oplog/a.parquet') view.setUint32(i + 22, 1000, true);
    }
    await refused(zip, /oplog\/a.parquet.*more than the 1000 bytes/);
  });
  it('refuses a truncated archive and a damaged entry', async () => {
    const good = await snapshotZip({ [LOG0]: strToU8('{}\n'), 'oplog/a.parquet': noise(5000, 1) });
    await refused(good.subarray(0, good.length - 30), /truncated|end-of-central-directory/);
    const damaged = good.slice();
    const at = damaged.findIndex((_, i) => i > 100 && damaged[i] !== 0);
    damaged[at + 40] = damaged[at + 40]! ^ 0xff; // inside the first entries' data
    const store = new MemoryStore();
    await expect(importZip(damaged, store, FAKE)).rejects.toMatchObject({ code: 'BAD_ZIP' });
    expect(await store.list('')).toEqual([]);
  });
  it('refuses to import into a store that has files', async () => {
    const store = new MemoryStore();
    await store.write('x', new Uint8Array(1));
    await expect(importZip(await snapshotZip({ [LOG0]: strToU8('{}\n') }), store, FAKE)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('zip of a pond with checkpoints', () => {
  it('carries the checkpoints and _last_checkpoint; the import validates them and opens from the checkpoint', async () => {
    const store = new MemoryStore();
    const pond = await Pond.create(store, { compactEvery: 95 });
    for (let i = 0; i < 210; i++) await pond.transact(`w ${i}`, (tx) => tx.writeFile(`/f${i % 9}`, 'file:data', strToU8(`v${i}`)));
    const zip = await collect(zipChunks(store));
    const imported = new MemoryStore();
    await importZip(zip, imported); // validated: rule checkpoint included
    for (const p of [checkpointPath(100), checkpointPath(200), LAST_CHECKPOINT_PATH]) expect(await imported.read(p)).toEqual(await store.read(p));
    expect(await store.size(STATE_SNAPSHOT_PATH)).toBeGreaterThan(0);
    expect(await imported.size(STATE_SNAPSHOT_PATH)).toBeUndefined(); // the private snapshot is not part of a pond's copy
    const fast = await readLog(imported, sha256Hex);
    const slow = await readLog(imported, sha256Hex, undefined, { checkpoints: false });
    expect(fast.checkpoint).toBe(200);
    expect(fast.entries).toEqual(slow.entries);
    const opened = await Pond.open(imported);
    expect(opened.version).toBe(pond.version);
  });
});
