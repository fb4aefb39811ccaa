// Backup benchmarks (issue "Backup, restore and sharing"): push of a 200 MiB pond to s3rver beside plain PUTs of the
// same bytes, an incremental push after one small commit, and zip export/import of a 200 MiB pond.
// s3rver is started by tools/bench.mjs (its URL arrives as VITE_BENCH_S3_URL); everything stays on 127.0.0.1.
// Memory: performance.memory does not exist in a dedicated worker, so tools/bench.mjs samples the worker's heap over
// CDP and prints the peak per benchmark; the pond is built from 1 MiB pieces so the build does not dominate it.
import { MemoryPondNames } from '../src/service/settings/pond-names';
import { MemoryRemoteConfigs, RemoteOps, zipBlob } from '../src/service/backup/remotes';
import { MemoryCoordinator } from '../src/pond/coordination';
import { Pond } from '../src/pond/pond';
import { committedPondFiles, sortForWrite } from '../src/remote/layout';
import { runPool } from '../src/remote/multipart';
import { push } from '../src/remote/push';
import type { Store } from '../src/core/store';
import { sha256Hex } from '../src/pond/hash';
import { pull } from '../src/remote/pull';
import { objectKey } from '../src/remote/config';
import { S3Remote } from '../src/remote/s3-client';
import { OpfsStore } from '../src/storage/opfs-store';
import { OpfsPondHost } from '../src/storage/pond-host';
import { collectGarbage, median, round, timed, type BenchContext, type BenchResult, type Benchmark } from './types';
import { randomBytes } from './random-bytes';

const MiB = 1024 * 1024;
const KEYS = { kind: 'keys', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', region: 'us-east-1' } as const;

function s3Url(): string {
  const url = import.meta.env.VITE_BENCH_S3_URL as string | undefined;
  if (!url) throw new Error('no s3rver: run through `npm run bench` (tools/bench.mjs starts it and sets VITE_BENCH_S3_URL)');
  return url;
}

/** The same s3rver behind a slow link (tests/servers/throttle-server.mjs: 50 ms round trips, 10 Mbit/s). */
function s3FieldUrl(): string {
  const url = import.meta.env.VITE_BENCH_S3_FIELD_URL as string | undefined;
  if (!url) throw new Error('no throttled s3rver: run through `npm run bench` (tools/bench.mjs sets VITE_BENCH_S3_FIELD_URL)');
  return url;
}

const tag = () => crypto.randomUUID().slice(0, 8);
const remoteAt = (prefix: string) => new S3Remote({ bucketUrl: s3Url(), prefix, signing: KEYS });


async function removeOpfs(folder: string, name: string): Promise<void> {
  try {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(folder);
    await dir.removeEntry(name, { recursive: true });
  } catch (e) {
    if ((e as { name?: string }).name !== 'NotFoundError') throw e;
  }
}

/** A pond in OPFS of `total` bytes: files of 20 MiB (big logger files, multipart-sized) plus a few small ones. */
async function buildPond(ctx: BenchContext, total: number): Promise<{ pond: Pond; folder: string; id: string }> {
  const { uuidv7 } = await import('uuidv7');
  const id = uuidv7();
  const folder = 'bench-remote';
  const pond = await Pond.create(await OpfsStore.open(`${folder}/${id}`), { pondId: id });
  ctx.log('[heap-mark build]');
  const fileSize = Math.min(20 * MiB, total);
  for (let i = 0, left = total; left > 0; i++, left -= fileSize) {
    let blob = new Blob([]);
    for (let off = 0; off < Math.min(fileSize, left); off += MiB) blob = new Blob([blob, randomBytes(Math.min(MiB, left - off), i * 1000 + off / MiB + 1) as Uint8Array<ArrayBuffer>]);
    await pond.transact(`write /f${i}.bin`, (tx) => tx.writeFile(`/f${i}.bin`, 'file:data', blob));
  }
  for (let i = 0; i < 5; i++) await pond.transact(`note ${i}`, (tx) => tx.writeFile(`/notes/n${i}.txt`, 'file:data', randomBytes(2000, 100 + i), {}, { parents: true }));
  ctx.log(`built a ${round(total / MiB)} MiB pond (${pond.version + 1} commits)`);
  return { pond, folder, id };
}

/** Plain PUTs of the pond's files (one request per object, no hashing, no listing), 4 at a time like push. */
async function plainPuts(pond: Pond, prefix: string): Promise<number> {
  const { files } = await committedPondFiles(pond.store);
  const remote = remoteAt(prefix);
  let bytes = 0;
  await runPool([...files.keys()], 4, async (path) => {
    const data = await pond.store.read(path);
    await remote.put(`${prefix}/${path}`, data);
    bytes += data.length;
  });
  return bytes;
}

async function pushVsPlain(ctx: BenchContext): Promise<BenchResult> {
  const size = ctx.quick ? 20 * MiB : 200 * MiB;
  const reps = ctx.quick ? 1 : 2;
  const { pond, folder, id } = await buildPond(ctx, size);
  try {
    const pushRates: number[] = [];
    const singleRates: number[] = [];
    const plainRates: number[] = [];
    let objects = 0;
    for (let r = 0; r < reps; r++) {
      // Alternate which goes first, so neither always meets a warm (or a busy) s3rver.
      const runPush = async () => {
        collectGarbage();
        ctx.log('[heap-mark push]');
        const [ms, res] = await timed(() => push(pond.store, remoteAt(`bench-push-${tag()}`), pond.id));
        objects = res.sent.length;
        pushRates.push(size / MiB / (ms / 1000));
      };
      // The same push with multipart off: tells the cost of resumable multipart (on s3rver, completing an upload
      // rewrites the whole object) apart from push's own work (listing, hashing, ordering).
      const runSingle = async () => {
        collectGarbage();
        ctx.log('[heap-mark push-no-multipart]');
        const [ms] = await timed(() => push(pond.store, remoteAt(`bench-single-${tag()}`), pond.id, { multipartThreshold: Number.MAX_SAFE_INTEGER }));
        singleRates.push(size / MiB / (ms / 1000));
      };
      const runPlain = async () => {
        collectGarbage();
        ctx.log('[heap-mark plain-puts]');
        const [ms] = await timed(() => plainPuts(pond, `bench-plain-${tag()}`));
        plainRates.push(size / MiB / (ms / 1000));
      };
      const order = r % 2 === 0 ? [runPush, runSingle, runPlain] : [runPlain, runSingle, runPush];
      for (const run of order) await run();
      ctx.log(`rep ${r + 1}/${reps}: push ${round(pushRates.at(-1)!)} MiB/s, push without multipart ${round(singleRates.at(-1)!)} MiB/s, plain PUTs ${round(plainRates.at(-1)!)} MiB/s`);
    }
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
    return {
      figure: round(med(pushRates)), unit: 'MiB/s', baseline: round(med(plainRates)), baselineLabel: `plain PUTs of the same ${round(size / MiB)} MiB`,
      notes: `median of ${reps} interleaved repetitions, ${objects} objects (20 MiB blobs go multipart in 8 MiB parts, 4 in flight); push ${pushRates.map((x) => round(x, 1)).join(', ')} MiB/s, push without multipart ${singleRates.map((x) => round(x, 1)).join(', ')} MiB/s (median ${round(med(singleRates))}, ${round(med(singleRates) / med(plainRates))}x plain), plain ${plainRates.map((x) => round(x, 1)).join(', ')} MiB/s`,
    };
  } finally {
    await removeOpfs(folder, id);
  }
}

async function incremental(ctx: BenchContext): Promise<BenchResult> {
  const size = ctx.quick ? 20 * MiB : 200 * MiB;
  const { pond, folder, id } = await buildPond(ctx, size);
  try {
    const remote = remoteAt(`bench-incr-${tag()}`);
    const [fullMs, full] = await timed(() => push(pond.store, remote, pond.id));
    await pond.transact('small commit', (tx) => tx.writeFile('/notes/today.txt', 'file:data', new TextEncoder().encode('one more reading')));
    const [ms, again] = await timed(() => push(pond.store, remote, pond.id));
    let bytes = 0;
    for (const p of again.sent) bytes += (await pond.store.size(p)) ?? 0;
    ctx.log(`full push ${full.sent.length} objects in ${round(fullMs)} ms; after one small commit: ${again.sent.join(', ')}`);
    return {
      figure: again.sent.length, unit: 'objects', baseline: full.sent.length, baselineLabel: 'objects in the full push',
      notes: `after one small commit the push sent ${again.sent.length} objects, ${bytes} bytes, in ${round(ms)} ms (1 listing + 1 HEAD + ${again.sent.length} PUTs); the first push sent ${full.sent.length} objects in ${round(fullMs)} ms`,
      details: { sent: again.sent, bytes, ms: round(ms), fullMs: round(fullMs) },
    };
  } finally {
    await removeOpfs(folder, id);
  }
}

async function zipRoundTrip(ctx: BenchContext): Promise<BenchResult> {
  const size = ctx.quick ? 20 * MiB : 200 * MiB;
  const { pond, folder, id } = await buildPond(ctx, size);
  const host = new OpfsPondHost('bench-remote-import');
  try {
    const { files } = await committedPondFiles(pond.store);
    collectGarbage();
    const [rawMs] = await timed(async () => { for (const p of files.keys()) await pond.store.read(p); });
    collectGarbage();
    const work = { signal: new AbortController().signal, onProgress: () => undefined };
    ctx.log('[heap-mark export]');
    const [exportMs, zip] = await timed(() => zipBlob(pond, 'bench', undefined, work));
    collectGarbage();
    ctx.log('[heap-mark import]');
    const ops = new RemoteOps({ host, names: new MemoryPondNames(), coordinator: new MemoryCoordinator(), configs: new MemoryRemoteConfigs() });
    const [importMs, imported] = await timed(() => ops.importZip(zip.blob, {}, work));
    ctx.log(`zip ${round(zip.blob.size / MiB)} MiB: export ${round(exportMs)} ms, import ${round(importMs)} ms (${imported.files} files)`);
    return {
      figure: round(exportMs + importMs), unit: 'ms', baseline: round(rawMs), baselineLabel: `reading the same ${round(size / MiB)} MiB from OPFS once`,
      notes: `export ${round(exportMs)} ms (${round(size / MiB / (exportMs / 1000))} MiB/s; reads and hashes every file twice), import ${round(importMs)} ms (${round(size / MiB / (importMs / 1000))} MiB/s; hash + staged write + move); the worker heap peak per phase (build, export, import) is printed by the runner`,
      details: { exportMs: round(exportMs), importMs: round(importMs), zipBytes: zip.blob.size },
    };
  } finally {
    await removeOpfs(folder, id);
    await removeOpfs('bench-remote-import', id);
  }
}

export const benchmarks: Benchmark[] = [
  { name: 'remote/push-200MiB', goal: '>= 0.8x plain PUTs', met: (r) => r.figure / r.baseline >= 0.8, run: pushVsPlain },
  { name: 'remote/incremental-push', goal: 'only the new commit (2 objects)', met: (r) => r.figure === 2, run: incremental },
  { name: 'remote/zip-200MiB', goal: 'export + import time and heap (no goal)', run: zipRoundTrip },
];

/** A fetch that counts the requests it sends, by kind (pull's overhead is the listing and one HEAD). */
function countingFetch(): { fetch: typeof fetch; counts: { list: number; head: number; get: number; other: number } } {
  const counts = { list: 0, head: 0, get: 0, other: 0 };
  const f = (input: RequestInfo | URL, init?: RequestInit) => {
    const method = init?.method ?? 'GET';
    if (method === 'HEAD') counts.head++;
    else if (method === 'GET') (String(input).includes('list-type=2') ? counts.list++ : counts.get++);
    else counts.other++;
    return fetch(input, init);
  };
  return { fetch: f as typeof fetch, counts };
}

/**
 * s3rver cannot list more than 1 000 keys (it caps a page at 1 000, and a truncated page needs a continuation token made
 * with DES, which Node 20's OpenSSL lacks: HTTP 500), and a 1 000-commit pond has ~2 000 objects, so push (which lists
 * the whole pond) and restore cannot be used on it here. The set-up therefore sends what is new as push would (blobs,
 * oplog files, then commits in order, each with its x-amz-meta-sha256) without listing, and makes the replica by copying
 * the producer's files (byte for byte what a restore writes). The timed pull lists only the commits after its head.
 */
async function sendNew(store: Store, remote: S3Remote, pondId: string, already: Set<string>): Promise<string[]> {
  const { files } = await committedPondFiles(store);
  const todo = sortForWrite([...files.keys()].filter((p) => !already.has(p)));
  const send = async (p: string) => {
    const bytes = await store.read(p);
    await remote.put(objectKey(remote.config.prefix, pondId, p), bytes, { 'x-amz-meta-sha256': await sha256Hex(bytes) });
    already.add(p);
  };
  await runPool(todo.filter((p) => !p.startsWith('_delta_log/')), 4, send);
  for (const p of todo.filter((x) => x.startsWith('_delta_log/'))) await send(p);
  return todo;
}

async function copyFiles(from: Store, to: Store): Promise<void> {
  const { files } = await committedPondFiles(from);
  await runPool(sortForWrite([...files.keys()]), 4, async (p) => { await to.write(p, await from.read(p)); });
}

/**
 * Pull of 10 new commits into a 1 000-commit replica (issue "Many tablets, one program"): the objects it fetches vs the
 * minimum (the new objects plus one listing), and its time vs plain GETs of the same objects in the same run (4 at a
 * time like pull, bodies read whole), interleaved round by round. `link` is where the timed requests go: s3rver
 * itself (loopback: a GET costs a millisecond or two, so the durable OPFS writes dominate), or s3rver behind the
 * throttling proxy, as a tablet in the field reaches its bucket (round trips dominate). Set-up always uses loopback.
 */
async function pullVsGets(ctx: BenchContext, link: 'loopback' | 'field'): Promise<BenchResult> {
  const { uuidv7 } = await import('uuidv7');
  const commits = ctx.quick ? 100 : 1000;
  const rounds = ctx.quick ? 2 : 5;
  const id = uuidv7();
  const folder = 'bench-pull';
  const producer = await Pond.create(await OpfsStore.open(`${folder}/a-${id}`), { pondId: id });
  // Commits like a logger tablet's: small notes, and every tenth a file big enough to be a blob.
  const commit = (i: number) => producer.transact(`write ${i}`, (tx) => tx.writeFile(`/site/f${i % 40}.bin`, 'file:data', randomBytes(i % 10 === 0 ? 100_000 : 300, i), {}, { parents: true }));
  for (let i = 1; i < commits; i++) await commit(i);
  const prefix = `bench-pull-${tag()}`;
  const remote = remoteAt(prefix);
  const timedUrl = link === 'field' ? s3FieldUrl() : s3Url();
  const timedRemote = (f?: typeof fetch) => new S3Remote({ bucketUrl: timedUrl, prefix, signing: KEYS }, f ? { fetch: f } : {});
  const timedGets = timedRemote();
  const inBucket = new Set<string>();
  const [pushMs, first] = await timed(() => sendNew(producer.store, remote, id, inBucket));
  const replicaStore = await OpfsStore.open(`${folder}/b-${id}`);
  const [copyMs] = await timed(() => copyFiles(producer.store, replicaStore));
  ctx.log(`producer at version ${producer.version}: sent ${first.length} objects in ${round(pushMs)} ms; replica copied in ${round(copyMs)} ms`);
  try {
    const pullMs: number[] = [], getMs: number[] = [], getWriteMs: number[] = [];
    const scratch = await OpfsStore.open(`${folder}/c-${id}`);
    const extra: number[] = [];
    let objects = 0, next = commits;
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < 10; k++) await commit(next++); // (an automatic compaction may make it 11)
      const sent = await sendNew(producer.store, remote, id, inBucket);
      // The replica as the app holds it when it pulls: open (the service pulls into the open pond, passing its state).
      const replica = await Pond.open(replicaStore, { readOnly: true });
      const head = replica.version;
      const device = { version: head, state: replica.fs, files: replica.files };
      const gets = async () => {
        const [ms] = await timed(() => runPool(sent, 4, async (p) => { await (await timedGets.get(objectKey(prefix, id, p))).arrayBuffer(); }));
        getMs.push(ms);
      };
      // Where the time goes: the same GETs, each body then written (flushed) to OPFS as pull writes it.
      const getsAndWrites = async () => {
        const [ms] = await timed(() => runPool(sent, 4, async (p) => { await scratch.write(`r${r}/${p}`, new Uint8Array(await (await timedGets.get(objectKey(prefix, id, p))).arrayBuffer())); }));
        getWriteMs.push(ms);
      };
      const pulls = async () => {
        const counting = countingFetch();
        const t0 = performance.now();
        const marks: string[] = [];
        let last = '';
        const onProgress = (q: { phase: string }) => { if (q.phase !== last) { last = q.phase; marks.push(`${q.phase}@${round(performance.now() - t0, 0)}`); } };
        const [ms, res] = await timed(() => pull(replicaStore, timedRemote(counting.fetch), id, head, { onProgress, device }));
        ctx.log(`phases: ${marks.join(' ')} end@${round(ms, 0)}`);
        if (res.after !== producer.version || res.fetched.length !== sent.length) throw new Error(`pull brought ${res.fetched.length} objects to version ${res.after}, push sent ${sent.length} to ${producer.version}`);
        pullMs.push(ms);
        // The minimum is the new objects plus one listing; anything beyond is overhead.
        extra.push(counting.counts.list + counting.counts.head + counting.counts.get + counting.counts.other - (sent.length + 1));
        objects = sent.length;
      };
      // Each timed step starts from the same quiet: whichever came first after the set-up (the sends, the replica's
      // open) ran 1.5–2x slower than when it came last, for pull and GETs alike.
      const settled = async <T>(step: () => Promise<T>) => { collectGarbage(); await new Promise((r) => setTimeout(r, 300)); return step(); };
      if (r % 2 === 0) { await settled(pulls); await settled(gets); await settled(getsAndWrites); } else { await settled(getsAndWrites); await settled(gets); await settled(pulls); }
    }
    const p = median(pullMs), g = median(getMs);
    ctx.log(`pull of 10 commits (${objects} objects): ${pullMs.map((x) => round(x)).join(', ')} ms; plain GETs: ${getMs.map((x) => round(x)).join(', ')} ms; GETs + OPFS writes: ${getWriteMs.map((x) => round(x)).join(', ')} ms`);
    return {
      figure: round(p), unit: 'ms', baseline: round(g), baselineLabel: `plain GETs of the same ${objects} objects`,
      notes: `into a ${commits}-commit replica, ${rounds} rounds; the same GETs each followed by a flushed OPFS write: ${round(median(getWriteMs))} ms; requests beyond the minimum (new objects + 1 listing): ${[...new Set(extra)].join('/')} (the HEAD of the replica's head commit)`,
      details: { pullMs: pullMs.map((x) => round(x)), getMs: getMs.map((x) => round(x)), getWriteMs: getWriteMs.map((x) => round(x)), objects, extraRequests: extra, commits },
    };
  } finally {
    await removeOpfs(folder, `a-${id}`);
    await removeOpfs(folder, `b-${id}`);
    await removeOpfs(folder, `c-${id}`);
  }
}

benchmarks.push({ name: 'remote/pull-10-into-1000', goal: '<= 1.3x plain GETs, only the new objects + listing', met: (r) => r.figure / r.baseline <= 1.3, run: (ctx) => pullVsGets(ctx, 'loopback') });
benchmarks.push({ name: 'remote/pull-10-into-1000-field-link', goal: '<= 1.3x plain GETs over the same 50 ms / 10 Mbit/s link', met: (r) => r.figure / r.baseline <= 1.3, run: (ctx) => pullVsGets(ctx, 'field') });
