// Starts, on 127.0.0.1 only, what the remote browser tests talk to: a real S3 protocol server (s3rver,
// which checks SigV4 signatures and CORS), the reference presign endpoint in front of it, and a tiny
// handler that answers 412 to commit PUTs (s3rver ignores If-None-Match on PUT).
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
// @ts-expect-error s3rver ships no types
import S3rver from '@20minutes/s3rver';
// @ts-expect-error plain .mjs tool
import { createPresignServer } from '../../../tools/presign-server.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Path-style URL of a bucket with CORS for any origin; keys S3RVER / S3RVER. */
    s3Url: string;
    /** A bucket without any CORS configuration. */
    s3NoCorsUrl: string;
    /** Reference presign endpoint signing for s3Url under prefix "viaendpoint". */
    presignUrl: string;
    /** Bucket-like handler: lists nothing, accepts data PUTs, answers 412 to _delta_log PUTs. */
    conflictUrl: string;
    /** s3Url through a proxy on 127.0.0.1 that records every request it passes on (same bucket, same keys). */
    countedS3Url: string;
    /** GET `${countUrl}?key=TEXT`: JSON list of {method, key, query} the proxy passed on whose key or query contains TEXT. */
    countUrl: string;
    /** s3Url through a proxy on 127.0.0.1 that can be stopped and started again on the same port (auto-push tests). */
    gatedS3Url: string;
    /**
     * Control of that proxy, on its own port: POST `${gateUrl}/down` closes its port (connections refused), `/up`
     * listens again; GET `${gateUrl}/requests?key=TEXT` lists what it passed on ({method, key, query, start, end}).
     */
    gateUrl: string;
  }
}

const CORS = `<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin>
<AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod><AllowedMethod>POST</AllowedMethod><AllowedMethod>HEAD</AllowedMethod><AllowedMethod>DELETE</AllowedMethod>
<AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><ExposeHeader>x-amz-meta-sha256</ExposeHeader><MaxAgeSeconds>600</MaxAgeSeconds>
</CORSRule></CORSConfiguration>`;

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function conflictHandler(): http.Server {
  return http.createServer((req, res) => {
    const cors = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'ETag, x-amz-meta-sha256' };
    if (req.method === 'OPTIONS') {
      res.writeHead(200, { ...cors, 'access-control-allow-methods': 'GET, PUT, POST, HEAD, DELETE', 'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '*' });
      return res.end();
    }
    req.resume();
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'GET' && url.searchParams.get('list-type') === '2') {
        res.writeHead(200, { ...cors, 'content-type': 'application/xml' });
        return res.end('<?xml version="1.0"?><ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>');
      }
      if (req.method === 'PUT' && url.pathname.includes('/_delta_log/')) {
        res.writeHead(412, { ...cors, 'content-type': 'application/xml' });
        return res.end('<?xml version="1.0"?><Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>');
      }
      res.writeHead(200, { ...cors, etag: '"x"' });
      res.end();
    });
  });
}

/**
 * A proxy in front of s3rver that counts what reaches the server: the Host header goes through unchanged, so SigV4
 * signatures made for the proxy's address verify at s3rver. `/__requests` answers what it has seen.
 */
function countingProxy(target: number): http.Server {
  const seen: { method: string; key: string; query: string }[] = [];
  return http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/__requests') {
      const text = url.searchParams.get('key') ?? '';
      res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
      return res.end(JSON.stringify(seen.filter((r) => r.key.includes(text) || r.query.includes(text))));
    }
    if (req.method !== 'OPTIONS') seen.push({ method: req.method ?? '', key: decodeURIComponent(url.pathname), query: decodeURIComponent(url.search) });
    const up = http.request({ host: '127.0.0.1', port: target, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => { res.writeHead(502); res.end(); });
    req.pipe(up);
  });
}

interface Passed { method: string; key: string; query: string; start: number; end?: number }

/**
 * A proxy in front of s3rver that can go away: while "down" its port is closed, so the browser's requests fail as
 * they do when the server is stopped; "up" listens on the same port again. It records every request it passes on
 * with when it started and ended (to count each commit's PUTs and see whether two ever ran at once).
 */
function gatedProxy(target: number): { proxy: http.Server; control: http.Server; listen(): Promise<number> } {
  const seen: Passed[] = [];
  let port = 0;
  let seq = 0; // an order of events the test can compare without trusting clocks
  const proxy = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const entry: Passed = { method: req.method ?? '', key: decodeURIComponent(url.pathname), query: decodeURIComponent(url.search), start: ++seq };
    if (req.method !== 'OPTIONS') seen.push(entry);
    const up = http.request({ host: '127.0.0.1', port: target, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
      r.on('end', () => { entry.end = ++seq; });
    });
    up.on('error', () => { entry.end = ++seq; res.writeHead(502); res.end(); });
    req.pipe(up);
  });
  const listenAt = (p: number) => new Promise<number>((resolve, reject) => {
    proxy.once('error', reject);
    proxy.listen(p, '127.0.0.1', () => resolve((proxy.address() as AddressInfo).port));
  });
  const control = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const cors = { 'access-control-allow-origin': '*' };
    const done = (body: unknown) => { res.writeHead(200, { ...cors, 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
    if (url.pathname === '/requests') {
      const text = url.searchParams.get('key') ?? '';
      return done(seen.filter((r) => r.key.includes(text) || r.query.includes(text)));
    }
    if (url.pathname === '/down') {
      if (!proxy.listening) return done({ down: true });
      proxy.close(() => done({ down: true }));
      proxy.closeAllConnections(); // kept-alive sockets too: the next request must find the port closed
      return;
    }
    if (url.pathname === '/up') {
      if (proxy.listening) return done({ up: true });
      return void listenAt(port).then(() => done({ up: true }), (e: Error) => { res.writeHead(500, cors); res.end(e.message); });
    }
    res.writeHead(404, cors);
    res.end();
  });
  return { proxy, control, listen: async () => (port = await listenAt(0)) };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'duckpond-s3rver-'));
  const s3 = new S3rver({
    address: '127.0.0.1', port: 0, silent: true, directory: dir,
    configureBuckets: [{ name: 'ponds', configs: [CORS] }, { name: 'nocors', configs: [] }],
  });
  const { port } = (await s3.run()) as AddressInfo;
  const s3Url = `http://127.0.0.1:${port}/ponds`;
  const presign = createPresignServer({ bucketUrl: s3Url, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', prefix: 'viaendpoint' }) as http.Server;
  const conflict = conflictHandler();
  const counted = countingProxy(port);
  const [presignPort, conflictPort, countedPort] = [await listen(presign), await listen(conflict), await listen(counted)];
  const gated = gatedProxy(port);
  const [gatedPort, gateControlPort] = [await gated.listen(), await listen(gated.control)];
  project.provide('gatedS3Url', `http://127.0.0.1:${gatedPort}/ponds`);
  project.provide('gateUrl', `http://127.0.0.1:${gateControlPort}`);
  project.provide('countedS3Url', `http://127.0.0.1:${countedPort}/ponds`);
  project.provide('countUrl', `http://127.0.0.1:${countedPort}/__requests`);
  project.provide('s3Url', s3Url);
  project.provide('s3NoCorsUrl', `http://127.0.0.1:${port}/nocors`);
  project.provide('presignUrl', `http://127.0.0.1:${presignPort}/`);
  project.provide('conflictUrl', `http://127.0.0.1:${conflictPort}/bucket`);
  return async () => {
    // Connections the browser still holds open would keep close() waiting (and the whole run hanging): cut them.
    presign.closeAllConnections();
    conflict.closeAllConnections();
    counted.closeAllConnections();
    gated.proxy.closeAllConnections();
    gated.control.closeAllConnections();
    if (gated.proxy.listening) await new Promise((r) => gated.proxy.close(r));
    await new Promise((r) => gated.control.close(r));
    await new Promise((r) => counted.close(r));
    await new Promise((r) => presign.close(r));
    await new Promise((r) => conflict.close(r));
    await s3.close();
    await rm(dir, { recursive: true, force: true });
  };
}
