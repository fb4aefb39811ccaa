// The benchmark page: starts one fresh module worker per call (so each benchmark gets a clean heap) and relays
// its progress lines to the console, where tools/bench.mjs prints them. `window.bench` is what the runner calls.
import type { BenchOutcome } from './types';

function call<T>(msg: unknown, pick: (data: Record<string, unknown>) => T | undefined): Promise<T> {
  const worker = new Worker(new URL('./bench.worker.ts', import.meta.url), { type: 'module' });
  const out = document.getElementById('out');
  return new Promise<T>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<Record<string, unknown>>) => {
      if (typeof e.data.log === 'string') {
        console.log(e.data.log);
        if (out) out.textContent += `${e.data.log}\n`;
        return;
      }
      worker.terminate();
      if (typeof e.data.error === 'string') reject(new Error(e.data.error));
      else resolve(pick(e.data) as T);
    };
    worker.onerror = (e) => {
      worker.terminate();
      reject(new Error(`benchmark worker failed: ${e.message}`));
    };
    worker.postMessage(msg);
  });
}

const bench = {
  ready: true,
  list: () => call<{ name: string; goal: string }[]>({ cmd: 'list' }, (d) => d.list as { name: string; goal: string }[]),
  run: (name: string, quick = false) => call<BenchOutcome>({ cmd: 'run', name, quick }, (d) => d.outcome as BenchOutcome),
};

(window as unknown as { bench: typeof bench }).bench = bench;
