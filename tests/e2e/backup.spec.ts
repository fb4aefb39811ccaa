// Backup and sharing end to end, in the built app: a pond pushed to S3 (s3rver on 127.0.0.1, SigV4 checked,
// CORS for the preview origin) from one browser profile is restored in a brand-new profile with the same query
// results; and a zip snapshot made by a real download from the shell is imported in another fresh profile.
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchProfile, openApp } from '../helpers/browser-profile';
import { startS3, type LocalS3 } from '../helpers/s3-server';

const SUMMARY = `cat /site/temp.series --sql "SELECT count(*)::INTEGER AS n, min(temp) AS lo, max(temp) AS hi, round(sum(temp), 3) AS total FROM source"`;

let s3: LocalS3 | undefined;
let s3Url = '';
const profiles: string[] = [];

test.beforeAll(async ({ baseURL }) => {
  s3 = await startS3(new URL(baseURL!).origin);
  s3Url = s3.bucketUrl;
});

test.afterAll(async () => {
  await s3?.close();
  for (const p of profiles) rmSync(p, { recursive: true, force: true });
});

/**
 * A new, empty browser profile (its own OPFS and IndexedDB): a device that has never seen the pond. With its service
 * worker, as a person has it: that is what lets the network worker reach the configured S3 origin (workers/sw.ts).
 */
async function freshProfile(baseURL: string, existing?: string): Promise<{ context: BrowserContext; page: Page; dir: string }> {
  const dir = existing ?? mkdtempSync(join(tmpdir(), 'duckpond-backup-profile-'));
  if (!existing) profiles.push(dir);
  const context = await launchProfile(dir, baseURL);
  return { context, page: await openApp(context), dir };
}

/** Runs a shell line from a script; fails the test with its stderr when it fails. */
async function exec(page: Page, line: string): Promise<string> {
  const r = await page.evaluate((l) => window.pond.exec(l), line);
  expect(r.stderr, line).toBe('');
  expect(r.exitCode, line).toBe(0);
  return r.stdout;
}

/** A pond with a two-version series, made through the API as a script would. */
async function makePond(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const csv = (day: number, base: number) => new Blob([`timestamp,temp\n${Array.from({ length: 24 }, (_, i) => `2024-05-0${day}T${String(i).padStart(2, '0')}:00:00Z,${base + i / 4}`).join('\n')}\n`]);
    const { id } = await window.pond.api.createPond('field site');
    await window.pond.api.copyIn([{ name: 'a.csv', data: csv(1, 10) }], '/site/temp.series', { format: 'series' });
    await window.pond.api.copyIn([{ name: 'b.csv', data: csv(2, 20) }], '/site/temp.series', { format: 'series' });
    return id;
  });
}

test('restore in a fresh browser profile gives the same query results', async ({ baseURL }) => {
  const a = await freshProfile(baseURL!);
  const id = await makePond(a.page);
  const expected = await exec(a.page, SUMMARY);
  expect(expected).toMatch(/\n48 /);
  await exec(a.page, `remote add lab ${s3Url} --prefix e2e --key S3RVER --secret S3RVER`);
  expect(await exec(a.page, 'push lab')).toMatch(/^pushed \d+ objects .* to lab; 0 already there\n$/);
  expect(await exec(a.page, 'push lab')).toMatch(/^pushed 0 objects \(0 B\) to lab/);
  await a.context.close();

  const b = await freshProfile(baseURL!);
  expect(await b.page.evaluate(async (i) => (await window.pond.api.listPonds()).some((p) => p.id === i), id)).toBe(false);
  await exec(b.page, `remote add lab ${s3Url} --prefix e2e --key S3RVER --secret S3RVER`);
  expect(await exec(b.page, 'remote ponds lab')).toContain(id);
  // The pond keeps its name (issue 12: it was "lab: pond xxxxxx"): the name travels in its log.
  expect(await exec(b.page, `pull lab ${id}`)).toMatch(new RegExp(`^restored pond field site \\(${id}\\) at version 2`));
  await b.page.evaluate((i) => window.pond.api.openPond(i), id);
  expect(await exec(b.page, SUMMARY)).toBe(expected);
  expect(await exec(b.page, 'verify lab')).toMatch(/is complete: \d+ objects match/);
  await b.context.close();
});

test('a zip snapshot downloaded from the shell imports in a fresh profile', async ({ baseURL }) => {
  const a = await freshProfile(baseURL!);
  const id = await makePond(a.page);
  const expected = await exec(a.page, SUMMARY);
  // The UI's shell panel, as a user would: the command offers the zip as a link, the click is a real download.
  await a.page.getByRole('tab', { name: 'Shell' }).click();
  const input = a.page.getByRole('textbox', { name: 'Command' });
  await input.fill('export-zip');
  await input.press('Enter');
  const link = a.page.getByTestId('shell-output').getByRole('link', { name: /field-site-v2\.zip/ });
  const [download] = await Promise.all([a.page.waitForEvent('download'), link.click()]);
  expect(download.suggestedFilename()).toBe('field-site-v2.zip');
  const zipPath = join(profiles.at(-1)!, '..', `snapshot-${Date.now()}.zip`);
  await download.saveAs(zipPath);
  profiles.push(zipPath);
  await a.context.close();

  const b = await freshProfile(baseURL!);
  await b.page.getByRole('tab', { name: 'Shell' }).click();
  await b.page.locator('shell-panel input[type="file"]').setInputFiles({ name: 'field-site-v2.zip', mimeType: 'application/zip', buffer: readFileSync(zipPath) });
  const bInput = b.page.getByRole('textbox', { name: 'Command' });
  await bInput.fill('import-zip host:field-site-v2.zip --name "from the zip"');
  await bInput.press('Enter');
  await expect(b.page.getByTestId('shell-output')).toContainText(`imported pond from the zip (${id}) at version 2`, { timeout: 30_000 });
  await b.page.evaluate((i) => window.pond.api.openPond(i), id);
  expect(await exec(b.page, SUMMARY)).toBe(expected);
  await b.context.close();
});

test('after a browser restart a secret not remembered is given again with remote secret, and push works', async ({ baseURL }) => {
  const a = await freshProfile(baseURL!);
  const id = await makePond(a.page);
  await exec(a.page, `remote add lab ${s3Url} --prefix e2e-secret --key S3RVER --secret S3RVER`);
  await a.context.close();

  const again = await freshProfile(baseURL!, a.dir); // the same profile: a browser restart
  await again.page.evaluate((i) => window.pond.api.openPond(i), id);
  const failed = await again.page.evaluate(() => window.pond.exec('push lab'));
  expect(failed.exitCode).not.toBe(0);
  expect(failed.stderr).toContain('give it with: remote secret lab SECRET [--remember]');
  expect(await exec(again.page, 'remote secret lab S3RVER --remember')).toContain('secret remembered on this device');
  expect(await exec(again.page, 'push lab')).toMatch(/^pushed \d+ objects .* to lab; 0 already there\n$/);
  await again.context.close();

  const third = await freshProfile(baseURL!, a.dir); // remembered: another restart still pushes
  await third.page.evaluate((i) => window.pond.api.openPond(i), id);
  expect(await exec(third.page, 'verify lab')).toMatch(/is complete: \d+ objects match/);
  await third.context.close();
});
