/**
 * Pluggable URL signing: every S3 request is sent to a presigned URL, made either here from the user's
 * keys (aws4fetch, SigV4 query signing) or by a presign endpoint that keeps the keys off the tablet.
 *
 * ## Presign endpoint contract (version 1)
 * `POST <endpoint>` with `Content-Type: application/json` and body
 * `{ "requests": [ { "method": "GET"|"PUT"|"POST"|"HEAD"|"DELETE", "key": "<object key>", "query"?: {…}, "headers"?: {…} } ] }`
 * answered `200` with `{ "urls": [ { "url": "<presigned URL>", "headers"?: {…} } ] }`, one per request, same order.
 * - `key` is the full object key (prefix included); `""` means the bucket itself (used for listing).
 * - `query` holds S3 sub-resource parameters that must be part of the signature: `list-type`, `prefix`,
 *   `start-after`, `continuation-token`, `max-keys`, `uploads`, `uploadId`, `partNumber`.
 * - `headers` are request headers to sign (`x-amz-meta-sha256`, `if-none-match`); the client sends exactly
 *   the `headers` the answer returns (the request's own when the answer has none).
 * - The endpoint decides what is allowed (for example only keys under one prefix) and answers 403 with
 *   `{ "error": "…" }` otherwise. `tools/presign-server.mjs` is a reference implementation.
 */
import { AwsClient } from 'aws4fetch';
import { PondError } from '../core/errors';
import { objectUrl, type EndpointSigning, type KeySigning } from './config';

export type S3Method = 'GET' | 'PUT' | 'POST' | 'HEAD' | 'DELETE';

export interface PresignRequest {
  method: S3Method;
  key: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** Seconds the URL stays valid (default PRESIGN_EXPIRES; SigV4 allows at most 7 days). Only the local signer honours it. */
  expires?: number;
}

export interface PresignedUrl {
  url: string;
  headers?: Record<string, string>;
}

/** Turns requests into presigned URLs. */
export interface UrlSigner {
  sign(requests: PresignRequest[], signal?: AbortSignal): Promise<PresignedUrl[]>;
}

/** Seconds a presigned URL stays valid: long enough for one large part on a slow field link. */
export const PRESIGN_EXPIRES = 600;

/** Builds the unsigned URL of a request (shared by the local signer and the reference server). */
export function requestUrl(bucketUrl: string, req: PresignRequest): string {
  const url = new URL(objectUrl(bucketUrl, req.key));
  for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, v);
  url.searchParams.set('X-Amz-Expires', String(req.expires ?? PRESIGN_EXPIRES));
  return url.href;
}

/** SigV4 query presigning with keys held in this browser. */
export class KeySigner implements UrlSigner {
  private readonly client: AwsClient;
  constructor(private readonly bucketUrl: string, keys: KeySigning) {
    this.client = new AwsClient({
      accessKeyId: keys.accessKeyId,
      secretAccessKey: keys.secretAccessKey,
      ...(keys.sessionToken ? { sessionToken: keys.sessionToken } : {}),
      region: keys.region,
      service: 's3',
    });
  }

  async sign(requests: PresignRequest[]): Promise<PresignedUrl[]> {
    return Promise.all(
      requests.map(async (req) => {
        const signed = await this.client.sign(requestUrl(this.bucketUrl, req), {
          method: req.method,
          headers: req.headers ?? {},
          aws: { signQuery: true },
        });
        return { url: signed.url, headers: req.headers ?? {} };
      }),
    );
  }
}

/** Asks a presign endpoint (contract above), in batches so a push of many blobs costs few round trips. */
export class EndpointSigner implements UrlSigner {
  constructor(private readonly endpoint: EndpointSigning, private readonly fetchFn: typeof fetch = fetch, private readonly batch = 100) {}

  async sign(requests: PresignRequest[], signal?: AbortSignal): Promise<PresignedUrl[]> {
    const out: PresignedUrl[] = [];
    for (let i = 0; i < requests.length; i += this.batch) {
      const chunk = requests.slice(i, i + this.batch);
      let res: Response;
      try {
        res = await this.fetchFn(this.endpoint.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...this.endpoint.headers },
          body: JSON.stringify({ requests: chunk }),
          ...(signal ? { signal } : {}),
        });
      } catch (e) {
        if (signal?.aborted) throw new PondError('ABORTED', 'signing was cancelled', { cause: signal.reason });
        if (e instanceof PondError) throw e; // already says why (e.g. BLOCKED by the app's policy)
        throw new PondError('HTTP', `presign endpoint ${this.endpoint.url} did not answer (offline, or it does not allow this origin by CORS)`, { cause: e, detail: { url: this.endpoint.url } });
      }
      const text = await res.text();
      if (!res.ok) {
        throw new PondError('HTTP', `presign endpoint ${this.endpoint.url} answered ${res.status}: ${text.slice(0, 200)}`, { detail: { url: this.endpoint.url, status: res.status } });
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new PondError('HTTP', `presign endpoint ${this.endpoint.url} answered with something that is not JSON`, { detail: { url: this.endpoint.url } });
      }
      const urls = (body as { urls?: unknown }).urls;
      if (!Array.isArray(urls) || urls.length !== chunk.length) {
        throw new PondError('HTTP', `presign endpoint ${this.endpoint.url} must answer { urls: [...] } with ${chunk.length} entries`, { detail: { url: this.endpoint.url } });
      }
      for (const [j, u] of urls.entries()) {
        const item = u as Partial<PresignedUrl> | null;
        if (!item || typeof item.url !== 'string' || !/^https?:\/\//.test(item.url)) {
          throw new PondError('HTTP', `presign endpoint gave no usable URL for ${chunk[j]!.method} ${chunk[j]!.key}`, { detail: { key: chunk[j]!.key } });
        }
        const headers = item.headers && typeof item.headers === 'object' ? item.headers : chunk[j]!.headers;
        out.push({ url: item.url, ...(headers ? { headers } : {}) });
      }
    }
    return out;
  }
}
