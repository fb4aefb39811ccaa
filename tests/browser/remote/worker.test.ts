// The pond runs in a worker: backup, restore, verify and zip must work there (no DOMParser, no window).
import { expect, inject, it } from 'vitest';

it('pushes, restores, verifies and zips from inside a module worker', async () => {
  const w = new Worker(new URL('./remote.worker.ts', import.meta.url), { type: 'module' });
  const result = await new Promise((resolve) => {
    w.onmessage = (e) => resolve(e.data);
    w.postMessage({ s3Url: inject('s3Url'), pondId: `w-${crypto.randomUUID()}` });
  });
  w.terminate();
  expect(result).toEqual({ restoreDiff: [], zipDiff: [], verifyOk: true });
});
