// An echo server on 127.0.0.1, for the network-worker tests (tests/browser/service/) and benchmarks (bench/net.bench.ts):
// answers with what it received (method, headers, body size and a byte sum), streams N × 64 KiB on /stream?chunks=N,
// and on /slow sends headers then stalls until the client goes away (/slow-closed counts those closes, so a cancel
// can be seen to reach the connection). CORS allows any origin. Plain JS so tools/bench.mjs can start it too.
import http from 'node:http';

const CORS = { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*', 'access-control-allow-methods': '*', 'access-control-expose-headers': '*' };

/** @returns {Promise<{ url: string, close(): Promise<void> }>} */
export async function startEchoServer() {
  let slowClosed = 0;
  const chunk = (i) => Buffer.alloc(64 * 1024, i % 256);
  const server = http.createServer((req, res) => {
    if (req.method === 'OPTIONS') return void res.writeHead(204, CORS).end();
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/stream') {
      const chunks = Number(url.searchParams.get('chunks') ?? 16);
      res.writeHead(200, { ...CORS, 'content-type': 'application/octet-stream', 'content-length': String(chunks * 64 * 1024) });
      for (let i = 0; i < chunks; i++) res.write(chunk(i));
      return void res.end();
    }
    if (url.pathname === '/slow') {
      res.writeHead(200, CORS);
      res.write('started');
      req.socket.on('close', () => slowClosed++);
      return;
    }
    if (url.pathname === '/slow-closed') return void res.writeHead(200, { ...CORS, 'content-type': 'application/json' }).end(JSON.stringify({ slowClosed }));
    let size = 0;
    let sum = 0;
    req.on('data', (b) => { size += b.length; if (url.searchParams.get('sum') !== 'no') for (const x of b) sum = (sum + x) % 1_000_000_007; });
    req.on('end', () => {
      res.writeHead(Number(url.searchParams.get('status') ?? 200), 'Echoed', { ...CORS, 'content-type': 'application/json', 'x-echo': 'yes' });
      res.end(JSON.stringify({ method: req.method, path: url.pathname, headers: req.headers, size, sum }));
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r(undefined)); }),
  };
}
