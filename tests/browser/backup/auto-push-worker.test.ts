// Push by itself, through the REAL pond worker (comlink → worker → OPFS, IndexedDB) against s3rver on 127.0.0.1 behind
// a proxy that can be stopped and started on the same port and records what reaches the server: commits arrive by
// themselves, "N commits not backed up" counts right, commits made while the server is down arrive in order and once
// when it is back, a reload (a new worker on the same OPFS) pushes what was left, no two pushes overlap, and a
// CONFLICT (another device pushed this pond id) stops auto-push saying so.
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import type { AutoPushInfo, PondApi } from '../../../src/api/pond-api';
import { logPath } from '../../../src/remote/layout';
import { objectKey } from '../../../src/remote/config';
import { connect } from '../../helpers/pond-clients';
import { producer } from './producer';

const KEYS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', region: 'us-east-1', rememberSecret: true };
const uniq = () => `a${crypto.randomUUID().slice(0, 8)}`;
const WAIT = { timeout: 40_000, interval: 100 };

interface Passed { method: string; key: string; query: string; start: number; end?: number }
async function gate(what: 'down' | 'up'): Promise<void> {
  expect((await fetch(`${inject('gateUrl')}/${what}`, { method: 'POST' })).ok).toBe(true);
}
afterEach(async () => { await gate('up'); }); // a failed test must not leave the port closed for the next

/** What reached the server for this pond: every request, and the commit PUTs in the order they arrived. */
async function atServer(prefix: string, pondId: string) {
  const all = (await (await fetch(`${inject('gateUrl')}/requests?key=${encodeURIComponent(`${prefix}/${pondId}`)}`)).json()) as Passed[];
  const commitPuts = all.filter((r) => r.method === 'PUT' && /\/_delta_log\/\d{20}\.json$/.test(r.key));
  return { all, commitPuts };
}
/** The keys a push of commits `from`..`to` PUTs, in commit order (computed from the layout, not from a push). */
const commitKeys = (prefix: string, pondId: string, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `/ponds/${objectKey(prefix, pondId, logPath(from + i))}`);
/** Whether any two of these requests were in flight at the same moment (by the proxy's order of events). */
function overlapping(rs: Passed[]): boolean {
  return rs.some((a, i) => rs.some((b, j) => i !== j && a.start < (b.end ?? Infinity) && b.start < (a.end ?? Infinity)));
}
async function status(api: PondApi | import('comlink').Remote<PondApi>, remote: string): Promise<AutoPushInfo> {
  const a = (await api.info()).autoPush?.find((x) => x.remote === remote);
  expect(a, `auto-push status of ${remote}`).toBeDefined();
  return a!;
}

describe('auto-push through the pond worker', () => {
  it('pushes each commit by itself; "N commits not backed up" counts right; commits made while the server is down arrive in order, once', async () => {
    const { api } = connect();
    const remote = uniq(), prefix = uniq();
    await api.remoteAdd({ name: remote, bucketUrl: inject('gatedS3Url'), prefix, ...KEYS });
    const { id, version: v0 } = await api.createPond('auto');
    await api.writeFile('/a.txt', new Blob(['a']));
    const v1 = (await api.info()).version;
    expect(v1).toBe(v0 + 1);

    const on = await api.autoPush(remote, true);
    // Never pushed: every commit (0 … v1) waits, until the first push (on turning it on) has sent them.
    expect(on.autoPush).toEqual([expect.objectContaining({ remote, unpushed: v1 + 1, active: true })]);
    await vi.waitFor(async () => expect(await status(api, remote)).toMatchObject({ unpushed: 0, pushedVersion: v1, pushing: false }), WAIT);
    expect((await atServer(prefix, id)).commitPuts.map((r) => r.key)).toEqual(commitKeys(prefix, id, 0, v1));

    // Three commits with no call to push: they arrive by themselves.
    for (const n of ['b', 'c', 'd']) await api.writeFile(`/${n}.txt`, new Blob([n]));
    const v2 = (await api.info()).version;
    expect(v2).toBe(v1 + 3);
    await vi.waitFor(async () => expect(await status(api, remote)).toMatchObject({ unpushed: 0, pushedVersion: v2 }), WAIT);
    expect((await atServer(prefix, id)).commitPuts.map((r) => r.key)).toEqual(commitKeys(prefix, id, 0, v2));

    // The server goes away: the next commits wait, counted, with the failure and the next try shown.
    await gate('down');
    for (const n of ['e', 'f', 'g', 'h']) await api.writeFile(`/${n}.txt`, new Blob([n]));
    const v3 = (await api.info()).version;
    expect(v3).toBe(v2 + 4);
    expect((await status(api, remote)).unpushed).toBe(4);
    await vi.waitFor(async () => {
      const s = await status(api, remote);
      expect(s.lastError).toBeTruthy();
      expect(s.nextTry).toBeGreaterThan(Date.now() - 1000);
    }, WAIT);
    expect(await status(api, remote)).toMatchObject({ unpushed: 4, pushedVersion: v2 });
    // Back: the retry sends them, in commit order, each commit object exactly once.
    await gate('up');
    await vi.waitFor(async () => expect(await status(api, remote)).toMatchObject({ unpushed: 0, pushedVersion: v3 }), WAIT);
    const s = await status(api, remote);
    expect(s.lastError).toBeUndefined();
    expect(s.nextTry).toBeUndefined();
    const { all, commitPuts } = await atServer(prefix, id);
    expect(commitPuts.map((r) => r.key)).toEqual(commitKeys(prefix, id, 0, v3));
    expect(overlapping(commitPuts)).toBe(false);
    expect(all.every((r) => r.end !== undefined)).toBe(true);
    // The shell says the same.
    expect((await api.exec('remote auto-push')).stdout).toContain(`auto-push ${remote}: backed up · version ${v3}`);
  });

  it('after a reload (a new worker on the same OPFS) the commits left unpushed are pushed, once, without a call', async () => {
    const first = connect();
    const remote = uniq(), prefix = uniq();
    await first.api.remoteAdd({ name: remote, bucketUrl: inject('gatedS3Url'), prefix, ...KEYS });
    const { id } = await first.api.createPond('reloaded');
    expect((await first.api.exec(`remote auto-push ${remote} on`)).exitCode).toBe(0);
    const v1 = (await first.api.info()).version;
    await vi.waitFor(async () => expect(await status(first.api, remote)).toMatchObject({ unpushed: 0, pushedVersion: v1 }), WAIT);
    await gate('down');
    await first.api.writeFile('/x.txt', new Blob(['x']));
    await first.api.writeFile('/y.txt', new Blob(['y']));
    const v2 = (await first.api.info()).version;
    expect((await status(first.api, remote)).unpushed).toBe(2);
    first.worker.terminate(); // the tab goes away with its commits not backed up

    await gate('up');
    const second = connect();
    const opened = await second.api.openPond(id);
    expect(opened.version).toBe(v2);
    // The count is the pond's commits after the last version known to be backed up: nothing had to be remembered.
    expect(opened.autoPush).toEqual([expect.objectContaining({ remote, pushedVersion: v1 })]);
    expect(opened.autoPush![0]!.unpushed === 2 || opened.autoPush![0]!.pushing).toBe(true);
    await vi.waitFor(async () => expect(await status(second.api, remote)).toMatchObject({ unpushed: 0, pushedVersion: v2 }), WAIT);
    const { commitPuts } = await atServer(prefix, id);
    expect(commitPuts.map((r) => r.key)).toEqual(commitKeys(prefix, id, 0, v2));
  });

  it('a manual push beside auto-push waits for it: no two pushes overlap, no commit object is sent twice', async () => {
    const { api } = connect();
    const remote = uniq(), prefix = uniq();
    await api.remoteAdd({ name: remote, bucketUrl: inject('gatedS3Url'), prefix, ...KEYS });
    const { id } = await api.createPond('beside');
    await api.autoPush(remote, true);
    const pushes: Promise<unknown>[] = [];
    for (let i = 0; i < 6; i++) {
      await api.writeFile(`/n${i}.txt`, new Blob([`note ${i}`]));
      pushes.push(api.push(remote)); // while the auto-push of the commits before may be running
    }
    const sentByHand = (await Promise.all(pushes)) as { sent: string[] }[];
    const v = (await api.info()).version;
    await vi.waitFor(async () => expect(await status(api, remote)).toMatchObject({ unpushed: 0, pushedVersion: v, pushing: false }), WAIT);
    const { all, commitPuts } = await atServer(prefix, id);
    expect(commitPuts.map((r) => r.key)).toEqual(commitKeys(prefix, id, 0, v));
    // Each push lists the bucket first; no listing ran while a commit PUT was in flight (that would be two pushes at once).
    const lists = all.filter((r) => r.method === 'GET' && r.query.includes('list-type'));
    expect(lists.length).toBeGreaterThanOrEqual(sentByHand.length);
    expect(overlapping([...commitPuts])).toBe(false);
    for (const l of lists) for (const c of commitPuts) expect(overlapping([l, c])).toBe(false);
    // What the hand pushes sent, together, has no commit twice.
    const handCommits = sentByHand.flatMap((r) => r.sent.filter((p) => p.startsWith('_delta_log/')));
    expect(new Set(handCommits).size).toBe(handCommits.length);
  });

  it('another device pushed this pond id: CONFLICT stops auto-push and says so; nothing of the backup is overwritten', async () => {
    const a = producer();
    const b = connect();
    const remote = uniq(), prefix = uniq();
    const config = { name: remote, bucketUrl: inject('gatedS3Url'), prefix, ...KEYS };
    const { id } = await a.createPond('shared');
    await a.remoteAdd(config);
    await a.push(remote);
    await b.api.remoteAdd(config);
    await b.api.restore(remote, id, { name: 'second device' });
    await b.api.openPond(id);
    await b.api.autoPush(remote, true);
    const shared = (await b.api.info()).version;
    await vi.waitFor(async () => expect(await status(b.api, remote)).toMatchObject({ unpushed: 0, pushedVersion: shared }), WAIT);

    await a.writeFile('/from-a.txt', new Blob(['A was first']));
    await a.push(remote);
    const before = await atServer(prefix, id);
    await b.api.writeFile('/from-b.txt', new Blob(['B too']));
    await vi.waitFor(async () => expect((await status(b.api, remote)).stopped).toBeTruthy(), WAIT);
    const s = await status(b.api, remote);
    expect(s.stopped).toContain(`auto-push to ${remote} stopped: another device pushed`);
    expect(s.stopped).toContain(`remote auto-push ${remote} on`);
    expect(s.lastError).toMatch(/another device pushed/);
    expect(s).toMatchObject({ unpushed: 1, active: false });
    expect(s.nextTry).toBeUndefined();
    // No commit object was written over A's (B's commit has the same number).
    expect((await atServer(prefix, id)).commitPuts).toEqual(before.commitPuts);
    // It stays stopped after more commits and after a reopen (the stop is kept), until it is turned on again.
    await b.api.writeFile('/from-b2.txt', new Blob(['B again']));
    await b.api.createPond('elsewhere');
    const reopened = await b.api.openPond(id);
    expect(reopened.autoPush?.[0]).toMatchObject({ remote, active: false, unpushed: 2 });
    expect(reopened.autoPush?.[0]?.stopped).toContain('stopped');
    expect((await b.api.exec('remote auto-push')).stdout).toContain('stopped: another device pushed');
    expect((await atServer(prefix, id)).commitPuts).toEqual(before.commitPuts);
  });
});
