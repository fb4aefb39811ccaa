#!/usr/bin/env node
// `npm test`: finds a Chromium, installs dependencies if needed, then runs the unit tests (node), the browser
// tests (vitest browser mode in real Chromium) and the end-to-end tests (Playwright against the built app).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { findChromium } from './chromium.mjs';

const run = (cmd, args, env = {}) => spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;
// Asynchronous, so this process keeps serving the egress guard while the tests run.
const runAsync = (cmd, args, env = {}) => new Promise((resolve) => {
  spawn(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } }).on('exit', (code) => resolve(code ?? 1));
});

if (!existsSync('node_modules/.package-lock.json')) {
  if (run('npm', ['ci'], { PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' }) !== 0) process.exit(1);
}
const chrome = await findChromium();
console.log(`Chromium: ${chrome}`);
// Every browser of the run sends what is not for 127.0.0.1/localhost to this recorder; anything there fails the run.
const { startEgressGuard } = await import('../tests/servers/egress-guard.mjs');
const guard = await startEgressGuard();
const env = { CHROME_PATH: chrome, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1', DUCKPOND_EGRESS_GUARD: String(guard.port) };

let passed = 0;
let failed = 0;
const vitestJson = 'test-results/vitest.json';
rmSync(vitestJson, { force: true });
const vitestStatus = await runAsync('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`], env);
if (existsSync(vitestJson)) {
  const r = JSON.parse(readFileSync(vitestJson, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests + (vitestStatus !== 0 && r.numFailedTests === 0 ? 1 : 0);
} else failed += 1;

let e2eStatus = 0;
if (existsSync('tests/e2e')) {
  const e2eJson = 'test-results/e2e.json';
  rmSync(e2eJson, { force: true });
  e2eStatus = await runAsync('npx', ['playwright', 'test'], { ...env, PLAYWRIGHT_JSON_OUTPUT_NAME: e2eJson });
  if (existsSync(e2eJson)) {
    const s = JSON.parse(readFileSync(e2eJson, 'utf8')).stats;
    passed += s.expected + s.flaky;
    failed += s.unexpected + (e2eStatus !== 0 && s.unexpected === 0 ? 1 : 0);
  } else if (e2eStatus !== 0) failed += 1;
}
// The guard's self-check: a Chromium launched as the suites launch theirs tries an outside host (tools/egress-probe.mjs).
const { PROBE_HOST } = await import('./egress-probe.mjs');
await runAsync('node', ['tools/egress-probe.mjs'], env);
const probes = guard.attempts.filter((a) => a.includes(PROBE_HOST));
guard.attempts.splice(0, guard.attempts.length, ...guard.attempts.filter((a) => !a.includes(PROBE_HOST)));
if (probes.length < 2) {
  failed += 1;
  console.log(`\nFAILED: the egress guard did not see its probe requests (${probes.length} of 2): it is not watching the browsers.`);
}
await guard.close();
// Chromium's own housekeeping, which Debian's build does even with --disable-background-networking (Google account
// check, extension and component updates, autofill hints, its clock): refused like everything else, listed, but not the app's.
const BROWSER_HOUSEKEEPING = /^(CONNECT |[A-Z]+ https?:\/\/)(accounts\.google\.com|update\.googleapis\.com|content-autofill\.googleapis\.com|clients2\.google\.com|clientservices\.googleapis\.com|optimizationguide-pa\.googleapis\.com)[:/]/;
const housekeeping = guard.attempts.filter((a) => BROWSER_HOUSEKEEPING.test(a));
const foreign = guard.attempts.filter((a) => !BROWSER_HOUSEKEEPING.test(a));
if (foreign.length > 0) {
  failed += 1;
  console.log(`\nFAILED: ${foreign.length} request(s) tried to leave this machine during the tests (refused by the egress guard):\n  ${[...new Set(foreign)].join('\n  ')}`);
} else {
  console.log(`\nNo request left this machine during the tests: the egress guard on every Chromium of the run saw none from the app` +
    ` (and refused ${housekeeping.length} of Chromium's own background requests to ${[...new Set(housekeeping.map((a) => a.match(BROWSER_HOUSEKEEPING)?.[2]))].join(', ') || 'nothing'}).`);
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(vitestStatus === 0 && e2eStatus === 0 && failed === 0 ? 0 : 1);
