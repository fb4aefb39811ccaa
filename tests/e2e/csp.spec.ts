// The app under its own Content-Security-Policy, enforced (no bypass, no page scripting): first run, the demo series
// imported through the worker and DuckDB, charts drawn, with nothing refused and nothing fetched from elsewhere.
import { expect, test } from '@playwright/test';

test.use({ bypassCSP: false, serviceWorkers: 'block' });

test('the app works with its Content-Security-Policy enforced', async ({ page }) => {
  const refused: string[] = [];
  page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text()); });
  page.on('pageerror', (e) => { if (/Content Security Policy/i.test(e.message)) refused.push(e.message); });
  const external: string[] = [];
  page.on('request', (r) => { if (!/^(http:\/\/(127\.0\.0\.1|localhost)[:/]|blob:|data:)/.test(r.url())) external.push(r.url()); });

  const response = await page.goto('/');
  expect(response?.headers()['content-security-policy']).toMatch(/default-src 'self'.*connect-src 'self' https:/);
  await expect(page.locator('pond-switcher select option:checked')).toHaveText('Demo pond', { timeout: 60_000 });
  // First run opens on the demo series, whose charts come from DuckDB (M4) in the workers, under the policy.
  await expect(page.locator('series-chart canvas').first()).toBeVisible({ timeout: 60_000 });
  expect(refused).toEqual([]);
  expect(external).toEqual([]);
});
