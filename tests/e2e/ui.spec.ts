// The UI end to end, in the built app: first run (demo pond), import, shell, time travel, deleting a pond,
// offline start from the service worker, and that nothing is fetched from outside this machine.
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';

const SERIES = '/sensors/lake-station/water.series';
const SHOTS = 'test-results/screenshots';

/** Every request a test makes, checked after it: the app must never reach beyond 127.0.0.1/localhost. */
let requests: string[] = [];
function recordRequests(context: BrowserContext): void {
  requests = [];
  context.on('request', (r) => requests.push(r.url()));
}
function foreignRequests(): string[] {
  return requests.filter((u) => {
    const url = new URL(u);
    if (url.protocol === 'data:' || url.protocol === 'blob:') return false;
    return !['127.0.0.1', 'localhost'].includes(url.hostname);
  });
}

const treeItem = (page: Page, path: string) => page.locator(`pond-tree li[data-path="${path}"]`);

/** Opens the app and waits for the first run to create the demo pond and reveal its series. */
async function openDemo(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.locator('pond-switcher select option:checked')).toHaveText('Demo pond', { timeout: 60_000 });
  await expect(treeItem(page, SERIES)).toBeVisible();
  await expect(page.getByTestId('details-path')).toContainText(SERIES);
}

/** Expands a folder in the tree unless it already is (a click on an open folder closes it). */
async function expand(page: Page, path: string): Promise<void> {
  const item = treeItem(page, path);
  await expect(item).toBeVisible();
  if ((await item.getAttribute('aria-expanded')) === 'false') await item.click();
  await expect(item).toHaveAttribute('aria-expanded', 'true');
}

async function tab(page: Page, name: 'Details' | 'History' | 'Shell' | 'SQL'): Promise<void> {
  await page.getByRole('tab', { name }).click();
}

async function shell(page: Page, line: string): Promise<void> {
  const input = page.getByRole('textbox', { name: 'Command' });
  await input.fill(line);
  await input.press('Enter');
}

test.describe('UI', () => {
  // The service worker precaches ~40 MB (DuckDB's wasm): only the offline test needs it.
  test.use({ serviceWorkers: 'block' });

  test.beforeEach(({ context }) => recordRequests(context));
  test.afterEach(() => expect(foreignRequests()).toEqual([]));

  test('first run creates the demo pond and shows its series with versions, rows and a chart', async ({ page }) => {
    await openDemo(page);
    await expect(treeItem(page, SERIES)).toContainText('series · 1 version');
    await expect(treeItem(page, '/README.md')).toContainText('file');
    await treeItem(page, SERIES).click();
    await expect(page.getByTestId('details-type')).toContainText('series (file:series)');
    await expect(page.getByTestId('details-rows')).toHaveText('1,008'); // 7 days × 144 readings
    await expect(page.locator('node-details')).toContainText('water_temp_c');
    await expect(page.locator('series-chart .plot')).toHaveCount(3); // one chart per numeric column
    await expect(page.locator('series-chart canvas').first()).toBeVisible();

    await page.getByRole('button', { name: 'Keep data on this device' }).click();
    await expect(page.getByTestId('persist-answer')).toContainText(/Granted|Not granted/); // headless answers "not granted"

    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: `${SHOTS}/demo-1280x800.png` });
    await page.setViewportSize({ width: 768, height: 1024 });
    await expect(page.locator('series-chart canvas').first()).toBeVisible();
    await page.screenshot({ path: `${SHOTS}/demo-768x1024.png` });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: `${SHOTS}/demo-dark-768x1024.png` });
    await page.setViewportSize({ width: 390, height: 844 });
    await expect(page.getByRole('button', { name: 'Import…' })).toBeInViewport();
    await page.screenshot({ path: `${SHOTS}/demo-dark-phone-390x844.png` });
  });

  test('a second tab is read-only, follows the writer\'s commits, and becomes the writer when it closes', async ({ page, context }) => {
    await openDemo(page);
    const other = await context.newPage();
    await other.goto('/');
    await expect(other.getByTestId('read-only')).toContainText('Read-only');
    await expect(other.getByRole('button', { name: 'Import…' })).toBeDisabled();

    await tab(page, 'Shell');
    await shell(page, 'mkdir /from-the-writer');
    await expect(treeItem(other, '/from-the-writer')).toBeVisible(); // refreshed by the change notice
    await other.screenshot({ path: `${SHOTS}/read-only-1280x800.png` });

    await page.close();
    await expect(other.getByTestId('read-only')).toHaveCount(0);
    await expect(other.getByRole('button', { name: 'Import…' })).toBeEnabled();
  });

  test('the tree is keyboard navigable', async ({ page }) => {
    await openDemo(page);
    await treeItem(page, '/sensors').focus();
    await page.keyboard.press('ArrowLeft'); // collapse
    await expect(treeItem(page, '/sensors')).toHaveAttribute('aria-expanded', 'false');
    await page.keyboard.press('ArrowRight'); // expand
    await expect(treeItem(page, '/sensors')).toHaveAttribute('aria-expanded', 'true');
    await page.keyboard.press('ArrowDown');
    await expect(treeItem(page, '/sensors/lake-station')).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('details-path')).toContainText('/sensors/lake-station');
  });

  test('a CSV imported with the file picker becomes a series in the tree, or a table', async ({ page }) => {
    await openDemo(page);
    const csv = 'timestamp,level_m\n2026-01-01 00:00:00,1.25\n2026-01-01 00:10:00,1.27\n2026-01-01 00:20:00,1.31\n';
    await page.getByTestId('file-picker').setInputFiles({ name: 'river.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    const dialog = page.locator('import-dialog dialog');
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('radio', { name: /Series/ })).toBeChecked();
    await dialog.getByRole('button', { name: 'Import' }).click();
    await expect(page.getByTestId('import-result')).toContainText('/data/river.csv (v1)');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await expect(treeItem(page, '/data/river.csv')).toContainText('series · 1 version');
    await expect(page.getByTestId('details-rows')).toHaveText('3');
    await page.screenshot({ path: `${SHOTS}/imported-1280x800.png` });

    // Drag-and-drop anywhere opens the same dialog (a synthetic drop: Playwright cannot drag host files).
    await page.evaluate((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'dropped.csv', { type: 'text/csv' }));
      for (const type of ['dragenter', 'dragover', 'drop']) {
        document.querySelector('duckpond-app')!.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true, composed: true }));
      }
    }, csv);
    await expect(dialog).toContainText('Import dropped.csv');
    await dialog.getByRole('textbox', { name: /Destination/ }).fill('/data/river.csv');
    await dialog.getByRole('button', { name: 'Import' }).click();
    // The very same file again would double every row: refused, naming the version it already is …
    await expect(page.getByTestId('import-error')).toContainText('dropped.csv is already version 1 of /data/river.csv');
    await expect(page.getByTestId('import-error')).toContainText('[ALREADY_EXISTS]');
    // … unless asked for: then the series gains a version, and the dialog says the two overlap in time.
    await dialog.getByRole('checkbox', { name: /Import even if identical/ }).check();
    await dialog.getByRole('button', { name: 'Try again' }).click();
    await expect(page.getByTestId('import-result')).toContainText('/data/river.csv (v2)'); // a series gains a version
    await expect(page.getByTestId('import-overlap')).toContainText('Overlaps version 1 from 2026-01-01 00:00'); 
    await dialog.getByRole('button', { name: 'Done' }).click();
    await expect(treeItem(page, '/data/river.csv')).toContainText('series · 2 versions');

    // The same CSV as a table: it goes through the CSV → Parquet path, no time column needed.
    await page.getByTestId('file-picker').setInputFiles({ name: 'again.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await dialog.getByRole('radio', { name: /Table/ }).check();
    await dialog.getByRole('button', { name: 'Import' }).click();
    await expect(page.getByTestId('import-result')).toContainText('/data/again.csv (v1)');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await expect(treeItem(page, '/data/again.csv')).toContainText('table');
  });

  test('a long import can be cancelled and leaves nothing behind', async ({ page }) => {
    await openDemo(page);
    // Big enough that the import is still running when Cancel is clicked (hundreds of ms of DuckDB work).
    const rows = ['timestamp,value'];
    for (let i = 0; i < 400_000; i++) rows.push(`${new Date(Date.UTC(2020, 0, 1) + i * 60_000).toISOString().slice(0, 19).replace('T', ' ')},${i % 97}`);
    await page.getByTestId('file-picker').setInputFiles({ name: 'big.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n')) });
    const dialog = page.locator('import-dialog dialog');
    await dialog.getByRole('button', { name: 'Import' }).click();
    await expect(dialog.getByRole('progressbar', { name: 'Import progress' })).toBeVisible();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByTestId('import-error')).toHaveText('Import cancelled; nothing was changed.');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
    await expect(treeItem(page, '/data')).toHaveCount(0);
  });

  test('the shell runs commands, recalls history with the arrow keys and offers copy-out as a download', async ({ page }) => {
    await openDemo(page);
    await tab(page, 'Shell');
    await shell(page, 'list -l');
    const out = page.getByTestId('shell-output');
    await expect(out).toContainText('$ list -l');
    await expect(out).toContainText(SERIES);
    await expect(out).toContainText('SER');
    await shell(page, 'describe /sensors/**');
    await expect(out).toContainText('timestamp column: timestamp');

    const input = page.getByRole('textbox', { name: 'Command' });
    await input.press('ArrowUp');
    await expect(input).toHaveValue('describe /sensors/**');
    await input.press('ArrowUp');
    await expect(input).toHaveValue('list -l');
    await input.press('ArrowDown');
    await expect(input).toHaveValue('describe /sensors/**');

    await shell(page, 'nosuchcommand');
    await expect(out).toContainText('unknown command');
    await expect(out).toContainText('exit 2');

    await shell(page, 'copy /README.md host:readme.md');
    const link = out.getByRole('link', { name: /readme\.md/ });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('readme.md');
  });

  test('the SQL console queries the selected series', async ({ page }) => {
    await openDemo(page);
    await tab(page, 'SQL');
    await expect(page.getByRole('textbox', { name: /Tables/ })).toHaveValue(`source = ${SERIES}`);
    await page.getByRole('textbox', { name: 'SQL' }).fill('SELECT count(*) AS n, round(max(conductivity_us_cm)) > 400 AS high FROM source');
    await page.getByRole('button', { name: 'Run SQL' }).click();
    await expect(page.getByTestId('sql-rows')).toHaveText('1 row');
    await expect(page.locator('sql-console tbody td').first()).toHaveText('1008');

    await page.getByRole('textbox', { name: 'SQL' }).fill('SELECT nonsense FROM source');
    await page.getByRole('button', { name: 'Run SQL' }).click();
    await expect(page.locator('sql-console [role="alert"]')).toContainText('[QUERY]');
  });

  test('an older version opens read-only from the history, with a banner and a way back', async ({ page }) => {
    await openDemo(page);
    await tab(page, 'History');
    const mkdir = page.locator('history-pane li', { hasText: 'mkdir' });
    await expect(mkdir).toHaveCount(1);
    const seq = await mkdir.getAttribute('data-seq');
    await mkdir.getByRole('button', { name: /Open as of/ }).click();

    await expect(page.getByTestId('time-travel')).toContainText(`Viewing version ${seq} — read-only`);
    await expect(treeItem(page, '/sensors')).toBeVisible();
    await expect(treeItem(page, '/README.md')).toHaveCount(0); // written after that version
    await expect(page.getByRole('button', { name: 'Import…' })).toBeDisabled();
    await page.screenshot({ path: `${SHOTS}/time-travel-1280x800.png` });

    await page.getByRole('button', { name: 'Back to the latest version' }).click();
    await expect(page.getByTestId('time-travel')).toHaveCount(0);
    await expect(treeItem(page, '/README.md')).toBeVisible();
  });

  test('a pond is created, renamed, then deleted only after confirmation', async ({ page }) => {
    await openDemo(page);
    const select = page.getByRole('combobox', { name: 'Pond' });
    await page.getByRole('button', { name: 'New pond' }).click();
    await page.getByRole('textbox', { name: 'Name' }).fill('Scratch pad');
    await page.getByRole('button', { name: 'Create' }).click();
    await expect(page.locator('pond-switcher select option:checked')).toHaveText('Scratch pad');
    await expect(page.locator('pond-tree')).toContainText('This pond is empty');

    await page.getByRole('button', { name: 'Rename pond' }).click();
    await page.getByRole('textbox', { name: 'Name' }).fill('Scratch');
    await page.getByRole('button', { name: 'Rename', exact: true }).click();
    await expect(page.locator('pond-switcher select option:checked')).toHaveText('Scratch');

    await page.getByRole('button', { name: 'Delete pond' }).first().click();
    const confirm = page.locator('pond-switcher dialog');
    await expect(confirm).toContainText('Delete pond “Scratch”?');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect(select.locator('option', { hasText: 'Scratch' })).toHaveCount(1);

    await page.getByRole('button', { name: 'Delete pond' }).first().click();
    await confirm.getByRole('button', { name: 'Delete pond' }).click();
    await expect(select.locator('option', { hasText: 'Scratch' })).toHaveCount(0);
    await expect(page.locator('pond-switcher select option:checked')).toHaveText('Demo pond');
  });
});

test.describe('offline', () => {
  test.use({ serviceWorkers: 'allow' });
  test.beforeEach(({ context }) => recordRequests(context));
  test.afterEach(() => expect(foreignRequests()).toEqual([]));

  test('after one online visit the app boots offline from the service worker and lists the pond', async ({ page, context }) => {
    test.setTimeout(180_000);
    await openDemo(page);
    await expect(page.getByText('Ready to work offline.')).toBeVisible({ timeout: 120_000 });
    // The first visit installs the worker; it controls pages loaded after that (no clients.claim in 'prompt' mode).
    await page.reload();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);

    await context.setOffline(true);
    await page.reload();
    await expect(page.locator('sw-notices [data-testid="offline"]')).toBeVisible();
    await expect(page.locator('pond-switcher select option:checked')).toHaveText('Demo pond');
    await expand(page, '/sensors');
    await expand(page, '/sensors/lake-station');
    await treeItem(page, SERIES).click();
    await expect(page.locator('series-chart canvas').first()).toBeVisible(); // DuckDB's wasm came from the cache
    await page.screenshot({ path: `${SHOTS}/offline-1280x800.png` });
  });
});
