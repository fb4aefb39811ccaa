// Offline for real: after one online visit, the server goes away and the browser restarts; the app still boots from
// its service worker cache, opens the pond from OPFS and runs DuckDB queries.
import { chromium, expect, test } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preview, type PreviewServer } from 'vite';
// @ts-expect-error plain .mjs helper shared with the node tools
import { CHROMIUM_ARGS } from '../../tools/chromium.mjs';

// Its own server on its own port (the suite's shared server must stay up for the other tests).
const PORT = Number(process.env.E2E_OFFLINE_PORT ?? 4391);
const URL_ = `http://127.0.0.1:${PORT}/`;

test('the app boots, opens its pond and queries with the server stopped and the browser restarted', async () => {
  const profile = mkdtempSync(join(tmpdir(), 'duckpond-offline-'));
  const launch = () => chromium.launchPersistentContext(profile, { executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS as string[], bypassCSP: true });
  let server: PreviewServer | undefined = await preview({ build: { outDir: process.env.E2E_OUT_DIR ?? 'dist' }, preview: { host: '127.0.0.1', port: PORT, strictPort: true }, logLevel: 'warn' });
  try {
    let context = await launch();
    let page = await context.newPage();
    await page.goto(URL_);
    await page.waitForFunction(() => !!window.pond, undefined, { timeout: 60_000 });
    await page.evaluate(() => window.pond.ready);
    // The service worker is active only once its precache (app shell, DuckDB and parquet-wasm bundles) is complete.
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    const id = await page.evaluate(async () => {
      const info = await window.pond.api.info();
      await window.pond.api.writeFile('/offline-note.txt', new Blob(['written online']));
      return info.id;
    });
    await context.close();
    await server.close();
    server = undefined;

    context = await launch();
    page = await context.newPage();
    const external: string[] = [];
    page.on('request', (r) => { if (!/^(http:\/\/(127\.0\.0\.1|localhost)[:/]|blob:|data:)/.test(r.url())) external.push(r.url()); });
    await page.goto(URL_);
    await page.waitForFunction(() => !!window.pond, undefined, { timeout: 60_000 });
    await page.evaluate(() => window.pond.ready);
    const result = await page.evaluate(async (pondId) => {
      await window.pond.api.openPond(pondId);
      const note = new TextDecoder().decode(await window.pond.api.readFile('/offline-note.txt'));
      const series = (await window.pond.api.list('/**')).find((n) => n.type === 'file:series');
      const q = series ? await window.pond.api.query('SELECT count(*) AS n FROM source', { source: series.path }) : undefined;
      return { note, rows: q?.rows };
    }, id);
    expect(result).toEqual({ note: 'written online', rows: 1 });
    expect(external).toEqual([]);
    await context.close();
  } finally {
    await server?.close();
    rmSync(profile, { recursive: true, force: true });
  }
});
