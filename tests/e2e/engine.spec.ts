// The pond engine as the browser really runs it: the built app, its worker and OPFS, across reloads, a browser
// restart with the same profile, two tabs, and a tab closed in the middle of a large commit.
import { chromium, expect, test, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error plain .mjs helper shared with the node tools
import { CHROMIUM_ARGS } from '../../tools/chromium.mjs';

/** Waits until the app has booted (first-run demo pond made, or last pond reopened), so our calls do not race the UI's. */
async function ready(page: Page): Promise<void> {
  await page.waitForFunction(() => !!window.pond, undefined, { timeout: 60_000 });
  await page.evaluate(() => window.pond.ready);
}

async function createPondWithFile(page: Page, name: string, text: string): Promise<string> {
  return page.evaluate(async ([n, t]) => {
    const info = await window.pond.api.createPond(n);
    await window.pond.api.writeFile('/notes/hello.txt', new Blob([t]), { parents: true });
    return info.id;
  }, [name, text] as const);
}

const readText = (page: Page, id: string, path: string) => page.evaluate(async ([i, p]) => {
  await window.pond.api.openPond(i);
  return new TextDecoder().decode(await window.pond.api.readFile(p));
}, [id, path] as const);

test('a pond survives a reload', async ({ page }) => {
  await page.goto('/');
  await ready(page);
  const id = await createPondWithFile(page, 'reload test', 'written before reload');
  await page.reload();
  await ready(page);
  expect(await readText(page, id, '/notes/hello.txt')).toBe('written before reload');
  const log = await page.evaluate(() => window.pond.exec('show'));
  expect(log.stdout).toMatch(/write \/notes\/hello\.txt/);
});

test.describe('with a persistent browser profile', () => {
  let profile: string;
  test.beforeEach(() => { profile = mkdtempSync(join(tmpdir(), 'duckpond-profile-')); });
  test.afterEach(() => rmSync(profile, { recursive: true, force: true }));

  const launch = (baseURL: string) => chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS as string[], bypassCSP: true, baseURL,
  });

  test('a pond survives a browser restart', async ({ baseURL }) => {
    let context = await launch(baseURL!);
    let page = await context.newPage();
    await page.goto('/');
    await ready(page);
    const id = await createPondWithFile(page, 'restart test', 'written before restart');
    await context.close();
    context = await launch(baseURL!);
    page = await context.newPage();
    await page.goto('/');
    await ready(page);
    expect(await readText(page, id, '/notes/hello.txt')).toBe('written before restart');
    await context.close();
  });

  test('two tabs: one writes, the other is read-only, follows, and takes over when the writer closes', async ({ baseURL }) => {
    const context = await launch(baseURL!);
    const a = await context.newPage();
    await a.goto('/');
    await ready(a);
    const id = await createPondWithFile(a, 'two tabs', 'from tab A');
    const b = await context.newPage();
    await b.goto('/');
    await ready(b);
    const info = await b.evaluate((i) => window.pond.api.openPond(i), id);
    expect(info.readOnly).toBe(true);
    expect((await b.evaluate(() => window.pond.exec('mkdir /b'))).stderr).toMatch(/READ_ONLY/);
    await a.evaluate(() => window.pond.api.mkdir('/from-a'));
    await expect.poll(() => b.evaluate(async () => (await window.pond.api.list('/*')).map((n) => n.path))).toContain('/from-a');
    await a.close();
    await expect.poll(() => b.evaluate(async () => (await window.pond.api.info()).readOnly)).toBe(false);
    expect((await b.evaluate(() => window.pond.exec('mkdir /b'))).exitCode).toBe(0);
    await context.close();
  });

  test('a tab closed in the middle of a large commit leaves the pond before or after it, and writable', async ({ baseURL }) => {
    const context = await launch(baseURL!);
    const a = await context.newPage();
    await a.goto('/');
    await ready(a);
    const id = await createPondWithFile(a, 'crash test', 'committed before the crash');
    await a.evaluate(() => {
      const w = window as unknown as { progress: number };
      w.progress = 0;
      const big = new Blob([new Uint8Array(200 * 1024 * 1024).fill(1)]);
      void window.pond.api.writeFile('/big.bin', big, { opId: 'crash-op' }).catch(() => undefined);
    });
    // Let the write get well under way, then close the tab: its worker dies with it.
    await a.waitForTimeout(1500);
    await a.close();
    const b = await context.newPage();
    await b.goto('/');
    await ready(b);
    await b.evaluate((i) => window.pond.api.openPond(i), id);
    await expect.poll(() => b.evaluate(async () => (await window.pond.api.info()).readOnly)).toBe(false);
    const state = await b.evaluate(async () => {
      const files = (await window.pond.api.list('/**')).filter((n) => n.type !== 'directory').map((n) => [n.path, n.size]);
      return { files, version: (await window.pond.api.info()).version };
    });
    const before = { files: [['/notes/hello.txt', 26]], version: 1 };
    const after = { files: [['/big.bin', 200 * 1024 * 1024], ['/notes/hello.txt', 26]], version: 2 };
    expect([JSON.stringify(before), JSON.stringify(after)]).toContain(JSON.stringify(state));
    expect(await readText(b, id, '/notes/hello.txt')).toBe('committed before the crash');
    expect((await b.evaluate(() => window.pond.exec('mkdir /after-crash'))).exitCode).toBe(0);
    await context.close();
  });

  test('running out of quota in the middle of a commit gives QUOTA_EXCEEDED and leaves the pond unchanged', async ({ baseURL }) => {
    const context = await launch(baseURL!);
    const page = await context.newPage();
    await page.goto('/');
    await ready(page);
    const id = await createPondWithFile(page, 'quota test', 'committed before the quota');
    const cdp = await context.newCDPSession(page);
    const origin = new URL(baseURL!).origin;
    const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
    // A real browser quota a little above what the origin uses now: the 16 MiB write must hit it mid-way.
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + 4 * 1024 * 1024 });
    try {
      const err = await page.evaluate(async () => {
        try {
          await window.pond.api.writeFile('/big.bin', new Blob([new Uint8Array(16 * 1024 * 1024).fill(3)]));
          return 'no error';
        } catch (e) {
          return { code: (e as { code?: string }).code, message: (e as Error).message };
        }
      });
      expect(err).toMatchObject({ code: 'QUOTA_EXCEEDED', message: expect.stringMatching(/quota/) });
      const state = await page.evaluate(async () => ({
        version: (await window.pond.api.info()).version,
        files: (await window.pond.api.list('/**')).map((n) => n.path),
      }));
      expect(state).toEqual({ version: 1, files: ['/notes', '/notes/hello.txt'] });
    } finally {
      await cdp.send('Storage.overrideQuotaForOrigin', { origin });
    }
    // With room again, the same write commits, and what was there before is intact.
    await page.evaluate(() => window.pond.api.writeFile('/big.bin', new Blob([new Uint8Array(16 * 1024 * 1024).fill(3)])));
    expect(await readText(page, id, '/notes/hello.txt')).toBe('committed before the quota');
    await context.close();
  });
});
