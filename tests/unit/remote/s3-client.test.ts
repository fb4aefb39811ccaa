import { describe, expect, it } from 'vitest';
import { S3Remote } from '../../../src/remote/s3-client';
import type { PresignRequest, UrlSigner } from '../../../src/remote/signer';

// A signer that only spells the request out, so tests see exactly what would be signed.
const echoSigner: UrlSigner = {
  async sign(reqs: PresignRequest[]) {
    return reqs.map((r) => ({ url: `http://s3.test/b/${r.key}?${new URLSearchParams(r.query ?? {})}`, headers: r.headers ?? {} }));
  },
};
const cfg = { bucketUrl: 'http://s3.test/b', signing: { kind: 'keys', accessKeyId: 'a', secretAccessKey: 'b', region: 'r' } };

function remoteAnswering(answer: (url: URL, init?: RequestInit) => Response): { remote: S3Remote; urls: URL[] } {
  const urls: URL[] = [];
  const f = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    urls.push(url);
    return answer(url, init);
  };
  return { remote: new S3Remote(cfg, { fetch: f as typeof fetch, signer: echoSigner }), urls };
}

const xml = (body: string, status = 200) => new Response(`<?xml version="1.0"?>${body}`, { status });

describe('S3Remote (fake server)', () => {
  it('walks every page of a listing with start-after', async () => {
    const all = ['p/a', 'p/b', 'p/c', 'p/d', 'p/e'];
    const { remote, urls } = remoteAnswering((url) => {
      const after = url.searchParams.get('start-after') ?? '';
      const page = all.filter((k) => k > after).slice(0, 2);
      const more = all.indexOf(page.at(-1)!) < all.length - 1;
      return xml(`<ListBucketResult><IsTruncated>${more}</IsTruncated>${page.map((k) => `<Contents><Key>${k}</Key><Size>1</Size></Contents>`).join('')}</ListBucketResult>`);
    });
    expect((await remote.list('p/', undefined, 2)).map((o) => o.key)).toEqual(all);
    expect(urls.map((u) => u.searchParams.get('start-after'))).toEqual([null, 'p/b', 'p/d']);
  });

  it('refuses a listing that claims more but does not advance', async () => {
    const { remote } = remoteAnswering(() => xml('<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>'));
    await expect(remote.list('p/')).rejects.toThrow(/does not advance/);
  });

  it.each([
    [412, 'PreconditionFailed', 'CONFLICT', /already exists/],
    [403, 'SignatureDoesNotMatch', 'HTTP', /403 SignatureDoesNotMatch/],
    [403, 'AccessDenied', 'HTTP', /403 AccessDenied/],
    [404, 'NoSuchBucket', 'HTTP', /NoSuchBucket — check the bucket URL/],
    [404, 'NoSuchKey', 'NOT_FOUND', /404 NoSuchKey/],
    [503, 'SlowDown', 'HTTP', /503 SlowDown/],
  ])('maps HTTP %i %s to %s naming the key', async (status, code, pondCode, msg) => {
    const { remote } = remoteAnswering(() => xml(`<Error><Code>${code}</Code><Message>m</Message></Error>`, status));
    const err = await remote.put('p/_delta_log/00000000000000000001.json', new Uint8Array(1), { 'if-none-match': '*' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: pondCode, detail: { key: 'p/_delta_log/00000000000000000001.json', status } });
    expect((err as Error).message).toMatch(msg);
    expect((err as Error).message).toContain('p/_delta_log/00000000000000000001.json');
  });

  it('reports a failed completion that S3 answers with 200', async () => {
    const { remote } = remoteAnswering(() => xml('<Error><Code>InternalError</Code><Message>try again</Message></Error>'));
    await expect(remote.completeMultipart('k', 'u', [{ partNumber: 1, etag: 'e' }])).rejects.toThrow(/k: completing the multipart upload failed: InternalError/);
  });
});
