// Shared pieces of the S3 browser tests: remotes against the local servers, and request logging.
import { inject } from 'vitest';
import { S3Remote } from '../../../src/remote/s3-client';

export interface LoggedRequest { method: string; url: string; status: number }

/** A fetch that records every request it sends (method, URL, status), and can be told to fail on one. */
export function loggingFetch(opts: { failWhen?: (method: string, url: string) => boolean; onFail?: () => void } = {}) {
  const log: LoggedRequest[] = [];
  const f = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const method = init?.method ?? 'GET';
    const url = String(input);
    if (opts.failWhen?.(method, url)) {
      opts.onFail?.();
      throw new DOMException('The operation was aborted.', 'AbortError');
    }
    const res = await fetch(input, init);
    log.push({ method, url, status: res.status });
    return res;
  };
  return { log, fetch: f as typeof fetch };
}

export const KEYS = { kind: 'keys', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', region: 'us-east-1' } as const;

export function keyRemote(f?: typeof fetch, prefix = 'backups'): S3Remote {
  return new S3Remote({ bucketUrl: inject('s3Url'), prefix, signing: KEYS }, f ? { fetch: f } : {});
}

export function newPondId(): string {
  return `p-${crypto.randomUUID()}`;
}

/** Pond paths that a list of logged requests PUT (whole objects, not parts or resume records). */
export function putPaths(log: LoggedRequest[], pondId: string): string[] {
  return log
    .filter((r) => r.method === 'PUT' && !r.url.includes('partNumber=') && !r.url.includes('/tmp/'))
    .map((r) => decodeURIComponent(new URL(r.url).pathname.split(`/${pondId}/`)[1] ?? ''));
}
