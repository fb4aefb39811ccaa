// The auto-push timer with fake timers: a burst of commits is one push, never two pushes at once, retries back off
// 5 s, 10 s, 20 s … to 5 min and reset on success, `online` retries at once, offline holds pushes, CONFLICT stops.
// (The pushes against a real bucket are tested in tests/browser/backup/auto-push-worker.test.ts.)
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PondError } from '../../../src/core/errors';
import { AutoPushLoop, retryDelay, withPushLock } from '../../../src/service/backup/auto-push';
import { PondAutoPush } from '../../../src/service/backup/pond-auto-push';
import { MemoryAutoPushSettings } from '../../../src/service/settings/auto-push-settings';

/** A push the test settles by hand, recording when each started (fake ms) and how many ran at once. */
function pushes() {
  const started: number[] = [];
  const pending: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  let running = 0, maxRunning = 0;
  const push = (signal: AbortSignal) => new Promise<void>((resolve, reject) => {
    started.push(Date.now());
    running++;
    maxRunning = Math.max(maxRunning, running);
    const done = () => { running--; };
    signal.addEventListener('abort', () => { done(); reject(signal.reason); });
    pending.push({ resolve: () => { done(); resolve(); }, reject: (e) => { done(); reject(e); } });
  });
  return { push, started, pending, get maxRunning() { return maxRunning; } };
}

const flush = async () => { for (let i = 0; i < 5; i++) await Promise.resolve(); };

describe('AutoPushLoop', () => {
  beforeEach(() => { vi.useFakeTimers(); vi.setSystemTime(0); });
  afterEach(() => { vi.useRealTimers(); });

  it('the backoff doubles from 5 s and stays at 5 min', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map((n) => retryDelay(n))).toEqual([5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
  });

  it('a burst of commits inside the quiet spell is one push; a commit during a push brings one more after it', async () => {
    const p = pushes();
    const loop = new AutoPushLoop(p.push, { debounceMs: 1500, online: () => true });
    for (let i = 0; i < 5; i++) { loop.schedule(); await vi.advanceTimersByTimeAsync(1000); } // each resets the spell
    expect(p.started).toEqual([]);
    await vi.advanceTimersByTimeAsync(500);
    expect(p.started).toEqual([5500]);
    loop.schedule(); loop.schedule(); // while it runs
    await vi.advanceTimersByTimeAsync(10_000);
    expect(p.started).toHaveLength(1);
    p.pending[0]!.resolve();
    await flush();
    await vi.advanceTimersByTimeAsync(1500);
    expect(p.started).toEqual([5500, 17000]);
    p.pending[1]!.resolve();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(p.started).toHaveLength(2); // nothing more was wanted
    expect(p.maxRunning).toBe(1);
    expect(loop.state).toMatchObject({ pushing: false, failures: 0 });
  });

  it('failures retry after 5, 10, 20 s; online retries at once; success resets the delay', async () => {
    const p = pushes();
    const states: { failures: number; nextTry?: number; lastError?: string }[] = [];
    const loop = new AutoPushLoop(p.push, { debounceMs: 1000, online: () => true, onChange: (s) => void states.push(s) });
    loop.schedule();
    await vi.advanceTimersByTimeAsync(1000);
    const fail = async (i: number) => { p.pending[i]!.reject(new PondError('HTTP', 'connection refused')); await flush(); };
    await fail(0);
    expect(loop.state).toMatchObject({ failures: 1, lastError: 'connection refused', nextTry: 1000 + 5000 });
    await vi.advanceTimersByTimeAsync(4999);
    expect(p.started).toHaveLength(1);
    loop.schedule(); // a commit meanwhile does not hurry the retry
    await vi.advanceTimersByTimeAsync(1);
    expect(p.started).toEqual([1000, 6000]);
    await fail(1);
    expect(loop.state.nextTry).toBe(6000 + 10_000);
    await vi.advanceTimersByTimeAsync(10_000);
    await fail(2);
    expect(loop.state.nextTry).toBe(16_000 + 20_000);
    await vi.advanceTimersByTimeAsync(3000);
    loop.onOnline(); // back online: at once, not at 36 s
    expect(p.started).toEqual([1000, 6000, 16_000, 19_000]);
    p.pending[3]!.resolve();
    await flush();
    expect(loop.state).toMatchObject({ failures: 0 });
    expect(loop.state.lastError).toBeUndefined();
    expect(loop.state.nextTry).toBeUndefined();
    loop.schedule();
    await vi.advanceTimersByTimeAsync(1000);
    await fail(4);
    expect(loop.state).toMatchObject({ failures: 1, nextTry: 20_000 + 5000 }); // back to 5 s
    expect(states.some((s) => s.lastError === 'connection refused')).toBe(true);
    await loop.stop();
  });

  it('offline holds the push until online; onOnline with nothing waiting does nothing', async () => {
    const p = pushes();
    let online = false;
    const loop = new AutoPushLoop(p.push, { debounceMs: 1000, online: () => online });
    loop.onOnline();
    loop.schedule();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(p.started).toEqual([]);
    expect(loop.state.waitingOnline).toBe(true);
    online = true;
    loop.onOnline();
    expect(p.started).toEqual([60_000]); // at the moment it came online
    expect(loop.state.waitingOnline).toBe(false);
    p.pending[0]!.resolve();
    await flush();
    loop.onOnline();
    expect(p.started).toHaveLength(1);
  });

  it('offline with no `online` event heard: it looks again every first-retry delay and goes once online', async () => {
    const p = pushes();
    let online = false;
    const loop = new AutoPushLoop(p.push, { debounceMs: 1000, firstRetryMs: 5000, online: () => online });
    loop.schedule();
    await vi.advanceTimersByTimeAsync(1000 + 5000 * 3);
    expect(p.started).toEqual([]);
    expect(loop.state).toMatchObject({ waitingOnline: true, failures: 0 });
    online = true; // but no onOnline() call
    await vi.advanceTimersByTimeAsync(5000);
    expect(p.started).toEqual([21_000]);
    await loop.stop();
  });

  it('a CONFLICT stops it: no retry, later commits push nothing, the words say why', async () => {
    const p = pushes();
    const failures: [string, boolean][] = [];
    const loop = new AutoPushLoop(p.push, {
      debounceMs: 1000, online: () => true,
      stopsOn: (e) => (e instanceof PondError && e.code === 'CONFLICT' ? 'stopped: another device pushed' : undefined),
      onFailure: (m, stopped) => void failures.push([m, stopped]),
    });
    loop.schedule();
    await vi.advanceTimersByTimeAsync(1000);
    p.pending[0]!.reject(new PondError('CONFLICT', 'commit 3 differs'));
    await flush();
    expect(loop.state).toMatchObject({ stopped: 'stopped: another device pushed', lastError: 'commit 3 differs', failures: 0 });
    expect(failures).toEqual([['commit 3 differs', true]]);
    loop.schedule();
    loop.onOnline();
    await vi.advanceTimersByTimeAsync(600_000);
    expect(p.started).toHaveLength(1);
  });

  it('stop cancels the running push, and that is not a failure', async () => {
    const p = pushes();
    const failures: string[] = [];
    const loop = new AutoPushLoop(p.push, { debounceMs: 10, online: () => true, onFailure: (m) => void failures.push(m) });
    loop.schedule();
    await vi.advanceTimersByTimeAsync(10);
    await loop.stop();
    expect(failures).toEqual([]);
    expect(loop.state.failures).toBe(0);
    loop.schedule();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(p.started).toHaveLength(1);
  });
});

describe('withPushLock (in-process form)', () => {
  it('runs the holders of one (pond, remote) one after another, in order, others beside them; a failure frees it', async () => {
    const log: string[] = [];
    const job = (name: string, fail = false) => async () => {
      log.push(`${name} start`);
      await new Promise((r) => setTimeout(r, 5));
      log.push(`${name} end`);
      if (fail) throw new Error(name);
      return name;
    };
    const a = withPushLock('p', 'r', job('a', true));
    const b = withPushLock('p', 'r', job('b'));
    const other = withPushLock('p', 'other', job('x'));
    await expect(a).rejects.toThrow('a');
    expect(await b).toBe('b');
    expect(await other).toBe('x');
    const onR = log.filter((l) => !l.startsWith('x'));
    expect(onR).toEqual(['a start', 'a end', 'b start', 'b end']);
    expect(log.indexOf('x start')).toBeLessThan(log.indexOf('a end')); // another remote does not wait
  });
});

describe('PondAutoPush (fake push, fake timers)', () => {
  beforeEach(() => { vi.useFakeTimers(); vi.setSystemTime(0); });
  afterEach(() => { vi.useRealTimers(); });

  it('counts the commits after the last pushed version, holds them offline, and sends them when onLine turns true (no event)', async () => {
    let version = 4, online = true;
    const pushedAt: number[] = [];
    const settings = new MemoryAutoPushSettings();
    const ap = await PondAutoPush.load({
      pondId: 'p1', settings, version: () => version, online: () => online, onChange: () => undefined,
      timings: { debounceMs: 100, firstRetryMs: 60_000 }, // a poll of the loop itself would come only after a minute
      push: async (remote) => { pushedAt.push(Date.now()); return { remote, pondId: 'p1', sent: [], bytesSent: 0, alreadyThere: 0, remoteAhead: false }; },
    });
    ap.start();
    await ap.enable('lab');
    expect(ap.info()).toEqual([expect.objectContaining({ remote: 'lab', unpushed: 5, active: true })]); // commits 0 … 4
    await vi.advanceTimersByTimeAsync(100);
    expect(pushedAt).toEqual([100]);
    expect(ap.info()[0]).toMatchObject({ unpushed: 0, pushedVersion: 4 });
    expect(await settings.get('p1')).toEqual([expect.objectContaining({ remote: 'lab', pushedVersion: 4 })]);

    online = false;
    version = 7;
    ap.committed();
    await vi.advanceTimersByTimeAsync(5000);
    expect(pushedAt).toHaveLength(1);
    expect(ap.info()[0]).toMatchObject({ unpushed: 3, waitingOnline: true });
    online = true; // no `online` event, and the loop's own look is a minute away
    await vi.advanceTimersByTimeAsync(1000);
    expect(pushedAt).toEqual([100, 6000]); // the watch looks every second from start()
    expect(ap.info()[0]).toMatchObject({ unpushed: 0, pushedVersion: 7 });
    await ap.stop();
  });
});
