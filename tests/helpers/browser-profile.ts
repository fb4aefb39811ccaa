// Persistent Chromium profiles for the e2e tests that need what a person's browser has: disk-backed OPFS (Playwright's
// default contexts are off the record) and the app's service worker, which gives the network worker its policy for
// the configured S3 origins and link hosts (workers/sw.ts).
import { chromium, type BrowserContext, type Page } from '@playwright/test';
// @ts-expect-error plain .mjs helper shared with the node tools
import { CHROMIUM_ARGS } from '../../tools/chromium.mjs';

/** Chromium on the profile folder `dir`, with service workers allowed. */
export function launchProfile(dir: string, baseURL: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS as string[], bypassCSP: true, baseURL, serviceWorkers: 'allow',
  });
}

/** The profile's first tab (a persistent context opens with one). */
export async function firstPage(context: BrowserContext): Promise<Page> {
  return context.pages()[0] ?? (await context.newPage());
}

/** The app open in the profile's first tab, under its service worker, its start-up finished. */
export async function openApp(context: BrowserContext): Promise<Page> {
  const page = await firstPage(context);
  await page.goto('/');
  await page.waitForFunction(() => !!navigator.serviceWorker.controller, undefined, { timeout: 120_000 });
  // The first run makes the demo pond: wait for it, or it would race a test's own switch of ponds.
  await page.waitForFunction(() => !!window.pond, undefined, { timeout: 60_000 });
  await page.evaluate(() => window.pond.ready);
  return page;
}
