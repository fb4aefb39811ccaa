// Multipart upload of a large blob, interrupted by an AbortSignal and resumed without re-sending done parts.
import { describe, expect, it } from 'vitest';
import { isPondError } from '../../../src/core/errors';
import { push } from '../../../src/remote/push';
import { restore } from '../../../src/remote/restore';
import { MemoryStore } from '../../../src/storage/memory-store';
import { addCommit, noise, sameFiles, snapshot, writeBlob } from '../../unit/remote/pond-fixture';
import { keyRemote, loggingFetch, newPondId } from './s3-helpers';

// The ponds here are fake (real layout, noise content: pond-fixture.ts): the transfer is under test, not the pond, so
// the snapshot validator (tested over real ponds in tests/unit/pond/validate.test.ts) is off.
const FAKE = { validate: false } as const;

const PART = 64 * 1024; // s3rver does not enforce S3's 5 MiB minimum, so small parts keep the test fast
const partPuts = (log: { method: string; url: string }[]): number[] =>
  log.filter((r) => r.method === 'PUT' && r.url.includes('partNumber=')).map((r) => Number(new URL(r.url).searchParams.get('partNumber')));

describe('multipart push (s3rver on 127.0.0.1)', () => {
  it('resumes an interrupted upload, sending only the parts not done, and restores the same bytes', async () => {
    const store = new MemoryStore();
    await addCommit(store, 0, 1000);
    await writeBlob(store, noise(5 * PART + 123, 7)); // 6 parts
    const pondId = newPondId();
    const opts = { multipartThreshold: 100_000, partSize: PART, concurrency: 1 };

    // Cancel the push at the moment part 3 is about to go out.
    const controller = new AbortController();
    const first = loggingFetch({ failWhen: (m, url) => m === 'PUT' && url.includes('partNumber=3'), onFail: () => controller.abort() });
    const err = await push(store, keyRemote(first.fetch), pondId, { ...opts, signal: controller.signal }).catch((e: unknown) => e);
    expect(isPondError(err, 'ABORTED')).toBe(true);
    expect(partPuts(first.log)).toEqual([1, 2]);

    const second = loggingFetch();
    const r = await push(store, keyRemote(second.fetch), pondId, opts);
    expect(partPuts(second.log)).toEqual([3, 4, 5, 6]);
    expect(r).toMatchObject({ partsSent: 4, partsTotal: 6 });
    // The resume record is gone once the upload completed; it is never mistaken for pond content.
    expect((await keyRemote().list(`backups/${pondId}/tmp/`)).length).toBe(0);

    const restored = new MemoryStore();
    await restore(keyRemote(), pondId, restored, FAKE);
    expect(sameFiles(await snapshot(restored), await snapshot(store))).toEqual([]);
  });

  it('starts over when the resume record names an upload the bucket no longer knows', async () => {
    const store = new MemoryStore();
    await addCommit(store, 0, 1000);
    const blob = await writeBlob(store, noise(3 * PART, 8));
    const pondId = newPondId();
    const hash = blob.split('/').at(-1)!;
    const record = { v: 1, key: `backups/${pondId}/${blob}`, sha256: hash, size: 3 * PART, partSize: PART, uploadId: 'gone', parts: { 1: 'x' } };
    await keyRemote().put(`backups/${pondId}/tmp/uploads/${hash}.json`, new TextEncoder().encode(JSON.stringify(record)));
    const log = loggingFetch();
    const r = await push(store, keyRemote(log.fetch), pondId, { multipartThreshold: 100_000, partSize: PART, concurrency: 2 });
    expect(r.partsSent).toBe(3);
    const restored = new MemoryStore();
    await restore(keyRemote(), pondId, restored, FAKE);
    expect(sameFiles(await snapshot(restored), await snapshot(store))).toEqual([]);
  });
});
