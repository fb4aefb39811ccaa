// The benchmark contract. Every `bench/*.bench.ts` exports `benchmarks: Benchmark[]`; the worker in
// bench.worker.ts finds them (import.meta.glob), and `npm run bench [-- filter…]` runs them in Chromium.
// Benchmarks run inside a dedicated module worker (OPFS sync access handles are worker-only).

export interface BenchContext {
  /** Smaller sizes and fewer repetitions, for trying the harness (`npm run bench -- --quick`). */
  quick: boolean;
  /** A progress line, printed by the runner as it arrives. */
  log(message: string): void;
}

export interface BenchResult {
  /** The measured figure (a median, or the percentile the goal names). */
  figure: number;
  unit: string;
  /** The same kind of figure for the baseline, measured in the same run (interleaved where possible). */
  baseline: number;
  baselineLabel: string;
  /** figure / baseline unless given. */
  ratio?: number;
  notes?: string;
  /** Anything else worth keeping in bench/results/latest.json (breakdowns, raw samples' stats). */
  details?: Record<string, unknown>;
}

export interface Benchmark {
  /** `<file>/<what>`, e.g. `pond/small-commit`; filters match substrings of it. */
  name: string;
  /** The goal, in words, as printed in the table. */
  goal: string;
  /** Whether a result meets the goal (omit when the benchmark has no goal). */
  met?(r: BenchResult): boolean;
  run(ctx: BenchContext): Promise<BenchResult>;
}

/** What the worker sends back for one benchmark. */
export interface BenchOutcome {
  name: string;
  goal: string;
  result?: BenchResult & { ratio: number };
  met?: boolean;
  error?: string;
  wallMs: number;
}

// ---- small statistics helpers shared by benchmark files ----

export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return NaN;
  const s = [...samples].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export const median = (samples: readonly number[]): number => quantile(samples, 0.5);

export function stats(samples: readonly number[]): { n: number; p50: number; p95: number; min: number; max: number; mean: number } {
  const n = samples.length;
  return {
    n, p50: quantile(samples, 0.5), p95: quantile(samples, 0.95), min: Math.min(...samples), max: Math.max(...samples),
    mean: samples.reduce((a, b) => a + b, 0) / Math.max(n, 1),
  };
}

/** Times one async call in ms. */
export async function timed<T>(f: () => Promise<T> | T): Promise<[number, T]> {
  const t0 = performance.now();
  const v = await f();
  return [performance.now() - t0, v];
}

export const round = (x: number, digits = 2): number => Number(x.toFixed(digits));

/**
 * A full garbage collection when the runner exposed it (tools/bench.mjs starts Chromium with
 * --js-flags=--expose-gc), so a timed step does not pay for the garbage of the step before it.
 */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
