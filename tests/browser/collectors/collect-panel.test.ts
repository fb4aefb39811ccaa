// <collect-panel> with the real pond worker and the HydroVu-shaped server: add a collector through the form, run it
// with the button, see its status; toggle interval runs.
import { afterEach, describe, expect, inject, it } from 'vitest';
import '../../../src/ui/collect-panel';
import type { CollectPanel } from '../../../src/ui/collect-panel';
import { connectPond, type PondClient } from '../../../src/ui/pond-client';

const url = inject('hydrovuUrl');
const clients: PondClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.worker.terminate();
  document.body.replaceChildren();
});

async function mount(): Promise<{ c: PondClient; el: CollectPanel }> {
  const c = connectPond();
  clients.push(c);
  const info = await c.api.createPond('panel');
  const el = document.createElement('collect-panel');
  el.client = c;
  el.pondId = info.id;
  el.version = info.version;
  document.body.append(el);
  await el.updateComplete;
  return { c, el };
}

const $ = <T extends Element>(el: CollectPanel, sel: string) => el.shadowRoot!.querySelector<T>(sel);
function fill(el: CollectPanel, name: string, value: string): void {
  const input = $<HTMLInputElement | HTMLTextAreaElement>(el, `[name="${name}"]`)!;
  input.value = value;
}

describe('<collect-panel>', () => {
  it('adds a HydroVu collector from the form, runs it and shows the result', async () => {
    const { c, el } = await mount();
    await fetch(`${url}__test/reset`, { method: 'POST' });
    await expect.poll(() => el.shadowRoot!.textContent).toMatch(/No configured nodes/);
    fill(el, 'path', '/hv');
    fill(el, 'baseUrl', url);
    fill(el, 'clientId', 'test-client');
    fill(el, 'secret', 'test-secret');
    fill(el, 'devices', 'Vulink, 9007199254740001');
    fill(el, 'startTime', '2024-01-01');
    $<HTMLFormElement>(el, 'form')!.requestSubmit();
    await expect.poll(() => $(el, 'li[data-path="/hv"]')?.textContent ?? '').toMatch(/hydrovu · 1 active devices/);
    expect(new TextDecoder().decode(await c.api.readFile('/hv'))).not.toContain('test-secret');
    $<HTMLButtonElement>(el, 'li[data-path="/hv"] button')!.click();
    await expect.poll(() => $(el, 'li[data-path="/hv"] [role="status"]')?.textContent ?? '').toMatch(/^ok .*24 readings/);
    expect((await c.api.versions('/devices/9007199254740001/Vulink.series')).map((v) => v.attrs.rows)).toEqual(['24']);
  });

  it('turns interval runs on and off', async () => {
    const { c, el } = await mount();
    const box = () => $<HTMLInputElement>(el, 'input[type="checkbox"]')!;
    box().click();
    await expect.poll(async () => (await c.api.collectorStatus()).everyMinutes).toBe(15);
    await expect.poll(() => el.shadowRoot!.textContent).toMatch(/next /);
    box().click();
    await expect.poll(async () => (await c.api.collectorStatus()).everyMinutes).toBe(null);
  });
});
