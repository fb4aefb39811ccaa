// The Backup tab's Pull button and Follow form on the real pond worker of a replica, with device A (a producer worker
// with its own OPFS folder) pushing to s3rver on 127.0.0.1: the status line follows A's commits without any reload.
import { describe, expect, inject, it, vi } from 'vitest';
import { connectPond } from '../../../src/ui/pond-client';
import { KEYS, mountOn, result, track } from './panel-helpers';
import { csv, producer } from './producer';
import '../../../src/ui/backup-panel';

const status = (root: ShadowRoot) => root.querySelector('[data-testid="follow-status"]')?.textContent?.replace(/\s+/g, ' ').trim() ?? '';

describe('<backup-panel> pull and follow', () => {
  it('pulls with the row\'s Pull button, then follows: the status line shows the remote, the last pull and A\'s next version', async () => {
    const a = producer();
    const b = track(connectPond());
    const name = `pp${crypto.randomUUID().slice(0, 6)}`;
    const config = { name, bucketUrl: inject('s3Url'), prefix: 'panel-pull', ...KEYS };
    const { id } = await a.createPond('producer');
    await a.copyIn([csv(1, 0)], '/site/temp.series', { format: 'series' });
    await a.remoteAdd(config);
    await a.push(name);
    await b.api.remoteAdd(config);
    await b.api.restore(name, id);
    const { el, root } = await mountOn(b, id, { follow: true }); // as the app does: every PondInfo reaches the panel

    await a.copyIn([csv(2, 10)], '/site/temp.series', { format: 'series' });
    await a.push(name);
    const v1 = (await a.info()).version;
    const row = () => [...root.querySelectorAll('tr')].find((tr) => tr.textContent?.includes(name))!;
    await vi.waitFor(() => expect(row()).toBeTruthy());
    row().querySelector<HTMLButtonElement>(`button[aria-label="Pull from ${name}"]`)!.click();
    await vi.waitFor(() => expect(result(root)).toMatch(new RegExp(`Pulled versions ${v1} to ${v1} from ${name}: \\d+ objects`)), { timeout: 20_000 });
    expect(el.info?.version).toBe(v1);

    const form = root.querySelector<HTMLFormElement>('form[aria-label="Follow a remote"]')!;
    (form.elements.namedItem('remote') as HTMLSelectElement).value = name;
    (form.elements.namedItem('everySeconds') as HTMLInputElement).value = '1';
    form.requestSubmit();
    await vi.waitFor(() => expect(status(root)).toMatch(new RegExp(`^following ${name} · last pulled \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC · version ${v1}$`)), { timeout: 20_000 });
    expect(el.info?.readOnly).toBe(true);

    await a.copyIn([csv(3, 20)], '/site/temp.series', { format: 'series' });
    await a.push(name);
    const v2 = (await a.info()).version;
    await vi.waitFor(() => expect(status(root)).toContain(`version ${v2}`), { timeout: 20_000 });
    expect((await b.api.versions('/site/temp.series')).length).toBe(3);

    [...root.querySelectorAll('button')].find((x) => x.textContent?.trim() === 'Stop following')!.click();
    await vi.waitFor(() => expect(el.info?.readOnly).toBe(false));
    await vi.waitFor(() => expect(root.querySelector('[data-testid="follow-status"]')).toBeNull());
  });
});
