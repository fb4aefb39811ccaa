// End-to-end tests run against the BUILT app (vite build + vite preview), because the service worker, the
// precache and the production worker bundles only exist there. Shared by ui.spec.ts and engine.spec.ts.
import { defineConfig } from '@playwright/test';
// @ts-expect-error plain .mjs helper shared with the node tools
import { CHROMIUM_ARGS } from './tools/chromium.mjs';

// Overridable so two people (or two checkouts) can run the e2e suite at once without fighting over a port.
const port = Number(process.env.E2E_PORT ?? 4173);
const outDir = process.env.E2E_OUT_DIR ?? 'dist';

export default defineConfig({
  testDir: 'tests/e2e',
  // Artifacts (traces, failure screenshots) go here; Playwright empties it per run, so the kept screenshots
  // live next to it in test-results/screenshots/.
  outputDir: process.env.E2E_ARTIFACTS ?? 'test-results/e2e-artifacts',
  // The machine is small and DuckDB start-up is CPU-heavy: one test at a time keeps the suite deterministic.
  workers: 1,
  fullyParallel: false,
  timeout: 90_000,
  expect: { timeout: 20_000 },
  retries: 0,
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [['list'], ['json']] : [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    // Tests script the page (window.pond, page.evaluate), which the app's CSP header forbids; csp.spec.ts runs the
    // app with the policy enforced and checks that nothing it does is refused.
    bypassCSP: true,
    viewport: { width: 1280, height: 800 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS as string[],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: {
    command: `npx vite build --outDir ${outDir} --emptyOutDir && npx vite preview --outDir ${outDir} --port ${port} --strictPort --host 127.0.0.1`,
    url: `http://127.0.0.1:${port}/`,
    timeout: 180_000,
    reuseExistingServer: !process.env.CI,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
