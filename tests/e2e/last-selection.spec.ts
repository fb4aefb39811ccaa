// A restart lands where the person left off: the node selected last in a pond is selected again, its folders open and
// its chart drawn with no click; per pond; and a node removed since is forgotten without a word in the way.
import { expect, test, type Page } from '@playwright/test';

const treeItem = (page: Page, path: string) => page.locator(`pond-tree li[data-path="${path}"]`);
const SERIES = '/field/site-b/air.series';

test.use({ serviceWorkers: 'block' });

/** A second series, deeper than the demo's, of 48 hourly rows whose first reading is 7.5. */
async function addSeries(page: Page): Promise<void> {
  await page.evaluate(async (path) => {
    const lines = ['timestamp,air_temp_c'];
    for (let h = 0; h < 48; h++) lines.push(`2026-03-01 ${String(h % 24).padStart(2, '0')}:00:00,${(7.5 + h / 2).toFixed(1)}`.replace('2026-03-01', h < 24 ? '2026-03-01' : '2026-03-02'));
    await window.pond.api.mkdir(path.slice(0, path.lastIndexOf('/')), { parents: true });
    await window.pond.api.copyIn([{ name: 'air.csv', data: new Blob([lines.join('\n') + '\n']) }], path, { format: 'series' });
  }, SERIES);
}

test('a restart selects the node selected last, opens its folders and draws its chart without a click', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('pond-switcher select option:checked')).toHaveText('Demo pond', { timeout: 60_000 });
  await page.evaluate(() => window.pond.ready);
  await addSeries(page);
  for (const folder of ['/field', '/field/site-b']) {
    const item = treeItem(page, folder);
    if ((await item.getAttribute('aria-expanded')) === 'false') await item.click();
  }
  await treeItem(page, SERIES).click();
  await expect(page.locator('series-chart[data-plots]')).toHaveCount(1);
  // The chart drawn is remembered with its columns and width: the next start asks the worker for it at once.
  const remembered = await page.evaluate(async () => JSON.parse(localStorage.getItem(`duckpond.lastChart.${(await window.pond.api.info()).id}`) ?? 'null'));
  const width = await page.locator('series-chart').evaluate((el) => Math.floor(el.getBoundingClientRect().width));
  expect(remembered).toMatchObject({ path: SERIES, columns: ['air_temp_c'] });
  expect(Math.abs(remembered.width - width)).toBeLessThanOrEqual(40); // the chart re-asks only beyond 40 px of change

  await page.reload();
  await page.evaluate(() => window.pond.ready);
  // Nothing clicked since the reload.
  await expect(treeItem(page, SERIES)).toHaveAttribute('aria-selected', 'true');
  await expect(treeItem(page, '/field')).toHaveAttribute('aria-expanded', 'true');
  await expect(treeItem(page, '/field/site-b')).toHaveAttribute('aria-expanded', 'true');
  await expect(page.locator('series-chart[data-plots]')).toHaveCount(1);
  await expect(page.getByTestId('chart-summary')).toContainText('air_temp_c');
  // One node selected: the demo series, selected on the first visit, is not what came back.
  await expect(page.locator('pond-tree li[aria-selected="true"]')).toHaveCount(1);
});

test('each pond keeps its own selection, and a node removed since is forgotten', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('pond-switcher select option:checked')).toHaveText('Demo pond', { timeout: 60_000 });
  await page.evaluate(() => window.pond.ready);
  await addSeries(page);
  const demo = await page.evaluate(() => window.pond.api.info().then((i) => i.id));
  await treeItem(page, '/field').click(); // a folder is a selection too
  await expect(treeItem(page, '/field')).toHaveAttribute('aria-selected', 'true');

  // A second pond, with its own selection; then back to the demo pond through the switcher.
  const other = await page.evaluate(async () => {
    const info = await window.pond.api.createPond('Second pond');
    await window.pond.api.mkdir('/notes');
    localStorage.setItem('duckpond.lastPond', info.id); // made behind the UI's back: the UI did not record it as used last
    return info.id;
  });
  await page.reload(); // the app opens the pond used last: the second one
  await page.evaluate(() => window.pond.ready);
  await expect(page.locator('pond-switcher select option:checked')).toHaveText('Second pond');
  await treeItem(page, '/notes').click();
  await page.locator('pond-switcher select').selectOption(demo);
  await expect(treeItem(page, '/field')).toHaveAttribute('aria-selected', 'true');
  await page.locator('pond-switcher select').selectOption(other);
  await expect(treeItem(page, '/notes')).toHaveAttribute('aria-selected', 'true');

  // Removed behind the app's back (as a pull or another device's change would): the next start selects nothing.
  await page.evaluate(async () => {
    const r = await window.pond.exec('rm -r /notes');
    if (r.exitCode !== 0) throw new Error(r.stderr);
  });
  await page.reload();
  await page.evaluate(() => window.pond.ready);
  await expect(page.locator('pond-switcher select option:checked')).toHaveText('Second pond');
  await expect(page.locator('pond-tree li[aria-selected="true"]')).toHaveCount(0);
  await expect(page.locator('.banner.error')).toHaveCount(0);
  expect(await page.evaluate((id) => localStorage.getItem(`duckpond.lastSelected.${id}`), other)).toBeNull();
});
