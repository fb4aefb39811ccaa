import { expect, it } from 'vitest';
it('a module worker writes OPFS with a sync access handle', async () => {
  const w = new Worker(new URL('./opfs.worker.ts', import.meta.url), { type: 'module' });
  const size = await new Promise((resolve) => { w.onmessage = (e) => resolve(e.data); w.postMessage(0); });
  w.terminate();
  expect(size).toBe(3);
});
