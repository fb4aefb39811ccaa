#!/usr/bin/env node
// The egress guard's self-check (run by tools/test.mjs with the suites' environment): a Chromium launched exactly as the
// test suites launch theirs (tools/chromium.mjs's CHROMIUM_ARGS) tries an outside host from a page and from a worker.
// tools/test.mjs then expects the guard to have seen both; if not, it was not watching and its silence means nothing.
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from './chromium.mjs';

export const PROBE_HOST = 'egress-guard-probe.invalid';

if (import.meta.url === `file://${process.argv[1]}`) {
  const browser = await chromium.launch({ executablePath: await findChromium(), args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    await page.evaluate(async (host) => {
      const worker = new Worker(URL.createObjectURL(new Blob([`fetch('http://${host}/worker').finally(() => postMessage(1))`])));
      await Promise.all([fetch(`http://${host}/page`).catch(() => undefined), new Promise((r) => { worker.onmessage = r; })]);
    }, PROBE_HOST);
  } finally {
    await browser.close();
  }
}
