// HydroVu collection through the real pond worker (comlink → worker → OPFS, DuckDB) against the HydroVu-shaped
// test server: mknod + run, resuming, a failed run, where the secret is (not) kept, changing parameter sets.
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import type { PondClient } from '../../../src/ui/pond-client';
import { connect } from '../../helpers/pond-clients';

const url = inject('hydrovuUrl');
const SURFACE = '9007199254740993';
const VULINK = '9007199254740001';
const SECRET = 'test-secret';
const SURFACE_SERIES = `/devices/${SURFACE}/Surface.series`;
const VULINK_SERIES = `/devices/${VULINK}/Vulink.series`;

const config = (maxPoints = 100_000) => `baseUrl: ${url}
clientId: test-client
maxPointsPerRun: ${maxPoints}
startTime: 2024-01-01T00:00:00Z
devices:
  - { name: Vulink, id: ${VULINK}, active: true }
  - { name: Surface, id: "${SURFACE}", active: true }
  - { name: Old logger, id: 1234, active: false }
`;


async function stats(): Promise<Record<string, number>> {
  return (await fetch(`${url}__test/stats`)).json();
}
async function post(path: string, body?: unknown): Promise<void> {
  await fetch(`${url}__test/${path}`, { method: 'POST', body: body === undefined ? null : JSON.stringify(body) });
}
beforeEach(() => post('reset'));

const rows = async (c: PondClient, sql: string, path: string) => tableFromIPC((await c.api.query(sql, { source: path })).ipc).toArray().map((r) => r.toJSON());

async function collector(c: PondClient, name: string, maxPoints?: number) {
  const info = await c.api.createPond(name);
  await c.api.mknod('hydrovu', '/hydrovu', config(maxPoints), { secret: SECRET });
  return info;
}

describe('HydroVu collector through the pond worker', () => {
  it('mknod + run writes one version per device to devices/{id}/{Name}.series in one transaction', async () => {
    const c = connect();
    await collector(c, 'hv-run');
    const before = (await c.api.info()).version;
    const r = await c.api.runNode('/hydrovu');
    expect((await c.api.info()).version).toBe(before + 1);
    expect(r.written.map((w) => [w.path, w.version, w.rows])).toEqual([[VULINK_SERIES, 1, 24], [SURFACE_SERIES, 1, 576]]);
    expect(r.points).toBe(24 + 576 * 3 + 384 + 384);
    expect((await c.api.log({ limit: 1 }))[0]!.command).toBe('run /hydrovu');
    const d = await c.api.describe(SURFACE_SERIES);
    expect(d.timestampColumn).toBe('timestamp');
    expect(d.columns.map((x) => x.name)).toEqual(['timestamp', 'DO.mg/L', 'Specific Conductivity.µS/cm', 'Temperature.C', 'custom-7f3a.psi', 'pH.pH']);
    expect(d.versions[0]).toMatchObject({ minEventTime: Date.UTC(2024, 0, 1) * 1000, maxEventTime: (Date.UTC(2024, 0, 7) - 900_000) * 1000 });
    // The inactive device was not asked for: 1 page for Vulink, 3 for Surface.
    expect(await stats()).toMatchObject({ data: 4, token: 1 });
    const nodes = await c.api.configuredNodes();
    expect(nodes).toEqual([expect.objectContaining({ path: '/hydrovu', factory: 'hydrovu', hasSecret: true, activeDevices: 2 })]);
    expect((await c.api.collectorStatus()).nodes).toEqual([expect.objectContaining({ path: '/hydrovu', ok: true, running: false })]);
  });

  it('a second run resumes after the stored max time: no duplicate timestamps, and nothing new means no commit', async () => {
    const c = connect();
    await collector(c, 'hv-resume', 1000);
    await c.api.runNode('/hydrovu');
    const first = await c.api.versions(SURFACE_SERIES);
    expect(first).toHaveLength(1);
    expect(Number(first[0]!.attrs.rows)).toBeLessThan(576);
    for (let i = 0; i < 4; i++) await c.api.runNode('/hydrovu');
    const vs = await c.api.versions(SURFACE_SERIES);
    for (let i = 1; i < vs.length; i++) expect(vs[i]!.minEventTime!).toBeGreaterThan(vs[i - 1]!.maxEventTime!);
    expect(await rows(c, 'SELECT count(*)::INTEGER AS n, count(DISTINCT timestamp)::INTEGER AS d FROM source', SURFACE_SERIES)).toEqual([{ n: 576, d: 576 }]);
    // Every reading arrived exactly once: the non-null cells add up to what the server has.
    expect(await rows(c, 'SELECT (count("Temperature.C") + count("pH.pH") + count("DO.mg/L"))::INTEGER AS n FROM source', SURFACE_SERIES)).toEqual([{ n: 576 + 384 + 384 }]);
    await post('reset');
    const version = (await c.api.info()).version;
    const r = await c.api.runNode('/hydrovu');
    expect(r.written).toEqual([]);
    expect((await c.api.info()).version).toBe(version);
    // One data request per device, each answered 404 "no data at or after startTime".
    expect(await stats()).toMatchObject({ data: 2, notFound: 2 });
  });

  it('a run that fails half-way commits nothing, and its error is kept in the status', async () => {
    const c = connect();
    await collector(c, 'hv-fail');
    const version = (await c.api.info()).version;
    // Vulink's one page is data request 1; every Surface request after it is throttled until the client gives up.
    await post('throttle', [2, 3, 4, 5, 6, 7, 8]);
    const err = await c.api.runNode('/hydrovu').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'HTTP' });
    expect((await stats()).throttled).toBeGreaterThanOrEqual(5);
    expect((await c.api.info()).version).toBe(version);
    expect(await c.api.list('/devices/**')).toEqual([]);
    const st = (await c.api.collectorStatus()).nodes.find((n) => n.path === '/hydrovu');
    expect(st).toMatchObject({ ok: false, running: false, message: expect.stringMatching(/429|Retry|throttl/i) });
    // The next run, with the server well again, collects everything.
    await post('throttle', []);
    expect((await c.api.runNode('/hydrovu')).written).toHaveLength(2);
  });

  it('a run without a stored secret fails clearly and commits nothing', async () => {
    const c = connect();
    await c.api.createPond('hv-nosecret');
    await c.api.mknod('hydrovu', '/hydrovu', config());
    const version = (await c.api.info()).version;
    const err = await c.api.runNode('/hydrovu').catch((e: unknown) => e);
    expect(String((err as Error).message)).toMatch(/no HydroVu client secret/);
    expect((await c.api.info()).version).toBe(version);
  });

  it('a device whose parameters change gets null cells where a parameter was absent', async () => {
    const c = connect();
    await collector(c, 'hv-nulls', 1000);
    for (let i = 0; i < 4; i++) await c.api.runNode('/hydrovu');
    const day = (d: number) => `make_timestamp(${Date.UTC(2024, 0, d) * 1000}::BIGINT)`;
    const q = `SELECT count(*)::INTEGER AS n, count("DO.mg/L")::INTEGER AS do_, count("pH.pH")::INTEGER AS ph FROM source WHERE timestamp >= ${day(1)} AND timestamp < ${day(3)}
      UNION ALL SELECT count(*)::INTEGER, count("DO.mg/L")::INTEGER, count("pH.pH")::INTEGER FROM source WHERE timestamp >= ${day(5)}`;
    // DO appears on day 3; pH ends after day 4.
    expect(await rows(c, q, SURFACE_SERIES)).toEqual([{ n: 192, do_: 0, ph: 192 }, { n: 192, do_: 192, ph: 0 }]);
  });
});

describe('the secret stays out of the pond', () => {
  it('no pond file, version, log entry or stored byte holds it', async () => {
    const c = connect();
    const { id } = await collector(c, 'hv-secret');
    await c.api.runNode('/hydrovu');
    await c.api.exec('mknod hydrovu /hv2 --config host:hv.yaml --secret test-secret', { files: [{ name: 'hv.yaml', data: new Blob([config()]) }] });
    for (const n of await c.api.list('/**')) {
      if (n.type === 'directory') continue;
      for (const v of await c.api.versions(n.path)) {
        const bytes = await c.api.readFile(n.path, { version: v.version });
        expect(new TextDecoder().decode(bytes)).not.toContain(SECRET);
        expect(JSON.stringify(v.attrs)).not.toContain(SECRET);
      }
    }
    for (const t of await c.api.log()) expect(t.command).not.toContain(SECRET);
    expect((await c.api.configuredNodes()).every((n) => n.hasSecret && !n.config.includes(SECRET))).toBe(true);
    // Raw bytes of every file the pond keeps in OPFS (log, oplog Parquet, blobs), read once the worker is gone.
    c.worker.terminate();
    const needle = new TextEncoder().encode(SECRET);
    let files = 0;
    const scan = async (dir: FileSystemDirectoryHandle): Promise<void> => {
      for await (const [, h] of (dir as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries()) {
        if (h.kind === 'directory') await scan(h as FileSystemDirectoryHandle);
        else {
          files++;
          const b = new Uint8Array(await (await (h as FileSystemFileHandle).getFile()).arrayBuffer());
          expect(indexOf(b, needle), `${h.name} holds the secret`).toBe(-1);
        }
      }
    };
    await scan(await (await (await navigator.storage.getDirectory()).getDirectoryHandle('ponds')).getDirectoryHandle(id));
    expect(files).toBeGreaterThan(3);
  });
});

function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
