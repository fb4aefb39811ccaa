// openSyncHandle's answer to a createSyncAccessHandle() that never settles (seen in Chromium under load, see
// opfs-store.ts). The browser's side is played by a file handle whose requests settle when the test says so.
import { describe, expect, it } from 'vitest';
import { openSyncHandle } from '../../../src/storage/opfs-store';

interface FakeHandle { id: number; closed: boolean; close(): void }

/** A file handle whose n-th createSyncAccessHandle() request does what `plan[n]` says. */
function fakeFile(plan: ('hang' | 'ok' | 'locked')[]) {
  const requests: { settle(): void; handle: FakeHandle }[] = [];
  const file = {
    createSyncAccessHandle() {
      const n = requests.length;
      const handle: FakeHandle = { id: n + 1, closed: false, close() { this.closed = true; } };
      let settle = () => undefined as void;
      const p = new Promise<FakeHandle>((resolve, reject) => {
        const what = plan[n] ?? 'ok';
        if (what === 'ok') resolve(handle);
        else if (what === 'locked') reject(Object.assign(new Error('locked'), { name: 'NoModificationAllowedError' }));
        else settle = () => resolve(handle); // 'hang': settles only if the test calls settle()
      });
      requests.push({ settle, handle });
      return p;
    },
  };
  return { file: file as unknown as FileSystemFileHandle, requests };
}

describe('openSyncHandle', () => {
  it('returns the handle at once when the browser answers', async () => {
    const { file, requests } = fakeFile(['ok']);
    const h = (await openSyncHandle(file, 'a/b', 20)) as unknown as FakeHandle;
    expect(h.id).toBe(1);
    expect(requests).toHaveLength(1);
  });

  it('gives up a request that does not settle, asks again, and closes the late handle when it comes', async () => {
    const { file, requests } = fakeFile(['hang', 'ok']);
    const h = (await openSyncHandle(file, 'a/b', 20)) as unknown as FakeHandle;
    expect(h.id).toBe(2);
    expect(requests[0]!.handle.closed).toBe(false);
    requests[0]!.settle(); // the stalled request finally yields its handle…
    await new Promise((r) => setTimeout(r, 0));
    expect(requests[0]!.handle.closed).toBe(true); // …which is closed, so it holds no lock
    expect(h.closed).toBe(false);
  });

  it('after a stall, waits out the late handle\'s lock (NoModificationAllowedError) and tries again', async () => {
    const { file, requests } = fakeFile(['hang', 'locked', 'ok']);
    setTimeout(() => requests[0]!.settle(), 30);
    const h = (await openSyncHandle(file, 'a/b', 20)) as unknown as FakeHandle;
    expect(h.id).toBe(3);
    expect(requests[0]!.handle.closed).toBe(true);
  });

  it('fails as STALLED naming the file after three stalls, instead of waiting forever', async () => {
    const { file, requests } = fakeFile(['hang', 'hang', 'hang', 'ok']);
    const err = await openSyncHandle(file, 'ponds/x/blobs/y', 20).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'STALLED', message: expect.stringContaining('ponds/x/blobs/y') });
    expect(requests).toHaveLength(3);
  });

  it('passes on a lock held by someone else when nothing of its own stalled', async () => {
    const { file } = fakeFile(['locked']);
    await expect(openSyncHandle(file, 'a/b', 20)).rejects.toMatchObject({ name: 'NoModificationAllowedError' });
  });
});
