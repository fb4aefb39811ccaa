// The page-side Store over opfs-store.worker.ts: every call runs in the worker's real OpfsStore,
// and failures come back as PondError with their code, message and detail.
import * as Comlink from 'comlink';
import { PondError, type PondErrorCode } from '../../../src/core/errors';
import type { Store, StoreWriter } from '../../../src/core/store';
import type { OpfsStoreWorkerApi, Result, StoreMethod } from './opfs-store.worker';

/** A started test worker; `terminate()` when done (which also releases its OPFS handles, like a crash). */
export interface StoreWorker {
  api: Comlink.Remote<OpfsStoreWorkerApi>;
  terminate(): void;
}

export function startStoreWorker(): StoreWorker {
  const worker = new Worker(new URL('./opfs-store.worker.ts', import.meta.url), { type: 'module' });
  return { api: Comlink.wrap<OpfsStoreWorkerApi>(worker), terminate: () => worker.terminate() };
}

/**
 * Starts the store worker in a window of another origin (the same server as localhost instead of 127.0.0.1,
 * or back). The quota test lowers that origin's quota through DevTools; doing it on the test page's own
 * origin would also starve the test files vitest runs in parallel there. A window, not an iframe: Chromium
 * denies a third-party iframe its storage ("Storage directory access is denied").
 */
export async function startStoreWorkerOnOtherOrigin(): Promise<StoreWorker & { origin: string }> {
  const url = new URL('./other-origin-page.html', import.meta.url);
  url.hostname = url.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
  let win: Window | null = null;
  const port = await new Promise<MessagePort>((resolve, reject) => {
    const onMessage = (e: MessageEvent) => {
      if (e.source !== win || !e.ports[0]) return;
      removeEventListener('message', onMessage);
      resolve(e.ports[0]);
    };
    addEventListener('message', onMessage);
    win = open(url.href, '_blank');
    if (!win) reject(new Error(`could not open ${url.href}`));
  });
  return { api: Comlink.wrap<OpfsStoreWorkerApi>(port), terminate: () => win?.close(), origin: url.origin };
}

function unwrap<T>(r: Result<T>): T {
  if (r.ok) return r.value;
  throw new PondError(r.error.code as PondErrorCode, r.error.message, r.error.detail ? { detail: r.error.detail } : {});
}

/** A unique folder name, so tests never see each other's files. */
export function uniqueRoot(prefix: string): string {
  return `test-storage/${prefix}-${crypto.randomUUID()}`;
}

/** Opens an OpfsStore at `root` inside the worker and returns a Store that forwards to it. */
export async function openRemoteStore(w: StoreWorker, root: string): Promise<Store> {
  const id = unwrap(await w.api.open(root));
  const call = async <T>(method: StoreMethod, ...args: unknown[]) => unwrap((await w.api.call(id, method, args)) as Result<T>);
  return {
    read: (p) => call('read', p),
    readRange: (p, o, l) => call('readRange', p, o, l),
    size: (p) => call('size', p),
    write: (p, d) => call('write', p, d),
    move: (f, t) => call('move', f, t),
    remove: (p) => call('remove', p),
    removeTree: (d) => call('removeTree', d),
    list: (d) => call('list', d),
    createWriter: async (p): Promise<StoreWriter> => {
      const wid = unwrap(await w.api.createWriter(id, p));
      return {
        write: async (chunk) => unwrap(await w.api.writer(wid, 'write', chunk)),
        close: async () => unwrap(await w.api.writer(wid, 'close')),
        abort: async () => unwrap(await w.api.writer(wid, 'abort')),
      };
    },
  };
}
