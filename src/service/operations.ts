// Long operations across the worker boundary: an AbortSignal cannot cross comlink, so each operation gets an id
// the UI can cancel by, and progress goes back through a proxied callback.
import type { LongOp, ProgressCallback } from '../api/pond-api';

export type Progress = ProgressCallback;

export class Operations {
  private readonly running = new Map<string, AbortController>();
  private readonly watchers = new Map<string, Progress>();

  /** Progress callbacks registered ahead of the operation (the comlink route). */
  watch(opId: string, onProgress: Progress): void {
    this.watchers.set(opId, onProgress);
  }

  async run<T>(op: LongOp, work: (signal: AbortSignal, onProgress: Progress) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    if (op.opId) this.running.set(op.opId, controller);
    const report = op.onProgress ?? (op.opId ? this.watchers.get(op.opId) : undefined);
    let last = 0;
    let lastWhat: string | undefined;
    // Progress is throttled: a proxied call per chunk would flood the main thread. A new `what` (the next file, or
    // the next stage of one: "starting the query engine", "reading", "writing") always gets through.
    const onProgress: Progress = (done, total, what) => {
      const now = Date.now();
      if (now - last < 100 && done !== total && what === lastWhat) return;
      last = now;
      lastWhat = what;
      void Promise.resolve(report?.(done, total, what)).catch(() => undefined); // a closed UI must not fail the work
    };
    try {
      return await work(controller.signal, onProgress);
    } finally {
      if (op.opId) {
        this.running.delete(op.opId);
        this.watchers.delete(op.opId);
      }
    }
  }

  cancel(opId: string): void {
    this.running.get(opId)?.abort(new Error('cancelled by the user'));
  }
}
