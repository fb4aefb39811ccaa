// The Backup tab's Auto-push box on the real pond worker, against s3rver on 127.0.0.1 behind the stoppable proxy: the
// status line counts the commits not backed up, shows the failure and the next try while the server is down, and says
// "backed up · version N" once the retry has sent them; all without a click on Push.
import * as Comlink from 'comlink';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import type { PondInfo } from '../../../src/api/pond-api';
import { connectPond } from '../../../src/ui/pond-client';
import type { BackupPanel } from '../../../src/ui/backup-panel';
import { alsoRemove, track } from './panel-helpers';
import '../../../src/ui/backup-panel';

const KEYS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', region: 'us-east-1' };
const WAIT = { timeout: 40_000, interval: 100 };
const gate = async (what: 'down' | 'up') => expect((await fetch(`${inject('gateUrl')}/${what}`, { method: 'POST' })).ok).toBe(true);
afterEach(async () => { await gate('up'); });
const text = (root: ShadowRoot, id: string) => root.querySelector(`[data-testid="${id}"]`)?.textContent?.replace(/\s+/g, ' ').trim() ?? '';

describe('<backup-panel> auto-push', () => {
  it('the Auto-push box turns it on; the status line counts what is not backed up, shows the failure and next try, then "backed up"', async () => {
    const c = track(connectPond());
    const name = `ap${crypto.randomUUID().slice(0, 6)}`;
    await c.api.remoteAdd({ name, bucketUrl: inject('gatedS3Url'), prefix: `panel-${name}`, ...KEYS });
    await c.api.createPond('panel auto-push');
    const el = document.createElement('backup-panel') as BackupPanel;
    el.client = c;
    el.info = await c.api.info();
    await c.api.subscribe(Comlink.proxy((info: PondInfo) => { el.info = info; })); // as the app does
    document.body.append(el);
    alsoRemove(el);
    await el.updateComplete;
    const root = el.shadowRoot!;

    const box = () => root.querySelector<HTMLInputElement>(`input[aria-label="Auto-push to ${name}"]`);
    await vi.waitFor(() => expect(box()).toBeTruthy());
    box()!.click();
    const v0 = (await c.api.info()).version;
    await vi.waitFor(() => expect(text(root, 'auto-push-status')).toMatch(new RegExp(`^Auto-push to ${name}: backed up · version ${v0}\\b`)), WAIT);
    expect(box()!.checked).toBe(true);

    await gate('down');
    await c.api.writeFile('/one.txt', new Blob(['1']));
    await c.api.writeFile('/two.txt', new Blob(['2']));
    await vi.waitFor(() => expect(text(root, 'auto-push-status')).toBe(`Auto-push to ${name}: 2 commits not backed up`), WAIT);
    await vi.waitFor(() => expect(text(root, 'auto-push-error')).toMatch(/^The last push failed: .+ · next try \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/), WAIT);

    await gate('up');
    await vi.waitFor(() => expect(text(root, 'auto-push-status')).toMatch(new RegExp(`^Auto-push to ${name}: backed up · version ${v0 + 2}\\b`)), WAIT);
    expect(root.querySelector('[data-testid="auto-push-error"]')).toBeNull();

    box()!.click(); // off
    await vi.waitFor(() => expect(root.querySelector('[data-testid="auto-push"]')).toBeNull());
    expect((await c.api.info()).autoPush).toBeUndefined();
  });
});
