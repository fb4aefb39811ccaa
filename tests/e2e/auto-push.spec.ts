// Push by itself in the built app (pond worker → network worker → s3rver on 127.0.0.1): the Backup tab's status line
// follows the pushes; offline (the browser's own offline mode) the commits wait, counted, without a request, and coming
// back online sends them; a reload of the page with commits not backed up pushes them.
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchProfile, openApp } from '../helpers/browser-profile';
import { startS3, type LocalS3 } from '../helpers/s3-server';

let s3: LocalS3 | undefined;
const profiles: string[] = [];
test.beforeAll(async ({ baseURL }) => { s3 = await startS3(new URL(baseURL!).origin); });
test.afterAll(async () => {
  await s3?.close();
  for (const p of profiles) rmSync(p, { recursive: true, force: true });
});

/** A new browser profile with its service worker (which lets the network worker reach the S3 origin). */
async function freshProfile(baseURL: string): Promise<{ context: BrowserContext; page: Page }> {
  const dir = mkdtempSync(join(tmpdir(), 'duckpond-autopush-profile-'));
  profiles.push(dir);
  const context = await launchProfile(dir, baseURL);
  return { context, page: await openApp(context) };
}

async function exec(page: Page, line: string): Promise<string> {
  const r = await page.evaluate((l) => window.pond.exec(l), line);
  expect(r.stderr, line).toBe('');
  expect(r.exitCode, line).toBe(0);
  return r.stdout;
}

const autoPush = (page: Page) => page.evaluate(async () => (await window.pond.api.info()).autoPush?.[0]);
const version = (page: Page) => page.evaluate(async () => (await window.pond.api.info()).version);

test('auto-push in the app: status line, offline holds the commits, online sends them, a reload pushes what was left', async ({ baseURL }) => {
  const { context, page } = await freshProfile(baseURL!);
  await page.evaluate(async () => {
    const { id } = await window.pond.api.createPond('auto-push site');
    await window.pond.api.writeFile('/notes.txt', new Blob(['first'])); // its notice makes the app show this pond
    localStorage.setItem('duckpond.lastPond', id); // and the reload below opens it again, as the pond switcher would
  });
  await exec(page, `remote add lab ${s3!.bucketUrl} --prefix e2e-auto --key S3RVER --secret S3RVER --remember`);
  expect(await exec(page, 'remote auto-push lab on')).toContain('auto-push lab:');
  const v1 = await version(page);

  await page.getByRole('tab', { name: 'Backup' }).click();
  const status = page.getByTestId('auto-push-status');
  await expect(status).toContainText(`Auto-push to lab: backed up · version ${v1}`, { timeout: 30_000 });

  // Offline (the browser's own mode): the worker sees it and holds the commits without trying.
  await context.setOffline(true);
  await page.evaluate(async () => {
    await window.pond.api.writeFile('/a.txt', new Blob(['a']));
    await window.pond.api.writeFile('/b.txt', new Blob(['b']));
  });
  await expect.poll(async () => (await autoPush(page))?.waitingOnline, { timeout: 30_000 }).toBe(true);
  await expect(status).toHaveText('Auto-push to lab: 2 commits not backed up');
  await expect(page.getByText('Offline: the commits go when this device is online again.')).toBeVisible();
  expect((await autoPush(page))?.lastError).toBeUndefined(); // it did not try

  await context.setOffline(false);
  await expect(status).toContainText(`Auto-push to lab: backed up · version ${v1 + 2}`, { timeout: 30_000 });

  // A commit and a reload before its push (the quiet spell is 1.5 s): the reloaded app pushes it.
  await page.evaluate(() => window.pond.api.writeFile('/c.txt', new Blob(['c'])));
  await page.reload();
  await page.waitForFunction(() => !!window.pond, undefined, { timeout: 60_000 });
  await page.evaluate(() => window.pond.ready);
  await expect.poll(async () => (await autoPush(page))?.pushedVersion, { timeout: 30_000 }).toBe(v1 + 3);
  expect(await exec(page, 'verify lab')).toMatch(/is complete: \d+ objects match/);
  await context.close();
});
