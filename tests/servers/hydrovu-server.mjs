// A HydroVu-shaped API for tests, built from the facts in docs/duckpond-original.md (not from the real service).
// Plain node:http, no dependencies. Start it from a test (`startHydroVuServer(opts)`) or standalone:
//   node tests/servers/hydrovu-server.mjs [port]   → prints its URL; client id "test-client", secret "test-secret".
import http from 'node:http';
import { pathToFileURL } from 'node:url';

const DAY = 86_400;

/** Friendly names; parameter "custom-7f3a" is deliberately missing so clients fall back to the id. */
export const FRIENDLY_NAMES = {
  parameters: { 1: 'Temperature', 2: 'Specific Conductivity', 4: 'Pressure', 19: 'DO', 'ph-x': 'pH' },
  units: { 1: 'C', 2: 'µS/cm', 17: 'psi', 117: 'mg/L', 245: 'pH' },
};

/** Default locations: one with an id just above 2^53 whose parameter set changes over time, one plain. */
export function defaultLocations() {
  const start = Date.UTC(2024, 0, 1) / 1000;
  return [
    {
      id: '9007199254740993', // 2^53 + 1: JSON.parse would read it as …992
      name: 'AT500 Surface',
      start,
      end: start + 6 * DAY, // exclusive
      intervalS: 900,
      parameters: [
        { parameterId: '1', unitId: '1' },
        { parameterId: '2', unitId: '2' },
        { parameterId: '19', unitId: '117', from: start + 2 * DAY }, // appears on day 3
        { parameterId: 'ph-x', unitId: '245', until: start + 4 * DAY }, // string id; ends after day 4
        { parameterId: 'custom-7f3a', unitId: '17', customParameter: true }, // no friendly name
      ],
    },
    { id: '9007199254740001', name: 'Vulink', start, end: start + DAY, intervalS: 3600, parameters: [{ parameterId: '4', unitId: '17' }] },
    { id: '1234', name: 'Old logger', start: start - 400 * DAY, end: start - 399 * DAY, intervalS: 3600, parameters: [{ parameterId: '1', unitId: '1' }] },
  ];
}

/** The deterministic reading of `parameterId` at unix second `t` (tests compute expectations with it). */
export function readingValue(parameterId, t) {
  let h = 0;
  for (const ch of String(parameterId)) h = (h * 31 + ch.charCodeAt(0)) % 1000;
  return Math.round((h / 10 + 5 * Math.sin(t / 43_200)) * 1000) / 1000;
}

function parameterActive(p, t) {
  return (p.from === undefined || t >= p.from) && (p.until === undefined || t < p.until);
}

function encodeCursor(o) {
  return Buffer.from(JSON.stringify(o)).toString('base64url');
}
function decodeCursor(s) {
  try {
    return JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
}

/**
 * Starts the server on 127.0.0.1 (port 0 = any free port).
 * Options: clientId, clientSecret, tokenLifetimeS (3600), locations, pageSeconds (2 days), locationsPageSize (2),
 * throttle: 1-based numbers of data requests to answer with 429, retryAfterS (1), cors ('full' | 'no-expose' | 'none').
 * Test-only endpoints (CORS too, so a browser test can use them): GET /__test/stats, POST /__test/reset,
 * POST /__test/expire-tokens, POST /__test/throttle (body: JSON array of data-request numbers),
 * POST /__test/cors (body: JSON "full" | "no-expose" | "none").
 */
export async function startHydroVuServer(options = {}) {
  const opts = {
    clientId: 'test-client',
    clientSecret: 'test-secret',
    tokenLifetimeS: 3600,
    locations: defaultLocations(),
    pageSeconds: 2 * DAY,
    locationsPageSize: 2,
    throttle: [],
    retryAfterS: 1,
    port: 0,
    ...options,
  };
  const tokens = new Map(); // token → expiry ms
  let tokenSeq = 0;
  let throttle = new Set(opts.throttle);
  // 'full' as a browser-friendly API or proxy; 'no-expose' hides X-ISI-Next-Page and Retry-After from scripts;
  // 'none' sends no CORS headers at all (what a browser meets if the real API does not opt in).
  let cors = opts.cors ?? 'full';
  const counts = { total: 0, options: 0, token: 0, friendlynames: 0, locations: 0, data: 0, throttled: 0, unauthorized: 0, notFound: 0 };

  function send(res, status, body, headers = {}) {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(text);
  }

  function authorized(req) {
    const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    const exp = m ? tokens.get(m[1]) : undefined;
    return exp !== undefined && Date.now() < exp;
  }

  async function body(req) {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    return Buffer.concat(chunks).toString('utf8');
  }

  async function handleToken(req, res) {
    counts.token++;
    const form = new URLSearchParams(await body(req));
    let id = form.get('client_id');
    let secret = form.get('client_secret');
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    if (basic) {
      // RFC 6749 2.3.1: id and secret are form-encoded, then joined by ':' and base64-encoded.
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const unform = (s) => decodeURIComponent(s.replace(/\+/g, ' '));
      id = unform(decoded.slice(0, colon));
      secret = unform(decoded.slice(colon + 1));
    }
    if (form.get('grant_type') !== 'client_credentials') return send(res, 400, { error: 'unsupported_grant_type' });
    if (id !== opts.clientId || secret !== opts.clientSecret) return send(res, 401, { error: 'invalid_client' });
    const token = `tok-${++tokenSeq}-${Math.random().toString(36).slice(2)}`;
    tokens.set(token, Date.now() + opts.tokenLifetimeS * 1000);
    send(res, 200, { access_token: token, token_type: 'bearer', expires_in: opts.tokenLifetimeS, scope: 'read' });
  }

  function handleLocations(req, res) {
    counts.locations++;
    const startPage = req.headers['x-isi-start-page'] || '';
    const offset = startPage ? decodeCursor(startPage)?.offset : 0;
    if (typeof offset !== 'number') return send(res, 400, { error: 'bad page cursor' });
    const slice = opts.locations.slice(offset, offset + opts.locationsPageSize);
    // Ids are written as bare JSON numbers, exactly as large as the real ones.
    const json = `[${slice
      .map((l) => `{"id":${l.id},"name":${JSON.stringify(l.name)},"description":"test location","gps":{"latitude":39.4,"longitude":-123.8}}`)
      .join(',')}]`;
    const more = offset + opts.locationsPageSize < opts.locations.length;
    send(res, 200, json, more ? { 'X-ISI-Next-Page': encodeCursor({ offset: offset + opts.locationsPageSize }) } : {});
  }

  function handleData(req, res, url, locationId) {
    counts.data++;
    if (throttle.has(counts.data)) {
      counts.throttled++;
      return send(res, 429, { error: 'Too Many Requests' }, { 'Retry-After': String(opts.retryAfterS) });
    }
    const loc = opts.locations.find((l) => l.id === locationId);
    if (!loc) return send(res, 404, { error: 'location not found' });
    const startTime = Number(url.searchParams.get('startTime'));
    if (!Number.isFinite(startTime)) return send(res, 400, { error: 'startTime is required' });
    const endTime = url.searchParams.has('endTime') ? Number(url.searchParams.get('endTime')) : Infinity;
    const first = loc.start + Math.max(0, Math.ceil((startTime - loc.start) / loc.intervalS)) * loc.intervalS;
    if (first >= loc.end || first > endTime) {
      counts.notFound++;
      return send(res, 404, { error: 'no data' });
    }
    const startPage = req.headers['x-isi-start-page'] || '';
    const pageStart = startPage ? decodeCursor(startPage)?.t : first;
    if (typeof pageStart !== 'number') return send(res, 400, { error: 'bad page cursor' });
    const pageEnd = Math.min(pageStart + opts.pageSeconds, loc.end, endTime + 1);
    const params = [];
    for (const p of loc.parameters) {
      const readings = [];
      for (let t = pageStart; t < pageEnd; t += loc.intervalS) if (parameterActive(p, t)) readings.push({ timestamp: t, value: readingValue(p.parameterId, t) });
      if (readings.length) params.push(`{"parameterId":${JSON.stringify(p.parameterId)},"unitId":${JSON.stringify(p.unitId)},"customParameter":${!!p.customParameter},"readings":${JSON.stringify(readings)}}`);
    }
    // Parameters come in no fixed order: rotate by page so clients cannot rely on it.
    const k = Math.floor(pageStart / opts.pageSeconds) % Math.max(1, params.length);
    const rotated = [...params.slice(k), ...params.slice(0, k)].reverse();
    const more = pageEnd < loc.end && pageEnd <= endTime;
    send(res, 200, `{"locationId":${loc.id},"parameters":[${rotated.join(',')}]}`, more ? { 'X-ISI-Next-Page': encodeCursor({ t: pageEnd }) } : {});
  }

  async function handleTest(req, res, path) {
    if (path === '/__test/stats') return send(res, 200, { ...counts });
    if (req.method !== 'POST') return send(res, 405, { error: 'POST only' });
    if (path === '/__test/reset') {
      for (const k of Object.keys(counts)) counts[k] = 0;
      throttle = new Set();
      tokens.clear();
      cors = opts.cors ?? 'full';
      return send(res, 200, { ok: true });
    }
    if (path === '/__test/expire-tokens') {
      tokens.clear();
      return send(res, 200, { ok: true });
    }
    if (path === '/__test/throttle') {
      throttle = new Set(JSON.parse((await body(req)) || '[]'));
      return send(res, 200, { ok: true });
    }
    if (path === '/__test/cors') {
      cors = JSON.parse(await body(req));
      return send(res, 200, { ok: true });
    }
    send(res, 404, { error: 'no such test endpoint' });
  }

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    if (cors !== 'none' || path.startsWith('/__test/')) {
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, X-ISI-Start-Page');
      if (cors === 'full' || path.startsWith('/__test/')) {
        res.setHeader('Access-Control-Expose-Headers', 'X-ISI-Next-Page, Retry-After, x-isi-requests-this-minute');
      }
    }
    try {
      if (path.startsWith('/__test/')) return await handleTest(req, res, path);
      counts.total++;
      if (req.method === 'OPTIONS') {
        counts.options++;
        res.writeHead(204);
        return res.end();
      }
      res.setHeader('x-isi-requests-this-minute', String(counts.total));
      if (path === '/oauth/token' && req.method === 'POST') return await handleToken(req, res);
      if (req.method !== 'GET') return send(res, 405, { error: 'method not allowed' });
      if (!authorized(req)) {
        counts.unauthorized++;
        return send(res, 401, { error: 'invalid_token' });
      }
      if (path === '/v1/sispec/friendlynames') {
        counts.friendlynames++;
        return send(res, 200, FRIENDLY_NAMES);
      }
      if (path === '/v1/locations/list') return handleLocations(req, res);
      const m = /^\/v1\/locations\/(\d+)\/data$/.exec(path);
      if (m) return handleData(req, res, url, m[1]);
      send(res, 404, { error: 'not found' });
    } catch (e) {
      send(res, 500, { error: String(e) });
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    /** Request counts by endpoint (a copy). */
    stats: () => ({ ...counts }),
    reset: () => {
      for (const k of Object.keys(counts)) counts[k] = 0;
      throttle = new Set();
      tokens.clear();
      cors = opts.cors ?? 'full';
    },
    /** Invalidates every issued token (the server-side expiry a client learns of by a 401). */
    expireTokens: () => tokens.clear(),
    /** Answers these data requests (1-based, counted since the last reset) with 429. */
    setThrottle: (numbers) => {
      throttle = new Set(numbers);
    },
    close: () => new Promise((resolve) => {
      server.closeAllConnections?.();
      server.close(() => resolve());
    }),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const s = await startHydroVuServer({ port: Number(process.argv[2] ?? 0) });
  console.log(s.url);
}
