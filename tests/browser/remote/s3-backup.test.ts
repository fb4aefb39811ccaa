// Push, restore and verify against a real S3 protocol server (s3rver, SigV4 checked) from Chromium.
import { describe, expect, inject, it } from 'vitest';
import { isPondError } from '../../../src/core/errors';
import { objectKey } from '../../../src/remote/config';
import { push } from '../../../src/remote/push';
import { restore, verify } from '../../../src/remote/restore';
import { S3Remote } from '../../../src/remote/s3-client';
import { MemoryStore } from '../../../src/storage/memory-store';
import { addCommit, makePond, noise, sameFiles, snapshot } from '../../unit/remote/pond-fixture';
import { KEYS, keyRemote, loggingFetch, newPondId, putPaths } from './s3-helpers';

// The ponds here are fake (real layout, noise content: pond-fixture.ts): the transfer is under test, not the pond, so
// the snapshot validator (tested over real ponds in tests/unit/pond/validate.test.ts) is off.
const FAKE = { validate: false } as const;

describe('S3 backup (s3rver on 127.0.0.1)', () => {
  it('pushes everything, then nothing, then only what is new, and restores byte for byte', async () => {
    const store = new MemoryStore();
    await makePond(store, 3);
    const pondId = newPondId();
    const first = loggingFetch();
    const progress: number[] = [];
    const r1 = await push(store, keyRemote(first.fetch), pondId, { onProgress: (p) => progress.push(p.filesDone) });
    expect(r1.sent).toHaveLength(9);
    // Blobs first, then oplog, then the commits in order, as the PUTs actually went out.
    const order = putPaths(first.log, pondId);
    expect(order.slice(0, 3).every((p) => p.startsWith('blobs/'))).toBe(true);
    expect(order.slice(3, 6).every((p) => p.startsWith('oplog/'))).toBe(true);
    expect(order.slice(6)).toEqual(['_delta_log/00000000000000000000.json', '_delta_log/00000000000000000001.json', '_delta_log/00000000000000000002.json']);
    expect(progress.at(-1)).toBe(9);

    const again = loggingFetch();
    const r2 = await push(store, keyRemote(again.fetch), pondId);
    expect(r2.sent).toEqual([]);
    expect(r2.alreadyThere).toBe(9);
    expect(again.log.map((r) => r.method)).toEqual(['GET', 'HEAD']); // the listing, and the last shared commit's hash

    const added = await addCommit(store, 3);
    const third = loggingFetch();
    const r3 = await push(store, keyRemote(third.fetch), pondId);
    expect(r3.sent).toEqual(added);
    expect(putPaths(third.log, pondId)).toEqual(added);

    const restored = new MemoryStore();
    const res = await restore(keyRemote(), pondId, restored, FAKE);
    expect(res.restored).toHaveLength(12);
    expect(sameFiles(await snapshot(restored), await snapshot(store))).toEqual([]);
    expect(await verify(store, keyRemote(), pondId)).toMatchObject({ ok: true, checked: 12 });
  });

  it('works through the reference presign endpoint (tools/presign-server.mjs)', async () => {
    const store = new MemoryStore();
    await makePond(store, 2);
    const pondId = newPondId();
    const remote = new S3Remote({ bucketUrl: inject('s3Url'), prefix: 'viaendpoint', signing: { kind: 'endpoint', url: inject('presignUrl') } });
    expect((await push(store, remote, pondId)).sent).toHaveLength(6);
    const restored = new MemoryStore();
    await restore(remote, pondId, restored, FAKE);
    expect(sameFiles(await snapshot(restored), await snapshot(store))).toEqual([]);
    // The endpoint signs only inside its prefix.
    const outside = new S3Remote({ bucketUrl: inject('s3Url'), prefix: 'elsewhere', signing: { kind: 'endpoint', url: inject('presignUrl') } });
    await expect(push(store, outside, pondId)).rejects.toThrow(/presign endpoint .* answered 403/);
  });

  it('surfaces a wrong secret as 403 SignatureDoesNotMatch naming the key', async () => {
    const store = new MemoryStore();
    await makePond(store, 1);
    const remote = new S3Remote({ bucketUrl: inject('s3Url'), prefix: 'backups', signing: { ...KEYS, secretAccessKey: 'WRONG' } });
    const err = await push(store, remote, newPondId()).catch((e: unknown) => e);
    expect(isPondError(err, 'HTTP')).toBe(true);
    expect((err as Error).message).toMatch(/listing backups\/p-.*\/: HTTP 403 SignatureDoesNotMatch/);
    expect((err as { detail: Record<string, unknown> }).detail).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
  });

  it('explains the CORS rules when the bucket does not allow the app', async () => {
    const store = new MemoryStore();
    await makePond(store, 1);
    const remote = new S3Remote({ bucketUrl: inject('s3NoCorsUrl'), signing: KEYS });
    const err = await push(store, remote, newPondId()).catch((e: unknown) => e);
    expect(isPondError(err, 'HTTP')).toBe(true);
    expect((err as Error).message).toMatch(/no answer from http:\/\/127\.0\.0\.1.*AllowedOrigin http.*GET, PUT, POST, HEAD.*AllowedHeader \*.*ExposeHeader ETag/);
  });

  it('reports a missing backup as NOT_FOUND and a missing object with its key', async () => {
    await expect(restore(keyRemote(), newPondId(), new MemoryStore(), FAKE)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const err = await keyRemote().get('backups/nope/x').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'NOT_FOUND', detail: { key: 'backups/nope/x', status: 404 } });
  });

  it('turns a 412 on a commit into CONFLICT that says what to do', async () => {
    const store = new MemoryStore();
    await makePond(store, 1);
    const remote = new S3Remote({ bucketUrl: inject('conflictUrl'), signing: KEYS });
    const err = await push(store, remote, newPondId()).catch((e: unknown) => e);
    expect(isPondError(err, 'CONFLICT')).toBe(true);
    expect((err as Error).message).toMatch(/_delta_log\/00000000000000000000.json already exists .*412.*Restore that backup into a new pond/);
  });

  it('refuses to push over another device\'s commit of the same size (CONFLICT)', async () => {
    const store = new MemoryStore();
    await makePond(store, 2);
    const pondId = newPondId();
    await push(store, keyRemote(), pondId);
    const other = new MemoryStore();
    for (const [p, b] of await snapshot(store)) await other.write(p, b);
    const log1 = '_delta_log/00000000000000000001.json';
    const text = new TextDecoder().decode(await other.read(log1)).replace('"txn_seq":1', '"txn_seq":7');
    await other.write(log1, new TextEncoder().encode(text)); // same length, other content
    await addCommit(other, 2);
    const err = await push(other, keyRemote(), pondId).catch((e: unknown) => e);
    expect(isPondError(err, 'CONFLICT')).toBe(true);
    expect((err as Error).message).toContain(`backups/${pondId}/${log1}`);
  });

  it('detects a tampered object in restore (nothing left behind) and in verify', async () => {
    const store = new MemoryStore();
    await makePond(store, 2);
    const pondId = newPondId();
    await push(store, keyRemote(), pondId);
    const { files } = { files: await snapshot(store) };
    const blob = [...files.keys()].find((p) => p.startsWith('blobs/'))!;
    const oplog = [...files.keys()].find((p) => p.startsWith('oplog/'))!;
    const blobKey = objectKey('backups', pondId, blob);
    // Same size, same recorded hash header, other bytes: what bit rot or a careless hand would leave.
    const recorded = blob.split('/').at(-1)!;
    await keyRemote().put(blobKey, noise(files.get(blob)!.length, 99), { 'x-amz-meta-sha256': recorded });

    const target = new MemoryStore();
    const err = await restore(keyRemote(), pondId, target, FAKE).catch((e: unknown) => e);
    expect(isPondError(err, 'CORRUPT')).toBe(true);
    expect((err as Error).message).toContain(blobKey);
    expect(await target.list('')).toEqual([]);

    await keyRemote().delete(objectKey('backups', pondId, oplog));
    await keyRemote().put(objectKey('backups', pondId, 'oplog/stray.parquet'), new Uint8Array(3), { 'x-amz-meta-sha256': '0'.repeat(64) });
    const report = await verify(store, keyRemote(), pondId);
    expect(report.ok).toBe(false);
    expect(report.missing).toEqual([oplog]);
    expect(report.extra).toEqual(['oplog/stray.parquet']);
    expect(report.corrupt.map((c) => c.path)).toEqual([blob]);
    expect(report.corrupt[0]!.problem).toContain(blobKey);
  });
});
