// Runs benchmarks inside a dedicated module worker. Messages in: {cmd:'list'} or {cmd:'run', name, quick}.
// Messages out: {log}, then {list} or {outcome}.
import type { BenchOutcome, BenchResult, Benchmark } from './types';

const files = import.meta.glob<{ benchmarks: Benchmark[] }>('./*.bench.ts');

async function all(): Promise<Benchmark[]> {
  const out: Benchmark[] = [];
  for (const load of Object.values(files)) out.push(...(await load()).benchmarks);
  return out;
}

const post = (m: unknown) => (self as unknown as Worker).postMessage(m);

self.onmessage = async (e: MessageEvent<{ cmd: 'list' } | { cmd: 'run'; name: string; quick: boolean }>) => {
  const msg = e.data;
  try {
    if (msg.cmd === 'list') {
      post({ list: (await all()).map((b) => ({ name: b.name, goal: b.goal })) });
      return;
    }
    const bench = (await all()).find((b) => b.name === msg.name);
    if (!bench) throw new Error(`no benchmark named ${msg.name}`);
    const t0 = performance.now();
    let outcome: BenchOutcome;
    try {
      const r: BenchResult = await bench.run({ quick: msg.quick, log: (m) => post({ log: `[${bench.name}] ${m}` }) });
      const result = { ...r, ratio: r.ratio ?? r.figure / r.baseline };
      outcome = { name: bench.name, goal: bench.goal, result, met: bench.met?.(result), wallMs: performance.now() - t0 };
    } catch (err) {
      outcome = { name: bench.name, goal: bench.goal, error: String((err as Error)?.stack ?? err), wallMs: performance.now() - t0 };
    }
    post({ outcome });
  } catch (err) {
    post({ error: String((err as Error)?.stack ?? err) });
  }
};
