// Opening a 10 000-transaction pond: in a fresh worker (cold: new JIT, parquet-wasm not initialised), and the
// Delta state (live add set) read from its checkpoint vs from every JSON commit, as an engine or a pull reads a backup.
import { LAST_CHECKPOINT_PATH } from '../src/oplog/checkpoint';
import { STATE_SNAPSHOT_PATH, readStateSnapshot } from '../src/oplog/state-snapshot';
import { readCheckpoint, readLastCheckpoint } from '../src/oplog/checkpoint-store';
import { decodeCommit, logPath, type AddAction } from '../src/oplog/delta-log';
import { HEAD_HINT_PATH, listCommitVersions, readLog } from '../src/oplog/log-store';
import { sha256Hex } from '../src/pond/hash';
import { OpfsStore } from '../src/storage/opfs-store';
import { Pond } from '../src/pond/pond';
import type { Store } from '../src/core/store';
import { buildPond, removeOpfs } from './pond.bench';
import { median, round, stats, timed, type BenchContext, type BenchResult, type Benchmark } from './types';

const id = () => crypto.randomUUID().slice(0, 8);

/**
 * Runs one message in a brand-new worker and returns its answer; the worker is ended after. A first 'ping' only
 * loads the modules, so the timed message starts with the code loaded, as in the app (its worker bundle is fetched
 * before it opens a pond), but nothing run yet: JIT and parquet-wasm are cold.
 */
function inFreshWorker<T>(msg: unknown): Promise<T> {
  const w = new Worker(new URL('./cold-open.worker.ts', import.meta.url), { type: 'module' });
  let loaded = false;
  return new Promise<T>((resolve, reject) => {
    w.onerror = (e) => reject(new Error(e.message));
    w.onmessage = (e: MessageEvent<T & { error?: string }>) => {
      if (e.data.error) reject(new Error(e.data.error));
      else if (!loaded) { loaded = true; w.postMessage(msg); }
      else resolve(e.data);
    };
    w.postMessage({ root: '', mode: 'ping' });
  }).finally(() => w.terminate());
}

/** The files an open of `root` reads (found once, untimed). */
async function filesOpenReads(store: Store): Promise<string[]> {
  const cached = await readStateSnapshot(store, sha256Hex);
  const snap = await readLog(store, sha256Hex, undefined, cached ? { snapshot: cached } : {});
  const from = snap.stateSnapshot ?? snap.checkpoint ?? snap.base;
  const paths = [HEAD_HINT_PATH, LAST_CHECKPOINT_PATH, STATE_SNAPSHOT_PATH];
  for (let v = from; v <= snap.head; v++) paths.push(logPath(v));
  // The oplog files added after that point (their rows are decoded): named by their txn.
  paths.push(...snap.files.filter((f) => Number(/^oplog\/(\d{20})-/.exec(f.path)?.[1] ?? -1) > from).map((f) => f.path));
  return paths;
}

async function coldOpen(ctx: BenchContext): Promise<BenchResult> {
  const txns = ctx.quick ? 1000 : 10_000;
  const reps = ctx.quick ? 3 : 9;
  const root = `ponds/bench-cold-${id()}`;
  try {
    const head = await buildPond(ctx, root, txns);
    const store = await OpfsStore.open(root);
    const paths = await filesOpenReads(store);
    const openMs: number[] = [];
    const rawMs: number[] = [];
    const parts: Record<string, number>[] = [];
    const jsonMs: number[] = [];
    const jsonParts: Record<string, number>[] = [];
    for (let r = 0; r < reps; r++) {
      // Rotated, so that no kind always runs right after the same other one.
      const steps = [
        async () => {
          const o = await inFreshWorker<{ ms: number; version: number }>({ root, mode: 'open' });
          if (o.version !== head) throw new Error(`opened at version ${o.version}, expected ${head}`);
          openMs.push(o.ms);
        },
        async () => { rawMs.push((await inFreshWorker<{ ms: number }>({ root, mode: 'raw', paths })).ms); },
        async () => { parts.push(await inFreshWorker<Record<string, number>>({ root, mode: 'parts' })); },
        async () => {
          const j = await inFreshWorker<Record<string, number>>({ root, mode: 'json' });
          jsonMs.push(j.ms!);
          jsonParts.push(j);
        },
      ];
      for (let k = 0; k < steps.length; k++) await steps[(r + k) % steps.length]!();
      ctx.log(`rep ${r + 1}/${reps}: open ${round(openMs[r]!)} ms, as before (every live row) ${round(jsonMs[r]!)} ms, raw reads ${round(rawMs[r]!)} ms, steps ${JSON.stringify(parts[r])}`);
    }
    // Mid-way to the next checkpoint: 25 more commits after the snapshot, whose rows open decodes (parquet-wasm) and replays.
    const writer = await Pond.open(store);
    const extra = new Uint8Array(100).fill(7);
    for (let i = 0; i < 25; i++) await writer.transact(`extra ${i}`, (tx) => tx.writeFile(`/d${i}/extra${i}`, 'file:data', extra));
    const midMs: number[] = [];
    const midJson: number[] = [];
    for (let r = 0; r < (ctx.quick ? 2 : 5); r++) {
      midMs.push((await inFreshWorker<{ ms: number }>({ root, mode: 'open' })).ms);
      midJson.push((await inFreshWorker<{ ms: number }>({ root, mode: 'json' })).ms);
    }
    const med = (list: Record<string, number>[], k: string) => round(median(list.map((p) => p[k]!)), 1);
    const o = stats(openMs);
    return {
      figure: o.p50, unit: 'ms', baseline: median(jsonMs), baselineLabel: 'the same cold open decoding and replaying every live row (as before state snapshots)',
      notes: `${txns} transactions (head ${head}; ${parts[0]!.rowsReplayed} rows replayed after the snapshot of version ${parts[0]!.from}), median of ${reps} fresh workers (min ${round(o.min)}, max ${round(o.max)} ms). Steps (median): read+load the state snapshot ${med(parts, 'stateSnapshot')} ms, readLog ${med(parts, 'readLog')} ms, replay ${med(parts, 'replay')} ms. As before: ${round(median(jsonMs))} ms, of which parquet-wasm init ${med(jsonParts, 'wasmInit')} ms (${jsonParts[0]!.rows} rows). Raw OPFS reads of the ${paths.length} files the open reads, in a fresh worker: ${round(median(rawMs))} ms. Mid-way (25 commits after the snapshot): ${round(median(midMs))} ms vs ${round(median(midJson))} ms as before.`,
      details: { open: o, asBefore: stats(jsonMs), raw: stats(rawMs), parts, jsonParts, midOpen: stats(midMs), midAsBefore: stats(midJson), filesRead: paths.length },
    };
  } finally {
    await removeOpfs(root);
  }
}

/** The live add set a Delta reader gets from `_last_checkpoint`, the checkpoint and the JSON commits after it. */
async function addsFromCheckpoint(store: Store): Promise<Map<string, AddAction>> {
  const last = await readLastCheckpoint(store);
  if (!last) throw new Error('the pond has no _last_checkpoint');
  const cp = await readCheckpoint(store, last.version, last.size);
  if (!cp) throw new Error(`checkpoint ${last.version} is not readable`);
  const live = new Map(cp.adds.map((a) => [a.path, a]));
  const tail: number[] = [];
  for (let v = last.version + 1; (await store.size(logPath(v))) !== undefined; v++) tail.push(v);
  const commits = await Promise.all(tail.map(async (v) => decodeCommit(v, await store.read(logPath(v)))));
  for (const c of commits) {
    for (const p of c.removes) live.delete(p);
    for (const a of c.adds) live.set(a.path, a);
  }
  return live;
}

/** The same from every JSON commit (a reader without checkpoints: list the log, read it all). */
async function addsFromEveryCommit(store: Store): Promise<Map<string, AddAction>> {
  const versions = await listCommitVersions(store);
  const live = new Map<string, AddAction>();
  for (let i = 0; i < versions.length; i += 64) {
    const batch = await Promise.all(versions.slice(i, i + 64).map(async (v) => decodeCommit(v, await store.read(logPath(v)))));
    for (const c of batch) {
      for (const p of c.removes) live.delete(p);
      for (const a of c.adds) live.set(a.path, a);
    }
  }
  return live;
}

async function checkpointVsCommits(ctx: BenchContext): Promise<BenchResult> {
  const txns = ctx.quick ? 1000 : 10_000;
  const reps = ctx.quick ? 3 : 7;
  const root = `ponds/bench-cp-${id()}`;
  try {
    const head = await buildPond(ctx, root, txns);
    const store = await OpfsStore.open(root);
    const cpMs: number[] = [];
    const allMs: number[] = [];
    for (let r = 0; r < reps; r++) {
      const [tc, a] = await timed(() => addsFromCheckpoint(store));
      const [ta, b] = await timed(() => addsFromEveryCommit(store));
      if (JSON.stringify([...a.keys()].sort()) !== JSON.stringify([...b.keys()].sort())) throw new Error('the checkpoint and the commits disagree on the live files');
      cpMs.push(tc);
      allMs.push(ta);
      ctx.log(`rep ${r + 1}/${reps}: from checkpoint ${round(tc)} ms, from every commit ${round(ta)} ms (${a.size} live files)`);
    }
    const last = await readLastCheckpoint(store);
    return {
      figure: median(cpMs), unit: 'ms', baseline: median(allMs), baselineLabel: `the live add set from all ${head + 1} JSON commits`,
      notes: `${txns} transactions, head ${head}, checkpoint ${last?.version} (${last?.size} rows, ${last?.sizeInBytes} bytes) + ${head - (last?.version ?? 0)} JSON commits after it; median of ${reps}, interleaved; OPFS in a warm worker.`,
      details: { checkpoint: stats(cpMs), everyCommit: stats(allMs) },
    };
  } finally {
    await removeOpfs(root);
  }
}

export const benchmarks: Benchmark[] = [
  { name: 'pond/cold-open-10k', goal: '< 150 ms', met: (r) => r.figure < 150, run: coldOpen },
  { name: 'pond/checkpoint-vs-commits-10k', goal: 'a fraction of reading every commit', met: (r) => r.figure < r.baseline, run: checkpointVsCommits },
];
