// The egress guard runs inside `npm test` itself: an error it does not handle ends the whole run (CI, 2026-12-01:
// Chromium reset a refused https tunnel, and the unhandled ECONNRESET killed the test runner mid-suite).
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs helper shared with tools/test.mjs
import { startEgressGuard } from '../../servers/egress-guard.mjs';

let guard: { port: number; attempts: string[]; close(): Promise<void> } | undefined;
afterEach(async () => { await guard?.close(); guard = undefined; });

/** Sends `request` raw, then resets the connection (RST) as soon as the guard answers, or at once. */
const sendAndReset = (port: number, request: string, waitForAnswer: boolean) => new Promise<void>((resolve, reject) => {
  const s = net.connect(port, '127.0.0.1', () => {
    s.write(request);
    if (!waitForAnswer) s.resetAndDestroy();
  });
  s.on('data', () => s.resetAndDestroy());
  s.on('close', () => resolve());
  s.on('error', reject);
});

describe('egress guard', () => {
  it('records a refused https tunnel and survives the browser resetting it, before or after the refusal', async () => {
    guard = await startEgressGuard();
    const errors: unknown[] = [];
    const onError = (e: unknown) => errors.push(e);
    process.on('uncaughtException', onError);
    try {
      await sendAndReset(guard!.port, 'CONNECT example.invalid:443 HTTP/1.1\r\nHost: example.invalid:443\r\n\r\n', true);
      await sendAndReset(guard!.port, 'CONNECT other.invalid:443 HTTP/1.1\r\nHost: other.invalid:443\r\n\r\n', false);
      await new Promise((r) => setTimeout(r, 100)); // the guard's side sees the reset a moment later
    } finally {
      process.off('uncaughtException', onError);
    }
    expect(errors).toEqual([]);
    expect(guard!.attempts).toContain('CONNECT example.invalid:443');
    // still serving after both resets
    const res = await fetch(`http://127.0.0.1:${guard!.port}/x`, { headers: { host: 'example.invalid' } });
    expect(res.status).toBe(403);
  });
});
