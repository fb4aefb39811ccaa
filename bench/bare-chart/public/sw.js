// The bare page's own service worker (scope /bench/bare-chart/): it keeps the page's files in Cache Storage and
// answers from there (whatever the Vary of the stored answer: module scripts are asked for with an Origin), so the
// page starts offline the way the app does from its precache. The file list is written
// by bench/ui.bench.mjs after the build (files.json).
self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const files = await (await fetch('files.json', { cache: 'no-store' })).json();
    await (await caches.open('bare-chart')).addAll(files);
    await self.skipWaiting();
  })());
});
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('fetch', (event) => {
  event.respondWith(caches.match(event.request, { ignoreSearch: true, ignoreVary: true }).then((hit) => hit ?? fetch(event.request)));
});
