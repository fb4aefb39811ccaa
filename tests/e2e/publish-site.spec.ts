// "Publish as a static site" end to end: a pond made in the app is exported as a zip snapshot, tools/publish-site.mjs
// builds the app (relative base) and writes one zip with the app, the pond in backup layout and an index that opens
// it; unzipped and served by a plain static server in a folder, it opens the pond read-only in a fresh profile and,
// after that one visit, starts and charts with the server gone.
import { chromium, expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
// @ts-expect-error plain .mjs helper shared with the node tools
import { CHROMIUM_ARGS } from '../../tools/chromium.mjs';
import { pondLayout } from '../helpers/pond-layout';
import { startStaticPondServer } from '../helpers/static-pond-server';

const dirs: string[] = [];
const temp = (i: number) => ((i * 7919) % 10007) / 100;
const launch = (dir: string, baseURL?: string) => chromium.launchPersistentContext(dir, {
  executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS as string[], bypassCSP: true, serviceWorkers: 'allow', ...(baseURL ? { baseURL } : {}),
});

test.afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('the published zip, served from a folder, opens the pond and charts offline after one visit', async ({ baseURL }) => {
  test.setTimeout(480_000); // the tool builds the app once more
  const work = mkdtempSync(join(tmpdir(), 'duckpond-publish-'));
  dirs.push(work);
  const maker = await launch(join(work, 'maker'), baseURL);
  const page = maker.pages()[0] ?? (await maker.newPage());
  await page.goto('/');
  await page.waitForFunction(() => !!window.pond, undefined, { timeout: 60_000 });
  await page.evaluate(() => window.pond.ready);
  const rows = Array.from({ length: 3000 }, (_, i) => `${new Date(Date.UTC(2024, 0, 1) + i * 900_000).toISOString()},${temp(i).toFixed(2)}`).join('\n');
  const made = await pondLayout(page, 'published site', [{ path: '/site/temp.series', csv: `timestamp,temp\n${rows}\n` }]);
  const expected = await page.evaluate(async () => { const p = await window.pond.api.plot('/site/temp.series', ['temp'], 100_000); return { x: [...p.x], y: p.y.temp! }; });
  await maker.close();

  writeFileSync(join(work, 'pond.zip'), made.zip);
  execFileSync('node', ['tools/publish-site.mjs', '--pond', join(work, 'pond.zip'), '--out', join(work, 'site.zip')], { stdio: 'pipe', timeout: 400_000 });
  const site = new Map(Object.entries(unzipSync(new Uint8Array(readFileSync(join(work, 'site.zip'))))));
  expect(site.has('index.html')).toBe(true);
  expect(new TextDecoder().decode(site.get('index.html'))).toContain('<meta name="duckpond-open" content="pond/" />');
  expect([...site.keys()].filter((p) => p.startsWith('pond/')).sort()).toEqual([...made.files.keys()].map((p) => `pond/${p}`).sort());

  const server = await startStaticPondServer(site, { prefix: '/lake/', site: true });
  const reader = await launch(join(work, 'reader'));
  const view = reader.pages()[0] ?? (await reader.newPage());
  await view.goto(server.url);
  const banner = view.getByTestId('link-banner');
  await expect(banner).toContainText(`Opened from ${new URL(server.url).host} · read-only · version 1`, { timeout: 120_000 });
  const plot = () => view.evaluate(async () => { const p = await window.pond.api.plot('/site/temp.series', ['temp'], 100_000); return { x: [...p.x], y: p.y.temp! }; });
  expect(await plot()).toEqual(expected);
  await view.waitForFunction(() => !!navigator.serviceWorker.controller, undefined, { timeout: 120_000 });
  await expect(view.getByText('Ready to work offline')).toBeVisible({ timeout: 120_000 });

  await server.close(); // the host is gone
  await view.reload();
  await expect(view.getByTestId('link-banner')).toContainText('offline: as of your last visit', { timeout: 120_000 });
  await view.locator('pond-tree').getByText('site', { exact: true }).click();
  await view.locator('pond-tree').getByText('temp.series').click();
  await expect(view.locator('series-chart canvas').first()).toBeVisible({ timeout: 60_000 });
  expect(await plot()).toEqual(expected);
  await reader.close();
});
