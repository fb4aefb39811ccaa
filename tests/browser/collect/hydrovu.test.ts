import { beforeEach, describe, expect, inject, it } from 'vitest';
import { collectDevice, HydroVuClient } from '../../../src/collect/hydrovu';
import { excelHtmlToTable } from '../../../src/collect/laketech';

// The test server listens on 127.0.0.1 while the page comes from vitest's own origin: every call is cross-origin,
// so these tests prove the CORS handling (preflight for Authorization, exposed X-ISI-Next-Page and Retry-After).
const url = inject('hydrovuUrl');
const START = Date.UTC(2024, 0, 1) / 1000;
const SURFACE = '9007199254740993';

async function stats(): Promise<Record<string, number>> {
  return (await fetch(`${url}__test/stats`)).json();
}
async function post(path: string, body?: unknown): Promise<void> {
  await fetch(`${url}__test/${path}`, { method: 'POST', body: body === undefined ? null : JSON.stringify(body) });
}
const client = () => new HydroVuClient({ baseUrl: url, clientId: 'test-client', clientSecret: 'test-secret' });

beforeEach(() => post('reset'));

describe('HydroVu client in Chromium', () => {
  it('is cross-origin to the page', () => {
    expect(new URL(url).origin).not.toBe(location.origin);
  });

  it('collects all pages of a device (the paging header is readable) with its big id intact', async () => {
    const c = client();
    const locs = await c.locations();
    expect(locs.map((l) => l.id)).toContain(SURFACE);
    const r = await collectDevice(c, { name: 'Surface', id: SURFACE }, { startTime: START, maxPoints: 1e6 });
    expect(r.table!.numRows).toBe(576);
    expect(r.points).toBe(576 * 3 + 384 + 384);
    expect(await stats()).toMatchObject({ token: 1, friendlynames: 1, data: 3, locations: 2 });
  });

  it('reads Retry-After from a cross-origin 429 and retries', async () => {
    await post('throttle', [1]);
    const c = client();
    const r = await collectDevice(c, { name: 'Vulink', id: '9007199254740001' }, { startTime: START, maxPoints: 1000 });
    expect(r.points).toBe(24);
    expect(c.stats.throttled).toBe(1);
    expect(await stats()).toMatchObject({ throttled: 1, data: 2 });
  });

  it('renews an expired token after a 401', async () => {
    const c = client();
    await c.friendlyNames();
    await post('expire-tokens');
    await c.friendlyNames();
    expect(await stats()).toMatchObject({ token: 2, unauthorized: 1 });
  });

  it('runs in a module worker', async () => {
    const w = new Worker(new URL('./collect.worker.ts', import.meta.url), { type: 'module' });
    const out = await new Promise<Record<string, unknown>>((resolve) => {
      w.onmessage = (e) => resolve(e.data as Record<string, unknown>);
      w.postMessage({ url, id: SURFACE, startTime: START });
    });
    w.terminate();
    expect(out).toMatchObject({ rows: 576, points: 576 * 3 + 384 + 384, hasDomParser: false });
    expect(out.columns).toContain('custom-7f3a.psi');
  });

  it('parses an Excel HTML report with the browser time-zone data', () => {
    const html = '<table id="isi-report"><tr class="dataHeader" isi-data-table=""><td>Date Time</td><td>DO (mg/L) (1)</td></tr>' +
      '<tr class="data" isi-data-row=""><td>2024-11-03 01:30:00</td><td>7.5</td></tr><tr class="data" isi-data-row=""><td>2024-11-03 02:30:00</td><td>7.4</td></tr></table>';
    const { table } = excelHtmlToTable(html, { fileName: 'r.htm', zone: 'America/Los_Angeles' });
    const ts = [...table!.getChild('timestamp')!.toArray()].map((x) => new Date(Number(x) / 1000).toISOString());
    expect(ts).toEqual(['2024-11-03T08:30:00.000Z', '2024-11-03T10:30:00.000Z']);
  });
});

describe('what a browser needs from the API (or a proxy)', () => {
  it('without exposed headers a run sees only the first page (later runs resume after it: slower, nothing lost)', async () => {
    await post('cors', 'no-expose');
    const r = await collectDevice(client(), { name: 'Surface', id: SURFACE }, { startTime: START, maxPoints: 1e6 });
    expect(r.table!.numRows).toBe(192); // one 2-day page of 15-minute rows
    expect((await stats()).data).toBe(1);
  });

  it('without CORS the request fails with a clear HTTP error', async () => {
    await post('cors', 'none');
    const err = await client().friendlyNames().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'HTTP', detail: { path: 'oauth/token', status: 0 } });
    expect(String(err)).toMatch(/no answer from .* CORS/);
  });
});
