// The interval scheduler's logic with a fake clock and timers: never two runs at once, offline and busy ticks
// skipped, statuses kept per node.
import { describe, expect, it } from 'vitest';
import { CollectScheduler, type SchedulerDeps } from '../../../src/service/nodes/collect-scheduler';

function harness(runAll: () => Promise<void> = async () => undefined) {
  let now = 1_000_000;
  let online = true;
  const timers: { fn: () => void; at: number; id: number }[] = [];
  let nextId = 0;
  const deps: SchedulerDeps = {
    runAll, online: () => online, now: () => now,
    setTimer: (fn, ms) => { const t = { fn, at: now + ms, id: ++nextId }; timers.push(t); return t.id; },
    clearTimer: (id) => { const i = timers.findIndex((t) => t.id === id); if (i >= 0) timers.splice(i, 1); },
  };
  const s = new CollectScheduler(deps);
  /** Moves the clock to the next timer and fires it. */
  const fire = () => {
    const t = timers.sort((a, b) => a.at - b.at).shift();
    if (!t) throw new Error('no timer armed');
    now = t.at;
    t.fn();
  };
  return { s, fire, timers, setOnline: (v: boolean) => { online = v; }, now: () => now };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => { resolve = r; });
  return { promise, resolve };
}

describe('CollectScheduler', () => {
  it('runs every N minutes and re-arms after each run', async () => {
    let runs = 0;
    const h = harness(async () => { runs++; });
    h.s.start(15);
    expect(h.s.nextRunAt).toBe(h.now() + 15 * 60_000);
    h.fire();
    await flush();
    expect(runs).toBe(1);
    expect(h.timers).toHaveLength(1);
    h.fire();
    await flush();
    expect(runs).toBe(2);
  });

  it('skips a tick while offline and tries again at the next one', async () => {
    let runs = 0;
    const h = harness(async () => { runs++; });
    h.s.start(5);
    h.setOnline(false);
    h.fire();
    await flush();
    expect(runs).toBe(0);
    expect(h.s.skipped).toBe('offline');
    h.setOnline(true);
    h.fire();
    await flush();
    expect(runs).toBe(1);
    expect(h.s.skipped).toBeNull();
  });

  it('never runs two at once: runs queue behind each other, and a tick during a run is skipped', async () => {
    const gate = deferred();
    const order: string[] = [];
    let scheduled = 0;
    const h = harness(async () => { scheduled++; });
    h.s.start(1);
    const first = h.s.exclusive(async () => { order.push('first start'); await gate.promise; order.push('first end'); });
    const second = h.s.exclusive(async () => { order.push('second'); });
    h.fire(); // the tick comes while a manual run still goes
    await flush();
    expect(h.s.skipped).toBe('a run was still in progress');
    expect(scheduled).toBe(0);
    expect(h.timers).toHaveLength(1); // re-armed for the next interval
    gate.resolve();
    await Promise.all([first, second]);
    expect(order).toEqual(['first start', 'first end', 'second']);
    expect(h.s.running).toBe(false);
    h.fire();
    await flush();
    expect(scheduled).toBe(1);
  });

  it('stop disarms the timer', () => {
    const h = harness();
    h.s.start(10);
    h.s.stop();
    expect(h.timers).toHaveLength(0);
    expect(h.s.everyMinutes).toBeNull();
    expect(h.s.nextRunAt).toBeNull();
    expect(() => h.s.start(0)).toThrow(/positive/);
  });

  it('records the last result or error per node, and a failing run does not stop the timer', async () => {
    const h = harness(async () => { throw new Error('boom'); });
    await h.s.record('/a', async () => 'fine', (r) => `said ${r}`);
    await expect(h.s.record('/b', async () => { throw new Error('HTTP 500'); }, () => '')).rejects.toThrow('HTTP 500');
    expect([...h.s.statuses.values()]).toEqual([
      { path: '/a', running: false, startedAt: h.now(), finishedAt: h.now(), ok: true, message: 'said fine' },
      { path: '/b', running: false, startedAt: h.now(), finishedAt: h.now(), ok: false, message: 'HTTP 500' },
    ]);
    h.s.start(1);
    h.fire();
    await flush();
    expect(h.timers).toHaveLength(1);
  });
});
