// The pond engine's benchmarks (engine issue): small commit latency, opening a long-lived pond, and large-file
// write throughput, each beside a raw-OPFS (or smaller-pond) baseline measured in the same run.
import { encodeEntries, decodeEntries } from '../src/oplog/entry-codec';
import { encodeCommit, logPath, type Commit } from '../src/oplog/delta-log';
import { listCommitVersions, readCommit, readLog } from '../src/oplog/log-store';
import { replayEntries } from '../src/oplog/replay';
import { sha256Hex } from '../src/pond/hash';
import { oplogFilePath, tmpPath } from '../src/pond/layout';
import { Pond } from '../src/pond/pond';
import { Transaction } from '../src/pond/transaction';
import { MemoryStore } from '../src/storage/memory-store';
import { OpfsStore, shortWriteError } from '../src/storage/opfs-store';
import { openScratchDir, rawOpfsWriteFlushMove } from '../src/storage/opfs-raw';
import { FsState } from '../src/tinyfs/state';
import { collectGarbage, median, round, stats, timed, type BenchContext, type BenchResult, type Benchmark } from './types';
import { randomBytes } from './random-bytes';

const KiB = 1024;
const MiB = 1024 * 1024;

/** Removes `a/b/c` below the OPFS root, recursively; missing is fine. */
export async function removeOpfs(path: string): Promise<void> {
  const names = path.split('/');
  const last = names.pop()!;
  try {
    let dir = await navigator.storage.getDirectory();
    for (const n of names) dir = await dir.getDirectoryHandle(n);
    await dir.removeEntry(last, { recursive: true });
  } catch (e) {
    if ((e as { name?: string }).name !== 'NotFoundError') throw e;
  }
}


const id = () => crypto.randomUUID().slice(0, 8);
const ms = (x: number) => `${round(x)} ms`;

// ---------------------------------------------------------------------------------------------------------------
// 1. Small commit: mkdir + a 1 KiB file, one transaction, vs raw write+flush+move of the same 1 KiB.
// ---------------------------------------------------------------------------------------------------------------
async function smallCommit(ctx: BenchContext): Promise<BenchResult> {
  const n = ctx.quick ? 40 : 200;
  const warm = ctx.quick ? 5 : 20;
  const tag = id();
  const root = `ponds/bench-small-${tag}`;
  const scratchName = `bench-scratch-${tag}`;
  try {
    const store = await OpfsStore.open(root);
    const pond = await Pond.create(store);
    const scratch = await openScratchDir(scratchName);
    const bytes = randomBytes(KiB, 7);
    const pondMs: number[] = [];
    const rawMs: number[] = [];
    const compactMs: number[] = [];
    for (let i = -warm; i < n; i++) {
      const commit = async () => {
        const before = pond.version;
        const [t] = await timed(() => pond.transact(`bench ${i}`, async (tx) => {
          tx.wd.mkdir(`/d${i + warm}`);
          await tx.writeFile(`/d${i + warm}/f.bin`, 'file:data', bytes);
        }));
        if (i < 0) return;
        if (pond.version - before > 1) compactMs.push(t); // this commit also compacted the oplog
        else pondMs.push(t);
      };
      const raw = async () => {
        const [t] = await timed(() => rawOpfsWriteFlushMove(scratch, `f${i + warm}`, bytes));
        if (i >= 0) rawMs.push(t);
      };
      // Alternate the order so neither side always runs right after the other's disk work.
      if (i % 2) { await commit(); await raw(); } else { await raw(); await commit(); }
    }
    const all = [...pondMs, ...compactMs];
    const p = stats(all);
    const plain = stats(pondMs);
    const r = stats(rawMs);
    if (pond.maintenanceError) throw pond.maintenanceError;

    // Where a commit's time goes: the same steps as Pond.transact + commitRows, timed one by one.
    const bd = await commitBreakdown(store, pond, bytes, ctx.quick ? 10 : 50);
    ctx.log(`commit p50 ${ms(p.p50)} p95 ${ms(p.p95)}; raw p50 ${ms(r.p50)}; breakdown ${JSON.stringify(bd)}`);
    return {
      figure: p.p50, unit: 'ms', baseline: r.p50, baselineLabel: 'raw write+flush+move 1 KiB, p50',
      notes: `p50 ${ms(p.p50)}, p95 ${ms(p.p95)}, max ${ms(p.max)} over ${all.length} commits (${compactMs.length} of them also compacted the oplog: median ${ms(median(compactMs))}; without those p50 ${ms(plain.p50)} p95 ${ms(plain.p95)}). Raw p50 ${ms(r.p50)} p95 ${ms(r.p95)}. Median per step: ${Object.entries(bd).map(([k, v]) => `${k} ${round(v)}`).join(', ')} ms.`,
      details: { commit: p, commitWithoutCompaction: plain, compactionCommits: compactMs.length ? stats(compactMs) : null, raw: r, breakdownMedianMs: bd },
    };
  } finally {
    await removeOpfs(root);
    await removeOpfs(scratchName);
  }
}

/** Repeats the steps of one small commit (outside the pond's own log) and returns the median ms of each. */
async function commitBreakdown(store: OpfsStore, pond: Pond, bytes: Uint8Array, n: number): Promise<Record<string, number>> {
  const t: Record<string, number[]> = {};
  const add = (k: string, v: number) => (t[k] ??= []).push(v);
  for (let i = 0; i < n; i++) {
    const [tTx, tx] = await timed(async () => {
      const tx = new Transaction(pond.fs, store);
      tx.wd.mkdir(`/breakdown${i}`);
      await tx.writeFile(`/breakdown${i}/f.bin`, 'file:data', bytes);
      return tx;
    });
    add('transaction', tTx);
    const seq = 1e9 + i;
    const ts = Date.now() * 1000;
    const [tRows, rows] = await timed(() => tx.rows(seq, ts));
    add('rows', tRows);
    const [tEnc, enc] = await timed(() => encodeEntries(rows));
    add('parquetEncode', tEnc);
    const uuid = crypto.randomUUID();
    const path = `breakdown/${oplogFilePath(seq, uuid)}`;
    add('writeOplogFile', (await timed(() => store.write(path, enc)))[0]);
    const [tSha, sha] = await timed(() => sha256Hex(enc));
    add('sha256', tSha);
    const commit: Commit = {
      version: seq, adds: [{ path, size: enc.length, modificationTime: 0, dataChange: true, tags: { sha256: sha, rows: String(rows.length) } }], removes: [],
      info: { timestamp: 0, operation: 'WRITE', engineInfo: 'bench', duckpond: { txnSeq: seq, command: 'bench', timestampUs: ts, entries: rows.length } },
    };
    const target = `breakdown/${logPath(seq)}`;
    add('logExistsCheck', (await timed(() => store.size(target)))[0]);
    const tmp = `breakdown/${tmpPath(uuid, '.json')}`;
    add('writeLogTmp', (await timed(() => store.write(tmp, encodeCommit(commit))))[0]);
    add('moveLog', (await timed(() => store.move(tmp, target)))[0]);
    add('replay', (await timed(async () => {
      const next = pond.fs.fork();
      await replayEntries(next, rows, async () => new Uint8Array());
    }))[0]);
  }
  // One flushed write taken apart (what writeOplogFile and writeLogTmp each pay), with bare handles.
  const dir = await openScratchDir(`bench-scratch-bd-${id()}`);
  for (let i = 0; i < n; i++) {
    const [tGet, fh] = await timed(() => dir.getFileHandle(`f${i}.tmp`, { create: true }));
    add('raw.getFileHandle', tGet);
    const [tOpen, h] = await timed(() => fh.createSyncAccessHandle());
    add('raw.createSyncAccessHandle', tOpen);
    add('raw.truncate+write', (await timed(() => { h.truncate(0); h.write(bytes, { at: 0 }); }))[0]);
    add('raw.flush', (await timed(() => h.flush()))[0]);
    add('raw.close', (await timed(() => h.close()))[0]);
    add('raw.move', (await timed(() => fh.move(dir, `f${i}`)))[0]);
  }
  await removeOpfs(dir.name);
  await store.removeTree('breakdown');
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, round(median(v), 3)]));
}

// ---------------------------------------------------------------------------------------------------------------
// 2. Opening a pond with 10 000 transactions.
// ---------------------------------------------------------------------------------------------------------------
const DIRS = 100;

/**
 * Builds a pond of `txns` transactions (one that makes DIRS folders, then one 100-byte file per transaction) with
 * the engine itself, in a MemoryStore (a commit to OPFS costs ~10-20 ms here, too slow for 10 000 of them in a
 * bench run), then copies every file of it into OPFS at `root` (unflushed sync-handle writes). The OPFS pond has
 * exactly the files the engine would have written there: the pond code is store-agnostic.
 */
export async function buildPond(ctx: BenchContext, root: string, txns: number): Promise<number> {
  const mem = new MemoryStore();
  const pond = await Pond.create(mem);
  const content = randomBytes(100, 11);
  const t0 = performance.now();
  await pond.transact('mkdirs', (tx) => { for (let d = 0; d < DIRS; d++) tx.wd.mkdir(`/d${d}`); });
  let last = t0;
  for (let i = 1; i < txns; i++) {
    await pond.transact(`write ${i}`, (tx) => tx.writeFile(`/d${i % DIRS}/f${i}`, 'file:data', content));
    if (i % 2000 === 0) {
      const now = performance.now();
      ctx.log(`built ${i}/${txns} transactions in memory (${round((now - last) / 1000, 1)} s for the last 2000)`);
      last = now;
    }
  }
  if (pond.maintenanceError) throw pond.maintenanceError;
  const t1 = performance.now();
  const [files, bytes] = await copyToOpfs(mem, root);
  ctx.log(`built a ${txns}-transaction pond (head ${pond.version}) in ${round((t1 - t0) / 1000, 1)} s, copied ${files} files (${round(bytes / MiB, 1)} MiB) to OPFS in ${round((performance.now() - t1) / 1000, 1)} s`);
  return pond.version;
}

/** Copies every file of `mem` to OPFS below `root`; returns [files, bytes]. */
async function copyToOpfs(mem: MemoryStore, root: string): Promise<[number, number]> {
  let top = await navigator.storage.getDirectory();
  for (const n of root.split('/')) top = await top.getDirectoryHandle(n, { create: true });
  let files = 0;
  let bytes = 0;
  const jobs: [string, FileSystemDirectoryHandle, string][] = [];
  const walk = async (path: string, dir: FileSystemDirectoryHandle): Promise<void> => {
    for (const name of await mem.list(path)) {
      const child = path ? `${path}/${name}` : name;
      if (name.endsWith('/')) await walk(child.slice(0, -1), await dir.getDirectoryHandle(name.slice(0, -1), { create: true }));
      else jobs.push([child, dir, name]);
    }
  };
  await walk('', top);
  const copyOne = async ([child, dir, name]: [string, FileSystemDirectoryHandle, string]) => {
    const data = await mem.read(child);
    const h = await (await dir.getFileHandle(name, { create: true })).createSyncAccessHandle();
    try {
      h.truncate(0);
      if (h.write(data, { at: 0 }) !== data.length) throw new Error(`short write copying ${child}`);
    } finally {
      h.close();
    }
    files++;
    bytes += data.length;
  };
  // Several files in flight at once: each OPFS call is a round trip to the browser process.
  for (let i = 0; i < jobs.length; i += 32) await Promise.all(jobs.slice(i, i + 32).map(copyOne));
  return [files, bytes];
}

async function openOnce(root: string): Promise<[number, Pond]> {
  collectGarbage();
  return timed(async () => Pond.open(await OpfsStore.open(root)));
}

/** The files an open reads, found once (untimed): the commits back to the last compaction and their oplog files. */
async function filesOpenReads(root: string): Promise<string[]> {
  const store = await OpfsStore.open(root);
  const versions = await listCommitVersions(store);
  const paths: string[] = [];
  for (let v = versions[versions.length - 1]!; v >= 0; v--) {
    const c = await readCommit(store, v);
    paths.push(logPath(v), ...c.adds.map((a) => a.path));
    if (c.metaData) break;
  }
  return paths;
}

/** Raw OPFS floor of an open: list _delta_log and read the same files, with bare handles. */
async function rawOpen(root: string, paths: string[]): Promise<[number, number]> {
  let bytes = 0;
  collectGarbage();
  const [t] = await timed(async () => {
    let dir = await navigator.storage.getDirectory();
    for (const n of root.split('/')) dir = await dir.getDirectoryHandle(n);
    const names: string[] = [];
    for await (const k of (await dir.getDirectoryHandle('_delta_log')).keys()) names.push(k);
    for (const p of paths) {
      const parts = p.split('/');
      let d = dir;
      for (const n of parts.slice(0, -1)) d = await d.getDirectoryHandle(n);
      bytes += (await (await (await d.getFileHandle(parts[parts.length - 1]!)).getFile()).arrayBuffer()).byteLength;
    }
  });
  return [t, bytes];
}

/** timed() after a full GC. */
async function gcTimed<T>(f: () => Promise<T> | T): Promise<[number, T]> {
  collectGarbage();
  return timed(f);
}

async function openBreakdown(root: string): Promise<Record<string, number>> {
  const [tOpenTotal] = await openOnce(root);
  const [tStoreOpen, store] = await gcTimed(() => OpfsStore.open(root));
  const [tList] = await gcTimed(() => listCommitVersions(store));
  const logDir = await (await navigator.storage.getDirectory()).getDirectoryHandle(root.split('/')[0]!)
    .then((d) => d.getDirectoryHandle(root.split('/')[1]!)).then((d) => d.getDirectoryHandle('_delta_log'));
  const [tRawKeys] = await gcTimed(async () => { let n = 0; for await (const _ of logDir.keys()) n++; return n; });
  const [tRawEntries] = await gcTimed(async () => { let n = 0; for await (const _ of logDir.entries()) n++; return n; });
  const [tRead, snap] = await gcTimed(() => readLog(store, sha256Hex));
  let tDecode = 0;
  let tReadFiles = 0;
  let tSha = 0;
  for (const f of snap.files) {
    const [tr, bytes] = await gcTimed(() => store.read(f.path));
    tReadFiles += tr;
    tSha += (await gcTimed(() => sha256Hex(bytes)))[0];
    tDecode += (await gcTimed(() => decodeEntries(bytes, f.path)))[0];
  }
  const [tReplay] = await gcTimed(() => replayEntries(FsState.empty(), snap.entries, async () => new Uint8Array()));
  const [tSweep] = await gcTimed(() => store.removeTree('tmp'));
  return {
    openTotal: tOpenTotal, storeOpen: tStoreOpen, listDeltaLog: tList, rawKeysListing: tRawKeys, rawEntriesListing: tRawEntries,
    readLogTotal: tRead, readOplogFiles: tReadFiles, sha256OplogFiles: tSha, parquetDecode: tDecode,
    replay: tReplay, sweepTmp: tSweep, rows: snap.entries.length, commitsReplayed: snap.sinceCompaction + 1,
    oplogBytes: snap.files.reduce((a, f) => a + f.size, 0),
  };
}

async function openBig(ctx: BenchContext): Promise<BenchResult> {
  const txns = ctx.quick ? 1000 : 10_000;
  const reps = ctx.quick ? 3 : 15;
  const tag = id();
  const big = `ponds/bench-open-${tag}`;
  const small = `ponds/bench-open10-${tag}`;
  try {
    const head = await buildPond(ctx, big, txns);
    await buildPond(ctx, small, 10);
    const paths = await filesOpenReads(big);
    const bigMs: number[] = [];
    const smallMs: number[] = [];
    const rawMs: number[] = [];
    let rawBytes = 0;
    for (let r = 0; r < reps; r++) {
      const [t, pond] = await openOnce(big);
      if (pond.version !== head) throw new Error(`opened at version ${pond.version}, expected ${head}`);
      bigMs.push(t);
      smallMs.push((await openOnce(small))[0]);
      const [tr, b] = await rawOpen(big, paths);
      rawMs.push(tr);
      rawBytes = b;
    }
    const bds: Record<string, number>[] = [];
    for (let r = 0; r < 5; r++) bds.push(await openBreakdown(big));
    const bd10 = await openBreakdown(small);
    const bd = Object.fromEntries(Object.keys(bds[0]!).map((k) => [k, round(median(bds.map((b) => b[k]!)), 1)]));
    // The head above is a compaction commit (10 000 is a multiple of 50): the best case. Half-way to the next
    // compaction an open also reads 25 commit files and 25 small oplog files.
    const writer = (await openOnce(big))[1];
    const extra = randomBytes(100, 13);
    for (let i = 0; i < 25; i++) await writer.transact(`extra ${i}`, (tx) => tx.writeFile(`/d${i}/extra${i}`, 'file:data', extra));
    const midMs: number[] = [];
    for (let r = 0; r < (ctx.quick ? 3 : 7); r++) midMs.push((await openOnce(big))[0]);
    const o = stats(bigMs);
    ctx.log(`open p50 ${ms(o.p50)} (all: ${bigMs.map((x) => round(x, 0)).join(', ')}); raw ${ms(median(rawMs))}; 10-txn pond ${ms(median(smallMs))}; breakdown ${JSON.stringify(bd)}`);
    return {
      figure: o.p50, unit: 'ms', baseline: median(rawMs), baselineLabel: `raw: list _delta_log + read the same ${paths.length} files`,
      notes: `${txns} transactions (head ${head}, incl. compactions), median of ${reps} opens (min ${ms(o.min)}, max ${ms(o.max)}); opening a 10-transaction pond: ${ms(median(smallMs))}; the same pond after 25 more commits (mid-way to the next compaction): ${ms(median(midMs))}; raw floor read ${round(rawBytes / KiB)} KiB. Breakdown (median of 5, ms): ${Object.entries(bd).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
      details: { open: o, raw: stats(rawMs), open10: stats(smallMs), openMidCycle: stats(midMs), breakdown: bd, breakdown10: bd10, filesRead: paths.length, rawBytes },
    };
  } finally {
    await removeOpfs(big);
    await removeOpfs(small);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// 3. Writing a 100 MiB file in one transaction vs raw OPFS write+flush+move of the same bytes.
// ---------------------------------------------------------------------------------------------------------------
/**
 * rawOpfsWriteFlushMove, but writing in `chunk`-sized calls as the pond's blob writer does: in Chromium 156 one
 * 100 MiB write() call is about twice as slow as 25 calls of 4 MiB (measured here), so this is the raw best case.
 */
async function rawChunkedWriteFlushMove(dir: FileSystemDirectoryHandle, name: string, bytes: Uint8Array, chunk: number): Promise<void> {
  const tmp = await dir.getFileHandle(`${name}.tmp`, { create: true });
  const h = await tmp.createSyncAccessHandle();
  try {
    h.truncate(0);
    for (let at = 0; at < bytes.length; at += chunk) {
      const part = bytes.subarray(at, Math.min(at + chunk, bytes.length));
      const n = h.write(part, { at });
      if (n !== part.length) throw shortWriteError(n);
    }
    h.flush();
  } finally {
    h.close();
  }
  await tmp.move(dir, name);
}

async function bigWrite(ctx: BenchContext): Promise<BenchResult> {
  const size = ctx.quick ? 16 * MiB : 100 * MiB;
  const reps = ctx.quick ? 3 : 7;
  const tag = id();
  const root = `ponds/bench-big-${tag}`;
  const scratchName = `bench-scratch-${tag}`;
  try {
    const store = await OpfsStore.open(root);
    const pond = await Pond.create(store);
    const scratch = await openScratchDir(scratchName);
    const bytes = randomBytes(size, 3);
    const pondMBs: number[] = [];
    const rawMBs: number[] = [];
    const rawOneCallMBs: number[] = [];
    const contentMs: number[] = [];
    const commitMs: number[] = [];
    const mbs = (t: number) => size / MiB / (t / 1000);
    for (let r = 0; r < reps; r++) {
      new DataView(bytes.buffer).setUint32(0, r); // new content, new blob, every repetition
      const viaPond = async () => {
        collectGarbage();
        let tContent = 0;
        const [t] = await timed(() => pond.transact(`write big ${r}`, async (tx) => {
          tContent = (await timed(() => tx.writeFile(`/big${r}.bin`, 'file:data', bytes)))[0];
        }));
        pondMBs.push(mbs(t));
        contentMs.push(tContent);
        commitMs.push(t - tContent);
      };
      const raw = async () => {
        collectGarbage();
        rawMBs.push(mbs((await timed(() => rawChunkedWriteFlushMove(scratch, `big${r}`, bytes, 4 * MiB)))[0]));
        await scratch.removeEntry(`big${r}`);
      };
      const rawOneCall = async () => {
        collectGarbage();
        rawOneCallMBs.push(mbs((await timed(() => rawOpfsWriteFlushMove(scratch, `one${r}`, bytes)))[0]));
        await scratch.removeEntry(`one${r}`);
      };
      // Rotate the order so no side always follows the same one.
      const order = [viaPond, raw, rawOneCall];
      for (let k = 0; k < 3; k++) await order[(r + k) % 3]!();
      ctx.log(`rep ${r + 1}/${reps}: pond ${round(pondMBs[r]!, 0)} MiB/s, raw 4 MiB chunks ${round(rawMBs[r]!, 0)} MiB/s, raw one call ${round(rawOneCallMBs[r]!, 0)} MiB/s`);
    }
    // Where the pond's time goes: the steps of storeBytes + placeBlob, one by one.
    const steps: Record<string, number[]> = { sha256: [], writeChunks4MiB: [], closeFlush: [], sizeCheck: [], moveToBlobs: [], sha256AndWriteTogether: [], digestCallReturnsAfter: [] };
    for (let r = 0; r < 3; r++) {
      // Does crypto.subtle.digest hash off this thread? If the call itself takes as long as the hash, it does not.
      collectGarbage();
      const t0 = performance.now();
      const digest = crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
      steps.digestCallReturnsAfter!.push(performance.now() - t0);
      await digest;
      // As storeBytes does it: the WebCrypto digest started first, the chunks written while it runs.
      const w2 = await store.createWriter(`tmp/bdx${r}`);
      steps.sha256AndWriteTogether!.push((await timed(async () => {
        const h = sha256Hex(bytes);
        for (let at = 0; at < size; at += 4 * MiB) await w2.write(bytes.subarray(at, Math.min(at + 4 * MiB, size)));
        await w2.close();
        await h;
      }))[0]);
      await store.remove(`tmp/bdx${r}`);
      steps.sha256!.push((await timed(() => sha256Hex(bytes)))[0]);
      const w = await store.createWriter(`tmp/bd${r}`);
      steps.writeChunks4MiB!.push((await timed(async () => { for (let at = 0; at < size; at += 4 * MiB) await w.write(bytes.subarray(at, Math.min(at + 4 * MiB, size))); }))[0]);
      steps.closeFlush!.push((await timed(() => w.close()))[0]);
      steps.sizeCheck!.push((await timed(() => store.size(`blobs/bd/${r}`)))[0]);
      steps.moveToBlobs!.push((await timed(() => store.move(`tmp/bd${r}`, `blobs/bd/${r}`)))[0]);
    }
    const bd = Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, round(median(v), 1)]));
    const figure = median(pondMBs);
    const baseline = median(rawMBs);
    return {
      figure, unit: 'MiB/s', baseline, baselineLabel: `raw write (4 MiB chunks)+flush+move ${size / MiB} MiB`,
      notes: `median of ${reps} interleaved repetitions; in the pond, tx.writeFile (hash + blob write + move) took median ${ms(median(contentMs))} and the rest (commit) ${ms(median(commitMs))}; pond ${pondMBs.map((x) => round(x, 0)).join(', ')} MiB/s, raw in 4 MiB chunks ${rawMBs.map((x) => round(x, 0)).join(', ')} MiB/s, raw in one write() call (src/storage/opfs-raw.ts) ${rawOneCallMBs.map((x) => round(x, 0)).join(', ')} MiB/s (median ${round(median(rawOneCallMBs), 0)}: pond/that = ${round(median(pondMBs) / median(rawOneCallMBs))}x). Steps alone (median of 3, ms): ${Object.entries(bd).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
      details: { pond: stats(pondMBs), raw: stats(rawMBs), rawOneCall: stats(rawOneCallMBs), contentMs: stats(contentMs), commitMs: stats(commitMs), stepsMedianMs: bd, sizeBytes: size },
    };
  } finally {
    await removeOpfs(root);
    await removeOpfs(scratchName);
  }
}

export const benchmarks: Benchmark[] = [
  { name: 'pond/small-commit', goal: 'p50 < 5 ms and <= 3x raw', met: (r) => r.figure < 5 && r.figure <= 3 * r.baseline, run: smallCommit },
  { name: 'pond/open-10k', goal: '< 300 ms', met: (r) => r.figure < 300, run: openBig },
  { name: 'pond/write-100MiB', goal: '>= 0.8x raw', met: (r) => r.figure >= 0.8 * r.baseline, run: bigWrite },
];
