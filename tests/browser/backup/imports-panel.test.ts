// The Backup tab's "Import a pond…" form and "Pull imports" button on the real pond worker of office B, with tablet C
// (a producer worker with its own OPFS folder) pushing to s3rver on 127.0.0.1.
import { describe, expect, inject, it, vi } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import { connectPond } from '../../../src/ui/pond-client';
import { KEYS, button, mountOn, result, track } from './panel-helpers';
import { csv, expected, producer } from './producer';
import '../../../src/ui/backup-panel';
import '../../../src/ui/node-details';

describe('<backup-panel> imports', () => {
  it('imports C at /imports/NAME from the form, lists it with its remote and version, and pulls C\'s next push', async () => {
    const c = producer();
    const b = track(connectPond());
    const name = `ip${crypto.randomUUID().slice(0, 6)}`;
    const config = { name, bucketUrl: inject('s3Url'), prefix: 'panel-imports', ...KEYS };
    const { id: cId } = await c.createPond('tablet C');
    await c.copyIn([csv(1, 0)], '/site/temp.series', { format: 'series' });
    await c.remoteAdd(config);
    await c.push(name);
    const { id } = await b.api.createPond('office B');
    await b.api.remoteAdd(config);
    const { root } = await mountOn(b, id, { follow: true });

    const form = () => root.querySelector<HTMLFormElement>('section[aria-label="Imports"] form')!;
    await vi.waitFor(() => expect(form().querySelector(`option[value="${name}"]`)).toBeTruthy());
    (form().elements.namedItem('remote') as HTMLSelectElement).value = name;
    (form().elements.namedItem('pondId') as HTMLInputElement).value = cId;
    (form().elements.namedItem('mount') as HTMLInputElement).value = 'site-c';
    form().requestSubmit();
    const v1 = (await c.info()).version;
    await vi.waitFor(() => expect(result(root)).toContain(`Imported pond ${cId} at /imports/site-c (version ${v1}`), { timeout: 20_000 });
    const listed = () => root.querySelector('section[aria-label="Imports"] ul')?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
    await vi.waitFor(() => expect(listed()).toBe(`/imports/site-c: imported from ${name} · v${v1}`));
    expect((await b.api.stat('/imports/site-c')).type).toBe('directory');
    // The details pane of an entry inside the mount says where it comes from.
    const details = document.createElement('node-details');
    details.client = b;
    details.path = '/imports/site-c/site/temp.series';
    document.body.append(details);
    const importedText = () => details.shadowRoot?.querySelector('[data-testid="details-imported"]')?.textContent?.replace(/\s+/g, ' ').trim();
    await vi.waitFor(() => expect(importedText()).toBe(`pond ${cId} of remote ${name} at version ${v1}; read-only here, refreshed by "Pull imports"`), { timeout: 10_000 });
    details.path = '/imports'; // the folder that holds the mount is this pond's own
    await vi.waitFor(() => expect(details.shadowRoot?.querySelector('[data-testid="details-path"]')?.textContent?.trim()).toMatch(/(^|\s)\/imports$/));
    expect(importedText()).toBeUndefined();
    details.remove();

    await c.copyIn([csv(2, 10)], '/site/temp.series', { format: 'series' });
    await c.push(name);
    const v2 = (await c.info()).version;
    button(root, 'Pull imports').click();
    await vi.waitFor(() => expect(result(root)).toContain(`/imports/site-c: version ${v2} (was ${v1})`), { timeout: 20_000 });
    await vi.waitFor(() => expect(listed()).toBe(`/imports/site-c: imported from ${name} · v${v2}`));
    const t = tableFromIPC((await b.api.query('SELECT count(*)::INTEGER AS n, sum(temp) AS total FROM s', { s: '/imports/site-c/site/temp.series' })).ipc);
    const e = expected([[1, 0], [2, 10]]);
    expect(t.toArray()[0]!.toJSON()).toEqual({ n: e.n, total: e.total });
  });
});
