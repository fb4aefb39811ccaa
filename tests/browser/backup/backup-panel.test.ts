// <backup-panel> against the real pond worker and s3rver: add a remote through its form, push with a result line,
// cancel a long push from its progress bar, download a zip and import it with the file picker.
import { describe, expect, inject, it, vi } from 'vitest';
import type { PondInfo } from '../../../src/api/pond-api';
import { connectPond } from '../../../src/ui/pond-client';
import type { BackupPanel } from '../../../src/ui/backup-panel';
import { alsoRemove, button, mountOn, mountPanel, result, track } from './panel-helpers';
import type { PondSwitcher } from '../../../src/ui/pond-switcher';
import '../../../src/ui/backup-panel';
import '../../../src/ui/pond-switcher';

/** The button in the table row of remote `name` (remotes other test files left in this origin's IndexedDB come first). */
const rowButton = (root: ShadowRoot, name: string, text: string) => {
  const row = [...root.querySelectorAll('tr')].find((tr) => tr.textContent?.includes(name));
  const b = row && [...row.querySelectorAll('button')].find((x) => x.textContent?.trim() === text);
  if (!b) throw new Error(`no button ${text} in the row of ${name}`);
  return b;
};

async function addRemote(el: BackupPanel, root: ShadowRoot, name: string): Promise<void> {
  const form = root.querySelector<HTMLFormElement>('form[aria-label="Add a remote"]')!;
  const set = (field: string, value: string) => { (form.elements.namedItem(field) as HTMLInputElement).value = value; };
  set('name', name);
  set('bucketUrl', inject('s3Url'));
  set('prefix', 'panel');
  set('accessKeyId', 'S3RVER');
  set('secretAccessKey', 'S3RVER');
  form.requestSubmit();
  await vi.waitFor(() => expect(result(root)).toContain('Remote added.'));
  await vi.waitFor(() => expect(root.querySelector('table')?.textContent).toContain(name));
  await el.updateComplete;
}

describe('<backup-panel>', () => {
  it('lists a remote added elsewhere (the shell) when its tab is shown again', async () => {
    const { c, el, root } = await mountPanel('panel shown');
    el.shown = true;
    await el.updateComplete;
    el.shown = false; // another tab of the app is showing
    await el.updateComplete;
    const name = `shell${crypto.randomUUID().slice(0, 6)}`;
    await c.api.exec(`remote add ${name} ${inject('s3Url')} --prefix panel --key S3RVER --secret S3RVER`);
    expect(root.querySelector('table')?.textContent ?? '').not.toContain(name);
    el.shown = true;
    await vi.waitFor(() => expect(root.querySelector('table')?.textContent).toContain(name));
    await c.api.remoteRemove(name);
  });

  it('adds a remote from its form (secret not shown), pushes, and cancels a long push from the progress bar', async () => {
    const { c, el, root } = await mountPanel('panel push');
    await c.api.writeFile('/small.txt', new Blob(['hello']));
    const name = `panel${crypto.randomUUID().slice(0, 6)}`;
    await addRemote(el, root, name);
    expect(root.querySelector('table')!.textContent).toMatch(/keys S3RVER, secret session/);
    rowButton(root, name, 'Push').click();
    await vi.waitFor(() => expect(result(root)).toMatch(new RegExp(`Pushed 4 objects \\(.*\\) to ${name}; 0 were already there`)), { timeout: 20_000 });

    await c.api.writeFile('/big.bin', new Blob([new Uint8Array(48 * 1024 * 1024).map((_, i) => (i * 13) & 0xff)]));
    rowButton(root, name, 'Push').click();
    await vi.waitFor(() => expect(root.querySelector('[data-testid="backup-progress"] progress')).not.toBeNull(), { timeout: 20_000 });
    await vi.waitFor(() => expect(Number(root.querySelector<HTMLProgressElement>('[data-testid="backup-progress"] progress')!.value)).toBeGreaterThan(0), { timeout: 30_000 });
    button(root, 'Cancel').click();
    await vi.waitFor(() => expect(root.textContent).toContain('Cancelled.'), { timeout: 30_000 });
    expect(root.querySelector('[data-testid="backup-progress"]')).toBeNull();
  });

  it('downloads a zip snapshot and imports it with the file picker as a new pond under its own name, listed in the switcher at once, then opens it', async () => {
    const { c, el, root } = await mountPanel('panel zip');
    await c.api.writeFile('/data.txt', new Blob(['zipped']));
    let downloaded: { name: string; href: string } | undefined;
    // Catch the download link the panel clicks (the test page cannot save files).
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) { downloaded = { name: this.download, href: this.href }; });
    root.querySelector<HTMLFormElement>('form:has(input[name="asOf"])')!.requestSubmit();
    await vi.waitFor(() => expect(result(root)).toMatch(/Downloaded panel-zip-v1\.zip: version 1, 4 files/));
    click.mockRestore();
    expect(downloaded?.name).toBe('panel-zip-v1.zip');
    const zip = await (await fetch(downloaded!.href)).blob();

    const { id } = await c.api.info();
    const elsewhere = await c.api.createPond('elsewhere');
    await c.api.deletePond(id);
    // The header's switcher, a sibling of the panel as in the app: it must list the imported pond without a reload.
    const switcher = document.createElement('pond-switcher') as PondSwitcher;
    switcher.client = c;
    switcher.info = elsewhere;
    document.body.append(switcher);
    alsoRemove(switcher);
    const options = () => [...switcher.shadowRoot!.querySelectorAll('option')].map((o) => [o.value, o.textContent?.trim()]);
    await vi.waitFor(() => expect(options()).toContainEqual([elsewhere.id, 'elsewhere']));
    expect(options().some(([v]) => v === id)).toBe(false);
    const picker = root.querySelector<HTMLInputElement>('[data-testid="zip-picker"]')!;
    const dt = new DataTransfer();
    dt.items.add(new File([zip], 'field trip.zip', { type: 'application/zip' }));
    picker.files = dt.files;
    picker.dispatchEvent(new Event('change'));
    // The zip's own name (the pond's), not the file's.
    await vi.waitFor(() => expect(result(root)).toMatch(/Imported “panel zip” \(version 1, 4 files\)/));
    await vi.waitFor(() => expect(options()).toContainEqual([id, 'panel zip']));
    const opened = new Promise<PondInfo>((resolve) => el.addEventListener('pond-opened', (e) => resolve((e as CustomEvent<PondInfo>).detail), { once: true }));
    await el.updateComplete;
    button(root, 'Open it').click();
    expect(await opened).toMatchObject({ id, name: 'panel zip', version: 1 });
    expect(new TextDecoder().decode(await c.api.readFile('/data.txt'))).toBe('zipped');
  });

  it('asks for a secret the tab no longer has (a browser restart), then pushes with it', async () => {
    const first = connectPond();
    track(first);
    const { id } = await first.api.createPond('panel secret');
    await first.api.writeFile('/s.txt', new Blob(['secret pond']));
    const remote = `sec${crypto.randomUUID().slice(0, 8)}`;
    await first.api.remoteAdd({ name: remote, bucketUrl: inject('s3Url'), prefix: 'panel-secret', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
    first.worker.terminate(); // the session secret dies with the worker, as with a browser restart

    const c = track(connectPond());
    const { el, root } = await mountOn(c, id);
    await vi.waitFor(() => expect(root.querySelector('table')?.textContent).toContain(`${remote}`));
    expect([...root.querySelectorAll('tr')].find((tr) => tr.textContent?.includes(remote))?.textContent).toContain('secret missing');
    rowButton(root, remote, 'Push').click();
    const prompt = () => root.querySelector<HTMLFormElement>(`form[aria-label="Secret for remote ${remote}"]`);
    await vi.waitFor(() => expect(prompt()).not.toBeNull());
    expect(root.querySelector('[role="alert"]')?.textContent).toContain(`remote secret ${remote}`);
    (prompt()!.elements.namedItem('secret') as HTMLInputElement).value = 'S3RVER';
    prompt()!.requestSubmit();
    await vi.waitFor(() => expect(result(root)).toMatch(new RegExp(`Pushed 4 objects .* to ${remote}`)));
    expect(prompt()).toBeNull();
    expect(await c.api.verify(remote)).toMatchObject({ ok: true, checked: 4 });
    expect((await c.api.remoteList()).find((r) => r.name === remote)?.secret).toBe('session');
    await c.api.remoteRemove(remote);
  });
});
