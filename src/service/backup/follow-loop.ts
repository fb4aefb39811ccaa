// The timer of a following replica: one pull at once, one on start and then every N seconds while the device is
// online; stopping cancels the pull in flight (its journal then leaves the old version: src/pond/pull-journal.ts).

export const DEFAULT_FOLLOW_SECONDS = 60;

export class FollowLoop {
  private timer: ReturnType<typeof setInterval> | undefined;
  private running: Promise<void> | undefined;
  private readonly abort = new AbortController();

  constructor(private readonly everySeconds: number, private readonly tick: (signal: AbortSignal) => Promise<void>) {}

  start(): void {
    void this.now();
    this.timer = setInterval(() => void this.now(), this.everySeconds * 1000);
  }

  /** Pulls now unless a pull is running (then that one's end), or the device is offline, or the loop stopped. */
  now(): Promise<void> {
    if (this.running) return this.running;
    if (this.abort.signal.aborted || (typeof navigator !== 'undefined' && navigator.onLine === false)) return Promise.resolve();
    this.running = this.tick(this.abort.signal).finally(() => { this.running = undefined; });
    return this.running;
  }

  /** Stops the timer, cancels a running pull, and resolves once it has ended. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.abort.abort(new DOMException('the replica stopped following', 'AbortError'));
    await this.running?.catch(() => undefined); // the tick records its own failures; stopping only waits for it
  }
}
