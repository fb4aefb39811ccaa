// "Combine series…" end to end in the built app: two device CSVs (an old sonde and its replacement, overlapping for
// three hours) imported with the file picker, joined through the form into one scope with the swap at 06:00 UTC;
// the tree shows the derived node, the details its config and inputs, the chart the joined column. The expected rows
// are worked out here from the generated readings, not from the app.
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { tableFromIPC } from 'apache-arrow';

const SHOTS = 'test-results/screenshots';
const SWAP_HOUR = 6;
const at = (h: number) => `2026-04-01T${String(h).padStart(2, '0')}:00:00Z`;
/** Old sonde: 00:00-07:00; new sonde: 05:00-11:00 (both read 05-07: the overlap the swap resolves). */
const OLD = Array.from({ length: 8 }, (_, h) => [h, 10 + h / 2] as const);
const NEW = Array.from({ length: 7 }, (_, i) => [5 + i, 20 + 5 + i] as const);
const csv = (rows: readonly (readonly [number, number])[]) => `timestamp,water_temp\n${rows.map(([h, v]) => `${at(h)},${v}`).join('\n')}\n`;
/** The joined column: the old sonde before the swap (end exclusive), the new one from it (begin inclusive). */
const JOINED = [...OLD.filter(([h]) => h < SWAP_HOUR), ...NEW.filter(([h]) => h >= SWAP_HOUR)];

const treeItem = (page: Page, path: string) => page.locator(`pond-tree li[data-path="${path}"]`);

async function importSeries(page: Page, name: string, text: string): Promise<void> {
  await page.getByTestId('file-picker').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
  const dialog = page.locator('import-dialog dialog');
  await expect(dialog.getByRole('radio', { name: /Series/ })).toBeChecked();
  await dialog.getByRole('textbox', { name: /Destination/ }).fill('/lake/');
  await dialog.getByRole('button', { name: 'Import' }).click();
  await expect(page.getByTestId('import-result')).toContainText(`/lake/${name.replace(/\.csv$/, '.series')} (v1)`); // a CSV is a .series in the pond
  await dialog.getByRole('button', { name: 'Done' }).click();
}

test.describe('derived series in the UI', () => {
  test.use({ serviceWorkers: 'block' });

  test('Combine series… joins an old and a new sonde at the swap; tree, details and chart show the joined series', async ({ page }) => {
    mkdirSync(SHOTS, { recursive: true });
    await page.setViewportSize({ width: 800, height: 1280 });
    await page.goto('/');
    await expect(page.locator('pond-switcher select option:checked')).toHaveText('Demo pond', { timeout: 60_000 });
    await importSeries(page, 'old.csv', csv(OLD));
    await importSeries(page, 'new.csv', csv(NEW));

    // From the new sonde's details: the form opens with it ticked; the old one is ticked in the list.
    await treeItem(page, '/lake/new.series').click();
    await page.screenshot({ path: `${SHOTS}/series-details-800x1280.png` });
    await page.getByTestId('combine-this').click();
    const form = page.locator('combine-dialog dialog');
    await expect(form).toBeVisible();
    await expect(form.getByRole('checkbox', { name: '/lake/new.series' })).toBeChecked();
    await form.getByRole('checkbox', { name: '/lake/old.series' }).check();
    const input = (path: string) => form.locator(`fieldset[data-input="${path}"]`);
    await expect(input('/lake/old.series').getByRole('textbox', { name: /Scope/ })).toHaveValue('lake'); // the parent folder
    for (const p of ['/lake/old.series', '/lake/new.series']) await input(p).getByRole('textbox', { name: /Scope/ }).fill('Lake');
    const swap = `2026-04-01T0${SWAP_HOUR}:00`;
    await input('/lake/old.series').getByLabel(/Until, UTC/).fill(swap);
    await input('/lake/new.series').getByLabel(/From, UTC/).fill(swap);
    await form.getByRole('textbox', { name: /Destination/ }).fill('/lake/temperature');
    await page.screenshot({ path: `${SHOTS}/combine-form-800x1280.png` });

    // A refusal is shown as the API names it, and nothing is created: first an end before the begin.
    await input('/lake/new.series').getByLabel(/Until, UTC/).fill('2026-04-01T01:00');
    await form.getByRole('button', { name: 'Create' }).click();
    await expect(form.getByTestId('combine-problems')).toContainText('Input 1 (/lake/new.series): the end must be after the begin');
    await input('/lake/new.series').getByLabel(/Until, UTC/).fill('');
    // Then one the API refuses (a scope is a column prefix and may not hold '/'): its message names the field.
    await input('/lake/new.series').getByRole('textbox', { name: /Scope/ }).fill('Lake/North');
    await form.getByRole('button', { name: 'Create' }).click();
    await expect(form.getByTestId('combine-error')).toContainText('inputs[0].scope');
    expect(await page.evaluate(() => window.pond.api.list('/lake/*').then((l) => l.map((n) => n.path)))).toEqual(['/lake/new.series', '/lake/old.series']);
    await input('/lake/new.series').getByRole('textbox', { name: /Scope/ }).fill('Lake');
    await form.getByRole('button', { name: 'Create' }).click();
    await expect(form).toBeHidden();

    // The tree marks it as derived, with its factory in words; the details show factory, inputs and config.
    const item = treeItem(page, '/lake/temperature');
    await expect(item).toContainText('derived series (timeseries-join)');
    await expect(item).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByTestId('details-factory')).toHaveText('timeseries-join');
    await expect(page.getByTestId('derived-inputs')).toContainText('/lake/old.series');
    await expect(page.getByTestId('derived-inputs')).toContainText('/lake/new.series');
    const config = page.getByTestId('derived-config');
    await expect(config).toContainText(`end: ${at(SWAP_HOUR)}`);
    await expect(config).toContainText(`begin: ${at(SWAP_HOUR)}`);
    await expect(config).toContainText('scope: Lake');
    await expect(page.getByTestId('derived-columns')).toContainText('Lake.water_temp');

    // The chart: drawn, and its summary gives the joined column's min, max and mean over every row.
    await expect(page.locator('node-details series-chart canvas').first()).toBeVisible();
    const values = JOINED.map(([, v]) => v);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    await expect(page.getByTestId('chart-summary')).toContainText(
      `Lake.water_temp: min ${Math.min(...values)}, max ${Math.max(...values)}, mean ${mean.toPrecision(4)}.`);
    await page.screenshot({ path: `${SHOTS}/combined-800x1280.png`, fullPage: true });

    // Every row through the API: one continuous column, the swap hour once, no duplicate from the overlap.
    const ipc = await page.evaluate(async () => {
      const r = await window.pond.api.query('SELECT epoch_us(timestamp) AS t, "Lake.water_temp"::DOUBLE AS v FROM source ORDER BY timestamp', { source: '/lake/temperature' });
      return Array.from(r.ipc);
    });
    const rows = tableFromIPC(Uint8Array.from(ipc)).toArray().map((r) => ({ t: Number(r.t), v: r.v as number }));
    expect(rows).toEqual(JOINED.map(([h, v]) => ({ t: Date.parse(at(h)) * 1000, v })));

    // The SQL tab binds the selected derived node as `source`, as it does a series.
    await page.getByRole('tab', { name: 'SQL' }).click();
    await expect(page.getByRole('textbox', { name: /Tables/ })).toHaveValue('source = /lake/temperature');
    await page.getByRole('textbox', { name: 'SQL' }).fill('SELECT count(*) AS n, count(DISTINCT timestamp) AS times FROM source');
    await page.getByRole('button', { name: 'Run SQL' }).click();
    await expect(page.locator('sql-console tbody td')).toHaveText([String(JOINED.length), String(JOINED.length)]);
    await page.getByRole('tab', { name: 'Details' }).click();

    // At phone width the chart redraws for its new width (another M4 fetch), and nothing scrolls sideways.
    const chart = page.locator('node-details series-chart');
    const plotsBefore = await chart.getAttribute('data-plots');
    await page.setViewportSize({ width: 390, height: 844 });
    await expect(chart).not.toHaveAttribute('data-plots', plotsBefore ?? '');
    await expect(chart.locator('canvas').first()).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: `${SHOTS}/combined-390x844.png`, fullPage: true });
    await page.getByRole('button', { name: 'Pond actions' }).click(); // at phone width the header's actions are in "⋯"
    await page.getByRole('button', { name: 'Combine series…' }).click();
    await form.getByRole('checkbox', { name: '/lake/old.series' }).check();
    await form.getByRole('checkbox', { name: '/lake/new.series' }).check();
    await page.screenshot({ path: `${SHOTS}/combine-form-390x844.png` });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: `${SHOTS}/combine-form-dark-390x844.png` });
    // No horizontal scroll in the form at phone width.
    expect(await form.evaluate((d) => d.scrollWidth <= d.clientWidth)).toBe(true);
    await form.getByRole('button', { name: 'Cancel' }).click();

    // An input removed: the details say why the node cannot be computed, naming the input, and still show its config.
    await page.emulateMedia({ colorScheme: 'light' });
    await page.evaluate(() => window.pond.api.remove('/lake/old.series'));
    await expect(page.getByTestId('derived-error')).toContainText('/lake/old.series');
    await expect(page.getByTestId('derived-config')).toContainText(`end: ${at(SWAP_HOUR)}`);
    await expect(page.getByTestId('details-factory')).toHaveText('timeseries-join');
    await page.screenshot({ path: `${SHOTS}/combined-missing-input-390x844.png` });
  });
});
