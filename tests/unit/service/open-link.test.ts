// Opening a pond from a link through the service, as the app does for `#open=<url>`: another "device" (its own memory
// host) reads the pond a real HTTP server on 127.0.0.1 serves in backup layout, read-only, without any local pond;
// time travel; "Keep a copy" makes it a local pond that passes fsck; a damaged newest commit is refused by name.
import { afterEach, describe, expect, it } from 'vitest';
import { blobOf, memoryBrowser } from '../../helpers/memory-service';
import { startStaticPondServer, type StaticPondServer } from '../../helpers/static-pond-server';
import { MemoryObjectCache } from '../../../src/storage/object-cache';
import { PondService } from '../../../src/service/service';
import { MemoryPondHost } from '../../../src/storage/pond-host';
import { MemoryPondNames } from '../../../src/service/settings/pond-names';
import { MemoryCoordinator } from '../../../src/pond/coordination';

async function sourcePond() {
  const browser = memoryBrowser();
  const tab = browser.tab();
  const info = await tab.createPond('field site');
  await tab.writeFile('/site/notes.txt', blobOf('first'), { parents: true });
  await tab.writeFile('/site/notes.txt', blobOf('second'));
  await tab.writeFile('/site/big.bin', new Uint8Array(100_000).map((_, i) => i % 251)); // a blob
  const store = [...browser.host.stores.values()][0]!;
  /** The pond's files in backup layout, as they are now (the local head hint is not part of a backup). */
  const layout = () => new Map([...store.snapshot()].filter(([p]) => /^(_delta_log|oplog|blobs)\//.test(p)));
  return { tab, id: info.id, files: layout(), layout, version: (await tab.info()).version };
}

let server: StaticPondServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('openLink', () => {
  it('opens a served pond read-only, with its tree and content, and touches no local pond', async () => {
    const src = await sourcePond();
    server = await startStaticPondServer(src.files);
    const other = memoryBrowser();
    const tab = other.tab();
    const info = await tab.openLink(server.url);
    expect(info).toMatchObject({ id: src.id, name: 'field site', version: src.version, readOnly: true, readOnlyReason: `opened from ${new URL(server.url).host}`, link: { url: server.url, host: new URL(server.url).host, offline: false } });
    expect(info.link!.bytes).toBeGreaterThan(0);
    expect((await tab.list('/**')).map((n) => n.path)).toEqual((await src.tab.list('/**')).map((n) => n.path));
    expect(new TextDecoder().decode(await tab.readFile('/site/notes.txt'))).toBe('second');
    expect(await tab.readFile('/site/big.bin')).toEqual(await src.tab.readFile('/site/big.bin'));
    await expect(tab.mkdir('/x')).rejects.toMatchObject({ code: 'READ_ONLY' });
    expect(await tab.listPonds()).toEqual([]);
    expect(other.host.stores.size).toBe(0);
    // Time travel: the first version of the notes.
    const past = await tab.openLink(server.url, { asOf: 1 });
    expect(past).toMatchObject({ asOf: 1, readOnly: true, link: { url: server.url } });
    expect(new TextDecoder().decode(await tab.readFile('/site/notes.txt'))).toBe('first');
  });

  it('notices a push made under an open view, and opens the new version on request', async () => {
    const src = await sourcePond();
    server = await startStaticPondServer(src.files);
    const tab = memoryBrowser().tab();
    await tab.openLink(server.url);
    expect(await tab.checkLink()).toBeNull();
    // The source pushes two more commits: their files appear on the server (data first, as a push sends them).
    await src.tab.writeFile('/site/later.txt', blobOf('pushed later'));
    await src.tab.writeFile('/site/later.txt', blobOf('pushed later, again'));
    for (const [p, b] of src.layout()) server.files.set(p, b);
    expect(await tab.checkLink()).toBe(src.version + 2);
    await expect(tab.readFile('/site/later.txt')).rejects.toMatchObject({ code: 'NOT_FOUND' }); // the view is as it was
    expect((await tab.openLink(server.url)).version).toBe(src.version + 2);
    expect(new TextDecoder().decode(await tab.readFile('/site/later.txt'))).toBe('pushed later, again');
    expect(await tab.checkLink()).toBeNull();
  });

  it('keeps a copy: a local pond with the same id, name and content that passes fsck', async () => {
    const src = await sourcePond();
    server = await startStaticPondServer(src.files);
    const other = memoryBrowser();
    const tab = other.tab();
    await tab.openLink(server.url);
    const kept = await tab.keepLinkCopy();
    expect(kept).toMatchObject({ id: src.id, name: 'field site', version: src.version, readOnly: false });
    expect(kept.link).toBeUndefined();
    expect((await tab.listPonds()).map((p) => p.id)).toEqual([src.id]);
    expect((await tab.fsck()).ok).toBe(true);
    expect(await tab.readFile('/site/big.bin')).toEqual(await src.tab.readFile('/site/big.bin'));
    await tab.mkdir('/mine'); // writable now
    // The same pond again from the link: it is here already.
    await tab.openLink(server.url);
    await expect(tab.keepLinkCopy()).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
  });

  it('refuses a pond whose newest commit does not match its data, naming the object, and keeps the open pond', async () => {
    const src = await sourcePond();
    const newest = [...src.files.keys()].filter((p) => p.startsWith('oplog/')).sort().at(-1)!;
    const tampered = new Map(src.files);
    tampered.set(newest, tampered.get(newest)!.map((b, i) => (i === 30 ? b ^ 1 : b)));
    server = await startStaticPondServer(tampered);
    const tab = memoryBrowser().tab();
    const mine = await tab.createPond('mine');
    await expect(tab.openLink(server.url)).rejects.toMatchObject({ code: 'CORRUPT', detail: { key: newest } });
    expect((await tab.info()).id).toBe(mine.id);
    await expect(tab.openLink('http://127.0.0.1:1/nothing/')).rejects.toMatchObject({ code: 'HTTP', detail: { noAnswer: true } });
    await expect(tab.openLink('http://example.com/p/')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('builds the share link of a backup on a public prefix', async () => {
    const tab = memoryBrowser().tab();
    const { id } = await tab.createPond('p');
    await tab.remoteAdd({ name: 'pub', bucketUrl: 'https://s3.example/b', prefix: 'team/ponds', accessKeyId: 'AK', secretAccessKey: 'SK' });
    const link = await tab.shareLink('pub', 'https://app.example/duckpond/');
    expect(link.pondUrl).toBe(`https://s3.example/b/team/ponds/${id}/`);
    expect(link.appUrl).toBe(`https://app.example/duckpond/#open=${encodeURIComponent(link.pondUrl)}`);
    expect(link.needs).toContain('s3:GetObject');
    await expect(tab.shareLink('nope', 'https://app.example/')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('uses the given cache: a second tab reads the pond without fetching its objects again', async () => {
    const src = await sourcePond();
    server = await startStaticPondServer(src.files);
    const cache = new MemoryObjectCache();
    const make = () => new PondService({ host: new MemoryPondHost(), names: new MemoryPondNames(), coordinator: new MemoryCoordinator(), linkCache: cache });
    const first = make();
    await first.openLink(server.url);
    await first.readFile('/site/big.bin');
    const tab = make();
    await tab.openLink(server.url);
    expect(await tab.readFile('/site/big.bin')).toEqual(await src.tab.readFile('/site/big.bin'));
    // Two small requests: `_last_checkpoint` and the probe for a commit after the newest seen; nothing else.
    expect((await tab.info()).link).toMatchObject({ requests: 2 });
  });
});
