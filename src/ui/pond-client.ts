// The UI's handle on the pond worker: one worker per tab, its PondApi through comlink, with PondError codes kept
// and long operations cancellable by AbortSignal (mapped to the worker's opId-based cancel).
import * as Comlink from 'comlink';
import { installErrorTransfer } from '../api/error-transfer';
import type { LongOp, PondApi } from '../api/pond-api';

export type PondRemote = Comlink.Remote<PondApi>;

export interface PondClient {
  api: PondRemote;
  worker: Worker;
  /** Wraps a long call: progress through a proxied callback, cancellation through `signal`. */
  longOp<T>(call: (op: LongOp) => Promise<T>, opts?: { signal?: AbortSignal; onProgress?: LongOp['onProgress'] }): Promise<T>;
}

let opCounter = 0;

export function connectPond(): PondClient {
  installErrorTransfer();
  const worker = new Worker(new URL('../../workers/pond.worker.ts', import.meta.url), { type: 'module', name: 'pond' });
  const api = Comlink.wrap<PondApi>(worker);
  return {
    api,
    worker,
    async longOp(call, opts = {}) {
      const opId = `op-${++opCounter}-${Date.now()}`;
      const onAbort = () => void api.cancel(opId);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      // Progress comes through the callback's own message channel, the answer through the worker's: a report sent
      // before the answer can arrive after it, and would overwrite the caller's final word ("Saved …") with
      // "… 0%". Nothing is passed on once the call has settled.
      let settled = false;
      const onProgress = opts.onProgress;
      try {
        // comlink proxies only top-level arguments, so the callback is registered first and found by opId.
        if (onProgress) await api.watch(opId, Comlink.proxy((done: number, total: number | undefined, what: string) => { if (!settled) onProgress(done, total, what); }));
        return await call({ opId });
      } finally {
        settled = true;
        opts.signal?.removeEventListener('abort', onAbort);
      }
    },
  };
}
