// fsck and the content root through the service (node, memory stores): the root recomputed independently from the
// public API, the same after a zip round trip to another device and after compaction; corrupted blobs and inline rows
// found, named with every path that uses them, all problems listed, the exit code non-zero. Also: pond folders without
// a first commit are never listed, and swept unless a tab is making them.
import { strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import type { NodeInfo, PondApi } from '../../../src/api/pond-api';
import { MemoryPondNames } from '../../../src/service/settings/pond-names';
import { PondService } from '../../../src/service/service';
import { MemoryCoordinator } from '../../../src/pond/coordination';
import { runCommandLine } from '../../../src/shell/run';
import { MemoryPondHost } from '../../../src/storage/pond-host';
import { CRAFTED, basePond, commitLines, editRows, noiseBytes, pondFiles, seriesParquet, zipOf } from '../../helpers/crafted-snapshots';

function device() {
  const host = new MemoryPondHost();
  const names = new MemoryPondNames();
  const coordinator = new MemoryCoordinator();
  return { host, coordinator, tab: () => new PondService({ host, names, coordinator, exec: runCommandLine }) };
}

/** The content root by its README definition, from what the API shows (not from the validator's own walk). */
async function rootFromApi(api: PondApi): Promise<string> {
  const nodes = [{ path: '/', type: 'directory', target: undefined as string | undefined }, ...(await api.list('/**'))];
  const lines: string[] = [];
  for (const n of nodes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    let versions: unknown[] = [];
    // versions() follows a symlink to its target; a symlink's own (single) version is in its listing.
    if (n.type === 'symlink') versions = [[(n as NodeInfo).version, createHash('sha256').update(n.target!).digest('hex'), (n as NodeInfo).size, null, null]];
    else if (n.type !== 'directory') versions = (await api.versions(n.path)).map((v) => [v.version, v.sha256, v.size, v.minEventTime, v.maxEventTime]);
    lines.push(`${JSON.stringify([n.path, n.type, versions])}\n`);
  }
  return createHash('sha256').update(`duckpond-content-root/1\n${lines.join('')}`).digest('hex');
}

async function fillPond(tab: PondService): Promise<string> {
  const { id } = await tab.createPond('site');
  const shared = noiseBytes(150_000, 5);
  await tab.writeFile('/x/one.bin', new Blob([shared as Uint8Array<ArrayBuffer>]), { parents: true });
  await tab.writeFile('/y/two.bin', new Blob([shared as Uint8Array<ArrayBuffer>]), { parents: true });
  await tab.writeFile('/notes.txt', strToU8('inline notes'));
  await tab.transact('series', async (tx) => {
    const t0 = Date.UTC(2024, 5, 1) * 1000;
    await tx.writeFile('/y/temps', 'file:series', await seriesParquet(t0, 20), { minEventTime: t0, maxEventTime: t0 + 19 * 60_000_000 });
  });
  await tab.symlink('/notes.txt', '/link');
  return id;
}

describe('fsck (node, memory stores)', () => {
  it('gives the root the README defines, the same after a zip to another device and after compaction', async () => {
    const a = device();
    const tab = a.tab();
    await fillPond(tab);
    const r = await tab.fsck();
    expect(r.ok, JSON.stringify(r.problems)).toBe(true);
    expect(r.root).toBe(await rootFromApi(tab));
    expect(r.checked).toMatchObject({ nodes: 8, blobs: 1, blobBytesHashed: 150_000 });
    const out = await tab.exec('fsck');
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain(`content root ${r.root}`);
    expect((await tab.exec('help')).stdout).toMatch(/fsck \[--quick\]/);

    const zip = await tab.exportZip();
    const b = device();
    const other = b.tab();
    const imported = await other.importZip(zip.blob);
    await other.openPond(imported.id);
    expect((await other.fsck()).root).toBe(r.root);

    await tab.pond.compact();
    expect(tab.pond.version).toBe(r.version + 1);
    const after = await tab.fsck({ quick: true });
    expect(after).toMatchObject({ ok: true, root: r.root });
    await tab.writeFile('/notes.txt', strToU8('changed'));
    expect((await tab.fsck()).root).not.toBe(r.root); // it does depend on content
  });

  it('names every path using a corrupted blob, finds a changed inline row, lists all problems, exits non-zero', async () => {
    const a = device();
    const tab = a.tab();
    const id = await fillPond(tab);
    const store = a.host.stores.get(id)!;
    const files = await pondFiles(store);
    const blob = [...files.keys()].find((p) => p.startsWith('blobs/'))!;
    const flipped = files.get(blob)!.slice();
    flipped[1234]! ^= 0x40;
    await store.write(blob, flipped);
    expect((await tab.fsck({ quick: true })).ok).toBe(true); // --quick does not re-hash blobs
    // An inline row changed by someone who also fixed the oplog file's hash in the commit (so only the row's own
    // sha256 can tell), in the commit that wrote /notes.txt.
    const notesCommit = 3;
    await editRows(files, notesCommit, (rows) => void rows.find((e) => e.entry_type === 'file:data')!.content!.set(strToU8('INLINE')));
    const add = commitLines(files, notesCommit).find((l) => l.add)!.add;
    await store.write(add.path, files.get(add.path)!);
    await store.write(`_delta_log/${String(notesCommit).padStart(20, '0')}.json`, files.get(`_delta_log/${String(notesCommit).padStart(20, '0')}.json`)!);

    const r = await tab.fsck();
    expect(r.ok).toBe(false);
    const byRule = Object.fromEntries(r.problems.map((p) => [p.rule, p]));
    expect(byRule['blob-hash']).toMatchObject({ file: blob });
    expect(byRule['blob-hash']!.message).toMatch(/does not match recorded hash.*\/x\/one\.bin v1.*\/y\/two\.bin v1/);
    expect(byRule['inline-hash']).toMatchObject({ file: add.path, message: 'inline content does not match recorded hash' });
    expect(byRule['inline-hash']!.where).toMatch(/^row \d+ \(node [0-9a-f-]{36} v1\)$/);
    const out = await tab.exec('fsck');
    expect(out.exitCode).toBe(1);
    expect(out.stdout).toContain('does not match recorded hash');
    expect(out.stderr).toMatch(/fsck found 2 problems/);
  });

  it('finds a flipped byte in an oplog file and a missing blob even with --quick', async () => {
    const a = device();
    const tab = a.tab();
    const id = await fillPond(tab);
    const store = a.host.stores.get(id)!;
    const files = await pondFiles(store);
    const oplog = commitLines(files, 3).find((l) => l.add)!.add.path as string;
    const bytes = files.get(oplog)!.slice();
    bytes[100]! ^= 1;
    await store.write(oplog, bytes);
    await store.remove([...files.keys()].find((p) => p.startsWith('blobs/'))!);
    const r = await tab.fsck({ quick: true });
    expect(r.problems.map((p) => [p.rule, p.file])).toEqual(expect.arrayContaining([['add-hash', oplog], ['blob-present', expect.stringMatching(/^blobs\//)]]));
  });
});

describe('import through the service refuses crafted snapshots and leaves nothing', () => {
  it('refuses each of a sample of crafted zips with its rule, other ponds unchanged', async () => {
    const base = await basePond();
    const a = device();
    const tab = a.tab();
    await fillPond(tab);
    const before = await tab.listPonds();
    const rootBefore = (await tab.fsck()).root;
    for (const c of CRAFTED.filter((x) => ['commit-name', 'tree-cycle', 'blob-hash', 'name'].includes(x.rule))) {
      const files = new Map([...base.files].map(([k, v]) => [k, v.slice()]));
      await c.craft(files, base);
      const err = await tab.importZip(new Blob([(await zipOf(files, base.pondId)) as Uint8Array<ArrayBuffer>])).then(() => undefined, (e: unknown) => e);
      expect(err, c.name).toMatchObject({ code: 'CORRUPT', detail: { rule: c.rule } });
      expect(await tab.listPonds()).toEqual(before);
      expect([...a.host.stores.keys()].sort()).toEqual(before.map((p) => p.id).sort());
    }
    expect((await tab.fsck()).root).toBe(rootBefore);
    // The untouched snapshot imports.
    expect(await tab.importZip(new Blob([(await zipOf(base.files, base.pondId)) as Uint8Array<ArrayBuffer>]))).toMatchObject({ id: base.pondId, version: 2 });
  });
});

describe('pond folders without a first commit', () => {
  it('are not listed, and are swept unless a tab holds their writer lock', async () => {
    const a = device();
    const tab = a.tab();
    const { id } = await tab.createPond('real');
    const half = '0190f0d2-7a3c-7c1e-9f00-00000000a1f0';
    const busy = '0190f0d2-7a3c-7c1e-9f00-00000000b05e';
    for (const p of [half, busy]) await (await a.host.openStore(p)).write('tmp/zip-import-x/blobs/sha256/ab/ab', new Uint8Array(3));
    const release = (await a.coordinator.requestWriter(busy, false))!;
    expect((await tab.listPonds()).map((p) => p.id)).toEqual([id]);
    expect([...a.host.stores.keys()].sort()).toEqual([busy, id].sort()); // the abandoned one is gone, the busy one kept
    await release();
    await tab.listPonds();
    expect([...a.host.stores.keys()]).toEqual([id]);
  });
});
