// Runs push, restore, verify and a zip round trip inside a module worker, where the pond really lives
// (no DOMParser, no window, no location): answers the list of differences, or the error message.
import { push } from '../../../src/remote/push';
import { restore, verify } from '../../../src/remote/restore';
import { S3Remote } from '../../../src/remote/s3-client';
import { zipChunks } from '../../../src/remote/zip-export';
import { importZip } from '../../../src/remote/zip-import';
import { MemoryStore } from '../../../src/storage/memory-store';
import { makePond, sameFiles, snapshot } from '../../unit/remote/pond-fixture';

// The ponds here are fake (real layout, noise content: pond-fixture.ts): the transfer is under test, not the pond, so
// the snapshot validator (tested over real ponds in tests/unit/pond/validate.test.ts) is off.
const FAKE = { validate: false } as const;

self.onmessage = async (e: MessageEvent<{ s3Url: string; pondId: string }>) => {
  try {
    const remote = new S3Remote({ bucketUrl: e.data.s3Url, prefix: 'worker', signing: { kind: 'keys', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', region: 'us-east-1' } });
    const store = new MemoryStore();
    await makePond(store, 2);
    await push(store, remote, e.data.pondId);
    const restored = new MemoryStore();
    await restore(remote, e.data.pondId, restored, FAKE);
    const report = await verify(restored, remote, e.data.pondId);
    const parts: Uint8Array[] = [];
    for await (const c of zipChunks(restored)) parts.push(c);
    const imported = new MemoryStore();
    await importZip(new Blob(parts as Uint8Array<ArrayBuffer>[]), imported, FAKE);
    const original = await snapshot(store);
    self.postMessage({ restoreDiff: sameFiles(await snapshot(restored), original), zipDiff: sameFiles(await snapshot(imported), original), verifyOk: report.ok });
  } catch (err) {
    self.postMessage({ error: String(err) });
  }
};
