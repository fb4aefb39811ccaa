#!/usr/bin/env node
// `npm start`: installs dependencies if needed, builds the app, serves it on localhost and prints the URL.
// The built app (not the dev server) is served because only it has the service worker that makes it work offline.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const run = (cmd, args, env = {}) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

if (!existsSync('node_modules/.package-lock.json')) {
  console.log('Installing dependencies (npm ci)…');
  run('npm', ['ci'], { PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' });
}
console.log('Building the app…');
run('npx', ['vite', 'build', '--logLevel', 'warn']);

const { preview } = await import('vite');
const port = Number(process.env.PORT ?? 4173);
const server = await preview({ preview: { host: '127.0.0.1', port, strictPort: false, open: false } });
const url = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${port}/`;
console.log(`\nDuckPond is running at ${url}`);
console.log('Open it in Chromium or Chrome; on first run it creates a demo pond with sample sensor data.');
console.log('Press Ctrl+C to stop.');
