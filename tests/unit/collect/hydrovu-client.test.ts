import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Table } from 'apache-arrow';
import { isPondError } from '../../../src/core/errors';
import { collectDevice, HydroVuClient, retryAfterMs } from '../../../src/collect/hydrovu';
import { defaultLocations, readingValue, startHydroVuServer, type HydroVuTestServer } from './hydrovu-test-server';

const SURFACE = { name: 'Surface', id: '9007199254740993' };
const START = Date.UTC(2024, 0, 1) / 1000;
const DAY = 86_400;
let server: HydroVuTestServer;

beforeAll(async () => {
  server = await startHydroVuServer({ retryAfterS: 1 });
});
afterAll(() => server.close());
beforeEach(() => server.reset());

function client(extra: Partial<ConstructorParameters<typeof HydroVuClient>[0]> = {}) {
  return new HydroVuClient({ baseUrl: server.url, clientId: 'test-client', clientSecret: 'test-secret', ...extra });
}
const seconds = (t: Table) => [...t.getChild('timestamp')!.toArray()].map((x) => Number(x) / 1e6);
const column = (t: Table, name: string) => t.getChild(name)!.toArray() as Float64Array;
const valid = (t: Table, name: string, i: number) => t.getChild(name)!.isValid(i);

describe('HydroVu client against the test server', () => {
  it('lists locations over several pages, ids exact', async () => {
    const c = client();
    const locs = await c.locations();
    expect(locs.map((l) => l.id)).toEqual(['9007199254740993', '9007199254740001', '1234']);
    expect(locs[0]).toMatchObject({ name: 'AT500 Surface', gps: { latitude: 39.4, longitude: -123.8 } });
    expect(server.stats().locations).toBe(2);
  });

  it('collects a device over all data pages into one wide table, parameters changing and unordered', async () => {
    const c = client();
    const progress: number[] = [];
    const r = await collectDevice(c, SURFACE, { startTime: START, maxPoints: 1e6, onProgress: (p) => progress.push(p.pages) });
    const t = r.table!;
    expect(t.schema.fields.map((f) => f.name)).toEqual([
      'timestamp',
      'DO.mg/L',
      'Specific Conductivity.µS/cm',
      'Temperature.C',
      'custom-7f3a.psi', // no friendly name: the parameter id stands in
      'pH.pH',
    ]);
    expect(String(t.schema.fields[0]!.type)).toBe('Timestamp<MICROSECOND>');
    const ts = seconds(t);
    expect(ts.length).toBe((6 * DAY) / 900);
    expect(ts[0]).toBe(START);
    expect(ts.every((x, i) => i === 0 || x - ts[i - 1]! === 900)).toBe(true);
    const i3 = ts.indexOf(START + 2 * DAY);
    const i5 = ts.indexOf(START + 4 * DAY);
    expect(valid(t, 'DO.mg/L', i3 - 1)).toBe(false);
    expect(column(t, 'DO.mg/L')[i3]).toBe(readingValue('19', START + 2 * DAY));
    expect(column(t, 'pH.pH')[i5 - 1]).toBe(readingValue('ph-x', START + 4 * DAY - 900));
    expect(valid(t, 'pH.pH', i5)).toBe(false);
    expect(column(t, 'Temperature.C')[10]).toBe(readingValue('1', START + 10 * 900));
    // T, SC and custom on all 576 rows; pH on days 1-4 and DO on days 3-6 (384 rows each).
    expect(r.points).toBe(576 * 3 + 384 + 384);
    expect(progress).toEqual([1, 2, 3]);
    expect(server.stats()).toMatchObject({ token: 1, friendlynames: 1, data: 3 });
    expect(r.requests).toBe(5);
  });

  it('reuses the token across calls and renews it when the clock passes its expiry', async () => {
    let now = Date.now();
    const c = client({ now: () => now });
    await c.friendlyNames();
    await c.locations();
    await collectDevice(c, { name: 'Vulink', id: '9007199254740001' }, { startTime: START, maxPoints: 1000 });
    expect(server.stats().token).toBe(1);
    now += 3600_000 - 30_000; // inside the 60 s margin before expiry
    await c.friendlyNames();
    expect(server.stats().token).toBe(2);
    expect(server.stats().unauthorized).toBe(0);
  });

  it('sends the credentials as HTTP Basic (form-encoded) or as form fields', async () => {
    const odd = await startHydroVuServer({ clientId: 'id with space', clientSecret: 's:é+/' });
    try {
      for (const tokenAuth of ['basic', 'body'] as const) {
        const c = new HydroVuClient({ baseUrl: odd.url, clientId: 'id with space', clientSecret: 's:é+/', tokenAuth });
        expect((await c.friendlyNames()).parameters.get('19')).toBe('DO');
      }
      expect(odd.stats().token).toBe(2);
    } finally {
      await odd.close();
    }
  });

  it('retries once with a fresh token when the server expires it early, then gives up', async () => {
    const c = client();
    await c.friendlyNames();
    server.expireTokens();
    await c.friendlyNames();
    expect(server.stats()).toMatchObject({ token: 2, unauthorized: 1, friendlynames: 2 });
    const both = client();
    await Promise.all([both.friendlyNames(), both.locations()]);
    expect(server.stats().token).toBe(3); // one token request for two concurrent calls
    const bad = client({ clientSecret: 'wrong' });
    await expect(bad.friendlyNames()).rejects.toThrow(/HydroVu oauth\/token: HTTP 401.*check the client id and secret/);
  });

  it('honours 429 Retry-After and succeeds; bounded retries fail with the path', async () => {
    server.setThrottle([1, 2]);
    const c = client();
    const r = await collectDevice(c, { name: 'Vulink', id: '9007199254740001' }, { startTime: START, maxPoints: 1000 });
    expect(r.points).toBe(24);
    expect(c.stats.throttled).toBe(2);
    expect(server.stats()).toMatchObject({ throttled: 2, data: 3 });

    server.reset();
    server.setThrottle([1, 2, 3, 4, 5]);
    const impatient = client({ maxRetries: 1 });
    const err = await collectDevice(impatient, SURFACE, { startTime: START, maxPoints: 10 }).catch((e: unknown) => e);
    expect(isPondError(err, 'HTTP')).toBe(true);
    expect(String(err)).toMatch(/v1\/locations\/9007199254740993\/data: HTTP 429.*still rate-limited after 1 retries/);
    expect((err as { detail: unknown }).detail).toEqual({ path: 'v1/locations/9007199254740993/data', status: 429 });
    expect(server.stats().data).toBe(2);
  });

  it('cancels a Retry-After wait', async () => {
    server.setThrottle([1]);
    const ac = new AbortController();
    const c = client({ maxRetryAfterS: 600 });
    const run = collectDevice(c, SURFACE, { startTime: START, maxPoints: 10, signal: ac.signal });
    while (server.stats().throttled === 0) await new Promise((r) => setTimeout(r, 10));
    ac.abort();
    await expect(run).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('treats 404 as no new data', async () => {
    const since = (START + 6 * DAY) * 1e6;
    const r = await collectDevice(client(), SURFACE, { since, maxPoints: 100 });
    expect(r).toMatchObject({ table: null, points: 0 });
    expect(server.stats()).toMatchObject({ notFound: 1, data: 1 });
  });

  it('resumes after since and splits a long history at maxPoints without losing or repeating rows', async () => {
    const c = client();
    const full = (await collectDevice(c, SURFACE, { startTime: START, maxPoints: 1e6 })).table!;
    const since = (START + DAY) * 1e6;
    const resumed = (await collectDevice(c, SURFACE, { since, maxPoints: 1e6 })).table!;
    expect(seconds(resumed)[0]).toBe(START + DAY + 900);

    const parts: number[][] = [];
    let last: number | undefined;
    let total = 0;
    for (let run = 0; run < 20; run++) {
      const r = await collectDevice(c, SURFACE, { ...(last === undefined ? { startTime: START } : { since: last }), maxPoints: 1000 });
      if (!r.table) break;
      expect(r.points).toBeLessThanOrEqual(1000);
      total += r.points;
      const s = seconds(r.table);
      parts.push(s);
      last = s[s.length - 1]! * 1e6;
    }
    expect(parts.length).toBeGreaterThan(2);
    expect(parts.flat()).toEqual(seconds(full));
    expect(total).toBe(576 * 3 + 384 + 384);
  });

  it('starts a device without data from now minus the default window, never from the epoch', async () => {
    const loc = defaultLocations()[2]!; // data 400 days before 2024
    const r = await collectDevice(client(), { name: 'Old', id: loc.id }, { maxPoints: 100, now: () => (START + 10 * DAY) * 1000 });
    expect(r.table).toBeNull();
    expect(server.stats().notFound).toBe(1);
  });
});

describe('HydroVu client with untrusted answers', () => {
  const stub = (status: number, body: string, headers: Record<string, string> = {}) =>
    new HydroVuClient({
      baseUrl: 'https://hv.example.org/api/',
      clientId: 'a',
      clientSecret: 'b',
      fetch: async (input) => {
        const url = String(input);
        if (url.endsWith('oauth/token')) return new Response('{"access_token":"t","expires_in":3600}');
        return new Response(body, { status, headers });
      },
    });
  it('rejects wrong shapes naming the path', async () => {
    await expect(stub(200, '{"parameters":[]}').friendlyNames()).rejects.toThrow(/v1\/sispec\/friendlynames: unexpected answer: parameters is not an object/);
    await expect(stub(200, '{"id":1}').locations()).rejects.toThrow(/v1\/locations\/list: unexpected answer: not an array/);
    await expect(stub(200, '{"parameters":[{"parameterId":"1","unitId":"1","readings":[{"timestamp":"x","value":1}]}]}').dataPage('5', 0, ''))
      .rejects.toThrow(/v1\/locations\/5\/data: unexpected answer: parameters\[0\]\.readings\[0\] has no numeric timestamp/);
    await expect(stub(200, '<html>').locations()).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
  it('reports error statuses with path and status, and unreachable servers as HTTP 0', async () => {
    const err = await stub(500, 'boom').friendlyNames().catch((e: unknown) => e);
    expect(String(err)).toMatch(/HydroVu v1\/sispec\/friendlynames: HTTP 500.*boom/);
    expect((err as { detail: unknown }).detail).toEqual({ path: 'v1/sispec/friendlynames', status: 500 });
    const down = new HydroVuClient({ baseUrl: 'http://127.0.0.1:9/', clientId: 'a', clientSecret: 'b' });
    await expect(down.friendlyNames()).rejects.toThrow(/oauth\/token: no answer from http:\/\/127\.0\.0\.1:9\/.*CORS/);
  });
  it('reads Retry-After as seconds or a date, bounded', () => {
    expect(retryAfterMs('2', 0, 120)).toBe(2000);
    expect(retryAfterMs(null, 0, 120)).toBe(1000);
    expect(retryAfterMs('soon', 0, 120)).toBe(1000);
    expect(retryAfterMs('99999', 0, 120)).toBe(120_000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000, 120)).toBe(6000);
    expect(retryAfterMs(new Date(0).toUTCString(), 4_000, 120)).toBe(0);
  });
  it('follows a repeating cursor no further than once', async () => {
    const c = stub(200, '{"parameters":[{"parameterId":"1","unitId":"1","readings":[{"timestamp":100,"value":1}]}]}', { 'X-ISI-Next-Page': 'same' });
    const names = { parameters: new Map(), units: new Map() };
    await expect(collectDevice(c, { name: 'x', id: '5' }, { startTime: 1, maxPoints: 100, names })).rejects.toThrow(/next-page cursor repeats/);
  });
});
