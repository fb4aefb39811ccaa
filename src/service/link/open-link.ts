// Ponds opened from a link (`#open=<url>`): a read-only Pond over an HttpStore, never one of this device's ponds; its
// "Keep a copy" (a new local pond with the same id, made all or nothing like a restore); and the share link of a
// pond's backup on a public-read prefix.
import { PondError } from '../../core/errors';
import type { Coordinator } from '../../pond/coordination';
import { Pond } from '../../pond/pond';
import { copyPond } from '../../remote/link-copy';
import { objectUrl, pondKeyPrefix } from '../../remote/config';
import { logPath } from '../../pond/layout';
import { HttpStore, corsRule } from '../../storage/http-store';
import { parseLinkBundle, presignedExpiry, signedLink } from '../../remote/link-bundle';
import type { S3Remote } from '../../remote/s3-client';
import type { Store } from '../../core/store';
import { CacheStorageObjectCache, type ObjectCache } from '../../storage/object-cache';
import type { PondHost } from '../../storage/pond-host';
import type { LinkInfo, ProgressCallback, ShareLink } from '../../api/pond-api';
import type { PondNames } from '../settings/pond-names';
import { transferProgress } from '../backup/remotes';

export interface OpenedLink {
  /** The link as opened (a pond folder, or a signed bundle's URL). */
  url: string;
  pond: Pond;
  store: HttpStore;
  /** When a signed link stops working (ISO 8601). */
  expires?: string;
}

/** The cache links use in this context: Cache Storage where there is one (browser), none elsewhere (node tests). */
export function defaultLinkCache(): ObjectCache | undefined {
  return CacheStorageObjectCache.available() ? new CacheStorageObjectCache() : undefined;
}

/**
 * Opens the pond at `url` read-only. For a link the newest commit is never "torn by a crash" (objects arrive whole or
 * not at all), so one that cannot be read, or whose data does not match its hashes, is refused by name instead of
 * being skipped as a local pond's torn tail is.
 */
export async function openLinkPond(url: string, opts: { asOf?: number; fetch?: typeof fetch; cache?: ObjectCache }): Promise<OpenedLink> {
  const common = { ...(opts.fetch ? { fetch: opts.fetch } : {}), ...(opts.cache ? { cache: opts.cache } : {}) };
  let store: HttpStore;
  let expires: string | undefined;
  if (isSignedBundle(url)) {
    const bundle = await fetchBundle(url, opts.fetch ?? ((i, init) => fetch(i, init)));
    expires = bundle.expires;
    store = new HttpStore(bundle.base, { ...common, objects: bundle.objects, expiresAt: new Date(bundle.expires) });
  } else {
    store = new HttpStore(url, common);
  }
  const head = await store.findHead();
  const pond = await Pond.open(store, { readOnly: true, ...(opts.asOf !== undefined ? { asOf: opts.asOf } : {}) });
  if (opts.asOf === undefined && pond.version < head) {
    throw store.refusals[0] ?? new PondError('CORRUPT', `${logPath(head)} at ${store.base}: the newest commit is not whole JSON`, { detail: { key: logPath(head), url: store.urlOf(logPath(head)) } });
  }
  return { url, pond, store, ...(expires ? { expires } : {}) };
}

/** A link with a query string is a signed bundle's presigned URL (a pond folder link has none: HttpStore.checkBase). */
function isSignedBundle(url: string): boolean {
  try {
    return new URL(url).search !== '';
  } catch {
    return false; // HttpStore.checkBase names what is wrong with it
  }
}

/** Fetches and checks a signed link's bundle; an expired link is refused naming when it expired, without a request. */
async function fetchBundle(url: string, fetchFn: typeof fetch) {
  const u = new URL(url);
  const shown = `${u.origin}${u.pathname}`;
  const expiry = presignedExpiry(url);
  if (expiry && Date.now() >= expiry.getTime()) {
    throw new PondError('HTTP', `the link expired at ${expiry.toISOString()}; ask whoever shared it for a new one`, { detail: { url: shown, expired: expiry.toISOString() } });
  }
  let res: Response;
  try {
    res = await fetchFn(url, { cache: 'no-store' });
  } catch (e) {
    if (e instanceof PondError) throw e; // BLOCKED by the app's policy says which origin and why
    throw new PondError('HTTP', `no answer from ${shown}: offline, or the bucket does not allow this app by CORS. ${corsRule(typeof location !== 'undefined' ? location.origin : "the app's origin")}`, { cause: e, detail: { url: shown, noAnswer: true } });
  }
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (res.status === 403) throw new PondError('HTTP', `the link ${shown} is refused (403: its signature is not valid, or it expired): ${new TextDecoder().decode(bytes.slice(0, 300))}`, { detail: { url: shown, status: 403 } });
  if (res.status === 404) throw new PondError('NOT_FOUND', `the link ${shown} names no bundle (404): it was removed from the bucket`, { detail: { url: shown, status: 404 } });
  if (!res.ok) throw new PondError('HTTP', `the link ${shown} answered ${res.status}`, { detail: { url: shown, status: res.status } });
  const bundle = parseLinkBundle(bytes, shown);
  if (new URL(bundle.base).origin !== u.origin) throw new PondError('INVALID_INPUT', `the link ${shown} points at another bucket (${new URL(bundle.base).origin})`, { detail: { url: shown } });
  return bundle;
}

export function linkInfo(link: OpenedLink): LinkInfo {
  const { requests, bytes, cacheHits, rangeIgnored, offline } = link.store.stats;
  return { url: link.url, host: new URL(link.store.base).host, requests, bytes, cacheHits, rangeIgnored, offline, ...(link.expires ? { expires: link.expires } : {}) };
}

export interface KeepCopyDeps { host: PondHost; names: PondNames; coordinator: Coordinator }

/**
 * Copies the linked pond into a NEW local pond with its id (refused when that id is here already: it is this pond,
 * perhaps older, and replacing it is the user's call). The writer lock is held throughout, so no other tab opens or
 * sweeps the folder half made; any failure removes it. Returns the local name.
 */
export async function keepCopy(deps: KeepCopyDeps, link: OpenedLink, asked: string | undefined, w: { signal: AbortSignal; onProgress: ProgressCallback }): Promise<string> {
  const pondId = link.pond.id;
  if ((await deps.host.listPondIds()).includes(pondId)) {
    throw new PondError('ALREADY_EXISTS', `pond ${pondId} is on this device already; open it from the pond menu (or delete it there first)`, { detail: { pondId } });
  }
  const release = await deps.coordinator.requestWriter(pondId, false);
  if (!release) throw new PondError('LOCKED', `another tab is creating or using pond ${pondId}`, { detail: { pondId } });
  try {
    // A folder without a first commit is what a tab that died mid-copy left: we hold its lock now, so it goes.
    if ((await deps.host.listIncompletePondIds()).includes(pondId)) await deps.host.removePond(pondId);
    const target = await deps.host.openStore(pondId);
    try {
      await copyPond(link.store, await link.store.findHead(), target, { pondId, signal: w.signal, onProgress: transferProgress(w.onProgress) });
      const copy = await Pond.open(target, { readOnly: true });
      const name = asked?.trim() || copy.name || `${new URL(link.store.base).host}: pond ${pondId.slice(-6)}`;
      await deps.names.set(pondId, name);
      return name;
    } catch (e) {
      await deps.host.removePond(pondId).catch(() => undefined); // never leave a half pond that would fail to open
      throw e;
    }
  } finally {
    await release();
  }
}

/** The link of a pond's backup on a public-read prefix: `<appUrl>#open=<bucket>/<prefix>/<pond id>/`. */
export function publicShareLink(bucketUrl: string, prefix: string, pondId: string, appUrl: string): ShareLink {
  let app: URL;
  try {
    app = new URL(appUrl);
  } catch {
    throw new PondError('INVALID_INPUT', `not a URL: ${JSON.stringify(appUrl)}`, { detail: { field: 'appUrl' } });
  }
  const pondUrl = `${objectUrl(bucketUrl, pondKeyPrefix(prefix, pondId).replace(/\/$/, ''))}/`;
  app.hash = `open=${encodeURIComponent(pondUrl)}`;
  return {
    pondUrl, appUrl: app.href, kind: 'public',
    needs: `Anyone with the link can read the pond while the bucket lets them: a bucket policy allowing s3:GetObject on ${pondKeyPrefix(prefix, pondId)}* (public-read), and ${corsRule(app.origin)}`,
  };
}

/** A signed link (a bundle of presigned GETs, see remote/link-bundle.ts) to the pond in `store`, valid `seconds`. */
export async function signedShareLink(remote: S3Remote, store: Store, pondId: string, seconds: number, appUrl: string, signal?: AbortSignal): Promise<ShareLink> {
  const app = new URL(publicShareLink(remote.config.bucketUrl, remote.config.prefix, pondId, appUrl).appUrl);
  const made = await signedLink(remote, store, pondId, seconds, signal);
  app.hash = `open=${encodeURIComponent(made.bundleUrl)}`;
  return {
    pondUrl: made.bundleUrl, appUrl: app.href, kind: 'signed', expires: made.expires,
    needs: `Anyone with the link can read version ${made.head} of the pond until ${made.expires} (later pushes are not in it: share again). The bucket needs ${corsRule(app.origin)}`,
  };
}
