// `#open=` under the app's own Content-Security-Policy, enforced (no bypass), on a first visit: the page and the pond
// worker stay at connect-src 'self'; the link's host is reached only by the network worker, once the service worker
// (installed by this very visit) gives it that origin. Without a service worker the app says why it cannot.
import { expect, test, type Browser } from '@playwright/test';
import { startStaticPondServer, type StaticPondServer } from '../helpers/static-pond-server';
import { pondLayout } from '../helpers/pond-layout';

test.use({ bypassCSP: false });

let server: StaticPondServer | undefined;
let pondId = '';

/** A pond made in a context of its own (scripting the page needs the policy bypassed), served in backup layout. */
test.beforeAll(async ({ browser, baseURL }) => {
  const maker = await browser.newContext({ baseURL, bypassCSP: true });
  const page = await maker.newPage();
  await page.goto('/');
  await page.waitForFunction(() => !!window.pond, undefined, { timeout: 60_000 });
  await page.evaluate(() => window.pond.ready);
  const rows = Array.from({ length: 48 }, (_, i) => `${new Date(Date.UTC(2024, 4, 1, i)).toISOString()},${(i / 4).toFixed(2)}`).join('\n');
  const made = await pondLayout(page, 'policy site', [{ path: '/site/temp.series', csv: `timestamp,temp\n${rows}\n` }]);
  pondId = made.id;
  server = await startStaticPondServer(made.files, { prefix: `/ponds/${pondId}/` });
  await maker.close();
});

test.afterAll(async () => {
  await server?.close();
});

async function firstVisit(browser: Browser, baseURL: string, serviceWorkers: 'allow' | 'block') {
  const context = await browser.newContext({ baseURL, bypassCSP: false, serviceWorkers });
  const page = await context.newPage();
  const refused: string[] = [];
  page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text()); });
  await page.goto(`/#open=${encodeURIComponent(server!.url)}`);
  return { context, page, refused };
}

test('a first visit opens the link once the service worker it installs applies the policy', async ({ browser, baseURL }) => {
  const { context, page, refused } = await firstVisit(browser, baseURL!, 'allow');
  await expect(page.getByTestId('link-banner')).toContainText(`Opened from ${new URL(server!.url).host} · read-only · version 1`, { timeout: 120_000 });
  await page.locator('pond-tree').getByText('site', { exact: true }).click();
  await page.locator('pond-tree').getByText('temp.series').click();
  await expect(page.locator('series-chart canvas').first()).toBeVisible({ timeout: 60_000 });
  expect(server!.log.some((r) => r.path.endsWith('/_delta_log/00000000000000000000.json') && r.status === 200)).toBe(true);
  expect(refused).toEqual([]);
  await context.close();
});

test('without a service worker the link is refused with the reason', async ({ browser, baseURL }) => {
  test.setTimeout(120_000); // the app waits for a service worker that never comes (30 s) before it tries
  const { context, page } = await firstVisit(browser, baseURL!, 'block');
  const alert = page.getByRole('alert');
  await expect(alert).toContainText(`Could not open the pond at ${new URL(server!.url).host}`, { timeout: 90_000 });
  await expect(alert).toContainText("refused by the app's Content-Security-Policy");
  await context.close();
});
