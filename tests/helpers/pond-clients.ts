// Pond workers for browser tests: each call to `connect()` starts a real pond worker (as a tab would); every worker a
// test started is terminated after it, so tests never share a worker (nor its writer locks).
import { afterEach } from 'vitest';
import { connectPond, type PondClient } from '../../src/ui/pond-client';

const clients: PondClient[] = [];

afterEach(() => {
  for (const c of clients.splice(0)) c.worker.terminate();
});

export function connect(): PondClient {
  const c = connectPond();
  clients.push(c);
  return c;
}
