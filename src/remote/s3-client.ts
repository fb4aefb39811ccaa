/**
 * A small S3 client that sends every request to a presigned URL (see signer.ts), so it works the same
 * with keys on the tablet or with a presign endpoint. Create one per remote config; it holds no
 * connection state, only the signer. Every error is a PondError naming the object key and HTTP status.
 */
import { PondError } from '../core/errors';
import { validateRemoteConfig, type ValidRemoteConfig } from './config';
import { completeMultipartXml, parseInitiateMultipart, parseListObjectsV2, parseS3Error, type ListedObject } from './s3-xml';
import { EndpointSigner, KeySigner, type PresignRequest, type S3Method, type UrlSigner } from './signer';

export interface S3RemoteOptions {
  /** For tests and instrumentation (request counting); defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Overrides the signer the config implies. */
  signer?: UrlSigner;
}

/** What to put in a bucket's CORS configuration for this app; quoted in network errors. */
export function corsAdvice(origin: string): string {
  return (
    `The bucket must allow this app by CORS: a rule with AllowedOrigin ${origin}, AllowedMethod GET, PUT, POST, HEAD ` +
    '(and DELETE to clean up), AllowedHeader *, ExposeHeader ETag and x-amz-meta-sha256.'
  );
}

function appOrigin(): string {
  return typeof location !== 'undefined' ? location.origin : '<the app origin>';
}

export class S3Remote {
  readonly config: ValidRemoteConfig;
  private readonly signer: UrlSigner;
  private readonly fetchFn: typeof fetch;

  constructor(config: unknown, options: S3RemoteOptions = {}) {
    this.config = validateRemoteConfig(config);
    // Wrapped so a plain `fetch` is never called with a foreign `this` (Chromium throws "Illegal invocation").
    const f = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
    this.fetchFn = f;
    const s = this.config.signing;
    this.signer = options.signer ?? (s.kind === 'keys' ? new KeySigner(this.config.bucketUrl, s) : new EndpointSigner(s, f));
  }

  /**
   * Every object under `keyPrefix` (ListObjectsV2, all pages of up to `pageSize`). Pages continue with
   * `start-after=<last key>` rather than the opaque continuation token: listings are in key order so it is
   * the same walk, and it does not depend on server-side token state (s3rver's tokens need DES, which
   * Node 20's OpenSSL 3 lacks, so it cannot page at all; paging is unit-tested against a fake).
   * With `startAfter`, only the keys after it (a pull lists the commits after its head so).
   */
  async list(keyPrefix: string, signal?: AbortSignal, pageSize = 1000, startAfter?: string): Promise<ListedObject[]> {
    const out: ListedObject[] = [];
    let after: string | undefined = startAfter;
    for (;;) {
      const query: Record<string, string> = { 'list-type': '2', prefix: keyPrefix, 'max-keys': String(pageSize) };
      if (after !== undefined) query['start-after'] = after;
      const res = await this.send({ method: 'GET', key: '', query }, undefined, signal, `listing ${keyPrefix}`);
      const page = parseListObjectsV2(await res.text());
      out.push(...page.objects);
      if (!page.isTruncated) return out;
      const last = page.objects.at(-1)?.key;
      if (last === undefined || (after !== undefined && last <= after)) {
        throw new PondError('HTTP', `listing ${keyPrefix}: the bucket says there is more but the page does not advance`, { detail: { key: keyPrefix } });
      }
      after = last;
    }
  }

  /** Uploads one object; `headers` are signed (`x-amz-meta-sha256`, `if-none-match`). */
  async put(key: string, body: Uint8Array, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<void> {
    await this.send({ method: 'PUT', key, headers }, body, signal);
  }

  /** The response of a GET (body unread, so large objects can stream). NOT_FOUND when missing. */
  async get(key: string, signal?: AbortSignal): Promise<Response> {
    return this.send({ method: 'GET', key }, undefined, signal);
  }

  /** The headers of an object (HEAD); NOT_FOUND when missing. */
  async head(key: string, signal?: AbortSignal): Promise<Headers> {
    return (await this.send({ method: 'HEAD', key }, undefined, signal)).headers;
  }

  async delete(key: string, signal?: AbortSignal): Promise<void> {
    await this.send({ method: 'DELETE', key }, undefined, signal);
  }

  /** Starts a multipart upload; `headers` (the object's metadata) are fixed here, not at completion. */
  async createMultipart(key: string, headers: Record<string, string>, signal?: AbortSignal): Promise<string> {
    const res = await this.send({ method: 'POST', key, query: { uploads: '' }, headers }, undefined, signal);
    return parseInitiateMultipart(await res.text());
  }

  /** Uploads one part and returns its ETag (the bucket must expose ETag by CORS). */
  async uploadPart(key: string, uploadId: string, partNumber: number, body: Uint8Array, signal?: AbortSignal): Promise<string> {
    const res = await this.send({ method: 'PUT', key, query: { partNumber: String(partNumber), uploadId } }, body, signal);
    const etag = res.headers.get('etag');
    if (!etag) {
      throw new PondError('HTTP', `${key}: part ${partNumber} was stored but its ETag is not readable. ${corsAdvice(appOrigin())}`, { detail: { key, partNumber } });
    }
    return etag.replace(/"/g, '');
  }

  async completeMultipart(key: string, uploadId: string, parts: { partNumber: number; etag: string }[], signal?: AbortSignal): Promise<void> {
    const res = await this.send({ method: 'POST', key, query: { uploadId } }, new TextEncoder().encode(completeMultipartXml(parts)), signal);
    // S3 may answer 200 and still fail the completion: the error is then in the body.
    const body = await res.text();
    const { code, message } = parseS3Error(body);
    if (code) throw new PondError('HTTP', `${key}: completing the multipart upload failed: ${code} ${message}`, { detail: { key, code } });
  }

  async abortMultipart(key: string, uploadId: string, signal?: AbortSignal): Promise<void> {
    await this.send({ method: 'DELETE', key, query: { uploadId } }, undefined, signal);
  }

  /** Signs, sends, and maps failures to PondErrors that name the key and the status. */
  private async send(req: PresignRequest, body: Uint8Array | undefined, signal: AbortSignal | undefined, what?: string): Promise<Response> {
    const label = what ?? `${req.method} ${req.key}`;
    if (signal?.aborted) throw new PondError('ABORTED', `${label} was cancelled`, { cause: signal.reason });
    const [signed] = await this.signer.sign([req], signal);
    let res: Response;
    try {
      res = await this.fetchFn(signed!.url, {
        method: req.method,
        headers: signed!.headers ?? req.headers ?? {},
        // A presigned URL is the same for every request signed within one second: the HTTP cache must never
        // answer a verify or restore with bytes fetched before the object changed.
        cache: 'no-store',
        ...(body ? { body: body as Uint8Array<ArrayBuffer> } : {}),
        ...(signal ? { signal } : {}),
      });
    } catch (e) {
      if (signal?.aborted) throw new PondError('ABORTED', `${label} was cancelled`, { cause: signal.reason });
      if (e instanceof PondError) throw e;
      throw new PondError('HTTP', `${label}: no answer from ${new URL(signed!.url).origin} (offline, or blocked by CORS). ${corsAdvice(appOrigin())}`, {
        cause: e,
        detail: { key: req.key, status: 0 },
      });
    }
    if (res.ok) return res;
    throw await httpError(req, res, label);
  }
}

async function httpError(req: PresignRequest, res: Response, label: string): Promise<PondError> {
  const text = await res.text().catch(() => '');
  const { code, message } = parseS3Error(text);
  const detail = { key: req.key, status: res.status, code, method: req.method };
  const s3says = code ? `${code}${message ? `: ${message}` : ''}` : res.statusText;
  if (res.status === 412) {
    return new PondError(
      'CONFLICT',
      `${req.key} already exists in the backup with other content (HTTP 412): another device pushed a commit with the same number. ` +
        'Restore that backup into a new pond to get its changes, rebase this pond onto it (push --rebase), or push this pond as a new pond (push --as-new-pond).',
      { detail },
    );
  }
  if (res.status === 403 && code === 'SignatureDoesNotMatch') {
    return new PondError('HTTP', `${label}: HTTP 403 SignatureDoesNotMatch — the secret key does not belong to the access key id (or the region is wrong)`, { detail });
  }
  if (res.status === 403) {
    return new PondError('HTTP', `${label}: HTTP 403 ${s3says} — the keys are not allowed to do this (check the bucket policy or the keys)`, { detail });
  }
  if (res.status === 404 && code === 'NoSuchBucket') {
    return new PondError('HTTP', `${label}: HTTP 404 NoSuchBucket — check the bucket URL`, { detail });
  }
  if (res.status === 404) return new PondError('NOT_FOUND', `${label}: HTTP 404 ${s3says}`, { detail });
  return new PondError('HTTP', `${label}: HTTP ${res.status} ${s3says}`, { detail });
}

export type { S3Method };
