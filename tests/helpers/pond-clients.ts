// Pond workers for browser tests: each call to `connect()` starts a real pond worker (as a tab would); every worker a
// test started is terminated after it, so tests never share a worker (nor its writer locks).
import { afterEach } from 'vitest';
import { connectPond, type PondClient } from '../../src/ui/pond-client';

const clients: PondClient[] = [];

afterEach(async (ctx) => {
  const started = clients.splice(0);
  // A failed (often: timed-out) test says how far each of its workers' DuckDB got, and whether the worker still
  // answers at all, so that a hang seen once in CI can be placed.
  if (ctx.task.result?.state === 'fail') {
    for (const [i, c] of started.entries()) {
      const status = await Promise.race([
        c.api.queryEngineStatus().then((s) => JSON.stringify(s)),
        new Promise<string>((r) => setTimeout(() => r('no answer within 3 s: the worker is busy or stuck'), 3000)),
      ]);
      console.error(`[${ctx.task.name}] pond worker ${i + 1} of ${started.length}: DuckDB ${status}`);
    }
  }
  for (const c of started) c.worker.terminate();
});

export function connect(): PondClient {
  const c = connectPond();
  clients.push(c);
  return c;
}
