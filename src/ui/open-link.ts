// `#open=<pond url>`: the app's link to a pond's backup layout on another host (a static site or an S3 prefix). The
// fragment never reaches the app's server, so the pond's address stays between the sender and the reader's browser.

/** The pond URL a location's fragment carries (`#open=<url>`, the URL percent-encoded or not), or undefined. */
export function linkFromHash(hash: string): string | undefined {
  if (!hash.startsWith('#open=')) return undefined;
  const raw = hash.slice('#open='.length);
  try {
    const url = decodeURIComponent(raw);
    return url.trim() || undefined;
  } catch {
    return raw; // not percent-encoding after all: the worker says what is wrong with it
  }
}

/**
 * The pond a published static site opens (tools/publish-site.mjs writes `<meta name="duckpond-open" content="pond/">`
 * into its index.html), as an absolute URL next to the page; undefined in the app as usually served.
 */
export function publishedPond(doc: Document = document): string | undefined {
  const folder = doc.querySelector<HTMLMetaElement>('meta[name="duckpond-open"]')?.content.trim();
  return folder ? new URL(folder.endsWith('/') ? folder : `${folder}/`, doc.baseURI).href : undefined;
}

/** Drops `#open=…` from the address bar (a kept copy or a local pond is open now: a reload should not reopen the link). */
export function clearLinkHash(): void {
  if (linkFromHash(location.hash) !== undefined) history.replaceState(history.state, '', `${location.pathname}${location.search}`);
}

/**
 * Waits (up to `ms`) until the service worker controls the page. Only then do the app's workers get the policy that
 * lets the network worker reach the link's host (workers/sw.ts); on a first visit the worker installs and claims
 * the page within seconds. True when controlled; false without a service worker (dev server, or none supported).
 */
export async function serviceWorkerControls(ms: number): Promise<boolean> {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return false;
  const sw = navigator.serviceWorker;
  if (sw.controller) return true;
  return new Promise<boolean>((resolve) => {
    const done = (v: boolean) => { clearTimeout(timer); sw.removeEventListener('controllerchange', onChange); resolve(v); };
    const onChange = () => done(!!sw.controller);
    const timer = setTimeout(() => done(!!sw.controller), ms);
    sw.addEventListener('controllerchange', onChange);
  });
}
