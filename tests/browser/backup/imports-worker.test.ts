// Cross-pond imports through the REAL pond worker (comlink → worker → OPFS, DuckDB) against s3rver on 127.0.0.1:
// tablet C (producer.worker.ts: its own worker, OPFS folder and coordinator) pushes; office B imports C at /imports/c
// and queries, charts and derives over a local series and an imported one; C pushes more and B's import-pull shows
// it; B's backup and zip hold the mount's config, not C's data; removing the import leaves B's answers as they were.
import type * as Comlink from 'comlink';
import { describe, expect, inject, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import type { PondApi } from '../../../src/api/pond-api';
import { readCentralDirectory } from '../../../src/remote/zip-reader';
import { connect } from '../../helpers/pond-clients';
import { csv, dayRows, expected, producer } from './producer';

const KEYS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', region: 'us-east-1' };
const uniq = () => `i${crypto.randomUUID().slice(0, 8)}`;

async function rows(api: Comlink.Remote<PondApi> | PondApi, sql: string, bindings: Record<string, string>) {
  return tableFromIPC((await api.query(sql, bindings)).ipc).toArray().map((r) => r.toJSON() as Record<string, unknown>);
}
const SUMMARY = 'SELECT count(*)::INTEGER AS n, min(temp) AS lo, max(temp) AS hi, sum(temp) AS total FROM s';
/** Hour-by-hour differences of B's local series (day 1, base 100) and C's (day 1, base 0): computed from the rows. */
const DIFF = 'SELECT count(*)::INTEGER AS n, sum(l.temp - c.temp) AS diff FROM l JOIN c USING (timestamp)';
const expectedDiff = () => {
  const c = new Map(dayRows(1, 0).map((r) => [r.ts, r.temp]));
  const pairs = dayRows(1, 100).filter((r) => c.has(r.ts));
  return { n: pairs.length, diff: pairs.reduce((s, r) => s + (r.temp - c.get(r.ts)!), 0) };
};

describe('importing another pond through the pond worker', () => {
  it('B imports C at /imports/c: SQL, a chart and a derived join over a local and an imported series; C pushes more and B sees it', async () => {
    const c = producer();
    const b = connect();
    const remote = uniq();
    const config = { name: remote, bucketUrl: inject('s3Url'), prefix: 'imports', ...KEYS };
    const { id: cId } = await c.createPond('tablet C');
    await c.copyIn([csv(1, 0)], '/site/temp.series', { format: 'series' });
    // A derived node of C's own: read through the mount, its pattern names C's path, not B's.
    await c.mknod('sql-derived-table', '/site/hottest', 'patterns:\n  s: /site/temp.series\nquery: SELECT max(temp)::DOUBLE AS t FROM s\n');
    // A file past the inline limit (64 KiB) is a blob of C's: the one kind of file a copy of C's data would show as.
    const big = new Uint8Array(100_000).map((_, i) => (i * 7919) % 251);
    await c.writeFile('/site/raw.bin', new Blob([big]));
    await c.remoteAdd(config);
    const cSent = (await c.push(remote)).sent;

    const { id: bId } = await b.api.createPond('office B');
    await b.api.copyIn([csv(1, 100)], '/local/temp.series', { format: 'series' });
    await b.api.remoteAdd(config);
    const progress: string[] = [];
    const made = await b.longOp((op) => b.api.importPond(remote, cId, '/imports/c', op), { onProgress: (_d, _t, what) => void progress.push(what) });
    expect(made).toMatchObject({ path: '/imports/c', pondId: cId, before: null, version: (await c.info()).version, committed: true });
    expect(progress.length).toBeGreaterThan(0);
    expect((await b.api.list('/imports/c/site/*')).map((n) => [n.path, n.type])).toEqual([['/imports/c/site/hottest', 'file:data'], ['/imports/c/site/raw.bin', 'file:data'], ['/imports/c/site/temp.series', 'file:series']]);
    expect(await b.api.readFile('/imports/c/site/raw.bin')).toEqual(big);

    const imported = '/imports/c/site/temp.series';
    expect(await rows(b.api, SUMMARY, { s: imported })).toEqual([expected([[1, 0]])]);
    expect(await rows(b.api, DIFF, { l: '/local/temp.series', c: imported })).toEqual([expectedDiff()]);
    expect(await rows(b.api, 'SELECT t FROM s', { s: '/imports/c/site/hottest' })).toEqual([{ t: expected([[1, 0]]).hi }]);
    const d = await b.api.describe(imported);
    expect(d.versions.map((v) => v.rows)).toEqual([24]);

    const first = Date.parse(dayRows(1, 0)[0]!.ts) * 1000, last = Date.parse(dayRows(1, 0)[23]!.ts) * 1000;
    const plot = await b.api.plot(imported, ['temp'], 200);
    expect(plot.extent).toEqual([first, last]);
    expect(Array.from(plot.x)).toEqual(dayRows(1, 0).map((r) => Date.parse(r.ts) / 1000)); // seconds (the chart's); 24 points: fewer than the width
    expect(plot.y.temp).toEqual(dayRows(1, 0).map((r) => r.temp));

    await b.api.mknod('timeseries-join', '/derived/both', 'inputs:\n  - {pattern: /local/temp.series, scope: B}\n  - {pattern: /imports/c/site/temp.series, scope: C}\n');
    const joined = await rows(b.api, 'SELECT count(*)::INTEGER AS n, sum("B.temp" - "C.temp") AS diff FROM j', { j: '/derived/both' });
    expect(joined).toEqual([expectedDiff()]);

    // Writes into the mount are refused naming it.
    const refused = await b.api.copyIn([csv(5, 0)], '/imports/c/site/temp.series', { format: 'series' }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'READ_ONLY' });
    expect((refused as Error).message).toContain('inside the import /imports/c');

    // C pushes a second day; B's import-pull brings it, in one commit of B.
    await c.copyIn([csv(2, 10)], '/site/temp.series', { format: 'series' });
    cSent.push(...(await c.push(remote)).sent);
    const bBefore = (await b.api.info()).version;
    const refreshed = await b.longOp((op) => b.api.refreshImports(op));
    expect(refreshed).toEqual([expect.objectContaining({ path: '/imports/c', before: made.version, version: (await c.info()).version, committed: true })]);
    expect((await b.api.info()).version).toBe(bBefore + 1);
    expect(await rows(b.api, SUMMARY, { s: imported })).toEqual([expected([[1, 0], [2, 10]])]);
    expect(await rows(b.api, 'SELECT t FROM s', { s: '/imports/c/site/hottest' })).toEqual([{ t: expected([[1, 0], [2, 10]]).hi }]);
    expect((await b.api.plot(imported, ['temp'], 200)).extent).toEqual([first, Date.parse(dayRows(2, 10)[23]!.ts) * 1000]);

    // B's backup and zip: B's own files with the mount's config, none of C's blobs (content-addressed: same name, same bytes).
    const cBlobs = cSent.filter((p) => p.startsWith('blobs/'));
    expect(cBlobs).toHaveLength(1);
    const bSent = (await b.api.push(remote)).sent;
    expect(bSent.filter((p) => cBlobs.includes(p))).toEqual([]);
    expect((await b.api.remotePonds(remote)).sort()).toEqual([bId, cId].sort());
    const report = await b.api.fsck();
    expect(report).toMatchObject({ ok: true, imports: [expect.objectContaining({ path: '/imports/c', remote, pondId: cId, version: (await c.info()).version })] });
    const zip = await b.api.exportZip();
    const entries = (await readCentralDirectory(zip.blob)).entries.map((e) => e.name);
    expect(entries.some((n) => n.includes('_delta_log/'))).toBe(true);
    expect(entries.filter((n) => cBlobs.some((blob) => n.endsWith(blob)))).toEqual([]);

    // On C's device (which has C itself) B's zip reads the mount from C's own pond: the config travelled, not the data.
    const there = await c.importZip(zip.blob);
    expect(there.id).toBe(bId);
    await c.openPond(bId);
    expect(await c.listImports()).toEqual([expect.objectContaining({ path: '/imports/c', pondId: cId, version: (await b.api.listImports())[0]!.version })]);
    expect(await rows(c, DIFF, { l: '/local/temp.series', c: imported })).toEqual([expectedDiff()]);

    // Removing the import: one commit, B's own answers byte for byte as before.
    const localBefore = await b.api.readRows('/local/temp.series');
    const summaryBefore = await rows(b.api, SUMMARY, { s: '/local/temp.series' });
    await b.api.removeImport('/imports/c');
    expect((await b.api.list('/imports/*'))).toEqual([]);
    expect(await b.api.readRows('/local/temp.series')).toEqual(localBefore);
    expect(await rows(b.api, SUMMARY, { s: '/local/temp.series' })).toEqual(summaryBefore);
    await expect(b.api.query('SELECT * FROM j', { j: '/derived/both' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
