// A static file server on 127.0.0.1 that emulates a slow link for benchmarks of pond links (bench/link.bench.ts):
// every answer waits one round trip (50 ms by default) and bodies share one pipe of 10 Mbit/s (1.25 MB/s), paced in
// 16 KiB slices. Files arrive by PUT /files/<path> at full speed (setting up is not what is measured); GET and HEAD
// of /files/<path> answer them, with Range (206). CORS for any origin. Plain JS so tools/bench.mjs can start it.
import http from 'node:http';

const CORS = {
  'access-control-allow-origin': '*', 'access-control-allow-methods': 'GET, HEAD, PUT', 'access-control-allow-headers': '*',
  'access-control-expose-headers': 'Content-Length, Content-Range, ETag',
};
const SLICE = 16 * 1024;

const wait = (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** One pipe of `bytesPerSecond` that all answers share: `send(res, body)` writes `body` slice by slice, each after the
 * pipe has carried the slices before it, then ends `res`. */
function pacedPipe(bytesPerSecond) {
  let pipeFreeAt = 0; // when the shared pipe can take the next slice (ms, performance.now clock)
  return async function send(res, body) {
    for (let at = 0; at < body.length; at += SLICE) {
      const slice = body.subarray(at, Math.min(at + SLICE, body.length));
      const start = Math.max(performance.now(), pipeFreeAt);
      pipeFreeAt = start + (slice.length / bytesPerSecond) * 1000;
      await wait(pipeFreeAt - performance.now());
      if (!res.write(slice)) await new Promise((r) => res.once('drain', r));
    }
    res.end();
  };
}

/** @returns {Promise<{ url: string, close(): Promise<void> }>} */
export async function startThrottleServer({ rttMs = 50, bytesPerSecond = 1_250_000 } = {}) {
  const files = new Map();
  const paced = pacedPipe(bytesPerSecond);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = decodeURIComponent(url.pathname).replace(/^\/files\//, '');
    if (req.method === 'OPTIONS') return void res.writeHead(204, CORS).end();
    if (req.method === 'PUT') {
      const parts = [];
      req.on('data', (c) => parts.push(c));
      req.on('end', () => { files.set(path, Buffer.concat(parts)); res.writeHead(200, CORS).end(); });
      return;
    }
    void (async () => {
      await wait(rttMs);
      const body = files.get(path);
      if (!body) return void res.writeHead(404, CORS).end();
      const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
      if (m) {
        const start = Number(m[1]);
        const end = Math.min(m[2] ? Number(m[2]) : body.length - 1, body.length - 1);
        if (start >= body.length) return void res.writeHead(416, { ...CORS, 'content-range': `bytes */${body.length}` }).end();
        res.writeHead(206, { ...CORS, 'content-range': `bytes ${start}-${end}/${body.length}`, 'content-length': String(end - start + 1) });
        return req.method === 'HEAD' ? void res.end() : paced(res, body.subarray(start, end + 1));
      }
      res.writeHead(200, { ...CORS, 'content-length': String(body.length), 'accept-ranges': 'bytes' });
      return req.method === 'HEAD' ? void res.end() : paced(res, body);
    })();
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}/files/`,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}

/**
 * The same slow link in front of another server on 127.0.0.1 (s3rver, for bench/remote.bench.ts's pull over a field
 * link): each request is forwarded as it came (its Host header too, so S3 signatures still hold), its answer waits one
 * round trip and its body is paced through the shared pipe. Request bodies pass at full speed.
 * @returns {Promise<{ url: string, close(): Promise<void> }>}
 */
export async function startThrottleProxy({ target, rttMs = 50, bytesPerSecond = 1_250_000 }) {
  const to = new URL(target);
  if (to.hostname !== '127.0.0.1') throw new Error(`throttle proxy: ${target} is not on 127.0.0.1`);
  const paced = pacedPipe(bytesPerSecond);
  const server = http.createServer((req, res) => {
    const parts = [];
    req.on('data', (c) => parts.push(c));
    req.on('end', () => {
      const upstream = http.request({ host: '127.0.0.1', port: to.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
        const chunks = [];
        up.on('data', (c) => chunks.push(c));
        up.on('end', async () => {
          await wait(rttMs);
          const headers = { ...up.headers };
          delete headers['transfer-encoding']; // the body is sent whole with its length below
          const body = Buffer.concat(chunks);
          if (req.method !== 'HEAD') headers['content-length'] = String(body.length);
          res.writeHead(up.statusCode ?? 502, headers);
          if (req.method === 'HEAD') res.end();
          else await paced(res, body);
        });
      });
      upstream.on('error', (e) => { res.writeHead(502).end(String(e)); });
      upstream.end(Buffer.concat(parts));
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = new URL(target);
  url.port = String(server.address().port);
  return {
    url: url.href.replace(/\/$/, target.endsWith('/') ? '/' : ''),
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}
