// <backup-panel> on a real pond worker for the panel tests: one pond made (and filled by `prepare`) before the panel
// mounts, since the panel reads the pond's info once; panels and workers are removed after each test.
import * as Comlink from 'comlink';
import { afterEach } from 'vitest';
import type { PondInfo } from '../../../src/api/pond-api';
import { connectPond, type PondClient } from '../../../src/ui/pond-client';
import type { BackupPanel } from '../../../src/ui/backup-panel';
import '../../../src/ui/backup-panel';

const clients: PondClient[] = [];
const mounted: HTMLElement[] = [];
afterEach(() => {
  for (const p of mounted.splice(0)) p.remove();
  for (const c of clients.splice(0)) c.worker.terminate();
});

/** A worker a test started itself (terminated after the test). */
export function track(c: PondClient): PondClient {
  clients.push(c);
  return c;
}

/** Elements a test adds beside the panel (removed with it). */
export function alsoRemove(el: HTMLElement): void {
  mounted.push(el);
}

export async function mountPanel(name: string, prepare?: (c: PondClient) => Promise<unknown>): Promise<{ c: PondClient; el: BackupPanel; root: ShadowRoot }> {
  const c = connectPond();
  clients.push(c);
  await c.api.createPond(name);
  await prepare?.(c);
  const el = document.createElement('backup-panel');
  el.client = c;
  el.info = await c.api.info();
  document.body.append(el);
  mounted.push(el);
  await el.updateComplete;
  return { c, el, root: el.shadowRoot! };
}

/** s3rver's keys, as a remote's signing. */
export const KEYS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', region: 'us-east-1' };

/** The panel's result line. */
export const result = (root: ShadowRoot): string => root.querySelector('[data-testid="backup-result"]')?.textContent ?? '';

/**
 * A panel on pond `id` opened by worker `c` (another device's replica, say). With `follow`, the panel gets every
 * PondInfo the worker announces, as the app gives it.
 */
export async function mountOn(c: PondClient, id: string, opts: { follow?: boolean } = {}): Promise<{ el: BackupPanel; root: ShadowRoot }> {
  const el = document.createElement('backup-panel');
  el.client = c;
  el.info = await c.api.openPond(id);
  if (opts.follow) await c.api.subscribe(Comlink.proxy((info: PondInfo) => { el.info = info; }));
  document.body.append(el);
  mounted.push(el);
  await el.updateComplete;
  return { el, root: el.shadowRoot! };
}

/** The panel's button labelled `text` (the first, when there are several). */
export function button(root: ShadowRoot, text: string): HTMLButtonElement {
  const b = [...root.querySelectorAll('button')].find((x) => x.textContent?.trim() === text);
  if (!b) throw new Error(`no button ${text}`);
  return b;
}
