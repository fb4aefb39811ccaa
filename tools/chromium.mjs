// Finds a Chromium for tests and benchmarks: CHROME_PATH, Debian's /usr/bin/chromium, or Playwright's own.
import { existsSync } from 'node:fs';

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  // Under `npm test`, everything not bound for this machine goes to the egress guard, which records it (tests/servers/egress-guard.mjs).
  ...(process.env.DUCKPOND_EGRESS_GUARD ? [`--proxy-server=http://127.0.0.1:${process.env.DUCKPOND_EGRESS_GUARD}`] : []),
];

export async function findChromium() {
  const candidates = [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  for (const path of candidates) if (path && existsSync(path)) return path;
  try {
    const { chromium } = await import('playwright-core');
    const path = chromium.executablePath();
    if (path && existsSync(path)) return path;
  } catch { /* playwright-core has no browser of its own here; fall through to the error */ }
  throw new Error('No Chromium found: set CHROME_PATH, install Debian\'s chromium (apt-get install chromium), or run `npx playwright install chromium`.');
}
