#!/usr/bin/env node
// Publish a pond as a static site: one zip holding the built app, the pond in backup layout under `pond/`, and an
// index.html that opens it read-only (a <meta name="duckpond-open"> the app reads on start-up). Unzipped, it is served
// as it is by any static host, at its root or in a folder (a web server's directory, a bucket with website hosting);
// after one visit the app and the pond's fetched files work offline.
//
//   node tools/publish-site.mjs --pond field-site-v4.zip --out site.zip [--app DIR]
//
// --pond: a zip snapshot of the pond (Backup tab → Download zip, or the shell's `export-zip`); every file is checked
//         against the snapshot's manifest. --app: an app already built with `vite build --base ./` (default: build
//         one into a temporary folder). Files are stored in the zip as they are (no compression: Parquet is compressed).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { unzipSync, zipSync } from 'fflate';

const LAYOUT = /^(_delta_log\/\d{20}\.json|_delta_log\/\d{20}\.checkpoint\.parquet|_delta_log\/_last_checkpoint|oplog\/[A-Za-z0-9][A-Za-z0-9._-]{0,200}\.parquet|blobs\/sha256\/[0-9a-f]{2}\/[0-9a-f]{64})$/;

function fail(message) {
  console.error(`publish-site: ${message}`);
  process.exit(1);
}

function args(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i]?.replace(/^--/, '');
    if (!['pond', 'out', 'app'].includes(k ?? '') || argv[i + 1] === undefined) fail(`usage: node tools/publish-site.mjs --pond SNAPSHOT.zip --out SITE.zip [--app BUILT_DIR] (bad argument ${argv[i]})`);
    out[k] = argv[i + 1];
  }
  if (!out.pond || !out.out) fail('usage: node tools/publish-site.mjs --pond SNAPSHOT.zip --out SITE.zip [--app BUILT_DIR]');
  return out;
}

/** The pond's layout files from a snapshot zip, each checked against the manifest (path, size, SHA-256). */
export function pondFiles(zipBytes) {
  const entries = unzipSync(zipBytes);
  const manifestBytes = entries['manifest.json'];
  if (!manifestBytes) throw new Error('the pond zip has no manifest.json: is it a DuckPond zip snapshot?');
  const manifest = JSON.parse(Buffer.from(manifestBytes).toString('utf8'));
  if (manifest.format !== 'duckpond-snapshot' || !Array.isArray(manifest.files)) throw new Error('the pond zip\'s manifest is not a DuckPond snapshot manifest');
  const files = new Map();
  for (const f of manifest.files) {
    if (!LAYOUT.test(f.path)) throw new Error(`the manifest names ${JSON.stringify(f.path)}, which is not a pond file`);
    const bytes = entries[f.path];
    if (!bytes) throw new Error(`${f.path} is in the manifest but not in the zip`);
    const sha = createHash('sha256').update(bytes).digest('hex');
    if (bytes.length !== f.size || sha !== f.sha256) throw new Error(`${f.path} does not match the manifest (size ${bytes.length}, sha256 ${sha})`);
    files.set(f.path, bytes);
  }
  if (!files.has('_delta_log/00000000000000000000.json')) throw new Error('the pond zip has no first commit');
  return files;
}

/** index.html with the marker that makes the app open `pond/` on start-up. */
export function withOpenMarker(html, pondFolder = 'pond/') {
  if (!/<head>/i.test(html)) throw new Error('the built index.html has no <head>');
  return html.replace(/<head>/i, `<head>\n    <meta name="duckpond-open" content="${pondFolder}" />`);
}

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

function main() {
  const a = args(process.argv.slice(2));
  let appDir = a.app;
  let built;
  if (!appDir) {
    built = mkdtempSync(join(tmpdir(), 'duckpond-site-'));
    console.log('Building the app (relative base, so the site works in any folder)…');
    const r = spawnSync('npx', ['vite', 'build', '--base', './', '--outDir', built, '--emptyOutDir', '--logLevel', 'warn'], { stdio: 'inherit' });
    if (r.status !== 0) fail('the app did not build');
    appDir = built;
  }
  try {
    const pond = pondFiles(readFileSync(a.pond));
    const zip = {};
    for (const file of walk(appDir)) {
      const path = relative(appDir, file).split(sep).join('/');
      if (path.startsWith('pond/')) fail(`the built app has a pond/ folder of its own (${path})`);
      const bytes = readFileSync(file);
      zip[path] = [path === 'index.html' ? new TextEncoder().encode(withOpenMarker(bytes.toString('utf8'))) : bytes, { level: 0 }];
    }
    if (!zip['index.html']) fail(`${appDir} has no index.html: build the app with vite build --base ./`);
    for (const [path, bytes] of pond) zip[`pond/${path}`] = [bytes, { level: 0 }];
    writeFileSync(a.out, zipSync(zip));
    console.log(`Wrote ${a.out}: the app and ${pond.size} pond files. Unzip it onto any static host and open its index.html over http(s).`);
  } finally {
    if (built) rmSync(built, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) main();
