/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { contentSecurityPolicy } from './src/core/csp.ts'; // with extension: vite loads its config natively
import { playwright } from '@vitest/browser-playwright';
// @ts-expect-error plain .mjs helper shared with the node tools
import { CHROMIUM_ARGS } from './tools/chromium.mjs';

const chromePath = process.env.CHROME_PATH ?? '/usr/bin/chromium';

/**
 * The page's Content-Security-Policy (src/core/csp.ts): only its own origin, `connect-src 'self'` included. It goes into
 * index.html's <meta> and the preview server's headers; the service worker adds the user's S3/HydroVu origins to the
 * network worker's script alone (workers/sw.ts).
 */
const CSP = contentSecurityPolicy();

export default defineConfig({
  build: { target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 2048 },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['parquet-wasm', '@duckdb/duckdb-wasm'] },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1', headers: { 'Content-Security-Policy': CSP } },
  plugins: [
    { name: 'duckpond-csp', transformIndexHtml: (html: string) => html.replace('%DUCKPOND_CSP%', CSP) },
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      strategies: 'injectManifest',
      srcDir: 'workers',
      filename: 'sw.ts',
      manifest: {
        name: 'DuckPond',
        short_name: 'DuckPond',
        description: 'A very small data lake for environmental timeseries, offline on your tablet.',
        theme_color: '#0b6e99',
        background_color: '#ffffff',
        display: 'standalone',
        start_url: '.',
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
        // Shown by the browser's install dialog (tests/e2e/ui-data.spec.ts takes fresh ones into test-results/screenshots).
        screenshots: [
          { src: 'screenshots/main-1280x800.png', sizes: '1280x800', type: 'image/png', form_factor: 'wide', label: 'A series with its charts' },
          { src: 'screenshots/main-768x1024.png', sizes: '768x1024', type: 'image/png', form_factor: 'narrow', label: 'The pond on a tablet' },
        ],
      },
      injectManifest: {
        globPatterns: ['**/*.{js,css,html,wasm,png,svg,webmanifest}'],
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
        // One classic script: every browser that has OPFS runs it, with or without module service workers.
        rollupFormat: 'iife',
      },
    }),
  ],
  test: {
    projects: [
      {
        extends: true,
        // Generous: the first parquet-wasm and hash-wasm instantiation is slow on a loaded 2-core machine.
        test: { name: 'unit', environment: 'node', include: ['tests/unit/**/*.test.ts'], testTimeout: 30_000 },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          // Local servers the browser tests talk to (127.0.0.1 only): a HydroVu-shaped API, s3rver, a presign endpoint,
          // an echo server.
          globalSetup: ['tests/browser/collect/global-setup.ts', 'tests/browser/remote/s3-global-setup.ts', 'tests/browser/service/echo-global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // One file at a time: files share the local test servers (whose state some tests reset) and one origin's
          // OPFS quota; on a 2-core machine running them side by side gains little anyway.
          fileParallelism: false,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({ launchOptions: { executablePath: chromePath, args: CHROMIUM_ARGS } }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
