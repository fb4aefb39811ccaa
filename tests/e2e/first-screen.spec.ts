// The first screen without DuckDB, in the built app: after a reload (a new pond worker), the demo series' chart is
// drawn from its Parquet while DuckDB is not started; DuckDB then starts in the background (the UI asks once the
// chart is drawn), and the SQL tab's first query runs on that start.
import { expect, test, type Page } from '@playwright/test';

const SERIES = '/sensors/lake-station/water.series';
const treeItem = (page: Page, path: string) => page.locator(`pond-tree li[data-path="${path}"]`);
const engine = (page: Page) => page.evaluate(() => window.pond.api.queryEngineStatus());

test.use({ serviceWorkers: 'block' });

test('after a reload the chart is drawn without DuckDB, which starts in the background after it', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('pond-switcher select option:checked')).toHaveText('Demo pond', { timeout: 60_000 });
  await expect(page.locator('series-chart[data-plots]')).toHaveCount(1); // first visit: the demo import started DuckDB

  await page.reload();
  await page.evaluate(() => window.pond.ready);
  for (const folder of ['/sensors', '/sensors/lake-station']) {
    const item = treeItem(page, folder);
    await expect(item).toBeVisible();
    if ((await item.getAttribute('aria-expanded')) === 'false') await item.click();
  }
  await treeItem(page, SERIES).click();
  await expect(page.locator('series-chart[data-plots]')).toHaveCount(1);
  await expect(page.getByTestId('chart-summary')).toContainText('water_temp_c');
  // Nothing the chart did started DuckDB: it is not started, or started by the warm-up that follows the chart.
  const atChart = await engine(page);
  expect(atChart.startedBy ?? 'none').toMatch(/^(none|background)$/);
  await expect.poll(async () => (await engine(page)).startedBy, { timeout: 30_000 }).toBe('background');

  await page.getByRole('tab', { name: 'SQL' }).click();
  await page.getByRole('textbox', { name: 'SQL' }).fill('SELECT count(*) AS n FROM source');
  await page.getByRole('button', { name: 'Run SQL' }).click();
  await expect(page.locator('sql-console tbody td').first()).toHaveText('1008');
  expect(await engine(page)).toMatchObject({ state: 'ready', starts: 1, startedBy: 'background' });
});
