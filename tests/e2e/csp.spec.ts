// The app under its own Content-Security-Policy, enforced (no bypass): first run, the demo series imported through
// the worker and DuckDB, charts drawn, with nothing refused and nothing fetched from elsewhere. And connect-src:
// the page and its workers reach only their own origin; the network worker reaches, besides, exactly the S3 and
// HydroVu origins the user configured, as the service worker stamps them on its script (workers/sw.ts).
import { expect, test, type Page, type Worker } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startS3, type LocalS3 } from '../helpers/s3-server';

test.use({ bypassCSP: false });

/** Collects what the policy refused and every request to anywhere but this machine. */
function watch(page: Page): { refused: string[]; external: string[] } {
  const refused: string[] = [];
  const external: string[] = [];
  page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text()); });
  page.on('pageerror', (e) => { if (/Content Security Policy/i.test(e.message)) refused.push(e.message); });
  page.on('request', (r) => { if (!/^(http:\/\/(127\.0\.0\.1|localhost)[:/]|blob:|data:)/.test(r.url())) external.push(r.url()); });
  return { refused, external };
}

async function exec(page: Page, line: string) {
  return page.evaluate((l) => window.pond.exec(l), line);
}

/** What a fetch from `where` (the page or a worker) to `url` came to: an HTTP status, or "refused". */
async function tryFetch(where: Page | Worker, url: string): Promise<number | 'refused'> {
  const probe = async (u: string): Promise<number | 'refused'> => {
    try {
      return (await fetch(u, { cache: 'no-store' })).status;
    } catch {
      return 'refused';
    }
  };
  return 'goto' in where ? where.evaluate(probe, url) : where.evaluate(probe, url);
}

test.describe('without the service worker', () => {
  test.use({ serviceWorkers: 'block' });

  test('the app works with its Content-Security-Policy enforced', async ({ page }) => {
    const { refused, external } = watch(page);
    const response = await page.goto('/');
    expect(response?.headers()['content-security-policy']).toMatch(/default-src 'self'.*connect-src 'self'$/);
    await expect(page.locator('pond-switcher select option:checked')).toHaveText('Demo pond', { timeout: 60_000 });
    // First run opens on the demo series, whose charts come from DuckDB (M4) in the workers, under the policy.
    await expect(page.locator('series-chart canvas').first()).toBeVisible({ timeout: 60_000 });
    expect(refused).toEqual([]);
    expect(external).toEqual([]);
  });

  test('a configured remote is refused, with a reason, until the service worker applies the setting', async ({ page, baseURL }) => {
    const s3 = await startS3(new URL(baseURL!).origin);
    try {
      await page.goto('/');
      await page.waitForFunction(() => !!window.pond);
      await page.evaluate(() => window.pond.ready);
      expect((await exec(page, `remote add lab ${s3.bucketUrl} --key S3RVER --secret S3RVER`)).exitCode).toBe(0);
      const push = await exec(page, 'push lab');
      expect(push.exitCode).not.toBe(0);
      expect(push.stderr).toContain(`connecting to ${s3.origin} was refused by the app's Content-Security-Policy`);
      expect(push.stderr).toContain('reload the app');
      expect(push.stderr).toContain('[BLOCKED]');
    } finally {
      await s3.close();
    }
  });
});

test.describe('with the service worker', () => {
  test.use({ serviceWorkers: 'allow' });
  let s3: LocalS3;
  let other: Server;
  let otherOrigin = '';

  test.beforeAll(async ({ baseURL }) => {
    s3 = await startS3(new URL(baseURL!).origin);
    // Another server on this machine that would answer anyone (CORS *): only the policy can keep the app from it.
    other = createServer((_req, res) => res.writeHead(200, { 'access-control-allow-origin': '*' }).end('open'));
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    otherOrigin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  });

  test.afterAll(async () => {
    await s3?.close();
    await new Promise((r) => other?.close(r));
  });

  test('connect-src is self, plus in the network worker exactly the configured S3 origins', async ({ page }) => {
    const { refused, external } = watch(page);
    await page.goto('/');
    await page.waitForFunction(() => !!navigator.serviceWorker.controller, undefined, { timeout: 120_000 });
    await page.waitForFunction(() => !!window.pond);
    await page.evaluate(() => window.pond.ready);

    // The page reaches neither server.
    expect(await tryFetch(page, `${s3.bucketUrl}/`)).toBe('refused');
    expect(await tryFetch(page, `${otherOrigin}/`)).toBe('refused');

    // A remote configured: the push runs in a network worker that may reach its origin.
    expect((await exec(page, `remote add lab ${s3.bucketUrl} --prefix csp --key S3RVER --secret S3RVER`)).exitCode).toBe(0);
    const netWorker = page.waitForEvent('worker', (w) => /net\.worker-/.test(w.url()));
    const push = await exec(page, 'push lab');
    expect(push.stderr).toBe('');
    expect(push.exitCode).toBe(0);
    const net = await netWorker;
    expect(await tryFetch(net, `${s3.bucketUrl}/`)).not.toBe('refused');
    expect(await tryFetch(net, `${otherOrigin}/`)).toBe('refused');
    // The pond worker itself (and DuckDB's) stays at 'self'.
    const pondWorker = page.workers().find((w) => /pond\.worker-/.test(w.url()));
    expect(pondWorker).toBeDefined();
    expect(await tryFetch(pondWorker!, `${s3.bucketUrl}/`)).toBe('refused');

    // The remote removed and another configured: the next network worker allows the new origin, not the old.
    expect((await exec(page, 'remote rm lab')).exitCode).toBe(0);
    expect((await exec(page, `remote add elsewhere ${otherOrigin}/ponds --key K --secret S`)).exitCode).toBe(0);
    const nextWorker = page.waitForEvent('worker', (w) => /net\.worker-/.test(w.url()) && w !== net);
    const second = await exec(page, 'push elsewhere'); // reaches the server, which is not S3: an HTTP error, not a refusal
    expect(second.stderr).not.toContain('[BLOCKED]');
    const next = await nextWorker;
    expect(await tryFetch(next, `${otherOrigin}/`)).toBe(200);
    expect(await tryFetch(next, `${s3.bucketUrl}/`)).toBe('refused');

    expect(external).toEqual([]);
    // Every refusal the browser reported was one of the probes above, never the app's own work.
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) expect(r).toMatch(new RegExp(`${s3.origin}|${otherOrigin}`));
  });
});
