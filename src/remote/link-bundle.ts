// A signed link to a pond in a private bucket. Presigned URLs are per object and a reader cannot sign, so the link is
// a bundle: a small JSON object, uploaded next to the backup, mapping each pond file (as of the shared version) to a
// presigned GET, itself reached by a presigned GET. Every URL is valid for the same time, at most S3's 7 days. The
// reader sees the pond as of the version shared (later pushes are not in the bundle: share again to show them).
import { uuidv7 } from 'uuidv7';
import { PondError, throwIfAborted } from '../core/errors';
import type { Store } from '../core/store';
import { KeySigner } from './signer';
import { objectKey, objectUrl, pondKeyPrefix } from './config';
import { committedPondFiles, logVersionOf } from './layout';
import { listRemotePond } from './push';
import type { S3Remote } from './s3-client';

/** SigV4's limit for a presigned URL: 7 days. */
export const MAX_LINK_SECONDS = 7 * 24 * 3600;

export interface LinkBundle {
  format: 'duckpond-link';
  version: 1;
  pondId: string;
  /** The pond's folder in the bucket, unsigned: what the reader's cache keys and banner use. */
  base: string;
  /** The newest commit in the bundle. */
  head: number;
  /** When every URL of the bundle stops working (ISO 8601, UTC). */
  expires: string;
  /** Pond path → presigned GET URL. */
  objects: Record<string, string>;
}

export interface SignedLink { bundleUrl: string; expires: string; head: number; files: number }

/**
 * Signs the pond's files (those of `store`, which must all be in the backup already: push first) for `seconds`,
 * uploads the bundle under the backup's `tmp/links/` (outside what restore, verify and push look at) and returns the
 * bundle's own presigned URL. Needs keys in this app: a presign endpoint signs for minutes, not days.
 */
export async function signedLink(remote: S3Remote, store: Store, pondId: string, seconds: number, signal?: AbortSignal): Promise<SignedLink> {
  if (!Number.isSafeInteger(seconds) || seconds < 1 || seconds > MAX_LINK_SECONDS) {
    throw new PondError('INVALID_INPUT', `a signed link is valid for 1 second to 7 days (${MAX_LINK_SECONDS} s), not ${seconds} s`, { detail: { field: 'seconds' } });
  }
  const s = remote.config.signing;
  if (s.kind !== 'keys') throw new PondError('UNSUPPORTED', 'a signed link needs the remote\'s keys in this app: a presign endpoint signs URLs for minutes, not days', { detail: { field: 'signing' } });
  const { files } = await committedPondFiles(store, signal);
  const listed = await listRemotePond(remote, pondId, signal);
  const missing = [...files].filter(([p, size]) => listed.get(p) !== size).map(([p]) => p).sort();
  if (missing.length) {
    throw new PondError('INVALID_INPUT', `push first: ${missing.length} file${missing.length === 1 ? ' is' : 's are'} not in the backup yet (${missing[0]}${missing.length > 1 ? ', …' : ''})`, { detail: { missing: missing.slice(0, 20) } });
  }
  throwIfAborted(signal, 'share link');
  const paths = [...files.keys()].sort();
  const head = Math.max(...paths.map((p) => logVersionOf(p) ?? -1));
  const signer = new KeySigner(remote.config.bucketUrl, s);
  const signed = await signer.sign(paths.map((p) => ({ method: 'GET', key: objectKey(remote.config.prefix, pondId, p), expires: seconds })));
  const expires = new Date(Date.now() + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const bundle: LinkBundle = {
    format: 'duckpond-link', version: 1, pondId, head, expires,
    base: `${objectUrl(remote.config.bucketUrl, pondKeyPrefix(remote.config.prefix, pondId).replace(/\/$/, ''))}/`,
    objects: Object.fromEntries(paths.map((p, i) => [p, signed[i]!.url])),
  };
  const key = objectKey(remote.config.prefix, pondId, `tmp/links/${uuidv7()}.json`);
  await remote.put(key, new TextEncoder().encode(JSON.stringify(bundle)), { 'content-type': 'application/json' }, signal);
  const [own] = await signer.sign([{ method: 'GET', key, expires: seconds }]);
  return { bundleUrl: own!.url, expires, head, files: paths.length };
}

/** When a presigned URL stops working (X-Amz-Date + X-Amz-Expires), or undefined for a URL that is not presigned. */
export function presignedExpiry(url: string): Date | undefined {
  const q = new URL(url).searchParams;
  const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(q.get('X-Amz-Date') ?? '');
  const seconds = Number(q.get('X-Amz-Expires'));
  if (!date || !Number.isSafeInteger(seconds)) return undefined;
  const [, y, mo, d, h, mi, se] = date.map(Number) as [number, number, number, number, number, number, number];
  return new Date(Date.UTC(y, mo - 1, d, h, mi, se) + seconds * 1000);
}

/** A bundle as fetched, checked: its shape, its URLs (https or http, all on its base's origin) and its expiry. */
export function parseLinkBundle(bytes: Uint8Array, from: string): LinkBundle {
  const bad = (why: string) => new PondError('INVALID_INPUT', `the link ${from} is not a DuckPond link bundle: ${why}`, { detail: { url: from } });
  let b: Partial<LinkBundle>;
  try {
    b = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as Partial<LinkBundle>;
  } catch {
    throw bad('not JSON');
  }
  if (b?.format !== 'duckpond-link' || b.version !== 1) throw bad('no format "duckpond-link" version 1');
  if (typeof b.pondId !== 'string' || typeof b.base !== 'string' || !Number.isSafeInteger(b.head) || typeof b.expires !== 'string' || !b.objects || typeof b.objects !== 'object') throw bad('fields missing');
  let origin: string;
  try {
    origin = new URL(b.base).origin;
  } catch {
    throw bad('its base is not a URL');
  }
  for (const [path, url] of Object.entries(b.objects)) {
    if (typeof url !== 'string') throw bad(`${path} has no URL`);
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw bad(`${path} has no URL`);
    }
    if (u.origin !== origin) throw bad(`${path} points at ${u.origin}, not the bundle's bucket ${origin}`);
  }
  return b as LinkBundle;
}
