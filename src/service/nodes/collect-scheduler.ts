// Interval runs of configured nodes while the app is open: one timer in the pond worker, runs never overlap
// (a manual run waits for a scheduled one and the other way round), a tick is skipped while offline or while a
// run is still going, and the last result or error of each node is kept for the UI.
import type { NodeRunStatus } from '../../api/pond-api';
import { SerialQueue } from '../../core/serial-queue';

export interface SchedulerDeps {
  /** Runs every node the schedule covers, one after another (each records its own status). */
  runAll(): Promise<void>;
  /** navigator.onLine in the worker; collectors need the network. */
  online(): boolean;
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

/** Life-cycle: construct; `start(minutes)` arms the timer, `stop()` disarms it; `exclusive` serialises every run. */
export class CollectScheduler {
  private timer: unknown;
  private readonly runs = new SerialQueue();
  private minutes: number | null = null;
  private next: number | null = null;
  /** Why the last tick did not run, if it did not. */
  skipped: string | null = null;
  readonly statuses = new Map<string, NodeRunStatus>();

  constructor(private readonly deps: SchedulerDeps) {}

  get everyMinutes(): number | null {
    return this.minutes;
  }

  get nextRunAt(): number | null {
    return this.next;
  }

  get running(): boolean {
    return this.runs.pending > 0;
  }

  /** Arms (or re-arms) the timer: the first run comes one interval from now. */
  start(everyMinutes: number): void {
    if (!(Number.isFinite(everyMinutes) && everyMinutes > 0)) throw new RangeError(`interval must be a positive number of minutes, got ${everyMinutes}`);
    this.stop();
    this.minutes = everyMinutes;
    this.arm();
  }

  stop(): void {
    if (this.timer !== undefined) this.deps.clearTimer(this.timer);
    this.timer = undefined;
    this.minutes = null;
    this.next = null;
  }

  private arm(): void {
    if (this.minutes === null) return;
    const ms = this.minutes * 60_000;
    this.next = this.deps.now() + ms;
    this.timer = this.deps.setTimer(() => void this.tick(), ms);
  }

  /** One scheduled tick: runs everything unless offline or a run is in progress, then re-arms. */
  async tick(): Promise<void> {
    try {
      if (!this.deps.online()) {
        this.skipped = 'offline';
      } else if (this.running) {
        // A slow run must not pile up behind itself: the next tick tries again.
        this.skipped = 'a run was still in progress';
      } else {
        this.skipped = null;
        await this.exclusive(() => this.deps.runAll());
      }
    } catch {
      // Each node's failure is already in its status; the timer keeps going.
    } finally {
      this.arm();
    }
  }

  /** Runs `fn` after every earlier run has finished: never two runs at once. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.runs.run(fn);
  }

  /**
   * Runs one node and records its outcome (result or error message) for `collectorStatus`. Not gated itself:
   * callers hold `exclusive` around it (a scheduled run records several nodes inside one gate).
   */
  async record<T>(path: string, fn: () => Promise<T>, summary: (r: T) => string): Promise<T> {
    const startedAt = this.deps.now();
    this.statuses.set(path, { ...this.statuses.get(path), path, running: true, startedAt });
    try {
      const r = await fn();
      this.statuses.set(path, { path, running: false, startedAt, finishedAt: this.deps.now(), ok: true, message: summary(r) });
      return r;
    } catch (e) {
      this.statuses.set(path, { path, running: false, startedAt, finishedAt: this.deps.now(), ok: false, message: String((e as Error)?.message ?? e) });
      throw e;
    }
  }
}
