// The Backup tab when a push is refused because another device pushed under this pond id: the real pond worker of
// device B (its own OPFS folder) and a producer worker A, both pushing to s3rver on 127.0.0.1. The panel offers the
// two ways forward; each is clicked and its result checked against the bucket and the series' values.
import { describe, expect, inject, it, vi } from 'vitest';
import { connectPond } from '../../../src/ui/pond-client';
import { button, KEYS, mountOn, result, track } from './panel-helpers';
import { csv, expected, producer } from './producer';
import '../../../src/ui/backup-panel';

const ways = (root: ShadowRoot) => root.querySelector('[data-testid="push-conflict"]');

async function refusedPush() {
  const a = producer();
  const b = track(connectPond());
  const name = `cp${crypto.randomUUID().slice(0, 6)}`;
  const config = { name, bucketUrl: inject('s3Url'), prefix: `panel-conflict-${name}`, ...KEYS };
  const { id } = await a.createPond('station');
  await a.copyIn([csv(1, 0)], '/site/temp.series', { format: 'series' });
  await a.copyIn([csv(1, 100)], '/site/wind.series', { format: 'series' });
  await a.remoteAdd(config);
  await a.push(name);
  await b.api.remoteAdd(config);
  await b.api.restore(name, id);
  const { el, root } = await mountOn(b, id);
  await a.copyIn([csv(2, 10)], '/site/temp.series', { format: 'series' });
  await a.push(name);
  await b.api.copyIn([csv(2, 200)], '/site/wind.series', { format: 'series' });
  const row = () => [...root.querySelectorAll('tr')].find((tr) => tr.textContent?.includes(name))!;
  await vi.waitFor(() => expect(row()).toBeTruthy());
  [...row().querySelectorAll('button')].find((x) => x.textContent?.trim() === 'Push')!.click();
  await vi.waitFor(() => expect(ways(root)).toBeTruthy(), { timeout: 20_000 });
  expect(root.querySelector('[role="alert"]')?.textContent).toMatch(/another device pushed/);
  return { a, b, id, name, root };
}

const stats = async (c: { query: (sql: string, b: Record<string, string>) => Promise<{ ipc: Uint8Array }> }, path: string) => {
  const { tableFromIPC } = await import('apache-arrow');
  const t = tableFromIPC((await c.query('SELECT count(*)::INT AS n, sum(temp) AS total FROM source', { source: path })).ipc);
  return { n: Number(t.getChild('n')!.get(0)), total: Number(t.getChild('total')!.get(0)) };
};

describe('<backup-panel> after a push refused by another device\'s history', () => {
  it('"Rebase and push" replays B after A and pushes: both series hold both days, on A after a pull too', async () => {
    const { a, b, root } = await refusedPush();
    expect(ways(root)!.textContent).toContain('Puts this pond\'s own changes after the remote\'s');
    button(root, 'Rebase and push').click();
    await vi.waitFor(() => expect(result(root)).toMatch(/Rebased onto \S+: took its 1 new commits and replayed this pond's 1 transactions/), { timeout: 30_000 });
    expect(ways(root)).toBeNull();
    const temp = expected([[1, 0], [2, 10]]), wind = expected([[1, 100], [2, 200]]);
    expect(await stats(b.api, '/site/temp.series')).toEqual({ n: temp.n, total: temp.total });
    expect(await stats(b.api, '/site/wind.series')).toEqual({ n: wind.n, total: wind.total });
    await a.pull((await a.remoteList())[0]!.name);
    expect(await stats(a, '/site/wind.series')).toEqual({ n: wind.n, total: wind.total });
  });

  it('"Push as a new pond" makes a second pond id on the remote and offers to open it', async () => {
    const { b, id, name, root } = await refusedPush();
    button(root, 'Push as a new pond').click();
    await vi.waitFor(() => expect(result(root)).toMatch(/Made pond station \(fork\) \(\S+\) and pushed it/), { timeout: 30_000 });
    const ids = await b.api.remotePonds(name);
    expect(ids).toHaveLength(2);
    expect(ids).toContain(id);
    expect((await b.api.info()).id).toBe(id);
    button(root, 'Open it').click();
    const fork = ids.find((x) => x !== id)!;
    await vi.waitFor(async () => expect((await b.api.info()).id).toBe(fork));
    expect((await b.api.info()).name).toBe('station (fork)');
  });
});
