// The network worker as the pond worker uses it, in Chromium: requests and answers cross intact (method, headers,
// byte bodies, streamed responses, error statuses), a cancel reaches the connection, and a change of configured
// origins starts a fresh worker (whose policy the service worker builds) while an unchanged one is reused.
import { describe, expect, inject, it } from 'vitest';
import { IdbConnectOrigins, MemoryConnectOrigins } from '../../../src/service/settings/connect-origins';
import { NetFetch } from '../../../src/service/net-fetch';

const echo = inject('echoUrl');

/** A NetFetch whose spawned workers are counted (and terminated after the test). */
function counted(origins = new MemoryConnectOrigins()) {
  const workers: Worker[] = [];
  const net = new NetFetch(origins, () => {
    const w = new Worker(new URL('../../../workers/net.worker.ts', import.meta.url), { type: 'module' });
    workers.push(w);
    return w;
  });
  return { net, origins, workers, done: () => workers.forEach((w) => w.terminate()) };
}

describe('NetFetch', () => {
  it('sends method, headers and a byte view (only its own bytes), and returns status, headers and body', async () => {
    const { net, done } = counted();
    try {
      const big = new Uint8Array(1 << 20).map((_, i) => i % 251);
      const view = big.subarray(1000, 1000 + 300_000); // a part of a larger buffer, as multipart uploads send
      const res = await net.fetch(`${echo}/put?status=201`, { method: 'PUT', headers: { 'x-amz-meta-sha256': 'abc', 'content-type': 'application/octet-stream' }, body: view });
      expect(res.status).toBe(201);
      expect(res.statusText).toBe('Echoed');
      expect(res.headers.get('x-echo')).toBe('yes');
      const got = await res.json();
      let sum = 0;
      for (const x of view) sum = (sum + x) % 1_000_000_007;
      expect(got).toMatchObject({ method: 'PUT', path: '/put', size: 300_000, sum, headers: { 'x-amz-meta-sha256': 'abc' } });
      expect(view.byteLength).toBe(300_000); // the caller's bytes are copied, not moved away
      const form = await (await net.fetch(`${echo}/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials' }) })).json();
      expect(form).toMatchObject({ method: 'POST', size: 'grant_type=client_credentials'.length });
      expect(form.headers['content-type']).toMatch(/application\/x-www-form-urlencoded/);
      const blob = await (await net.fetch(`${echo}/blob`, { method: 'POST', body: new Blob(['hello']) })).json();
      expect(blob).toMatchObject({ size: 5 });
    } finally {
      done();
    }
  });

  it('streams a large answer and reports error statuses as answers, not failures', async () => {
    const { net, done } = counted();
    try {
      const res = await net.fetch(`${echo}/stream?chunks=64`);
      let bytes = 0;
      let reads = 0;
      const reader = res.body!.getReader();
      for (let r = await reader.read(); !r.done; r = await reader.read()) { bytes += r.value.byteLength; reads++; }
      expect(bytes).toBe(64 * 64 * 1024);
      expect(reads).toBeGreaterThan(1); // arrived in pieces, not as one buffered copy
      expect((await net.fetch(`${echo}/missing?status=404`)).status).toBe(404);
      const deleted = await net.fetch(`${echo}/upload?status=204`, { method: 'DELETE' }); // no body allowed with 204
      expect(deleted.status).toBe(204);
      expect(deleted.body).toBeNull();
    } finally {
      done();
    }
  });

  it('cancels: the caller gets its abort reason at once and the connection is closed', async () => {
    const { net, done } = counted();
    try {
      const before = (await (await fetch(`${echo}/slow-closed`)).json()).slowClosed as number;
      const controller = new AbortController();
      const res = await net.fetch(`${echo}/slow`, { signal: controller.signal });
      const reading = res.text();
      const pending = net.fetch(`${echo}/slow`, { signal: controller.signal });
      controller.abort(new Error('user pressed cancel'));
      await expect(pending).rejects.toThrow('user pressed cancel');
      await expect(reading).rejects.toBeDefined();
      await expect.poll(async () => (await (await fetch(`${echo}/slow-closed`)).json()).slowClosed, { timeout: 10_000 }).toBeGreaterThanOrEqual(before + 1);
      await expect(net.fetch(`${echo}/x`, { signal: AbortSignal.abort(new Error('already')) })).rejects.toThrow('already');
    } finally {
      done();
    }
  });

  it('fails like fetch when nothing answers, and keeps one worker until the configured origins change', async () => {
    const { net, origins, workers, done } = counted();
    try {
      await expect(net.fetch('http://127.0.0.1:9/nothing-listens')).rejects.toThrow(TypeError);
      await net.fetch(`${echo}/a`);
      expect(workers).toHaveLength(1);
      await origins.set('remote:lab', [echo]);
      await net.fetch(`${echo}/b`);
      expect(workers).toHaveLength(2); // a new policy needs a new script fetch
      await net.fetch(`${echo}/c`);
      await origins.set('remote:same', [echo]); // a change that leaves the set of origins as it was
      await net.fetch(`${echo}/d`);
      expect(workers).toHaveLength(2);
      // A body still streaming from a worker that is replaced arrives whole: the old worker closes only after it.
      const streaming = await net.fetch(`${echo}/stream?chunks=128`);
      await origins.set('remote:lab', []);
      await origins.set('remote:same', []);
      expect((await net.fetch(`${echo}/e`)).status).toBe(200);
      expect(workers).toHaveLength(3);
      expect((await streaming.arrayBuffer()).byteLength).toBe(128 * 64 * 1024);
    } finally {
      done();
    }
  });

  it('keeps the configured origins in IndexedDB for the service worker, dropping anything that is not an origin', async () => {
    const store = new IdbConnectOrigins();
    await store.set('remote:test-a', ['https://a.example', 'http://127.0.0.1:9000']);
    await store.set('pond:test-b', ['https://a.example']);
    expect(await store.all()).toEqual(expect.arrayContaining(['http://127.0.0.1:9000', 'https://a.example']));
    const raw = indexedDB.open('duckpond-connect');
    const db = await new Promise<IDBDatabase>((r) => { raw.onsuccess = () => r(raw.result); });
    await new Promise((r) => { const tx = db.transaction('origins', 'readwrite'); tx.objectStore('origins').put(["https://x.example; script-src *", 'https://ok.example'], 'remote:test-c'); tx.oncomplete = r; });
    db.close();
    const all = await new IdbConnectOrigins().all();
    expect(all).toContain('https://ok.example');
    expect(all.join(' ')).not.toContain('script-src');
    for (const s of ['remote:test-a', 'pond:test-b', 'remote:test-c']) await store.set(s, []);
    expect(await new IdbConnectOrigins().all()).not.toContain('https://ok.example');
  });
});
