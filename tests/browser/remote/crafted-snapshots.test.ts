// Crafted snapshots against the REAL pond worker in Chromium (comlink → worker → OPFS): every case of
// tests/helpers/crafted-snapshots.ts imported as a zip and restored from s3rver (uploaded as push would, with
// x-amz-meta-sha256) is refused with its rule named, within a bounded time, with no pond listed, no folder in OPFS and
// another pond unchanged. And fsck: one content root for a pond, its zip import, its restore and after a compaction; a
// flipped byte in a blob or an inline row found and named; cancel during validation.
import { describe, expect, inject, it, vi } from 'vitest';
import { objectKey } from '../../../src/remote/config';
import { sha256Hex } from '../../../src/pond/hash';
import { Pond } from '../../../src/pond/pond';
import { MemoryStore } from '../../../src/storage/memory-store';
import type { PondClient } from '../../../src/ui/pond-client';
import { connect } from '../../helpers/pond-clients';
import { CRAFTED, basePond, commitLines, editRows, farEventTimes, pondFiles, zipOf, type BasePond, type PondFiles } from '../../helpers/crafted-snapshots';
import { keyRemote } from './s3-helpers';

const KEYS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', region: 'us-east-1' };
/**
 * No import or restore of these small snapshots may take longer: a hang (the 2^54 commit made one run forever) fails
 * here. Generous, because on this shared machine a flush or an s3rver GET has been seen to stall for over 20 s at load 9.
 */
const PER_CASE_MS = 60_000;
/** The whole loop over every case, each within PER_CASE_MS. */
const LOOP_TIMEOUT = { timeout: 600_000 };

function within<T>(p: Promise<T>, what: string, last?: () => string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} did not finish within ${PER_CASE_MS} ms${last ? ` (last progress: ${last()})` : ''}`)), PER_CASE_MS); });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

async function opfsPondFolders(): Promise<string[]> {
  const root = await navigator.storage.getDirectory();
  const ponds = await root.getDirectoryHandle('ponds').catch(() => undefined);
  const out: string[] = [];
  if (ponds) for await (const [name] of ponds.entries()) out.push(name);
  return out.sort();
}

const copy = (f: PondFiles): PondFiles => new Map([...f].map(([k, v]) => [k, v.slice()]));
const blobOf = (b: Uint8Array) => new Blob([b as Uint8Array<ArrayBuffer>]);

/** Uploads a pond's files under `prefix/pondId/` as push does (each object with its x-amz-meta-sha256). */
async function upload(prefix: string, pondId: string, files: PondFiles): Promise<void> {
  const s3 = keyRemote(undefined, prefix);
  for (const [path, bytes] of files) await s3.put(objectKey(prefix, pondId, path), bytes, { 'x-amz-meta-sha256': await sha256Hex(bytes) });
}

/** A pond that must stay as it is while crafted snapshots are refused next to it. */
async function bystander(c: PondClient): Promise<{ id: string; root: string | null }> {
  const { id } = await c.api.createPond('bystander');
  await c.api.writeFile('/keep.bin', blobOf(new Uint8Array(100_000).map((_, i) => i % 253)));
  return { id, root: (await c.api.fsck()).root };
}

describe('crafted snapshots through the pond worker', () => {
  let base: BasePond;

  it('refuses each crafted zip with its rule, leaving nothing behind', LOOP_TIMEOUT, async () => {
    base = await basePond();
    const c = connect();
    const other = await bystander(c);
    const ponds = await c.api.listPonds();
    const folders = await opfsPondFolders();
    for (const k of CRAFTED) {
      const files = copy(base.files);
      await k.craft(files, base);
      const zip = blobOf(await zipOf(files, base.pondId));
      let last = 'none';
      const importing = c.longOp((op) => c.api.importZip(zip, op), { onProgress: (d, t, w) => { last = `${d}/${t} ${w} at ${Math.round(performance.now())} ms`; } });
      const t0 = Math.round(performance.now());
      const err = await within(importing.then(() => undefined, (e: unknown) => e), `import of "${k.name}" (started at ${t0} ms)`, () => last);
      expect(err, k.name).toMatchObject({ code: 'CORRUPT', detail: { rule: k.rule } });
      expect((err as Error).message, k.name).toContain(`rule ${k.rule}`);
      expect(await c.api.listPonds(), k.name).toEqual(ponds);
      expect(await opfsPondFolders(), k.name).toEqual(folders);
    }
    expect((await c.api.fsck()).root).toBe(other.root);
    // The snapshot they were all made from imports, and so does one whose series spans year 1 to 9999 (data).
    expect(await c.api.importZip(blobOf(await zipOf(base.files, base.pondId)))).toMatchObject({ id: base.pondId, version: 2 });
    await c.api.deletePond(base.pondId);
    const far = copy(base.files);
    await farEventTimes(far);
    expect(await c.api.importZip(blobOf(await zipOf(far, base.pondId)))).toMatchObject({ id: base.pondId, version: 2 });
    await c.api.deletePond(base.pondId);
  });

  it('refuses each crafted backup on restore from s3rver, leaving nothing behind', LOOP_TIMEOUT, async () => {
    base ??= await basePond();
    const c = connect();
    const other = await bystander(c);
    const ponds = await c.api.listPonds();
    const folders = await opfsPondFolders();
    const run = crypto.randomUUID().slice(0, 8);
    for (const [i, k] of CRAFTED.entries()) {
      const files = copy(base.files);
      await k.craft(files, base);
      const prefix = `crafted-${run}-${i}`;
      await upload(prefix, base.pondId, files);
      const remote = `crafted${i}`;
      await c.api.remoteAdd({ name: remote, bucketUrl: inject('s3Url'), prefix, ...KEYS });
      // Remotes live in this origin's IndexedDB, shared by every test file: a failed case must not leave one behind.
      try {
        let last = 'none';
        const restoring = c.longOp((op) => c.api.restore(remote, base.pondId, op), { onProgress: (d, t, w) => { last = `${d}/${t} ${w} at ${Math.round(performance.now())} ms`; } });
        const t0 = Math.round(performance.now());
        const got = await within(restoring.then((r) => r, (e: unknown) => e), `restore of "${k.name}" (started at ${t0} ms)`, () => last);
        if (k.rule === 'commit-contiguous') {
          // A live bucket may be mid-push: commits after a gap are left there, the whole prefix before it is restored.
          expect(got, k.name).toMatchObject({ id: base.pondId, version: 2 });
          await c.api.deletePond(base.pondId);
        } else {
          expect(got, k.name).toMatchObject({ code: 'CORRUPT', detail: { rule: k.rule } });
        }
        expect(await c.api.listPonds(), k.name).toEqual(ponds);
        expect(await opfsPondFolders(), k.name).toEqual(folders);
      } finally {
        await c.api.remoteRemove(remote);
      }
    }
    expect((await c.api.fsck()).root).toBe(other.root);
  });
});

describe('fsck through the pond worker', () => {
  it('gives one content root for a pond, its zip import, its restore and after a compaction', async () => {
    const c = connect();
    const built = await basePond(new MemoryStore());
    // The same pond, made in the worker's OPFS by importing it; then the worker's own copies of it.
    const zip = blobOf(await zipOf(built.files, built.pondId));
    await c.api.importZip(zip);
    await c.api.openPond(built.pondId);
    const first = await c.api.fsck();
    expect(first.ok, JSON.stringify(first.problems)).toBe(true);
    expect(first.root).toMatch(/^[0-9a-f]{64}$/);
    const exported = await c.api.exportZip();
    const remote = `fsck${crypto.randomUUID().slice(0, 6)}`;
    await c.api.remoteAdd({ name: remote, bucketUrl: inject('s3Url'), prefix: `fsck-${remote}`, ...KEYS });
    try {
      await c.api.push(remote);

      await c.api.createPond('elsewhere');
      await c.api.deletePond(built.pondId);
      await c.api.importZip(exported.blob);
      await c.api.openPond(built.pondId);
      expect((await c.api.fsck()).root).toBe(first.root);

      await c.api.createPond('elsewhere');
      await c.api.deletePond(built.pondId);
      await c.api.restore(remote, built.pondId);
      await c.api.openPond(built.pondId);
      expect((await c.api.fsck()).root).toBe(first.root);
    } finally {
      await c.api.remoteRemove(remote); // remotes live in this origin's IndexedDB, shared by every test file
    }

    // Commits that leave the content as it was (a scratch folder made and removed) until the pond compacts itself
    // (every 50 commits): the compaction commit shows as a version step of 2.
    let compacted = false;
    for (let i = 0; i < 40 && !compacted; i++) {
      const before = (await c.api.info()).version;
      await c.api.mkdir('/scratch');
      await c.api.remove('/scratch');
      compacted = (await c.api.info()).version === before + 3;
    }
    expect(compacted).toBe(true);
    const after = await c.api.fsck();
    expect(after).toMatchObject({ ok: true, root: first.root });
    const shell = await c.api.exec('fsck --quick');
    expect(shell.exitCode).toBe(0);
    expect(shell.stdout).toContain(`content root ${first.root}`);
  });

  it('finds a flipped byte in a blob and in an inline row, naming them, and exits non-zero', async () => {
    const c = connect();
    const { id } = await c.api.createPond('damaged');
    const content = new Uint8Array(300_000).map((_, i) => (i * 31) & 0xff);
    await c.api.writeFile('/one/a.bin', blobOf(content), { parents: true });
    await c.api.writeFile('/two/b.bin', blobOf(content), { parents: true });
    await c.api.writeFile('/note.txt', blobOf(new TextEncoder().encode('a small inline note')));
    expect((await c.api.fsck()).ok).toBe(true);
    const dir = await (await (await navigator.storage.getDirectory()).getDirectoryHandle('ponds')).getDirectoryHandle(id);
    const sha = await sha256Hex(content);
    const blobFile = await (await (await (await dir.getDirectoryHandle('blobs')).getDirectoryHandle('sha256')).getDirectoryHandle(sha.slice(0, 2))).getFileHandle(sha);
    const w = await blobFile.createWritable({ keepExistingData: true });
    await w.write({ type: 'write', position: 1000, data: new Uint8Array([content[1000]! ^ 1]) });
    await w.close();

    // The inline row: re-encoded with a changed byte and its commit's add updated, as someone covering tracks would.
    const mirror = new MemoryStore();
    for await (const [name, h] of (await dir.getDirectoryHandle('_delta_log')).entries()) {
      if (h.kind === 'file') await mirror.write(`_delta_log/${name}`, new Uint8Array(await (await (h as FileSystemFileHandle).getFile()).arrayBuffer()));
    }
    for await (const [name, h] of (await dir.getDirectoryHandle('oplog')).entries()) {
      await mirror.write(`oplog/${name}`, new Uint8Array(await (await (h as FileSystemFileHandle).getFile()).arrayBuffer()));
    }
    const files = await pondFiles(mirror);
    const v = (await c.api.info()).version;
    await editRows(files, v, (rows) => void (rows.find((e) => e.entry_type === 'file:data')!.content![0]! ^= 1));
    const add = commitLines(files, v).find((l) => l.add)!.add;
    for (const path of [add.path as string, `_delta_log/${String(v).padStart(20, '0')}.json`]) {
      const [folder, name] = path.split('/') as [string, string];
      const fw = await (await (await dir.getDirectoryHandle(folder)).getFileHandle(name)).createWritable();
      await fw.write(files.get(path)! as Uint8Array<ArrayBuffer>);
      await fw.close();
    }

    const r = await c.api.fsck();
    expect(r.ok).toBe(false);
    const blobProblem = r.problems.find((p) => p.rule === 'blob-hash')!;
    expect(blobProblem.file).toBe(`blobs/sha256/${sha.slice(0, 2)}/${sha}`);
    expect(blobProblem.message).toMatch(/does not match recorded hash.*\/one\/a\.bin v1, \/two\/b\.bin v1/);
    expect(r.problems.find((p) => p.rule === 'inline-hash')).toMatchObject({ file: add.path, message: 'inline content does not match recorded hash' });
    const shell = await c.api.exec('fsck');
    expect(shell.exitCode).toBe(1);
    expect(shell.stdout).toMatch(/does not match recorded hash/);
  });

  it('never lists a pond whose import died with its worker, and sweeps its folder', async () => {
    const built = await basePond(new MemoryStore(), 30 * 1024 * 1024); // a 30 MiB blob: the import takes a while
    const zip = blobOf(await zipOf(built.files, built.pondId));
    const a = connect();
    const ponds = await a.api.listPonds();
    let receiving!: () => void;
    const started = new Promise<void>((r) => { receiving = r; });
    const dying = a.longOp((op) => a.api.importZip(zip, op), { onProgress: (done) => { if (done > 0) receiving(); } }).catch(() => 'died');
    await started;
    a.worker.terminate(); // the tab closes mid-import: its writer lock goes with it
    void dying;
    expect((await opfsPondFolders())).toContain(built.pondId); // the half-made folder is there…
    const b = connect();
    expect(await b.api.listPonds()).toEqual(ponds); // …never listed,
    // …and swept by a listing once the dead worker's lock is gone (the browser frees it as the worker ends).
    await vi.waitFor(async () => {
      expect(await b.api.listPonds()).toEqual(ponds);
      expect(await opfsPondFolders()).not.toContain(built.pondId);
    }, { timeout: 15_000, interval: 200 });
  });

  it('cancels an import while its snapshot is being validated, leaving nothing behind', async () => {
    const store = new MemoryStore();
    const pond = await Pond.create(store, { compactEvery: 1_000_000 });
    for (let i = 0; i < 600; i++) await pond.transact(`write ${i}`, async (tx) => void (await tx.writeFile(`/f${i % 20}.txt`, 'file:data', new TextEncoder().encode(`row ${i}`), {}, { parents: true })));
    const zip = blobOf(await zipOf(await pondFiles(store), pond.id));
    const c = connect();
    const ponds = await c.api.listPonds();
    const folders = await opfsPondFolders();
    const ctl = new AbortController();
    const seen: string[] = [];
    const err = await within(c.longOp((op) => c.api.importZip(zip, op), {
      signal: ctl.signal, onProgress: (_d, _t, what) => { seen.push(what); if (what.startsWith('checking')) ctl.abort(); },
    }).then(() => undefined, (e: unknown) => e), 'cancelled import', () => seen.join(' | '));
    expect(seen.some((w) => w.startsWith('checking'))).toBe(true);
    expect(err).toMatchObject({ code: 'ABORTED' });
    expect(await c.api.listPonds()).toEqual(ponds);
    expect(await opfsPondFolders()).toEqual(folders);
  }, 2 * PER_CASE_MS); // its own limit is `within`'s, which names the last progress seen
});
