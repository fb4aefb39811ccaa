// A plain static file server on 127.0.0.1 (node http) for pond links: serves files under a prefix, with or without
// Range support, with or without CORS, and records every request with the body bytes it sent, so tests can bound what
// a view fetched without asking the code under test. No listing: a GET of a folder is 404, as on a static host.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ServedRequest { method: string; path: string; range?: string; status: number; bytes: number }

export interface StaticPondServer {
  /** Base URL of the served folder, ending in '/'. */
  url: string;
  origin: string;
  /** Every request so far (preflights included), oldest first. */
  log: ServedRequest[];
  /** Replaces or adds a file (a path relative to the served folder). */
  files: Map<string, Uint8Array>;
  /** Answers this status for these paths instead of the file (403 to mimic a private key). */
  statusFor: Map<string, number>;
  close(): Promise<void>;
}

export interface StaticServerOptions {
  /** Honour `Range: bytes=a-b` with 206 (default true); false answers 200 with the whole file, as some hosts do. */
  range?: boolean;
  /** Send CORS headers for any origin (default true). */
  cors?: boolean;
  /** URL path under which the folder is served (default `/ponds/p1/`). */
  prefix?: string;
  /** Content types by file extension and `index.html` for a folder, as a web server serves a site (default false). */
  site?: boolean;
}

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8', js: 'text/javascript', mjs: 'text/javascript', css: 'text/css', wasm: 'application/wasm',
  json: 'application/json', webmanifest: 'application/manifest+json', png: 'image/png', svg: 'image/svg+xml', map: 'application/json',
};

export async function startStaticPondServer(files: Map<string, Uint8Array>, opts: StaticServerOptions = {}): Promise<StaticPondServer> {
  const prefix = opts.prefix ?? '/ponds/p1/';
  const log: ServedRequest[] = [];
  const statusFor = new Map<string, number>();
  const cors = opts.cors === false ? {} : {
    'access-control-allow-origin': '*',
    'access-control-expose-headers': 'Content-Length, Content-Range, ETag, x-amz-meta-sha256',
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const entry: ServedRequest = { method: req.method ?? 'GET', path: decodeURIComponent(url.pathname), status: 0, bytes: 0, ...(req.headers.range ? { range: req.headers.range } : {}) };
    log.push(entry);
    const send = (status: number, headers: Record<string, string>, body?: Uint8Array) => {
      entry.status = status;
      entry.bytes = req.method === 'HEAD' ? 0 : body?.length ?? 0;
      res.writeHead(status, { ...cors, ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method === 'OPTIONS') {
      return send(opts.cors === false ? 404 : 204, opts.cors === false ? {} : { 'access-control-allow-methods': 'GET, HEAD', 'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '*' });
    }
    let path = entry.path.startsWith(prefix) ? entry.path.slice(prefix.length) : undefined;
    if (opts.site && path !== undefined && (path === '' || path.endsWith('/'))) path += 'index.html';
    const forced = path !== undefined ? statusFor.get(path) : undefined;
    if (forced) return send(forced, { 'content-type': 'text/plain' }, new TextEncoder().encode(`status ${forced}`));
    const body = path !== undefined ? files.get(path) : undefined;
    if (!body || (req.method !== 'GET' && req.method !== 'HEAD')) return send(404, { 'content-type': 'text/plain' }, new TextEncoder().encode('not found'));
    const m = opts.range === false ? null : /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (m) {
      const start = Number(m[1]);
      const end = Math.min(m[2] ? Number(m[2]) : body.length - 1, body.length - 1);
      if (start >= body.length) return send(416, { 'content-range': `bytes */${body.length}` });
      return send(206, { 'content-range': `bytes ${start}-${end}/${body.length}`, 'content-length': String(end - start + 1), 'accept-ranges': 'bytes' }, body.subarray(start, end + 1));
    }
    const type = (opts.site && TYPES[path!.split('.').pop() ?? '']) || 'application/octet-stream';
    send(200, { 'content-length': String(body.length), 'content-type': type, ...(opts.range === false ? {} : { 'accept-ranges': 'bytes' }) }, body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}${prefix}`, origin, log, files, statusFor,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
