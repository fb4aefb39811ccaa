// Small screens, in the built app with its service worker: at phone width (390x844) the header is one row, the demo
// series' chart starts on the first screen, the tab row scrolls with a visible cue and keeps the selected tab in view,
// and every header control is still reachable (the pond actions and "Combine series…" behind "⋯", the tree behind
// "Files"). The service worker's notices sit in their own row: at 390x844, 800x1280 and 1280x800 the "Ready to work
// offline" bar overlaps neither the main content nor the header. Screenshots of each size are kept as artifacts.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';

const SERIES = '/sensors/lake-station/water.series';
const SHOTS = 'test-results/screenshots';

type Box = { x: number; y: number; width: number; height: number };
async function box(locator: Locator): Promise<Box> {
  const b = await locator.boundingBox();
  expect(b, 'element has a box').not.toBeNull();
  return b!;
}
/** Whether two boxes share any area (touching edges do not count). */
const overlaps = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** The page never scrolls sideways. */
async function noSideScroll(page: Page): Promise<void> {
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: innerWidth }));
  expect(scroll).toBeLessThanOrEqual(width);
}

/** Every visible button and field in `scope` is at least 40 px each way: a thumb can hit it. */
async function touchTargets(scope: Locator): Promise<void> {
  const small = await scope.locator('button:visible, select:visible, input:not([type=file]):not([type=checkbox]):visible')
    .evaluateAll((els) => els.map((e) => ({ name: e.getAttribute('aria-label') ?? e.textContent?.trim(), r: e.getBoundingClientRect() }))
      .filter(({ r }) => r.width < 40 || r.height < 40).map(({ name, r }) => `${name} ${Math.round(r.width)}x${Math.round(r.height)}`));
  expect(small).toEqual([]);
}

test.describe('small screens', () => {
  test.use({ serviceWorkers: 'allow', viewport: { width: 390, height: 844 } });

  test('phone: one header row, the chart on the first screen, scrolling tabs, every control reachable; notices never cover content at any size', async ({ page }) => {
    test.setTimeout(180_000);
    mkdirSync(SHOTS, { recursive: true });
    await page.goto('/');
    await expect(page.locator('pond-switcher select option:checked')).toHaveText('Demo pond', { timeout: 60_000 });
    await expect(page.getByTestId('details-path')).toContainText(SERIES);
    const chart = page.locator('node-details series-chart canvas').first();
    await expect(chart).toBeVisible({ timeout: 60_000 });

    // The header is one row: one 44 px control high plus its padding.
    const header = page.locator('duckpond-app header');
    expect((await box(header)).height).toBeLessThan(70);
    // The first chart starts on the first screen (the tree waits behind "Files").
    expect((await box(chart)).y).toBeLessThan(844);
    await expect(page.locator('pond-tree')).toBeHidden();
    await noSideScroll(page);
    await touchTargets(header);

    // The tab row overflows at this width: it scrolls, the cue on its right edge says so, and the selected tab is whole.
    const tablist = page.getByRole('tablist', { name: 'Views' });
    expect(await tablist.evaluate((l) => l.scrollWidth > l.clientWidth)).toBe(true);
    await expect(page.getByTestId('tabs-cue-right')).toBeVisible();
    const fullyInside = async (name: string) => {
      const [t, l] = [await box(page.getByRole('tab', { name })), await box(tablist)];
      return t.x >= l.x && t.x + t.width <= l.x + l.width;
    };
    expect(await fullyInside('Details')).toBe(true);
    await page.getByRole('tab', { name: 'Details' }).focus();
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight'); // to the last tab, Backup, past the edge
    await expect(page.getByRole('tab', { name: 'Backup' })).toHaveAttribute('aria-selected', 'true');
    expect(await fullyInside('Backup')).toBe(true);
    await expect(page.getByTestId('tabs-cue-left')).toBeVisible();
    await expect(page.getByTestId('tabs-cue-right')).toHaveCount(0);
    await page.screenshot({ path: `${SHOTS}/small-tabs-scrolled-390x844.png` });
    await page.getByRole('tab', { name: 'Details' }).click();
    expect(await fullyInside('Details')).toBe(true);

    // Every pond action is reachable from "⋯", under the names the desktop header uses.
    await page.getByRole('button', { name: 'Pond actions' }).click();
    const menu = page.getByTestId('pond-menu');
    await expect(menu).toBeVisible();
    for (const name of ['New pond', 'Rename pond', 'Delete pond']) await expect(menu.getByRole('button', { name })).toBeVisible();
    // "Combine series…" is the app's own button, slotted into the menu (a light-DOM child, so located from the page).
    const combine = page.getByRole('button', { name: 'Combine series…' });
    await expect(combine).toBeVisible();
    const [c, m] = [await box(combine), await box(menu)];
    expect(c.x >= m.x && c.y >= m.y && c.x + c.width <= m.x + m.width && c.y + c.height <= m.y + m.height).toBe(true);
    await touchTargets(menu);
    expect(overlaps(await box(menu), await box(page.getByRole('button', { name: 'Pond actions' })))).toBe(false);
    await page.screenshot({ path: `${SHOTS}/small-menu-390x844.png` });
    await menu.getByRole('button', { name: 'Rename pond' }).click();
    await expect(menu).toBeHidden(); // choosing closes the menu
    await expect(page.getByRole('textbox', { name: 'Name' })).toHaveValue('Demo pond');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByRole('button', { name: 'Import…' })).toBeInViewport();

    // The tree opens from "Files"; picking a series shows it and folds the tree away again.
    const files = page.getByTestId('files-toggle');
    await expect(files).toContainText(SERIES);
    await files.click();
    await expect(files).toHaveAttribute('aria-expanded', 'true');
    const item = page.locator(`pond-tree li[data-path="${SERIES}"]`);
    await expect(item).toBeVisible();
    await page.screenshot({ path: `${SHOTS}/small-files-390x844.png` });
    await item.click();
    await expect(page.locator('pond-tree')).toBeHidden();
    await expect(chart).toBeVisible();

    // The service worker's notice: in its own row, at every size.
    const notice = page.getByTestId('sw-notice');
    await expect(notice).toContainText('Ready to work offline.', { timeout: 120_000 });
    for (const [width, height] of [[390, 844], [800, 1280], [1280, 800]] as const) {
      await page.setViewportSize({ width, height });
      await expect(chart).toBeVisible();
      await expect(notice).toBeVisible();
      const n = await box(notice);
      expect(overlaps(n, await box(page.locator('duckpond-app main'))), `notice over main at ${width}x${height}`).toBe(false);
      expect(overlaps(n, await box(header)), `notice over header at ${width}x${height}`).toBe(false);
      expect((await box(header)).height).toBeLessThan(70);
      await noSideScroll(page);
      await touchTargets(page.locator('duckpond-app header'));
      await page.screenshot({ path: `${SHOTS}/small-screens-${width}x${height}.png` });
    }
    // Wide enough for every action in the header itself, under the same names.
    for (const name of ['New pond', 'Rename pond', 'Delete pond', 'Combine series…', 'Import…']) await expect(header.getByRole('button', { name })).toBeVisible();
    await page.getByRole('button', { name: 'OK' }).click();
    await expect(notice).toHaveCount(0);
  });
});
