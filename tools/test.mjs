#!/usr/bin/env node
// `npm test`: finds a Chromium, installs dependencies if needed, then runs the unit tests (node), the browser
// tests (vitest browser mode in real Chromium) and the end-to-end tests (Playwright against the built app).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { findChromium } from './chromium.mjs';

const run = (cmd, args, env = {}) => spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;

if (!existsSync('node_modules/.package-lock.json')) {
  if (run('npm', ['ci'], { PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' }) !== 0) process.exit(1);
}
const chrome = await findChromium();
console.log(`Chromium: ${chrome}`);
const env = { CHROME_PATH: chrome, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' };

let passed = 0;
let failed = 0;
const vitestJson = 'test-results/vitest.json';
rmSync(vitestJson, { force: true });
const vitestStatus = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`], env);
if (existsSync(vitestJson)) {
  const r = JSON.parse(readFileSync(vitestJson, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests + (vitestStatus !== 0 && r.numFailedTests === 0 ? 1 : 0);
} else failed += 1;

let e2eStatus = 0;
if (existsSync('tests/e2e')) {
  const e2eJson = 'test-results/e2e.json';
  rmSync(e2eJson, { force: true });
  e2eStatus = run('npx', ['playwright', 'test'], { ...env, PLAYWRIGHT_JSON_OUTPUT_NAME: e2eJson });
  if (existsSync(e2eJson)) {
    const s = JSON.parse(readFileSync(e2eJson, 'utf8')).stats;
    passed += s.expected + s.flaky;
    failed += s.unexpected + (e2eStatus !== 0 && s.unexpected === 0 ? 1 : 0);
  } else if (e2eStatus !== 0) failed += 1;
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(vitestStatus === 0 && e2eStatus === 0 && failed === 0 ? 0 : 1);
