#!/usr/bin/env node
// Reference presign endpoint for DuckPond backups: keeps S3 keys on a server you control, hands tablets
// short-lived presigned URLs. Contract (also in src/remote/signer.ts):
//   POST /  {"requests":[{"method","key","query"?,"headers"?}]}  ->  200 {"urls":[{"url","headers"}]}
// Only keys under PRESIGN_PREFIX are signed; only the S3 sub-resources and headers DuckPond uses pass.
// Run: S3_BUCKET_URL=https://bucket.s3.eu-west-1.amazonaws.com S3_REGION=eu-west-1 AWS_ACCESS_KEY_ID=… \
//      AWS_SECRET_ACCESS_KEY=… PRESIGN_PREFIX=backups PRESIGN_TOKEN=… ALLOWED_ORIGIN=https://app.example \
//      node tools/presign-server.mjs [port]
// Dependencies: node's http and aws4fetch only.
import http from 'node:http';
import { AwsClient } from 'aws4fetch';

const METHODS = new Set(['GET', 'PUT', 'POST', 'HEAD', 'DELETE']);
const QUERY = new Set(['list-type', 'prefix', 'continuation-token', 'start-after', 'max-keys', 'uploads', 'uploadId', 'partNumber']);
const HEADERS = new Set(['x-amz-meta-sha256', 'if-none-match']);
const EXPIRES = 600;

/** Checks one request against the policy; returns an error text or undefined. */
export function refuse(req, prefix) {
  if (!req || typeof req !== 'object') return 'each request must be an object';
  if (!METHODS.has(req.method)) return `method ${req.method} is not allowed`;
  if (typeof req.key !== 'string' || /(^|\/)\.\.?(\/|$)|\\|[\u0000-\u001f]/.test(req.key)) return 'key is invalid';
  const base = prefix ? `${prefix}/` : '';
  const q = req.query ?? {};
  if (typeof q !== 'object') return 'query must be an object';
  for (const [k, v] of Object.entries(q)) if (!QUERY.has(k) || typeof v !== 'string') return `query parameter ${k} is not allowed`;
  const h = req.headers ?? {};
  if (typeof h !== 'object') return 'headers must be an object';
  for (const [k, v] of Object.entries(h)) if (!HEADERS.has(k.toLowerCase()) || typeof v !== 'string') return `header ${k} is not allowed`;
  if (req.key === '') {
    // The bucket itself: only listing, and only inside the prefix.
    if (req.method !== 'GET' || q['list-type'] !== '2' || typeof q.prefix !== 'string' || !q.prefix.startsWith(base)) return 'only listing inside the prefix is allowed on the bucket';
    return undefined;
  }
  if (!req.key.startsWith(base)) return `key must start with ${base}`;
  return undefined;
}

function objectUrl(bucketUrl, key, query) {
  const url = new URL(key ? `${bucketUrl}/${key.split('/').map(encodeURIComponent).join('/')}` : bucketUrl);
  for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
  url.searchParams.set('X-Amz-Expires', String(EXPIRES));
  return url.href;
}

/** Creates (does not start) the server. Options: bucketUrl, region, accessKeyId, secretAccessKey, prefix, token, allowedOrigin. */
export function createPresignServer(o) {
  const bucketUrl = String(o.bucketUrl).replace(/\/+$/, '');
  const prefix = String(o.prefix ?? '').replace(/^\/+|\/+$/g, '');
  const aws = new AwsClient({ accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey, region: o.region, service: 's3' });
  const origin = o.allowedOrigin ?? '*';
  return http.createServer(async (req, res) => {
    const send = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json', 'access-control-allow-origin': origin, vary: 'Origin' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-origin': origin, 'access-control-allow-methods': 'POST',
        'access-control-allow-headers': 'content-type, authorization', 'access-control-max-age': '600', vary: 'Origin',
      });
      return res.end();
    }
    if (req.method !== 'POST') return send(405, { error: 'POST only' });
    if (o.token && req.headers.authorization !== `Bearer ${o.token}`) return send(401, { error: 'missing or wrong bearer token' });
    let text = '';
    for await (const chunk of req) {
      text += chunk;
      if (text.length > 1 << 20) return send(413, { error: 'request body over 1 MiB' });
    }
    let body;
    try { body = JSON.parse(text); } catch { return send(400, { error: 'body is not JSON' }); }
    const requests = body?.requests;
    if (!Array.isArray(requests) || requests.length === 0 || requests.length > 1000) return send(400, { error: 'requests must be an array of 1 to 1000 items' });
    for (const [i, r] of requests.entries()) {
      const why = refuse(r, prefix);
      if (why) return send(403, { error: `request ${i}: ${why}` });
    }
    try {
      const urls = await Promise.all(requests.map(async (r) => {
        const signed = await aws.sign(objectUrl(bucketUrl, r.key, r.query), { method: r.method, headers: r.headers ?? {}, aws: { signQuery: true } });
        return { url: signed.url, headers: r.headers ?? {} };
      }));
      send(200, { urls });
    } catch (e) {
      send(500, { error: `signing failed: ${e.message}` });
    }
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const env = process.env;
  for (const k of ['S3_BUCKET_URL', 'S3_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) {
    if (!env[k]) { console.error(`set ${k}`); process.exit(2); }
  }
  const port = Number(process.argv[2] ?? env.PORT ?? 8787);
  createPresignServer({
    bucketUrl: env.S3_BUCKET_URL, region: env.S3_REGION, accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
    prefix: env.PRESIGN_PREFIX ?? '', token: env.PRESIGN_TOKEN, allowedOrigin: env.ALLOWED_ORIGIN,
  }).listen(port, env.HOST ?? '127.0.0.1', () => console.log(`presign endpoint on http://${env.HOST ?? '127.0.0.1'}:${port}/`));
}
