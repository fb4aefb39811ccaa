// Tabs share one OPFS, so one writer at a time: a Web Lock per pond. Commits are announced on a
// BroadcastChannel so read-only tabs refresh. Behind an interface so node tests can play several tabs.

export interface Coordinator {
  /**
   * Asks for the pond's writer lock. Resolves with a release function when granted, or null at once when
   * `wait` is false and another tab holds it. With `wait`, resolves when the lock frees. The release function's
   * promise settles once the lock is really free (browsers free it asynchronously).
   */
  requestWriter(pondId: string, wait: boolean): Promise<Release | null>;
  /** Tells other tabs that the pond reached `version`. */
  publish(pondId: string, version: number): void;
  /** Hears other tabs' commits; returns an unsubscribe function. */
  subscribe(pondId: string, onVersion: (version: number) => void): () => void;
}

export type Release = () => Promise<void>;

const lockName = (pondId: string) => `duckpond-writer:${pondId}`;
const channelName = (pondId: string) => `duckpond:${pondId}`;

/** Web Locks + BroadcastChannel (browsers, in windows and workers alike). */
export class BrowserCoordinator implements Coordinator {
  requestWriter(pondId: string, wait: boolean): Promise<Release | null> {
    return new Promise((resolve, reject) => {
      const held: Promise<unknown> = navigator.locks
        .request(lockName(pondId), { ifAvailable: !wait }, (lock) => {
          if (!lock) {
            resolve(null);
            return undefined;
          }
          // Holding the lock = keeping this callback's promise pending until released; the request's own
          // promise settles only after the browser has freed the lock.
          return new Promise<void>((release) => resolve(async () => {
            release();
            await held;
          }));
        });
      held.catch(reject);
    });
  }

  publish(pondId: string, version: number): void {
    const ch = new BroadcastChannel(channelName(pondId));
    ch.postMessage({ version });
    ch.close();
  }

  subscribe(pondId: string, onVersion: (version: number) => void): () => void {
    const ch = new BroadcastChannel(channelName(pondId));
    ch.onmessage = (e: MessageEvent<{ version?: unknown }>) => {
      if (typeof e.data?.version === 'number') onVersion(e.data.version);
    };
    return () => ch.close();
  }
}

/** In-process coordination: several services sharing one of these behave like tabs of one browser. */
export class MemoryCoordinator implements Coordinator {
  private readonly holders = new Set<string>();
  private readonly waiting = new Map<string, (() => void)[]>();
  private readonly listeners = new Map<string, Set<(v: number) => void>>();

  async requestWriter(pondId: string, wait: boolean): Promise<Release | null> {
    if (this.holders.has(pondId)) {
      if (!wait) return null;
      await new Promise<void>((granted) => this.waiting.set(pondId, [...(this.waiting.get(pondId) ?? []), granted]));
    }
    this.holders.add(pondId);
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      this.holders.delete(pondId);
      const next = this.waiting.get(pondId)?.shift();
      next?.();
    };
  }

  publish(pondId: string, version: number): void {
    for (const l of this.listeners.get(pondId) ?? []) queueMicrotask(() => l(version));
  }

  subscribe(pondId: string, onVersion: (version: number) => void): () => void {
    const set = this.listeners.get(pondId) ?? new Set();
    this.listeners.set(pondId, set);
    set.add(onVersion);
    return () => set.delete(onVersion);
  }
}
