// The service worker: precaches the app shell, the duckdb-wasm eh bundle and parquet-wasm (so the app starts and
// queries offline), answers navigations with the cached index.html, and stamps the app's Content-Security-Policy on
// navigations and worker scripts. A dedicated worker takes the policy of its own script response, not the page's
// <meta>, so this is what keeps every worker at `connect-src 'self'` — except the network worker
// (workers/net.worker.ts), whose connect-src also lists the origins the user configured (src/service/settings/connect-origins.ts).
/// <reference lib="webworker" />
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, matchPrecache, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { IdbConnectOrigins } from '../src/service/settings/connect-origins';
import { contentSecurityPolicy } from '../src/core/csp';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | { url: string; revision: string | null })[] };

const NET_WORKER = /\/net\.worker-[\w-]+\.js$/;
const connectOrigins = new IdbConnectOrigins();

function withPolicy(response: Response, policy: string): Response {
  const headers = new Headers(response.headers);
  headers.set('Content-Security-Policy', policy);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

// Worker scripts of this app, from the precache (or the network before precaching finished), with the policy.
// Registered before precacheAndRoute so it wins over the plain precache route for these URLs.
registerRoute(
  ({ request, url }) => request.destination === 'worker' && url.origin === self.location.origin,
  async ({ request, url }) => {
    const response = (await matchPrecache(url.pathname)) ?? (await fetch(request));
    const origins = NET_WORKER.test(url.pathname) ? await connectOrigins.all() : [];
    return withPolicy(response, contentSecurityPolicy(origins));
  },
);

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

const indexHtml = createHandlerBoundToURL('index.html');
registerRoute(new NavigationRoute(async (options) => withPolicy(await indexHtml(options), contentSecurityPolicy())));

// "Update available — reload": workbox-window's messageSkipWaiting() posts this when the user chooses to reload.
self.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});
// The first install takes the open page at once, so a remote configured in that first visit is reachable without a
// reload; an update still waits for the user's "Reload" (skipWaiting above), so a page never mixes two releases.
clientsClaim();
