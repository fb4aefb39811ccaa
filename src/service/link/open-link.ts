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
import { CacheStorageObjectCache, type ObjectCache } from '../../storage/object-cache';
import type { PondHost } from '../../storage/pond-host';
import type { LinkInfo, ProgressCallback, ShareLink } from '../../api/pond-api';
import type { PondNames } from '../settings/pond-names';
import { transferProgress } from '../backup/remotes';

export interface OpenedLink {
  pond: Pond;
  store: HttpStore;
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
  const store = new HttpStore(url, { ...(opts.fetch ? { fetch: opts.fetch } : {}), ...(opts.cache ? { cache: opts.cache } : {}) });
  const head = await store.findHead();
  const pond = await Pond.open(store, { readOnly: true, ...(opts.asOf !== undefined ? { asOf: opts.asOf } : {}) });
  if (opts.asOf === undefined && pond.version < head) {
    throw store.refusals[0] ?? new PondError('CORRUPT', `${logPath(head)} at ${store.base}: the newest commit is not whole JSON`, { detail: { key: logPath(head), url: store.urlOf(logPath(head)) } });
  }
  return { pond, store };
}

export function linkInfo(store: HttpStore): LinkInfo {
  const { requests, bytes, cacheHits, rangeIgnored, offline } = store.stats;
  return { url: store.base, host: new URL(store.base).host, requests, bytes, cacheHits, rangeIgnored, offline };
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
