// The data views end to end, in the built app: chart windows (presets, brush, pan, reset) and their summary,
// the virtualised table of a 100k-row series and its CSV export, SQL error positions, and the screenshots
// the README and the web manifest show.
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, readFileSync } from 'node:fs';

const SERIES = '/sensors/lake-station/water.series';
const DAY_US = 86_400_000_000;

const treeItem = (page: Page, path: string) => page.locator(`pond-tree li[data-path="${path}"]`);
const chart = (page: Page) => page.locator('series-chart');

async function openDemo(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.locator('pond-switcher select option:checked')).toHaveText('Demo pond', { timeout: 60_000 });
  await expect(page.getByTestId('details-path')).toContainText(SERIES);
}

/** The window the chart last drew, [start, end) in UTC µs, and how many times it has drawn. */
async function drawn(page: Page): Promise<{ range: [number, number]; plots: number }> {
  const [r, p] = await chart(page).evaluate((el) => [el.dataset.range ?? '', el.dataset.plots ?? '0']);
  const [a, b] = r.split(',').map(Number);
  return { range: [a!, b!], plots: Number(p) };
}

/** Imports a generated CSV as a series through `window.pond.api` and selects it in the tree. */
async function importSeries(page: Page, path: string, rows: number, step: number): Promise<void> {
  await page.evaluate(async ({ path, rows, step }) => {
    await window.pond.ready;
    const lines = ['timestamp,v'];
    const t0 = Date.UTC(2026, 0, 1);
    for (let i = 0; i < rows; i++) lines.push(`${new Date(t0 + i * step).toISOString().slice(0, 19).replace('T', ' ')},${i + 1}`);
    await window.pond.api.mkdir(path.slice(0, path.lastIndexOf('/')), { parents: true });
    const data = new Blob([lines.join('\n') + '\n'], { type: 'text/csv' });
    await window.pond.api.copyIn([{ name: 'gen.csv', data }], path, { format: 'series' });
  }, { path, rows, step });
  const dir = path.slice(0, path.lastIndexOf('/'));
  await expect(treeItem(page, dir)).toBeVisible();
  if ((await treeItem(page, dir).getAttribute('aria-expanded')) === 'false') await treeItem(page, dir).click();
  await treeItem(page, path).click();
  await expect(page.getByTestId('details-path')).toContainText(path);
}

test.describe('data views', () => {
  test.use({ serviceWorkers: 'block' });

  test('presets, brush, pan and reset change the chart window and fetch new points', async ({ page }) => {
    await openDemo(page);
    await expect(chart(page)).toHaveAttribute('data-plots', /[1-9]/);
    const all = await drawn(page);
    expect(all.range[1] - all.range[0]).toBeGreaterThan(6 * DAY_US); // a week of demo readings

    await chart(page).getByRole('button', { name: 'Day', exact: true }).click();
    await expect(chart(page)).not.toHaveAttribute('data-plots', String(all.plots));
    const day = await drawn(page);
    expect(day.range).toEqual([all.range[1] - DAY_US, all.range[1]]); // ends where the data ends
    await expect(page.getByTestId('chart-summary')).toContainText('(1 day)');
    await expect(chart(page).getByRole('button', { name: 'Day', exact: true })).toHaveAttribute('aria-pressed', 'true');

    await chart(page).getByRole('button', { name: 'Earlier' }).click();
    await expect(chart(page)).not.toHaveAttribute('data-plots', String(day.plots));
    const earlier = await drawn(page);
    expect(earlier.range).toEqual([day.range[0] - DAY_US / 2, day.range[1] - DAY_US / 2]);

    // Brush the middle half of the first panel: the window narrows to about half a day.
    const over = chart(page).locator('.plot .u-over').first();
    const box = (await over.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.25, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 5 });
    await page.mouse.move(box.x + box.width * 0.75, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await expect(chart(page)).not.toHaveAttribute('data-plots', String(earlier.plots));
    const brushed = await drawn(page);
    const width = brushed.range[1] - brushed.range[0];
    expect(width).toBeGreaterThan(DAY_US * 0.4);
    expect(width).toBeLessThan(DAY_US * 0.6);
    expect(brushed.range[0]).toBeGreaterThan(earlier.range[0]);
    await expect(page.getByTestId('chart-summary')).toContainText('(12');

    await over.dblclick();
    await expect.poll(async () => (await drawn(page)).range).toEqual(all.range);
    await expect(chart(page).getByRole('button', { name: 'All', exact: true })).toHaveAttribute('aria-pressed', 'true');
  });

  test('the summary states min, max and mean of a known series, and an overlay joins the chart', async ({ page }) => {
    await openDemo(page);
    await importSeries(page, '/test/known.series', 10, 3_600_000); // v = 1..10, hourly
    await expect(page.getByTestId('chart-summary')).toHaveText(
      'Showing 2026-01-01 00:00:00 to 2026-01-01 09:00:00 UTC (9 hours). v: min 1, max 10, mean 5.5.');

    await chart(page).getByRole('button', { name: 'Add series…' }).click();
    await chart(page).getByRole('combobox', { name: 'File' }).selectOption(SERIES);
    await chart(page).getByRole('combobox', { name: 'Column' }).selectOption('water_temp_c');
    await chart(page).getByRole('button', { name: 'Add', exact: true }).click();
    await expect(chart(page).locator('.plot')).toHaveCount(2);
    await expect(page.getByTestId('chart-summary')).toContainText('water.series: water_temp_c: ');
    await chart(page).getByRole('checkbox', { name: 'One chart' }).check();
    await expect(chart(page).locator('.plot')).toHaveCount(1);
  });

  test('the table view scrolls a 100k-row series virtually and exports it as CSV', async ({ page }) => {
    await openDemo(page);
    await importSeries(page, '/test/big.series', 100_000, 60_000);
    await page.getByRole('button', { name: 'Rows' }).click();
    const view = page.locator('table-view');
    await expect(view.getByTestId('table-count')).toContainText('100,000 rows');
    await expect(view.locator('th').nth(2)).toContainText('v');
    await expect(view.locator('th small').first()).toHaveText(/TIMESTAMP/i);
    await expect(view.locator('tbody tr').first()).toContainText('2026-01-01 00:00:00');

    const scroller = view.locator('.scroller');
    await scroller.evaluate((el) => { el.scrollTop = (el.scrollHeight - el.clientHeight) / 2; });
    // Rows from the middle: the # column and the value (row n holds v = n) agree, and nothing is a placeholder.
    const firstRow = view.locator('tbody tr').first();
    await expect(firstRow).toHaveAttribute('aria-rowindex', /^(4\d{4}|5\d{4})$/);
    await expect(view.locator('tbody tr.loading')).toHaveCount(0);
    const n = Number(await firstRow.getAttribute('aria-rowindex')) - 1;
    await expect(firstRow.locator('td').nth(2)).toHaveText(String(n));
    expect(await view.locator('tbody tr').count()).toBeLessThan(30); // a window, not 100k rows

    const [download] = await Promise.all([page.waitForEvent('download'), view.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('big.csv');
    const lines = readFileSync((await download.path())!, 'utf8').trimEnd().split('\n');
    expect(lines.length).toBe(100_001); // header + every row
    expect(lines[0]).toBe('timestamp,v');
    expect(lines[1]).toBe('2026-01-01T00:00:00.000Z,1');
    expect(lines[100_000]).toBe('2026-03-11T10:39:00.000Z,100000');
  });

  test('an SQL error shows its line and a caret under the column', async ({ page }) => {
    await openDemo(page);
    await page.getByRole('tab', { name: 'SQL' }).click();
    await page.getByRole('textbox', { name: 'SQL' }).fill('SELECT count(*),\n  nonsense_column\nFROM source');
    await page.getByRole('button', { name: 'Run SQL' }).click();
    await expect(page.locator('sql-console [role="alert"]')).toContainText('[QUERY]');
    await expect(page.getByTestId('sql-error-position')).toHaveText('Line 2, column 3:');
    await expect(page.getByTestId('sql-error-caret')).toHaveText('  nonsense_column\n  ^');
  });

  test('screenshots of the main screen for the README and the manifest', async ({ page }) => {
    await openDemo(page);
    await expect(chart(page).locator('canvas').first()).toBeVisible();
    await expect(page.getByTestId('chart-summary')).toContainText('water_temp_c');
    // Kept as test artifacts; copy them to public/screenshots/ by hand when the look changes (a test run must not
    // rewrite tracked files).
    mkdirSync('test-results/screenshots', { recursive: true });
    await page.screenshot({ path: 'test-results/screenshots/main-1280x800.png' });
    const before = (await drawn(page)).plots;
    await page.setViewportSize({ width: 768, height: 1024 });
    await expect(chart(page)).not.toHaveAttribute('data-plots', String(before)); // redrawn for the new width
    await expect(chart(page).locator('canvas').first()).toBeVisible();
    await page.screenshot({ path: 'test-results/screenshots/main-768x1024.png' });
  });
});
