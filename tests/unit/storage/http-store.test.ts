// The read-only HTTP store under a pond opened from a link, against a real HTTP server on 127.0.0.1 serving a pond's
// backup layout (written by the project's own code into a memory store): the same tree and content as the source,
// no listing, hashes checked (CORRUPT naming the object), 404 and 403 named, Range used or its absence noted, and
// a second or offline visit answered from the cache.
import { afterEach, describe, expect, it } from 'vitest';
import { tableFromArrays } from 'apache-arrow';
import { arrowToParquet } from '../../../src/formats/parquet';
import { Pond } from '../../../src/pond/pond';
import { blobPath } from '../../../src/pond/layout';
import { HttpStore } from '../../../src/storage/http-store';
import { MemoryObjectCache } from '../../../src/storage/object-cache';
import type { MemoryStore } from '../../../src/storage/memory-store';
import { glob } from '../../../src/tinyfs/resolve';
import { memoryBrowser } from '../../helpers/memory-service';
import { startStaticPondServer, type StaticPondServer } from '../../helpers/static-pond-server';

const HOUR = 3_600_000_000;
const T0 = Date.UTC(2024, 4, 1) * 1000;

/** A series version of `n` hourly rows from hour `from`: temp = from + i / 10 (large enough to be a blob). */
async function seriesParquet(from: number, n: number): Promise<Blob> {
  const ts = Array.from({ length: n }, (_, i) => new Date((T0 + (from + i) * HOUR) / 1000));
  const temp = Float64Array.from({ length: n }, (_, i) => from + i / 10);
  return new Blob([await arrowToParquet(tableFromArrays({ timestamp: ts, temp })) as BlobPart]);
}

/** A pond with two blob-sized series versions, a small file and `extraCommits` more commits; its store's files. */
async function sourcePond(extraCommits = 0): Promise<{ store: MemoryStore; files: Map<string, Uint8Array> }> {
  const browser = memoryBrowser();
  const tab = browser.tab();
  await tab.createPond('field site');
  await tab.copyIn([{ name: 'a.parquet', data: await seriesParquet(0, 12_000) }], '/site/temp.series', { format: 'series' });
  await tab.copyIn([{ name: 'b.parquet', data: await seriesParquet(12_000, 12_000) }], '/site/temp.series', { format: 'series' });
  await tab.writeFile('/site/notes.txt', new TextEncoder().encode('calibrated 2024-05-01'));
  for (let i = 0; i < extraCommits; i++) await tab.mkdir(`/more/d${i}`, { parents: true });
  const store = [...browser.host.stores.values()][0]!;
  // The local head hint is not part of a backup (push leaves it out too).
  const files = new Map([...store.snapshot()].filter(([p]) => /^(_delta_log|oplog|blobs)\//.test(p)));
  return { store, files };
}

/** The tree as paths with each version's hash: what a person sees, compared across the two ponds. */
function treeOf(pond: Pond): string[] {
  return glob(pond.fs, '**').map((m) => `${m.segments.join('/')} ${m.node.type} ${m.node.versions.map((v) => `${v.version}:${v.sha256}`).join(',')}`).sort();
}

let server: StaticPondServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('a pond read over HTTP', () => {
  it('opens with the tree, versions and content of the source, without a listing', async () => {
    const src = await sourcePond();
    server = await startStaticPondServer(src.files);
    const local = await Pond.open(src.store, { readOnly: true });
    const store = new HttpStore(server.url, { fetch });
    const remote = await Pond.open(store, { readOnly: true });
    expect(remote.version).toBe(local.version);
    expect(remote.id).toBe(local.id);
    expect(remote.name).toBe('field site');
    expect(treeOf(remote)).toEqual(treeOf(local));
    const node = glob(remote.fs, '/site/temp.series')[0]!.node;
    expect(node.versions).toHaveLength(2);
    for (const v of node.versions) expect(await remote.readVersion(node.id, v.version)).toEqual(await local.readVersion(node.id, v.version));
    // Only GETs of files the layout has, and only of paths under the pond's folder: no LIST, no HEAD needed.
    expect(server.log.every((r) => r.method === 'GET' && r.path.startsWith('/ponds/p1/'))).toBe(true);
    expect(server.log.filter((r) => !/\/(_delta_log|oplog|blobs)\//.test(r.path))).toEqual([]);
  });

  it('finds the head of a long log by probing in about 2·log2(N) requests, and from _last_checkpoint', async () => {
    const src = await sourcePond(40);
    const head = (await Pond.open(src.store, { readOnly: true })).version;
    expect(head).toBeGreaterThan(40);
    server = await startStaticPondServer(src.files);
    expect(await new HttpStore(server.url, { fetch }).findHead()).toBe(head);
    const probes = server.log.filter((r) => r.path.includes('/_delta_log/'));
    expect(probes.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(head + 1)) + 2);
    // A Delta checkpoint hint says where to start: from there one step finds the head.
    server.files.set('_delta_log/_last_checkpoint', new TextEncoder().encode(JSON.stringify({ version: head, size: 1 })));
    server.log.length = 0;
    const store = new HttpStore(server.url, { fetch });
    expect(await store.findHead()).toBe(head);
    expect(server.log.map((r) => r.path.split('/').pop())).toEqual(['_last_checkpoint', `${String(head).padStart(20, '0')}.json`, `${String(head + 1).padStart(20, '0')}.json`]);
  });

  it('refuses a tampered blob as CORRUPT naming it, and names a missing one (404) and a forbidden one (403)', async () => {
    const src = await sourcePond();
    const local = await Pond.open(src.store, { readOnly: true });
    const node = glob(local.fs, '/site/temp.series')[0]!.node;
    const [v1, v2] = node.versions;
    const tampered = new Map(src.files);
    const good = tampered.get(blobPath(v1!.sha256!))!;
    const bad = good.slice();
    bad[100] = bad[100]! ^ 0xff;
    tampered.set(blobPath(v1!.sha256!), bad);
    tampered.delete(blobPath(v2!.sha256!));
    server = await startStaticPondServer(tampered);
    const pond = await Pond.open(new HttpStore(server.url, { fetch }), { readOnly: true });
    const corrupt = await pond.readVersion(node.id, 1).catch((e: unknown) => e);
    expect(corrupt).toMatchObject({ code: 'CORRUPT', detail: { path: blobPath(v1!.sha256!) } });
    expect(String((corrupt as Error).message)).toContain('does not match recorded hash');
    const missing = await pond.readVersion(node.id, 2).catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'CORRUPT', cause: { code: 'NOT_FOUND', detail: { key: blobPath(v2!.sha256!), status: 404 } } });
    expect(String((missing as { cause: Error }).cause.message)).toContain(`${blobPath(v2!.sha256!)}: not found (404) at ${server.url}`);
    server.statusFor.set(blobPath(v1!.sha256!), 403);
    const store = new HttpStore(server.url, { fetch });
    await expect(store.read(blobPath(v1!.sha256!))).rejects.toMatchObject({ code: 'HTTP', detail: { key: blobPath(v1!.sha256!), status: 403 } });
    // No pond at all at the address: the first commit is named.
    await expect(new HttpStore(`${server.origin}/elsewhere/`, { fetch }).findHead()).rejects.toMatchObject({ code: 'NOT_FOUND', detail: { key: '_delta_log/00000000000000000000.json' } });
  });

  it('refuses an oplog file that does not match the hash its commit records', async () => {
    const src = await sourcePond();
    const [path, bytes] = [...src.files].find(([p]) => p.startsWith('oplog/'))!;
    const tampered = new Map(src.files);
    const bad = bytes.slice();
    bad[20] = bad[20]! ^ 0xff;
    tampered.set(path, bad);
    server = await startStaticPondServer(tampered);
    const store = new HttpStore(server.url, { fetch });
    await expect(Pond.open(store, { readOnly: true })).rejects.toMatchObject({ code: 'CORRUPT' });
    expect(store.refusals.map((e) => e.detail?.key)).toContain(path);
  });

  it('uses Range where the server honours it, and notes when it answers whole files instead', async () => {
    const src = await sourcePond();
    const [path, bytes] = [...src.files].find(([p]) => p.startsWith('blobs/'))!;
    server = await startStaticPondServer(src.files, { range: true });
    const ranged = new HttpStore(server.url, { fetch });
    expect(await ranged.readRange(path, bytes.length - 8, 8)).toEqual(bytes.slice(-8));
    expect(ranged.stats).toMatchObject({ rangeIgnored: false, bytes: 8 });
    expect(server.log.at(-1)).toMatchObject({ status: 206, bytes: 8 });
    await server.close();
    server = await startStaticPondServer(src.files, { range: false });
    const whole = new HttpStore(server.url, { fetch, cache: new MemoryObjectCache() });
    expect(await whole.readRange(path, bytes.length - 8, 8)).toEqual(bytes.slice(-8));
    expect(whole.stats).toMatchObject({ rangeIgnored: true, bytes: bytes.length });
    // The whole answer was checked and kept: the next range costs nothing.
    expect(await whole.readRange(path, 0, 4)).toEqual(bytes.slice(0, 4));
    expect(whole.stats.requests).toBe(1);
  });

  it('checks a range against the hash recorded for it, caches it under its own key, and names a mismatch', async () => {
    const src = await sourcePond();
    const [path, bytes] = [...src.files].find(([p]) => p.startsWith('blobs/'))!;
    const sha = async (b: Uint8Array) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', b as Uint8Array<ArrayBuffer>))].map((x) => x.toString(16).padStart(2, '0')).join('');
    const want = await sha(bytes.slice(100, 1100));
    server = await startStaticPondServer(src.files);
    const cache = new MemoryObjectCache();
    const store = new HttpStore(server.url, { fetch, cache });
    expect(await store.readChecked(path, 100, 1000, want)).toEqual(bytes.slice(100, 1100));
    expect(server.log.at(-1)).toMatchObject({ status: 206, bytes: 1000 });
    const again = new HttpStore(server.url, { fetch, cache });
    const sent = server.log.length;
    expect(await again.readChecked(path, 100, 1000, want)).toEqual(bytes.slice(100, 1100));
    expect(server.log.length).toBe(sent); // from the cache
    // A range whose bytes differ from what is recorded for it (here: the hash of other bytes).
    const other = await sha(bytes.slice(0, 1000));
    const refused = await store.readChecked(path, 2000, 1000, other).then(() => undefined, (e: unknown) => e);
    expect(refused).toMatchObject({ code: 'CORRUPT', detail: { key: path } });
    expect(String((refused as Error).message)).toMatch(/bytes 2000-2999: content [0-9a-f]{64} does not match recorded hash/);
    expect(store.refusals.map((e) => e.detail?.key)).toContain(path);
    // Past the object's end (a shorter object than recorded): CORRUPT, not an empty answer.
    await expect(store.readChecked(path, bytes.length + 10, 5, want)).rejects.toMatchObject({ code: 'CORRUPT', detail: { key: path } });
  });

  it('cuts checked ranges from the whole object where the server ignores Range, and refuses a tampered whole one', async () => {
    const src = await sourcePond();
    const [path, bytes] = [...src.files].find(([p]) => p.startsWith('blobs/'))!;
    const sha = async (b: Uint8Array) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', b as Uint8Array<ArrayBuffer>))].map((x) => x.toString(16).padStart(2, '0')).join('');
    server = await startStaticPondServer(src.files, { range: false });
    const store = new HttpStore(server.url, { fetch }); // no cache: the whole object is kept for the next range
    expect(await store.readChecked(path, 0, 500, await sha(bytes.slice(0, 500)))).toEqual(bytes.slice(0, 500));
    expect(await store.readChecked(path, 500, 500, await sha(bytes.slice(500, 1000)))).toEqual(bytes.slice(500, 1000));
    expect(server.log.filter((r) => r.path.endsWith(path)).map((r) => [r.status, r.bytes])).toEqual([[200, bytes.length]]);
    expect(store.stats.rangeIgnored).toBe(true);
    await server.close();
    const bad = bytes.slice();
    bad[bytes.length - 20]! ^= 1; // outside the range asked for: the whole object is what is checked
    server = await startStaticPondServer(new Map([...src.files, [path, bad]]), { range: false });
    const fresh = new HttpStore(server.url, { fetch });
    await expect(fresh.readChecked(path, 0, 500, await sha(bytes.slice(0, 500)))).rejects.toMatchObject({ code: 'CORRUPT', detail: { key: path } });
  });

  it('answers a second visit from the cache, and an offline one as of the last visit', async () => {
    const src = await sourcePond();
    server = await startStaticPondServer(src.files);
    const cache = new MemoryObjectCache();
    const first = await Pond.open(new HttpStore(server.url, { fetch, cache }), { readOnly: true });
    const node = glob(first.fs, '/site/temp.series')[0]!.node;
    const content = await first.readVersion(node.id, 2);
    const fetched = server.log.length;
    const again = new HttpStore(server.url, { fetch, cache });
    const second = await Pond.open(again, { readOnly: true });
    expect(await second.readVersion(node.id, 2)).toEqual(content);
    // Two small requests: `_last_checkpoint` (the one object that changes) and the probe for a commit after the last one seen.
    expect(server.log.slice(fetched).map((r) => [r.path.split('/').pop(), r.status])).toEqual([['_last_checkpoint', 404], [`${String(first.version + 1).padStart(20, '0')}.json`, 404]]);
    const url = server.url;
    await server.close();
    server = undefined;
    const offline = new HttpStore(url, { fetch, cache });
    const third = await Pond.open(offline, { readOnly: true });
    expect(third.version).toBe(first.version);
    expect(offline.stats.offline).toBe(true);
    expect(await third.readVersion(node.id, 2)).toEqual(content);
    // Never seen and no server: the error says what a bucket needs.
    const never = new HttpStore(url.replace('/p1/', '/p2/'), { fetch, cache, appOrigin: 'https://app.example' });
    await expect(never.findHead()).rejects.toMatchObject({ code: 'HTTP', message: expect.stringContaining('AllowedOrigin https://app.example') });
  });

  it('goes on reading when the cache refuses to store (a full device) or to answer', async () => {
    const src = await sourcePond();
    server = await startStaticPondServer(src.files);
    const full = { get: async () => { throw new DOMException('gone', 'InvalidStateError'); }, put: async () => { throw new DOMException('full', 'QuotaExceededError'); } };
    const pond = await Pond.open(new HttpStore(server.url, { fetch, cache: full }), { readOnly: true });
    const node = glob(pond.fs, '/site/temp.series')[0]!.node;
    const local = await Pond.open(src.store, { readOnly: true });
    expect(await pond.readVersion(node.id, 2)).toEqual(await local.readVersion(node.id, 2));
  });

  it('is read-only and refuses link URLs it cannot use', async () => {
    const store = new HttpStore('http://127.0.0.1:9/p/', { fetch });
    await expect(store.write()).rejects.toMatchObject({ code: 'READ_ONLY' });
    expect(() => new HttpStore('ftp://host/p/')).toThrow(/http\(s\)/);
    expect(() => new HttpStore('https://host/p/?X-Amz-Signature=1')).toThrow(/without \?query/);
    expect(new HttpStore('https://host/p').base).toBe('https://host/p/');
  });
});
