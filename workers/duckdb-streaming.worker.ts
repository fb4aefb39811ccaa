// DuckDB's own worker, started through this classic script so that its wasm is compiled from a fetch() response.
// duckdb-wasm 1.32 pipes the wasm response through a TransformStream (to count bytes for a progress callback we
// do not use) and compiles `new Response(stream)`: a response made in JS has no URL, so Chromium keeps no compiled
// code for it and every start compiles the 34 MB module again. Without TransformStream it takes its other branch,
// `WebAssembly.instantiateStreaming(fetch(url))`, whose compiled code Chromium caches with the response (HTTP
// cache, or the service worker's Cache Storage entry) and reuses on later starts, once V8 has optimised enough of
// it to offer it (tests/e2e/wasm-code-cache.spec.ts traces the hit; BENCHMARKS.md, "DuckDB's wasm code cache").
// The real worker script's URL comes as the worker's name (src/query/duckdb.ts): a query string would miss the
// service worker's precache.
// No imports: this must stay one classic script (importScripts is not allowed in module workers).
(() => {
  const scope = globalThis as unknown as { TransformStream?: unknown; name: string; location: Location; importScripts(...urls: string[]): void };
  scope.TransformStream = undefined;
  const script = scope.name;
  if (!script) throw new Error('duckdb-streaming.worker: no DuckDB worker script given as the worker name');
  scope.importScripts(new URL(script, scope.location.href).href);
})();
