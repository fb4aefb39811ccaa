// The timer of a remote that pushes by itself: a commit schedules a push after a short quiet spell (a burst of commits
// is one push), one push at a time, a failed push tried again after 5 s, 10 s, 20 s … up to 5 min (sooner when the
// device comes back online), and a CONFLICT (another device pushed this pond id) stops it until the user turns it on
// again. What is pushed is never held here: each push sends what the bucket lacks (src/remote/push.ts), so the
// "queue" is the pond's commits after the backup's last one, and it survives a reload by being the pond itself.

export const AUTO_PUSH_DEBOUNCE_MS = 1500;
export const AUTO_PUSH_FIRST_RETRY_MS = 5_000;
export const AUTO_PUSH_MAX_RETRY_MS = 5 * 60_000;

export interface AutoPushTimings {
  debounceMs?: number;
  firstRetryMs?: number;
  maxRetryMs?: number;
}

export interface AutoPushLoopState {
  /** A push is running now. */
  pushing: boolean;
  /** Failed pushes in a row (0 after a success). */
  failures: number;
  lastError?: string;
  /** When the next try is due (ms since the epoch), while one waits. */
  nextTry?: number;
  /** Something waits to be pushed but the device is offline: it goes when the browser says `online`. */
  waitingOnline: boolean;
  /** Why it stopped by itself (a CONFLICT); nothing is tried again until a new loop is made. */
  stopped?: string;
}

export interface AutoPushLoopOptions extends AutoPushTimings {
  /** Whether the device is online now (navigator.onLine in the worker when absent). */
  online?: () => boolean;
  /** The failures that stop the loop instead of being tried again: returns the words to show, or undefined. */
  stopsOn?: (error: unknown) => string | undefined;
  /** Told after every change of state (for the UI). */
  onChange?: (state: AutoPushLoopState) => void;
  /** Told of each failure that will be tried again, and of the stop (to persist them). */
  onFailure?: (message: string, stopped: boolean) => void;
}

/** navigator.onLine where there is one (true in node). */
export const browserOnline = () => typeof navigator === 'undefined' || navigator.onLine !== false;

/** The delay before try number `failures + 1` after `failures` failed ones: first, 2×first, 4×first … at most max. */
export function retryDelay(failures: number, firstMs = AUTO_PUSH_FIRST_RETRY_MS, maxMs = AUTO_PUSH_MAX_RETRY_MS): number {
  return Math.min(maxMs, firstMs * 2 ** Math.max(0, failures - 1));
}

export class AutoPushLoop {
  private readonly abort = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The timer is a retry after a failure (a commit meanwhile does not bring it forward: the remote is failing). */
  private retrying = false;
  /** Set by a commit (or start, or a failure): there may be commits the backup lacks. */
  private wanted = false;
  private running: Promise<void> | undefined;
  private readonly s: AutoPushLoopState = { pushing: false, failures: 0, waitingOnline: false };
  private readonly debounceMs: number;
  private readonly firstRetryMs: number;
  private readonly maxRetryMs: number;
  private readonly online: () => boolean;

  constructor(private readonly push: (signal: AbortSignal) => Promise<void>, private readonly opts: AutoPushLoopOptions = {}) {
    this.debounceMs = opts.debounceMs ?? AUTO_PUSH_DEBOUNCE_MS;
    this.firstRetryMs = opts.firstRetryMs ?? AUTO_PUSH_FIRST_RETRY_MS;
    this.maxRetryMs = opts.maxRetryMs ?? AUTO_PUSH_MAX_RETRY_MS;
    this.online = opts.online ?? browserOnline;
  }

  get state(): AutoPushLoopState {
    return { ...this.s };
  }

  private get ended(): boolean {
    return this.abort.signal.aborted || this.s.stopped !== undefined;
  }

  /** After a commit (and on start): a push in `debounceMs`, the timer restarting with each call. */
  schedule(): void {
    if (this.ended) return;
    this.wanted = true;
    if (this.running || this.retrying) return; // the running push's end, or the retry, takes it
    this.arm(this.debounceMs, false);
  }

  /** The browser is online again: what waits (a retry, or a push held back offline) goes now. */
  onOnline(): void {
    if (this.ended || !this.wanted || this.running) return;
    this.fire();
  }

  /** Stops the timer, cancels a running push, and resolves once it has ended. */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.abort.abort(new DOMException('auto-push stopped', 'AbortError'));
    await this.running?.catch(() => undefined); // run() records its own failures; stopping only waits for it
  }

  private arm(ms: number, retry: boolean): void {
    clearTimeout(this.timer);
    this.retrying = retry;
    this.s.nextTry = Date.now() + ms;
    this.timer = setTimeout(() => this.fire(), ms);
    this.changed();
  }

  private fire(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.retrying = false;
    delete this.s.nextTry;
    if (this.ended) return;
    if (!this.online()) {
      // onOnline() sends it at once; a worker may not hear the `online` event (it is the window's), so look again too.
      this.s.waitingOnline = true;
      this.timer = setTimeout(() => this.fire(), this.firstRetryMs);
      this.changed();
      return;
    }
    this.s.waitingOnline = false;
    this.running = this.run().finally(() => { this.running = undefined; this.after(); });
  }

  private async run(): Promise<void> {
    this.wanted = false;
    this.s.pushing = true;
    this.changed();
    try {
      await this.push(this.abort.signal);
      this.s.failures = 0;
      delete this.s.lastError;
    } catch (e) {
      if (this.abort.signal.aborted) return; // stopped (pond closed, auto-push turned off): not a failure of the remote
      const message = (e as Error)?.message ?? String(e);
      const stop = this.opts.stopsOn?.(e);
      this.s.lastError = message;
      if (stop !== undefined) this.s.stopped = stop;
      else {
        this.s.failures++;
        this.wanted = true; // the commits it was to send still wait
      }
      this.opts.onFailure?.(message, stop !== undefined);
    } finally {
      this.s.pushing = false;
    }
  }

  /** What follows a push: a retry after a failure, another push for commits made while it ran, or nothing. */
  private after(): void {
    if (this.ended) return this.changed();
    if (this.s.failures > 0) this.arm(retryDelay(this.s.failures, this.firstRetryMs, this.maxRetryMs), true);
    else if (this.wanted) this.arm(this.debounceMs, false);
    else this.changed();
  }

  private changed(): void {
    this.opts.onChange?.(this.state);
  }
}

const localPushLocks = new Map<string, Promise<unknown>>();

/**
 * Runs `fn` holding the push lock of (pond, remote): a Web Lock where there is one, so a manual push in another tab
 * of this browser waits too; an in-process queue elsewhere (node tests). Auto and manual pushes both take it.
 */
export function withPushLock<T>(pondId: string, remote: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  const name = `duckpond-push:${pondId}:${remote}`;
  if (typeof navigator !== 'undefined' && navigator.locks) {
    return navigator.locks.request(name, signal ? { signal } : {}, () => fn()) as Promise<T>;
  }
  const before = localPushLocks.get(name) ?? Promise.resolve();
  const result = before.then(() => { signal?.throwIfAborted(); return fn(); });
  const tail = result.catch(() => undefined); // the next holder waits for this one to end, not to succeed
  localPushLocks.set(name, tail);
  void tail.then(() => { if (localPushLocks.get(name) === tail) localPushLocks.delete(name); });
  return result;
}
