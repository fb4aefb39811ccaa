// Backup, restore and zip snapshots through the REAL pond worker (comlink → worker → OPFS, IndexedDB) against
// s3rver on 127.0.0.1 (SigV4 checked), as the app and scripts use them.
import { describe, expect, inject, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import type { PondClient } from '../../../src/ui/pond-client';
import { connect } from '../../helpers/pond-clients';
import { objectKey } from '../../../src/remote/config';
import { keyRemote } from '../remote/s3-helpers';


const PREFIX = 'app-backups';
const uniq = () => `r${crypto.randomUUID().slice(0, 8)}`;
const KEYS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', region: 'us-east-1' };

/** CSV of `n` hourly rows from day `day` of January 2024. */
function hours(day: number, n: number, base = 0): { name: string; data: Blob } {
  const rows = Array.from({ length: n }, (_, i) => `2024-01-${String(day).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}:00:00Z,${base + i * 0.25}`);
  return { name: `day${day}.csv`, data: new Blob([`timestamp,temp\n${rows.join('\n')}\n`]) };
}

const SUMMARY = 'SELECT count(*)::INTEGER AS n, min(temp) AS lo, max(temp) AS hi, sum(temp) AS total FROM source';
const rows = async (c: PondClient, sql = SUMMARY, path = '/site/temp.series') => tableFromIPC((await c.api.query(sql, { source: path })).ipc).toArray().map((r) => r.toJSON());

/** Deletes a local pond: switching away first, because the writer lock is released asynchronously on close. */
async function deleteLocal(c: PondClient, id: string): Promise<void> {
  await c.api.createPond('elsewhere');
  await c.api.deletePond(id);
}

/** A pond with a series of two versions and a 200 KB raw file (stored as a content-addressed blob). */
async function makePond(c: PondClient, name: string): Promise<string> {
  const { id } = await c.api.createPond(name);
  await c.api.copyIn([hours(1, 24)], '/site/temp.series', { format: 'series' });
  await c.api.copyIn([hours(2, 24, 10)], '/site/temp.series', { format: 'series' });
  await c.api.writeFile('/raw/logger.bin', new Blob([new Uint8Array(200_000).map((_, i) => i % 251)]), { parents: true });
  return id;
}

describe('S3 backup through the pond worker', () => {
  it('pushes all, then nothing, then only new objects; restores into a fresh pond with the same query results', async () => {
    const c = connect();
    const id = await makePond(c, 'backed up');
    const remote = uniq();
    expect(await c.api.remoteAdd({ name: remote, bucketUrl: inject('s3Url'), prefix: PREFIX, ...KEYS })).toMatchObject({ name: remote, secret: 'session' });
    const seen: number[] = [];
    const first = await c.longOp((op) => c.api.push(remote, op), { onProgress: (done) => void seen.push(done) });
    const version = (await c.api.info()).version;
    // Every commit, its oplog file, and the blobs (two Parquet versions and the raw file).
    expect(first.sent.filter((p) => p.startsWith('_delta_log/'))).toHaveLength(version + 1);
    expect(first.sent.filter((p) => p.startsWith('oplog/'))).toHaveLength(version + 1);
    expect(first.sent.filter((p) => p.startsWith('blobs/')).length).toBeGreaterThanOrEqual(1);
    expect(first.bytesSent).toBeGreaterThan(200_000);
    expect(seen.length).toBeGreaterThan(0);

    const again = await c.api.push(remote);
    expect(again).toMatchObject({ sent: [], bytesSent: 0, alreadyThere: first.sent.length });

    await c.api.writeFile('/notes.txt', new Blob(['one small commit']));
    const third = await c.api.push(remote);
    expect(third.sent).toHaveLength(2); // that commit's oplog file and its log entry; the note is inline
    expect(third.sent[1]).toMatch(/^_delta_log\/0+\d+\.json$/);
    expect(await c.api.remotePonds(remote)).toContain(id);
    expect(await c.api.verify(remote)).toMatchObject({ ok: true, missing: [], extra: [], corrupt: [] });

    const before = await rows(c);
    const rawBefore = await c.api.readFile('/raw/logger.bin');
    await expect(c.api.restore(remote, id)).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    await deleteLocal(c, id);
    const restored = await c.api.restore(remote, id, { name: 'restored' });
    expect(restored).toMatchObject({ id, name: 'restored', version: version + 1 });
    await c.api.openPond(id);
    expect(await rows(c)).toEqual(before);
    expect(await c.api.readFile('/raw/logger.bin')).toEqual(rawBefore);
    expect((await c.api.listPonds()).find((p) => p.id === id)?.name).toBe('restored');
  });

  it('surfaces a wrong secret as HTTP 403 naming the object, and creates no pond on a failed restore', async () => {
    const c = connect();
    const id = await makePond(c, 'wrong secret');
    const remote = uniq();
    await c.api.remoteAdd({ name: remote, bucketUrl: inject('s3Url'), prefix: PREFIX, ...KEYS, secretAccessKey: 'WRONG' });
    const err = await c.api.push(remote).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'HTTP', detail: { status: 403, code: 'SignatureDoesNotMatch' } });
    expect((err as Error).message).toMatch(new RegExp(`listing ${PREFIX}/${id}/: HTTP 403 SignatureDoesNotMatch`));
    await deleteLocal(c, id);
    const ponds = (await c.api.listPonds()).map((p) => p.id);
    const failed = await c.api.restore(remote, id).catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: 'HTTP', detail: { status: 403 } });
    expect((await c.api.listPonds()).map((p) => p.id)).toEqual(ponds);
    expect(ponds).not.toContain(id);
  });

  it('verify reports an object tampered with in the bucket by its key; push repairs it', async () => {
    const c = connect();
    const id = await makePond(c, 'tampered');
    const remote = uniq();
    await c.api.remoteAdd({ name: remote, bucketUrl: inject('s3Url'), prefix: PREFIX, ...KEYS, rememberSecret: true });
    const { sent } = await c.api.push(remote);
    const oplog = sent.find((p) => p.startsWith('oplog/'))!;
    const key = objectKey(PREFIX, id, oplog);
    const s3 = keyRemote(undefined, PREFIX);
    const original = new Uint8Array(await (await s3.get(key)).arrayBuffer());
    const damaged = original.slice();
    damaged[10] = damaged[10]! ^ 0xff; // same size: only a content check can see it
    await s3.put(key, damaged);
    const report = await c.api.verify(remote);
    expect(report.ok).toBe(false);
    expect(report.corrupt.map((x) => x.key)).toEqual([key]);
    const shell = await c.api.exec(`verify ${remote}`);
    expect(shell.exitCode).toBe(1);
    expect(shell.stdout).toContain(`damaged: ${key}`);
    await s3.delete(key);
    expect((await c.api.push(remote)).sent).toEqual([oplog]);
    expect((await c.api.verify(remote)).ok).toBe(true);
  });

  it('cancels a push from the UI side (ABORTED), and the next push completes it', async () => {
    const c = connect();
    await c.api.createPond('cancel');
    await c.api.writeFile('/big.bin', new Blob([new Uint8Array(40 * 1024 * 1024).map((_, i) => (i * 7) & 0xff)]));
    const remote = uniq();
    await c.api.remoteAdd({ name: remote, bucketUrl: inject('s3Url'), prefix: PREFIX, ...KEYS });
    const ctl = new AbortController();
    const err = await c.longOp((op) => c.api.push(remote, op), { signal: ctl.signal, onProgress: (done) => { if (done > 0) ctl.abort(); } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ABORTED' });
    const done = await c.api.push(remote);
    expect(done.sent.at(-1)).toMatch(/^_delta_log\//);
    expect(await c.api.verify(remote)).toMatchObject({ ok: true });
  });
});

describe('zip snapshots through the pond worker', () => {
  it('exports a past version and imports it as a new pond with that version\'s query results', async () => {
    const c = connect();
    const { id } = await c.api.createPond('zip past');
    await c.api.copyIn([hours(1, 24)], '/site/temp.series', { format: 'series' });
    const past = (await c.api.info()).version;
    const pastRows = await rows(c);
    await c.api.copyIn([hours(2, 24, 10)], '/site/temp.series', { format: 'series' });
    await c.api.writeFile('/raw/later.bin', new Blob([new Uint8Array(100_000).fill(9)]), { parents: true });
    expect(await rows(c)).not.toEqual(pastRows);
    const zip = await c.api.exportZip({ asOf: past });
    expect(zip).toMatchObject({ name: `zip-past-v${past}.zip`, version: past });
    expect(zip.blob.size).toBeGreaterThan(0);
    const latest = await c.api.exportZip();
    expect(latest.blob.size).toBeGreaterThan(zip.blob.size + 100_000);

    await expect(c.api.importZip(zip.blob)).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    await deleteLocal(c, id);
    const imported = await c.api.importZip(zip.blob, { name: 'from zip' });
    expect(imported).toMatchObject({ id, name: 'from zip', version: past });
    await c.api.openPond(id);
    expect(await rows(c)).toEqual(pastRows);
    expect((await c.api.list('/**')).map((n) => n.path)).toEqual(['/site', '/site/temp.series']);
    expect((await c.api.info()).readOnly).toBe(false);
  });

  it('refuses bad zips with BAD_ZIP and creates nothing', async () => {
    const c = connect();
    const { id } = await c.api.createPond('zip bad');
    await c.api.writeFile('/f.bin', new Blob([new Uint8Array(100_000).fill(3)]));
    const good = new Uint8Array(await (await c.api.exportZip()).blob.arrayBuffer());
    await deleteLocal(c, id); // so the import gets past "that pond exists" to the checks of the content
    const flipped = good.slice();
    const mid = Math.floor(good.length / 2);
    flipped[mid] = flipped[mid]! ^ 0xff; // inside the stored blob: its SHA-256 no longer matches
    const bad = [
      new Blob([good.slice(0, good.length - 40)]),
      new Blob(['PK\u0003\u0004 definitely not a zip']),
      new Blob([flipped]),
    ];
    const before = (await c.api.listPonds()).map((p) => p.id).sort();
    for (const b of bad) await expect(c.api.importZip(b)).rejects.toMatchObject({ code: 'BAD_ZIP' });
    const viaShell = await c.api.exec('import-zip host:bad.zip', { files: [{ name: 'bad.zip', data: bad[2]! }] });
    expect(viaShell).toMatchObject({ exitCode: 1, stderr: expect.stringMatching(/zip entry "blobs\/sha256\/.*\[BAD_ZIP\]/) });
    expect((await c.api.listPonds()).map((p) => p.id).sort()).toEqual(before);
  });
});
