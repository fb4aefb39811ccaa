// The app always starts: with a pond on the device whose log cannot be read, start-up completes, shows that pond's
// error, and keeps rename, delete and "export what can be read" working, and the other ponds reachable.
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';

const SHOTS = 'test-results/screenshots';

/** Writes a pond folder whose only commit is not a commit, as a crash or a crafted file could leave one. */
async function plantBrokenPond(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const id = crypto.randomUUID();
    let dir = await navigator.storage.getDirectory();
    for (const name of ['ponds', id, '_delta_log']) dir = await dir.getDirectoryHandle(name, { create: true });
    const w = await (await dir.getFileHandle('00000000000000000000.json', { create: true })).createWritable();
    await w.write('not a delta commit\n');
    await w.close();
    localStorage.setItem('duckpond.lastPond', id); // the app reopens the pond used last: this one
    return id;
  });
}

test('start-up with an unopenable pond: its error, export, rename, switch away and back, delete', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('pond-switcher select option:checked')).toHaveText('Demo pond', { timeout: 60_000 });
  // The switcher names the demo pond as soon as it exists; its start-up ends (and records it as the pond used last)
  // once the demo's import is in: only then may the test name another pond as the last one.
  await page.evaluate(() => window.pond.ready);
  const id = await plantBrokenPond(page);
  await page.reload();

  const panel = page.getByTestId('pond-unopened');
  await expect(panel).toBeVisible({ timeout: 30_000 });
  await expect(panel.getByRole('alert')).toContainText('00000000000000000000.json');
  await expect(panel.getByRole('heading')).toHaveText(`Could not open “pond ${id.slice(-6)}”`);
  await expect(page.getByRole('button', { name: 'Rename pond' })).toBeEnabled();
  await expect(page.getByRole('button', { name: 'Delete pond' })).toBeEnabled();
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/unopened-1280x800.png` });

  const download = page.waitForEvent('download');
  await panel.getByRole('button', { name: 'Export what can be read' }).click();
  expect((await download).suggestedFilename()).toMatch(/^pond-[0-9a-f]{6}-files\.zip$/);
  await expect(panel.getByRole('status')).toContainText('Saved');

  await panel.getByRole('button', { name: 'Rename…' }).click();
  await page.getByRole('textbox', { name: 'Name' }).fill('Broken pond');
  await page.getByRole('button', { name: 'Rename', exact: true }).click();
  await expect(panel.getByRole('heading')).toHaveText('Could not open “Broken pond”');

  const select = page.getByRole('combobox', { name: 'Pond' });
  await select.selectOption({ label: 'Demo pond' });
  await expect(page.locator('pond-tree')).toContainText('sensors');
  await expect(panel).toHaveCount(0);
  await select.selectOption({ label: 'Broken pond' });
  await expect(panel).toBeVisible();

  await panel.getByRole('button', { name: 'Delete…' }).click();
  const confirm = page.locator('pond-switcher dialog');
  await expect(confirm).toContainText('Delete pond “Broken pond”?');
  await confirm.getByRole('button', { name: 'Delete pond' }).click();
  await expect(page.locator('pond-switcher select option:checked')).toHaveText('Demo pond');
  await expect(select.locator('option', { hasText: 'Broken pond' })).toHaveCount(0);
});

test('window.pond.exec called before start-up has finished waits for it, and answers for the demo pond', async ({ page }) => {
  await page.goto('/');
  // As soon as the script object exists: the first-run demo pond is still being made (or not yet begun).
  await page.waitForFunction(() => !!window.pond, undefined, { polling: 10, timeout: 60_000 });
  const early = await page.evaluate(async () => {
    const r = await window.pond.exec('info');
    const info = await window.pond.api.info(); // start-up is over once exec has answered
    return { r, info };
  });
  expect(early.r.stderr).toBe('');
  expect(early.r.exitCode).toBe(0);
  // The whole demo (its last commit), not "no pond is open" nor the half-made pond.
  expect(early.r.stdout.trim()).toBe(`pond Demo pond (${early.info.id}) at version ${early.info.version}`);
  const tree = await page.evaluate(() => window.pond.exec("list '/sensors/lake-station/*'"));
  expect(tree.stdout).toContain('water.series');
});
