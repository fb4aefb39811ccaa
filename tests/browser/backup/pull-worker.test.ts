// Pull and follow through the REAL pond worker (comlink → worker → OPFS, IndexedDB, DuckDB) against s3rver on
// 127.0.0.1 behind a proxy that counts what reaches the server. Device A, the producer, is a second worker with its
// own OPFS folder and coordinator (producer.worker.ts): it shares only the bucket with B, as another tablet would.
import * as Comlink from 'comlink';
import { describe, expect, inject, it, vi } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import type { PondApi, PondInfo } from '../../../src/api/pond-api';
import { objectKey } from '../../../src/remote/config';
import { connect } from '../../helpers/pond-clients';
import { csv, expected, producer } from './producer';

const KEYS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', region: 'us-east-1' };
const uniq = () => `f${crypto.randomUUID().slice(0, 8)}`;

async function summary(api: Comlink.Remote<PondApi>) {
  const t = tableFromIPC((await api.query('SELECT count(*)::INTEGER AS n, min(temp) AS lo, max(temp) AS hi, sum(temp) AS total FROM source', { source: '/site/temp.series' })).ipc);
  return t.toArray()[0]!.toJSON() as { n: number; lo: number; hi: number; total: number };
}
async function seenAtServer(pondId: string): Promise<{ method: string; key: string; query: string }[]> {
  return (await (await fetch(`${inject('countUrl')}?key=${encodeURIComponent(pondId)}`)).json()) as never;
}

/** A pushes a pond with one day; B (the app's pond worker) restores it and opens it. */
async function setUp() {
  const a = producer();
  const b = connect();
  const remote = uniq();
  const config = { name: remote, bucketUrl: inject('countedS3Url'), prefix: 'replicas', ...KEYS };
  const { id } = await a.createPond('producer');
  await a.copyIn([csv(1, 0)], '/site/temp.series', { format: 'series' });
  await a.remoteAdd(config);
  await a.push(remote);
  await b.api.remoteAdd(config);
  await b.api.restore(remote, id, { name: 'office replica' });
  await b.api.openPond(id);
  return { a, b, remote, id };
}

describe('pull and follow through the pond worker', () => {
  it('B pulls A\'s three new commits, fetching only those objects (counted at the server); the series is the union', async () => {
    const { a, b, remote, id } = await setUp();
    const before = (await b.api.info()).version;
    await a.copyIn([csv(2, 10)], '/site/temp.series', { format: 'series' });
    await a.copyIn([csv(3, 20)], '/site/temp.series', { format: 'series' });
    await a.copyIn([csv(4, 30)], '/site/temp.series', { format: 'series' });
    const sent = (await a.push(remote)).sent;
    expect(sent.filter((p) => p.startsWith('_delta_log/'))).toHaveLength(3);

    const seen = (await seenAtServer(id)).length;
    const progress: number[] = [];
    const r = await b.longOp((op) => b.api.pull(remote, op), { onProgress: (done) => void progress.push(done) });
    expect(r).toMatchObject({ remote, pondId: id, before, after: before + 3 });
    const gets = (await seenAtServer(id)).slice(seen).filter((q) => q.method === 'GET' && !q.query.includes('list-type'));
    expect(gets.map((q) => q.key).sort()).toEqual(sent.map((p) => `/ponds/${objectKey('replicas', id, p)}`).sort());
    expect(progress.length).toBeGreaterThan(0);

    const info = await b.api.info();
    expect(info).toMatchObject({ id, version: (await a.info()).version, readOnly: false });
    expect(await summary(b.api)).toEqual(expected([[1, 0], [2, 10], [3, 20], [4, 30]]));
    expect(await summary(b.api)).toEqual(await summary(a));
  });

  it('B follows A: read-only naming the remote, shows A\'s next commit by itself, keeps following after reopening', async () => {
    const { a, b, remote, id } = await setUp();
    const infos: PondInfo[] = [];
    await b.api.subscribe(Comlink.proxy((i: PondInfo) => void infos.push(i)));
    const followed = await b.api.follow(remote, { everySeconds: 1 });
    expect(followed).toMatchObject({ readOnly: true, follow: { remote, everySeconds: 1 } });
    expect(followed.readOnlyReason).toContain(`following remote ${remote}`);
    const refused = await b.api.writeFile('/notes.txt', new Blob(['no'])).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'READ_ONLY' });
    expect((refused as Error).message).toContain(remote);

    await a.copyIn([csv(2, 10)], '/site/temp.series', { format: 'series' });
    await a.push(remote);
    const target = (await a.info()).version;
    // No call from this side: the replica's own timer pulls, and its views hear of it as of another tab's commit.
    await vi.waitFor(() => expect(infos.some((i) => i.version === target)).toBe(true), { timeout: 20_000, interval: 100 });
    const now = await b.api.info();
    expect(now).toMatchObject({ version: target, readOnly: true, follow: { remote } });
    expect(now.follow!.lastPulled).toBeGreaterThan(Date.now() - 60_000);
    expect(await summary(b.api)).toEqual(expected([[1, 0], [2, 10]]));

    // The setting is this device's, per pond: opening the pond again follows again, and pulls at once (the hour-long
    // interval cannot be what brings A's commit made meanwhile).
    await b.api.follow(remote, { everySeconds: 3600 });
    await b.api.createPond('elsewhere');
    expect((await b.api.info()).follow).toBeUndefined();
    await a.copyIn([csv(3, 20)], '/site/temp.series', { format: 'series' });
    await a.push(remote);
    const later = (await a.info()).version;
    expect(await b.api.openPond(id)).toMatchObject({ readOnly: true, follow: { remote, everySeconds: 3600 } });
    await vi.waitFor(async () => expect((await b.api.info()).version).toBe(later), { timeout: 20_000, interval: 200 });
    expect(await summary(b.api)).toEqual(expected([[1, 0], [2, 10], [3, 20]]));
    expect(await b.api.follow(null)).toMatchObject({ readOnly: false });
    expect((await b.api.info()).follow).toBeUndefined();
  });

  it('B with a commit of its own: pull refused as diverged, naming the version; B keeps its commit', async () => {
    const { a, b, remote } = await setUp();
    const shared = (await b.api.info()).version;
    await b.api.writeFile('/notes.txt', new Blob(['office note']));
    await a.copyIn([csv(2, 10)], '/site/temp.series', { format: 'series' });
    await a.push(remote);
    const err = await b.api.pull(remote).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CONFLICT', detail: { reason: 'diverged', version: shared + 1 } });
    expect((err as Error).message).toMatch(new RegExp(`diverged at version ${shared + 1}`));
    expect(new TextDecoder().decode(await b.api.readFile('/notes.txt'))).toBe('office note');
    expect(await summary(b.api)).toEqual(expected([[1, 0]]));
  });

  it('the shell pulls and follows: pull [NAME], follow NAME --every S, follow --stop', async () => {
    const { a, b, remote } = await setUp();
    await a.copyIn([csv(2, 10)], '/site/temp.series', { format: 'series' });
    await a.push(remote);
    const v = (await a.info()).version;
    const pulled = await b.api.exec(`pull ${remote}`);
    expect(pulled).toMatchObject({ exitCode: 0 });
    expect(pulled.stdout).toMatch(new RegExp(`pulled versions ${v} to ${v} from ${remote}: \\d+ objects .*now at version ${v}`));
    expect((await b.api.exec(`pull ${remote}`)).stdout).toContain(`is up to date with ${remote} (version ${v})`);
    expect((await b.api.exec(`follow ${remote} --every 30`)).stdout).toContain(`following ${remote} every 30 s`);
    const refused = await b.api.exec('mkdir /x');
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain(`following remote ${remote}`);
    expect((await b.api.exec('pull')).stdout).toContain(`up to date with ${remote}`); // the followed remote by default
    expect((await b.api.exec('follow --stop')).exitCode).toBe(0);
    expect((await b.api.exec('mkdir /x')).exitCode).toBe(0);
  });
});
