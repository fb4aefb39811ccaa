// A signed link to a pond in a bucket that needs signatures, against s3rver (SigV4 checked) on 127.0.0.1: the bundle
// of presigned GETs opens the pond in another "device", its expiry is stated and enforced, a wrong signature is
// refused with S3's answer, and a link to files that were never pushed is refused before anything is uploaded.
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error s3rver ships no types
import S3rver from '@20minutes/s3rver';
import { blobOf, memoryBrowser } from '../../helpers/memory-service';
import { parseLinkBundle } from '../../../src/remote/link-bundle';

let s3: { close(): Promise<void> };
let bucketUrl = '';
const dir = mkdtempSync(join(tmpdir(), 'duckpond-signed-link-'));

beforeAll(async () => {
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: [{ name: 'private', configs: [] }] });
  const { port } = (await server.run()) as AddressInfo;
  bucketUrl = `http://127.0.0.1:${port}/private`;
  s3 = server;
});
afterAll(async () => {
  await s3.close();
  rmSync(dir, { recursive: true, force: true });
});

const WEEK = 7 * 24 * 3600;
const linkOf = (appUrl: string) => decodeURIComponent(new URL(appUrl).hash.slice('#open='.length));

async function pushedPond(prefix: string) {
  const tab = memoryBrowser().tab();
  const { id } = await tab.createPond('private site');
  await tab.writeFile('/site/big.bin', new Uint8Array(100_000).map((_, i) => i % 241), { parents: true });
  await tab.writeFile('/site/notes.txt', blobOf('hello'));
  await tab.remoteAdd({ name: 'lab', bucketUrl, prefix, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
  await tab.push('lab');
  return { tab, id };
}

describe('signed links', () => {
  it('open the pond from a bundle of presigned GETs, valid for the time stated (at most 7 days)', async () => {
    const src = await pushedPond('signed');
    const before = Date.now();
    const link = await src.tab.shareLink('lab', 'https://app.example/', { signedForSeconds: WEEK });
    expect(link.kind).toBe('signed');
    const expires = Date.parse(link.expires!);
    expect(expires).toBeGreaterThanOrEqual(before + WEEK * 1000 - 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + WEEK * 1000);
    expect(link.needs).toContain(link.expires!);
    const url = linkOf(link.appUrl);
    expect(url).toMatch(new RegExp(`^${bucketUrl}/signed/${src.id}/tmp/links/[^?]+\\.json\\?.*X-Amz-Signature=`));
    // The bundle names every object by a presigned URL valid for the week.
    const bundle = parseLinkBundle(new Uint8Array(await (await fetch(url)).arrayBuffer()), url);
    expect(Object.values(bundle.objects).every((u) => new URL(u).searchParams.get('X-Amz-Expires') === String(WEEK))).toBe(true);
    expect(bundle.head).toBe((await src.tab.info()).version);

    const reader = memoryBrowser().tab();
    const info = await reader.openLink(url);
    expect(info).toMatchObject({ id: src.id, name: 'private site', readOnly: true, link: { expires: link.expires } });
    expect(await reader.readFile('/site/big.bin')).toEqual(await src.tab.readFile('/site/big.bin'));
    expect(new TextDecoder().decode(await reader.readFile('/site/notes.txt'))).toBe('hello');
    // Time travel reopens the same bundle.
    expect((await reader.openLink(url, { asOf: 1 })).asOf).toBe(1);
    await expect(reader.readFile('/site/notes.txt')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses an expired link naming when it expired, and a wrong signature with S3\'s answer', async () => {
    const src = await pushedPond('expiring');
    const link = await src.tab.shareLink('lab', 'https://app.example/', { signedForSeconds: 1 });
    const url = linkOf(link.appUrl);
    const reader = memoryBrowser().tab();
    const forged = url.replace(/X-Amz-Signature=[0-9a-f]+/, `X-Amz-Signature=${'0'.repeat(64)}`);
    await expect(reader.openLink(forged)).rejects.toMatchObject({ code: 'HTTP', detail: { status: 403 } });
    await new Promise((r) => setTimeout(r, 2100)); // past the second it was valid for (SigV4 dates are whole seconds)
    const refused = await reader.openLink(url).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'HTTP', detail: { expired: expect.any(String) } });
    expect(String((refused as Error).message)).toMatch(/the link expired at \d{4}-\d\d-\d\dT/);
  });

  it('is refused for files not pushed yet, for more than 7 days, and for a presign-endpoint remote', async () => {
    const src = await pushedPond('unpushed');
    await src.tab.writeFile('/site/later.txt', blobOf('not pushed'));
    await expect(src.tab.shareLink('lab', 'https://app.example/', { signedForSeconds: 3600 })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('push first') });
    await expect(src.tab.shareLink('lab', 'https://app.example/', { signedForSeconds: WEEK + 1 })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('7 days') });
    await src.tab.remoteAdd({ name: 'ep', bucketUrl, presignUrl: 'http://127.0.0.1:9/presign' });
    await expect(src.tab.shareLink('ep', 'https://app.example/', { signedForSeconds: 3600 })).rejects.toMatchObject({ code: 'UNSUPPORTED' });
  });

  it('refuses a bundle whose objects point at another host', () => {
    const bytes = new TextEncoder().encode(JSON.stringify({
      format: 'duckpond-link', version: 1, pondId: 'p', base: 'https://bucket.example/p/', head: 0, expires: '2030-01-01T00:00:00Z',
      objects: { '_delta_log/00000000000000000000.json': 'https://elsewhere.example/x' },
    }));
    expect(() => parseLinkBundle(bytes, 'https://bucket.example/b.json')).toThrow(/points at https:\/\/elsewhere\.example/);
  });
});
