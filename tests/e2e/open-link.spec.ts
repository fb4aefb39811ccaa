// `#open=<url>` end to end, in the built app: a pond made in one browser profile is written out in backup layout (its
// zip snapshot, unpacked: the files a push sends) and served by a plain static server on 127.0.0.1 (CORS, with and
// without Range). A brand-new profile opens the link on its first visit: the tree, a chart's points and an SQL answer
// equal the source pond's and the rows written; the bytes the first chart fetched are bounded by the server's own log;
// a tampered blob is CORRUPT and a missing one is named with its key; a second visit with the server gone works from
// the cache; "Keep a copy" makes it a local pond.
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstPage, launchProfile } from '../helpers/browser-profile';
import { startStaticPondServer, type StaticPondServer } from '../helpers/static-pond-server';
import { startS3 } from '../helpers/s3-server';
import { exportLayout, pondLayout } from '../helpers/pond-layout';

const ROWS = 20_000; // per version: large enough that each version is a blob (64 KiB and more)
const T0 = Date.UTC(2024, 0, 1);
const STEP = 15 * 60_000;
const temp = (i: number) => ((i * 7919) % 10007) / 100; // 0.00 … 100.06, exact in two decimals, 10 007 distinct
const level = (i: number) => ((i * 7873) % 10009) / 10;

function csv(column: string, from: number, value: (i: number) => number): string {
  const lines = Array.from({ length: ROWS }, (_, k) => `${new Date(T0 + (from + k) * STEP).toISOString()},${value(from + k).toFixed(2)}`);
  return `timestamp,${column}\n${lines.join('\n')}\n`;
}

const SQL = 'SELECT count(*)::INTEGER AS n, min(temp) AS lo, max(temp) AS hi, round(sum(temp), 2) AS total FROM source';
/** The SQL answer computed from the rows written, not by the app. */
function expectedSummary(): { n: number; lo: number; hi: number; total: number } {
  const all = Array.from({ length: 2 * ROWS }, (_, i) => temp(i));
  return { n: all.length, lo: all.reduce((a, b) => Math.min(a, b)), hi: all.reduce((a, b) => Math.max(a, b)), total: Math.round(all.reduce((a, b) => a + b, 0) * 100) / 100 };
}

const profiles: string[] = [];
const servers: StaticPondServer[] = [];
let layout = new Map<string, Uint8Array>();
let pondId = '';
let sourcePlot: { x: number[]; y: (number | null)[] } | undefined;

async function freshProfile(baseURL: string, dir?: string): Promise<{ context: BrowserContext; page: Page; dir: string }> {
  const d = dir ?? mkdtempSync(join(tmpdir(), 'duckpond-link-profile-'));
  if (!dir) profiles.push(d);
  const context = await launchProfile(d, baseURL);
  return { context, page: await firstPage(context), dir: d };
}

async function serve(files: Map<string, Uint8Array>, range = true): Promise<StaticPondServer> {
  const s = await startStaticPondServer(files, { range, prefix: `/ponds/${pondId}/` });
  servers.push(s);
  return s;
}

const linkTo = (s: StaticPondServer) => `/#open=${encodeURIComponent(s.url)}`;

/** The series' plot as the app draws it (M4 at a width that keeps every point), as plain arrays. */
async function plotOf(page: Page): Promise<{ x: number[]; y: (number | null)[] }> {
  return page.evaluate(async () => {
    const p = await window.pond.api.plot('/site/temp.series', ['temp'], 100_000);
    return { x: [...p.x], y: p.y.temp! };
  });
}

async function sql(page: Page): Promise<unknown> {
  return page.evaluate(async (q) => {
    const r = await window.pond.exec(`cat /site/temp.series --sql "${q}"`);
    if (r.exitCode !== 0) throw new Error(r.stderr);
    return r.stdout;
  }, SQL);
}

test.beforeAll(async ({ baseURL }) => {
  test.setTimeout(240_000);
  const a = await freshProfile(baseURL!);
  await a.page.goto('/');
  await a.page.waitForFunction(() => !!window.pond, undefined, { timeout: 60_000 });
  await a.page.evaluate(() => window.pond.ready);
  const made = await pondLayout(a.page, 'field site', [
    { path: '/site/temp.series', csv: csv('temp', 0, temp) }, { path: '/site/temp.series', csv: csv('temp', ROWS, temp) },
    { path: '/site/level.series', csv: csv('level', 0, level) }, { path: '/site/level.series', csv: csv('level', ROWS, level) },
  ]);
  pondId = made.id;
  layout = made.files;
  sourcePlot = await plotOf(a.page);
  await a.context.close();
});

test.afterAll(async () => {
  for (const s of servers) await s.close();
  for (const p of profiles) rmSync(p, { recursive: true, force: true });
});

/** Blobs of a series, by the sizes its versions record (describe), found in the layout by their hashes. */
async function blobsOf(page: Page, path: string): Promise<{ path: string; size: number }[]> {
  const versions = await page.evaluate((p) => window.pond.api.versions(p), path);
  return versions.map((v) => {
    const sha = v.sha256!;
    return { path: `blobs/sha256/${sha.slice(0, 2)}/${sha}`, size: layout.get(`blobs/sha256/${sha.slice(0, 2)}/${sha}`)?.length ?? -1 };
  });
}

test('a fresh profile opens the link on its first visit: tree, chart points and SQL equal the source pond', async ({ baseURL }) => {
  const server = await serve(layout);
  const b = await freshProfile(baseURL!);
  await b.page.goto(linkTo(server));
  const banner = b.page.getByTestId('link-banner');
  await expect(banner).toContainText(`Opened from ${new URL(server.url).host} · read-only · version 4`, { timeout: 90_000 });
  // The tree, as drawn.
  await b.page.locator('pond-tree').getByText('site', { exact: true }).click();
  await expect(b.page.locator('pond-tree').getByText('temp.series')).toBeVisible();
  await expect(b.page.locator('pond-tree').getByText('level.series')).toBeVisible();
  expect(await b.page.evaluate(() => window.pond.api.listPonds())).toEqual([]); // no local pond made, no demo
  const opened = server.log.length;
  // The first chart: select the series; its chart draws from its own versions only.
  await b.page.locator('pond-tree').getByText('temp.series').click();
  await expect(b.page.locator('series-chart .plot').first()).toBeVisible({ timeout: 60_000 });
  const chartRequests = server.log.slice(opened);
  const temps = await blobsOf(b.page, '/site/temp.series');
  const levels = await blobsOf(b.page, '/site/level.series');
  expect(temps.every((t) => t.size > 64 * 1024)).toBe(true);
  const chartBytes = chartRequests.reduce((n, r) => n + r.bytes, 0);
  // Bounded: at most the temp series' own blobs, and nothing of the other series.
  expect(chartBytes).toBeGreaterThan(0);
  expect(chartBytes).toBeLessThanOrEqual(temps.reduce((n, t) => n + t.size, 0));
  expect(chartRequests.filter((r) => levels.some((l) => r.path.endsWith(l.path)))).toEqual([]);
  console.log(`first chart: ${chartRequests.length} requests, ${chartBytes} bytes (temp.series blobs ${temps.map((t) => t.size).join(' + ')}); to open: ${server.log.slice(0, opened).reduce((n, r) => n + r.bytes, 0)} bytes in ${opened} requests`);
  expect(await plotOf(b.page)).toEqual(sourcePlot);
  expect(sourcePlot!.y.filter((v) => v !== null).length).toBeGreaterThan(100);
  const e = expectedSummary();
  // The numbers of the answer's row, as the shell prints them (header, rule, the row, a footer).
  const row = String(await sql(b.page)).split('\n')[2]!;
  expect(row.split('|').map((c) => Number(c.trim()))).toEqual([e.n, e.lo, e.hi, e.total]);
  // Time travel over the link: version 1 has the first CSV only.
  const v1 = await b.page.evaluate(async () => { await window.pond.api.openLink((await window.pond.api.info()).link!.url, { asOf: 1 }); return window.pond.exec('cat /site/temp.series --sql "SELECT count(*)::INTEGER AS n FROM source"'); });
  expect(v1.stdout).toMatch(new RegExp(`\\b${ROWS}\\b`));

  // A second visit with the server gone: everything seen comes from the cache.
  await b.context.close();
  await server.close();
  const again = await freshProfile(baseURL!, b.dir);
  await again.page.goto(linkTo(server));
  await expect(again.page.getByTestId('link-banner')).toContainText('offline: as of your last visit', { timeout: 60_000 });
  expect(await plotOf(again.page)).toEqual(sourcePlot);
  await again.context.close();
});

test('a server without Range support serves the same pond; a tampered blob is CORRUPT and a missing one named', async ({ baseURL }) => {
  const noRange = await serve(layout, false);
  const b = await freshProfile(baseURL!);
  await b.page.goto(linkTo(noRange));
  await expect(b.page.getByTestId('link-banner')).toBeVisible({ timeout: 90_000 });
  expect(await plotOf(b.page)).toEqual(sourcePlot);
  expect(noRange.log.some((r) => r.status === 206)).toBe(false);

  const temps = await blobsOf(b.page, '/site/temp.series');
  const tampered = new Map(layout);
  const bad = tampered.get(temps[0]!.path)!.slice();
  bad[200] = bad[200]! ^ 0xff;
  tampered.set(temps[0]!.path, bad);
  tampered.delete(temps[1]!.path);
  const broken = await serve(tampered);
  await b.context.close();
  // A profile of its own: the first one holds the good versions decoded already (cached by node and version).
  const c = await freshProfile(baseURL!);
  await c.page.goto('/');
  await c.page.waitForFunction(() => !!window.pond, undefined, { timeout: 60_000 });
  await c.page.evaluate(() => window.pond.ready);
  // Called through the API, not the #open= route (which waits for this itself, ui/open-link.ts): the link's host is
  // reachable once the service worker controls the page, which on a first visit can come after start-up.
  await c.page.waitForFunction(() => !!navigator.serviceWorker.controller, undefined, { timeout: 60_000 });
  const failure = await c.page.evaluate(async (url) => {
    await window.pond.api.openLink(url);
    const r = await window.pond.exec('cat /site/temp.series --sql "SELECT count(*) FROM source"');
    const one = await window.pond.exec('cat /site/temp.series --version 2 --sql "SELECT count(*) FROM source"');
    return { all: r.stderr, second: one.stderr };
  }, broken.url);
  expect(failure.all).toContain('CORRUPT');
  expect(failure.all).toContain(temps[0]!.path);
  expect(failure.all).toContain('does not match recorded hash');
  expect(failure.second).toContain(`${temps[1]!.path}: not found (404)`);
  await c.context.close();
});

test('a push made while the link is open is noticed, and Refresh shows it', async ({ baseURL }) => {
  const newest = [...layout.keys()].filter((p) => p.startsWith('_delta_log/')).sort().at(-1)!;
  const before = new Map(layout);
  before.delete(newest); // the backup as it was one push earlier
  const server = await serve(before);
  const b = await freshProfile(baseURL!);
  await b.page.goto(linkTo(server));
  const banner = b.page.getByTestId('link-banner');
  await expect(banner).toContainText('read-only · version 3', { timeout: 90_000 });
  server.files.set(newest, layout.get(newest)!); // the push arrives
  await b.page.evaluate(() => document.dispatchEvent(new Event('visibilitychange'))); // as when the tab is shown again
  await expect(banner.getByTestId('link-newer')).toHaveText('Version 4 was pushed since you opened it');
  await banner.getByRole('button', { name: 'Refresh' }).click();
  await expect(banner).toContainText('read-only · version 4');
  await expect(banner.getByTestId('link-newer')).toHaveCount(0);
  expect(await plotOf(b.page)).toEqual(sourcePlot);
  await b.context.close();
});

test('"Keep a copy" turns the linked pond into a pond of this device', async ({ baseURL }) => {
  const server = await serve(layout);
  const b = await freshProfile(baseURL!);
  await b.page.goto(linkTo(server));
  const banner = b.page.getByTestId('link-banner');
  await expect(banner).toBeVisible({ timeout: 90_000 });
  // Time travel from the History tab, as for a pond of one's own: version 2 has no level series yet.
  await b.page.getByRole('tab', { name: 'History' }).click();
  await b.page.locator('history-pane li[data-seq="2"]').getByRole('button', { name: /Open as of/ }).click();
  await expect(b.page.getByTestId('time-travel')).toContainText('Viewing version 2 — read-only');
  await expect(banner).toContainText('read-only · version 2');
  await b.page.locator('pond-tree').getByText('site', { exact: true }).click();
  await expect(b.page.locator('pond-tree').getByText('temp.series')).toBeVisible();
  await expect(b.page.locator('pond-tree').getByText('level.series')).toHaveCount(0);
  await b.page.getByRole('button', { name: 'Back to the latest version' }).click();
  await expect(b.page.getByTestId('time-travel')).toHaveCount(0);
  await expect(banner).toContainText('read-only · version 4');
  await banner.getByRole('button', { name: 'Keep a copy' }).click();
  await expect(banner).toBeHidden({ timeout: 60_000 });
  const ponds = await b.page.evaluate(() => window.pond.api.listPonds());
  expect(ponds).toEqual([{ id: pondId, name: 'field site' }]);
  const info = await b.page.evaluate(() => window.pond.api.info());
  expect(info).toMatchObject({ id: pondId, readOnly: false, version: 4 });
  expect(new URL(b.page.url()).hash).toBe(''); // a reload opens the local pond, not the link
  expect(await plotOf(b.page)).toEqual(sourcePlot);
  await b.context.close();
});

test('"Share link" in the Backup tab opens the pushed backup on a public-read bucket in a fresh profile', async ({ baseURL }) => {
  test.setTimeout(240_000); // three fresh profiles
  // s3rver answers unsigned GETs: it stands for a bucket whose prefix is public-read (and has the CORS rule).
  const s3 = await startS3(new URL(baseURL!).origin);
  try {
    const a = await freshProfile(baseURL!);
    await a.page.goto('/');
    await a.page.waitForFunction(() => !!navigator.serviceWorker.controller, undefined, { timeout: 120_000 });
    await a.page.evaluate(() => window.pond.ready);
    const id = await a.page.evaluate(async (rows) => {
      const { id } = await window.pond.api.createPond('shared site');
      await window.pond.api.copyIn([{ name: 'a.csv', data: new Blob([rows]) }], '/site/temp.series', { format: 'series' });
      return id;
    }, csv('temp', 0, temp));
    for (const line of [`remote add lab ${s3.bucketUrl} --prefix team --key S3RVER --secret S3RVER --remember`, 'push lab']) {
      const r = await a.page.evaluate((l) => window.pond.exec(l), line);
      expect(r.stderr, line).toBe('');
    }
    await a.page.reload(); // the Backup tab lists remotes as they were when it was drawn: the shell added this one
    await a.page.waitForFunction(() => !!window.pond, undefined, { timeout: 60_000 });
    await a.page.evaluate(() => window.pond.ready);
    await a.page.getByRole('combobox', { name: 'Pond' }).selectOption({ label: 'shared site' });
    await expect(a.page.locator('pond-tree').getByText('site', { exact: true })).toBeVisible();
    await a.page.getByRole('tab', { name: 'Backup' }).click();
    await a.page.getByRole('row', { name: /lab/ }).getByRole('button', { name: 'Share link' }).click();
    const shared = a.page.getByTestId('share-link');
    await expect(shared).toContainText('public-read');
    const url = await shared.getByRole('textbox').inputValue();
    expect(url).toBe(`${baseURL}/#open=${encodeURIComponent(`${s3.bucketUrl}/team/${id}/`)}`);
    // The signed link of the same backup: a bundle of presigned GETs, its expiry stated.
    await a.page.getByRole('row', { name: /lab/ }).getByRole('button', { name: 'Signed link' }).click();
    await expect(shared).toContainText(/Signed link: it works until \d{4}-\d\d-\d\dT[\d:]+Z \(7 days/, { timeout: 30_000 });
    const signed = await shared.getByRole('textbox').inputValue();
    expect(decodeURIComponent(new URL(signed).hash.slice('#open='.length))).toMatch(/X-Amz-Expires=604800&.*X-Amz-Signature=/);
    await a.context.close();

    const b = await freshProfile(baseURL!);
    await b.page.goto(url);
    await expect(b.page.getByTestId('link-banner')).toContainText(`Opened from ${new URL(s3.bucketUrl).host} · read-only · version 1`, { timeout: 90_000 });
    const row = String(await sql(b.page)).split('\n')[2]!;
    const all = Array.from({ length: ROWS }, (_, i) => temp(i));
    const summary = [ROWS, all.reduce((x, y) => Math.min(x, y)), all.reduce((x, y) => Math.max(x, y)), Math.round(all.reduce((x, y) => x + y, 0) * 100) / 100];
    expect(row.split('|').map((c) => Number(c.trim()))).toEqual(summary);
    await b.context.close();

    const c = await freshProfile(baseURL!);
    await c.page.goto(signed);
    await expect(c.page.getByTestId('link-banner')).toContainText('read-only · version 1', { timeout: 90_000 });
    await expect(c.page.getByTestId('link-banner')).toContainText(/link valid until \d{4}-\d\d-\d\dT/);
    expect(String(await sql(c.page)).split('\n')[2]!.split('|').map((x) => Number(x.trim()))).toEqual(summary);
    await c.context.close();
  } finally {
    await s3.close();
  }
});

test('a year\'s chart over a link draws from the temporal-reduce table: one file fetched, none of the series', async ({ baseURL }) => {
  test.setTimeout(300_000);
  const a = await freshProfile(baseURL!);
  await a.page.goto('/');
  await a.page.waitForFunction(() => !!window.pond, undefined, { timeout: 60_000 });
  await a.page.evaluate(() => window.pond.ready);
  const year = 365 * 96; // a year of 15-minute readings
  const rows = Array.from({ length: year }, (_, i) => `${new Date(T0 + i * STEP).toISOString()},${temp(i).toFixed(2)}`).join('\n');
  await pondLayout(a.page, 'a year', [{ path: '/site/temp.series', csv: `timestamp,temp\n${rows}\n` }]);
  await a.page.evaluate(async () => {
    await window.pond.api.mknod('temporal-reduce', '/reduce', 'in_pattern: /site/*.series\nout_pattern: /reduced/$0\nresolutions: [1h, 24h]\n');
    await window.pond.api.runNode('/reduce');
  });
  const made = await exportLayout(a.page);
  await a.context.close();

  const s = await startStaticPondServer(made.files, { prefix: `/ponds/${made.id}/` });
  servers.push(s);
  const b = await freshProfile(baseURL!);
  await b.page.goto(linkTo(s));
  await expect(b.page.getByTestId('link-banner')).toBeVisible({ timeout: 90_000 });
  const tables = await b.page.evaluate(async () => (await window.pond.api.list('/reduced/**')).filter((n) => n.type === 'file:table').map((n) => n.path));
  expect(tables.length).toBe(2);
  const blobOfPath = async (path: string) => (await blobsOf(b.page, path)).map((x) => x.path);
  const seriesBlobs = await blobOfPath('/site/temp.series');
  const tableBlobs = (await Promise.all(tables.map(blobOfPath))).flat();
  const opened = s.log.length;
  await b.page.locator('pond-tree').getByText('site', { exact: true }).click();
  await b.page.locator('pond-tree').getByText('temp.series').click();
  await expect(b.page.locator('series-chart .plot').first()).toBeVisible({ timeout: 60_000 });
  const fetched = s.log.slice(opened).filter((r) => r.path.includes('/blobs/')).map((r) => r.path.slice(s.url.length - new URL(s.url).origin.length));
  expect(fetched.length).toBeGreaterThan(0);
  expect(fetched.length).toBeLessThanOrEqual(2);
  expect(fetched.every((p) => tableBlobs.includes(p))).toBe(true);
  expect(fetched.some((p) => seriesBlobs.includes(p))).toBe(false);
  const bytes = s.log.slice(opened).reduce((n, r) => n + r.bytes, 0);
  const seriesBytes = seriesBlobs.reduce((n, p) => n + made.files.get(p)!.length, 0);
  console.log(`a year's chart: ${bytes} bytes fetched (${fetched.join(', ')}); the series itself is ${seriesBytes} bytes`);
  expect(bytes).toBeLessThan(seriesBytes);
  await b.context.close();
});
