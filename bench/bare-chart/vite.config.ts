// The UI benchmark's bare page (bench/bare-chart/), built on its own into the app's build folder under
// /bench/bare-chart/ (bench/ui.bench.mjs): a build of its own, so the app's chunks are exactly those of `npm run
// build` (a second entry in the app's build would split shared modules, uPlot among them, into chunks of their own).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/bench/bare-chart/',
  build: { target: 'es2022', emptyOutDir: true },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['parquet-wasm'] },
  logLevel: 'error',
});
