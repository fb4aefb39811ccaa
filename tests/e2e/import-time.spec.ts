// Time columns through the import dialog, in the built app, with files made here: a date column that is not the
// first, `Jan 1 2000` dates, a file without dates (refused as a series, then imported as a table in one click),
// the day/month order (13/02 proves day first; ambiguous dates turned by the setting), and another column chosen
// in the preview. Expected event times are written by hand with Date.UTC, never taken from the app.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';

const US = 1000;
const SHOTS = 'test-results/screenshots';

async function openApp(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.locator('pond-switcher select option:checked')).toHaveText('Demo pond', { timeout: 60_000 });
}

/** Picks a host file and waits for the dialog's preview of it. */
async function pick(page: Page, name: string, text: string): Promise<Locator> {
  await page.getByTestId('file-picker').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
  const dialog = page.locator('import-dialog dialog');
  await expect(dialog).toContainText(`Import ${name}`);
  await expect(dialog.getByTestId('import-preview')).toBeVisible({ timeout: 60_000 }); // the first preview starts DuckDB
  await dialog.getByRole('textbox', { name: /Destination/ }).fill('/t/');
  return dialog;
}

/** The pond's own record of a file: type, time column and each version's event-time range (UTC µs). */
async function described(page: Page, path: string) {
  return page.evaluate(async (p) => {
    await window.pond.ready;
    const d = await window.pond.api.describe(p);
    return { type: d.type, timestampColumn: d.timestampColumn, ranges: d.versions.map((v) => [v.minEventTime, v.maxEventTime]), rows: d.versions.map((v) => v.rows) };
  }, path);
}

async function importAndDone(dialog: Locator, path: string): Promise<void> {
  await dialog.getByRole('button', { name: 'Import' }).click();
  await expect(dialog.getByTestId('import-result')).toContainText(`${path} (v1)`);
}

test.describe('time columns in the import dialog', () => {
  test.use({ serviceWorkers: 'block' });

  test('a date column that is not first is found, highlighted and used', async ({ page }) => {
    await openApp(page);
    const dialog = await pick(page, 'rain.csv', 'location,date,precipitation\nCapitola,2012-01-01,0.0\nCapitola,2012-01-02,10.9\nCapitola,2012-01-03,0.8\n');
    await expect(dialog.getByTestId('preview-time')).toContainText('Time column: date — ISO 8601 dates, UTC');
    await expect(dialog.locator('import-preview th.time')).toContainText('date');
    await expect(dialog.locator('import-preview tbody tr')).toHaveCount(3);
    await importAndDone(dialog, '/t/rain.series');
    await expect(dialog.getByTestId('import-time')).toContainText('Times from date: ISO 8601 dates, UTC');
    expect(await described(page, '/t/rain.series')).toMatchObject({ type: 'file:series', timestampColumn: 'date', ranges: [[Date.UTC(2012, 0, 1) * US, Date.UTC(2012, 0, 3) * US]] });
  });

  test('dates written "Jan 1 2000" are times, not text', async ({ page }) => {
    await openApp(page);
    const dialog = await pick(page, 'levels.csv', 'station,when,level\nX,Jan 1 2000,1\nX,Feb 13 2000,2\nX,Dec 31 2000,3\n');
    await expect(dialog.getByTestId('preview-time')).toContainText('Time column: when — Jan 31 2000 (%b %d %Y), UTC');
    await importAndDone(dialog, '/t/levels.series');
    expect(await described(page, '/t/levels.series')).toMatchObject({ timestampColumn: 'when', ranges: [[Date.UTC(2000, 0, 1) * US, Date.UTC(2000, 11, 31) * US]] });
  });

  test('a file without dates is refused as a series, naming the columns tried, and imports as a table in one click', async ({ page }) => {
    await openApp(page);
    const dialog = await pick(page, 'counts.csv', 'site,count\nA,3\nB,5\nC,8\n');
    await expect(dialog.getByTestId('preview-no-time')).toContainText('site (VARCHAR: "A" fits no time form)');
    await dialog.getByRole('button', { name: 'Import' }).click();
    const error = dialog.getByTestId('import-error');
    await expect(error).toContainText('counts.csv: no column holds times, so it cannot be a series (columns tried: site (VARCHAR');
    await expect(error).toContainText('Forms tried: ISO 8601');
    await expect(error).toContainText('[INVALID_INPUT]');
    expect(await page.evaluate(async () => (await window.pond.api.stat('/t/counts.parquet').then(() => 'there', () => 'absent')))).toBe('absent');
    await dialog.getByRole('button', { name: 'Import as a table instead' }).click();
    await expect(dialog.getByTestId('import-result')).toContainText('/t/counts.parquet (v1)');
    // As a table, the preview no longer warns of the missing times.
    await expect(dialog.getByTestId('preview-no-time')).toHaveText('No column holds times; a table needs none.');
    expect(await described(page, '/t/counts.parquet')).toMatchObject({ type: 'file:table', timestampColumn: null, rows: [3] });
  });

  test('13/02/2000 proves day first; ambiguous dates follow the day/month setting', async ({ page }) => {
    await openApp(page);
    let dialog = await pick(page, 'dmy.csv', 'day,v\n01/02/2000,1\n13/02/2000,2\n');
    await expect(dialog.getByTestId('preview-time')).toContainText('day first (a date in the file proves it)');
    await importAndDone(dialog, '/t/dmy.series');
    expect((await described(page, '/t/dmy.series')).ranges).toEqual([[Date.UTC(2000, 1, 1) * US, Date.UTC(2000, 1, 13) * US]]);
    await dialog.getByRole('button', { name: 'Done' }).click();

    dialog = await pick(page, 'ambiguous.csv', 'when,v\n01/02/2000 13:00,1\n03/04/2000 14:30,2\n');
    await expect(dialog.getByTestId('preview-time')).toContainText('month first (assumed');
    await dialog.getByRole('combobox', { name: 'Day/month order' }).selectOption({ label: 'day first' });
    await expect(dialog.getByTestId('preview-time')).toContainText('Time column: when — 31/01/2000 13:00 (%d/%m/%Y %H:%M), UTC, day first');
    await importAndDone(dialog, '/t/ambiguous.series');
    expect((await described(page, '/t/ambiguous.series')).ranges).toEqual([[Date.UTC(2000, 1, 1, 13) * US, Date.UTC(2000, 3, 3, 14, 30) * US]]);
  });

  test('another time column chosen in the preview is the one imported', async ({ page }) => {
    await openApp(page);
    const lines = ['id,opened,sampled,v'];
    for (let i = 1; i <= 12; i++) lines.push(`${i},2001-03-${String(i).padStart(2, '0')},Jan ${i} 2000,${i * 10}`);
    const dialog = await pick(page, 'two.csv', lines.join('\n') + '\n');
    await expect(dialog.locator('import-preview tbody tr')).toHaveCount(10); // the first ten rows only
    await expect(dialog.getByTestId('preview-time')).toContainText('Time column: opened');
    await dialog.getByRole('combobox', { name: 'Time column' }).selectOption('sampled');
    await expect(dialog.getByTestId('preview-time')).toContainText('Time column: sampled — Jan 31 2000 (%b %d %Y)');
    await expect(dialog.locator('import-preview th.time')).toContainText('sampled');
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: `${SHOTS}/import-preview-1280x800.png` });
    await importAndDone(dialog, '/t/two.series');
    expect(await described(page, '/t/two.series')).toMatchObject({ timestampColumn: 'sampled', ranges: [[Date.UTC(2000, 0, 1) * US, Date.UTC(2000, 0, 12) * US]] });
  });
});
