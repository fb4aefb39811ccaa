// Test worker: hosts OpfsStore instances (sync access handles exist only in dedicated workers) and
// exposes them through comlink. Results travel as {ok, value} | {ok:false, error} because comlink
// would reduce a thrown PondError to a plain Error without its code and detail.
import * as Comlink from 'comlink';
import { PondError } from '../../../src/core/errors';
import type { Store, StoreWriter } from '../../../src/core/store';
import { OpfsStore } from '../../../src/storage/opfs-store';

export type Result<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string; detail?: Record<string, unknown> } };
export type StoreMethod = 'read' | 'readRange' | 'size' | 'write' | 'move' | 'remove' | 'removeTree' | 'list';

const stores = new Map<number, Store>();
const writers = new Map<number, StoreWriter>();
let nextId = 1;

async function settle<T>(f: () => Promise<T>): Promise<Result<T>> {
  try {
    return { ok: true, value: await f() };
  } catch (e) {
    if (e instanceof PondError) return { ok: false, error: { code: e.code, message: e.message, ...(e.detail ? { detail: e.detail } : {}) } };
    return { ok: false, error: { code: 'NOT_A_POND_ERROR', message: String(e) } };
  }
}

const api = {
  open: (root: string) =>
    settle(async () => {
      const id = nextId++;
      stores.set(id, await OpfsStore.open(root));
      return id;
    }),
  call: (store: number, method: StoreMethod, args: unknown[]) =>
    settle(async () => {
      const value = await (stores.get(store)![method] as (...a: unknown[]) => Promise<unknown>)(...args);
      // Hand read results over without a copy.
      return value instanceof Uint8Array ? Comlink.transfer(value, [value.buffer]) : value;
    }),
  createWriter: (store: number, path: string) =>
    settle(async () => {
      const id = nextId++;
      writers.set(id, await stores.get(store)!.createWriter(path));
      return id;
    }),
  writer: (id: number, method: 'write' | 'close' | 'abort', chunk?: Uint8Array) => settle(() => writers.get(id)![method](chunk!)),
  /** Bytes used and quota as the page would see them, to size a quota override. */
  estimate: () => navigator.storage.estimate().then((e) => ({ usage: e.usage ?? 0, quota: e.quota ?? 0 })),
};

export type OpfsStoreWorkerApi = typeof api;
Comlink.expose(api);
