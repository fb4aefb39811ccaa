// The suite's record of traffic leaving this machine: an HTTP proxy on 127.0.0.1 that every Chromium of the test run
// is pointed at (tools/chromium.mjs adds --proxy-server when DUCKPOND_EGRESS_GUARD names its port). Chromium never
// proxies loopback, so requests to 127.0.0.1/localhost go straight to the test servers, and anything else (page,
// worker, service worker, any origin, http or https) arrives here: it is written down and refused.
import http from 'node:http';

/** @returns {Promise<{ port: number, attempts: string[], close(): Promise<void> }>} */
export async function startEgressGuard() {
  /** @type {string[]} */
  const attempts = [];
  const server = http.createServer((req, res) => {
    attempts.push(`${req.method} ${req.url}`);
    res.on('error', () => undefined); // a reset mid-answer, as above: the request is recorded, nothing more to do
    res.writeHead(403, { 'content-type': 'text/plain' }).end('DuckPond tests: requests must stay on 127.0.0.1');
  });
  // https: the browser asks the proxy for a tunnel first; the host is all there is to record.
  server.on('connect', (req, socket) => {
    attempts.push(`CONNECT ${req.url}`);
    // Chromium may reset the tunnel before or after reading the refusal (ECONNRESET, EPIPE): the attempt is already
    // written down and the socket is done with, but an 'error' with no listener would end the whole test run.
    socket.on('error', () => undefined);
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    port,
    attempts,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r(undefined)); }),
  };
}
