// A new release while the app is installed: the new service worker waits, the app says "Update available" and
// reloading through it brings the page under the new worker, with the pond intact.
import { chromium, expect, test } from '@playwright/test';
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preview, type PreviewServer } from 'vite';
// @ts-expect-error plain .mjs helper shared with the node tools
import { CHROMIUM_ARGS } from '../../tools/chromium.mjs';

const PORT = Number(process.env.E2E_UPDATE_PORT ?? 4392);
const URL_ = `http://127.0.0.1:${PORT}/`;
const serve = (outDir: string) => preview({ build: { outDir }, preview: { host: '127.0.0.1', port: PORT, strictPort: true }, logLevel: 'warn' });

test('a new release is offered as "Update available", and Reload switches to it', async () => {
  const profile = mkdtempSync(join(tmpdir(), 'duckpond-update-'));
  // "Release 2": the same build with a service worker that differs by one comment, which is all the browser needs.
  const release2 = mkdtempSync(join(tmpdir(), 'duckpond-release2-'));
  cpSync(process.env.E2E_OUT_DIR ?? 'dist', release2, { recursive: true });
  appendFileSync(join(release2, 'sw.js'), '\n// release 2\n');
  let server: PreviewServer | undefined = await serve(process.env.E2E_OUT_DIR ?? 'dist');
  const context = await chromium.launchPersistentContext(profile, { executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS as string[] });
  try {
    const page = await context.newPage();
    await page.goto(URL_);
    await expect(page.getByText('Ready to work offline.')).toBeVisible({ timeout: 120_000 });
    const firstWorker = await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.scriptURL);
    await server.close();
    server = await serve(release2);
    await page.reload();
    await expect(page.getByText('Update available.')).toBeVisible({ timeout: 120_000 });
    await page.getByRole('button', { name: 'Reload' }).click();
    // The page reloads under the new worker: the old one is gone and the app boots with its pond.
    await expect.poll(async () => page.evaluate(async () => {
      const regs = await navigator.serviceWorker.getRegistrations();
      return regs.length === 1 && !regs[0]!.waiting && !!navigator.serviceWorker.controller;
    }).catch(() => false /* the page is reloading */), { timeout: 60_000 }).toBe(true);
    await expect(page.locator('pond-switcher select option:checked')).toHaveText('Demo pond', { timeout: 60_000 });
    await expect(page.getByText('Update available.')).toHaveCount(0);
    expect(firstWorker).toMatch(/sw\.js$/);
  } finally {
    await context.close();
    await server?.close();
    rmSync(profile, { recursive: true, force: true });
    rmSync(release2, { recursive: true, force: true });
  }
});
