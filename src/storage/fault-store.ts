// A Store wrapper that injects failures and crashes at a chosen mutating operation, for crash tests:
// run a scenario once to count its operations, then once per operation number with a crash there,
// reopen on the inner store and check that recovery sees either the old or the new state, never a mix.
import { PondError, storageError } from '../core/errors';
import type { Store, StoreWriter } from '../core/store';

/**
 * - 'fail': the operation throws STORAGE once and applies nothing; later operations work, so the caller
 *   must be able to go on (retry, abort, report). Models a transient DOMException from OPFS.
 * - 'quota': QUOTA_EXCEEDED (a QuotaExceededError mapped through storageError), and the store goes on.
 *   On a chunk write the first half lands first: Chromium writes what fits before it reports the quota
 *   (seen in tests/browser/storage/opfs-store.test.ts), so the caller is left with a partial file to abort.
 *   On any other operation nothing is applied.
 * - 'tear': the worker dies during the operation (tab closed, browser killed). A chunk write lands only
 *   its first half: OPFS gives no atomicity for a write() call and flush() is best effort, so any prefix
 *   can be on disk. A flush/close loses nothing already written (the bytes are in the file) but never
 *   returns. A move or remove is not applied: Chromium's move/removeEntry are single metadata operations,
 *   so they either happened or did not, and "not yet" is the case a caller must survive. From then on
 *   every call, reads included, throws "store crashed", until the test reopens on the inner store.
 */
export type FaultMode = 'fail' | 'tear' | 'quota';

export interface FaultPlan {
  /** The 1-based number of the mutating operation to hit. */
  at: number;
  mode: FaultMode;
}

export type FaultOpKind = 'chunk' | 'flush' | 'move' | 'remove' | 'removeTree';

/** One numbered mutating operation, as seen by the wrapper. */
export interface FaultOp {
  n: number;
  kind: FaultOpKind;
  path: string;
}

/**
 * Wraps a Store and numbers its mutating primitives in call order: each writer chunk write, each writer
 * close (its flush), each `write()` (one chunk then one flush), each move, remove and removeTree. An
 * operation is numbered whether or not its target exists, so numbers depend only on the calls a scenario
 * makes. Writer abort() is not numbered: a crash during it leaves what a crash just before it leaves.
 */
export class FaultStore implements Store {
  /** Numbered operations so far, including a failed or torn one. */
  opCount = 0;
  /** Every numbered operation, so a test can find e.g. the move that commits. */
  readonly log: FaultOp[] = [];
  private dead = false;
  /** Inner writers still open: a crash releases them, as the death of a worker releases its handles. */
  private readonly open = new Set<StoreWriter>();

  constructor(
    readonly inner: Store,
    public plan?: FaultPlan,
  ) {}

  /** True once a 'tear' happened: the wrapper is unusable, reopen on `inner`. */
  get crashed(): boolean {
    return this.dead;
  }

  async read(path: string): Promise<Uint8Array> {
    this.alive();
    return this.inner.read(path);
  }

  async readRange(path: string, offset: number, length: number): Promise<Uint8Array> {
    this.alive();
    return this.inner.readRange(path, offset, length);
  }

  async size(path: string): Promise<number | undefined> {
    this.alive();
    return this.inner.size(path);
  }

  async list(dir: string): Promise<string[]> {
    this.alive();
    return this.inner.list(dir);
  }

  /** One chunk and one flush, through the same writer path as createWriter, so both tear alike. */
  async write(path: string, data: Uint8Array): Promise<void> {
    const w = await this.createWriter(path);
    try {
      await w.write(data);
      await w.close();
    } catch (e) {
      // A failed write leaves no file, as OpfsStore.write does; after a crash nothing runs any more.
      if (!this.dead) await w.abort();
      throw e;
    }
  }

  async createWriter(path: string): Promise<StoreWriter> {
    this.alive();
    const inner = await this.inner.createWriter(path);
    this.open.add(inner);
    return {
      write: async (chunk) => {
        const r = this.step('chunk', path);
        if (r === 'ok') return inner.write(chunk);
        // Both a crash and Chromium's out-of-quota write leave a prefix of the chunk in the file.
        await inner.write(chunk.subarray(0, Math.floor(chunk.length / 2)));
        if (r === 'tear') return this.crash();
        throw quotaError('chunk', path);
      },
      close: async () => {
        // On 'fail' or 'quota' the writer stays open: the caller may retry close() or abort().
        await this.stepWhole('flush', path);
        await inner.close();
        this.open.delete(inner);
      },
      abort: async () => {
        this.alive();
        this.open.delete(inner);
        await inner.abort();
      },
    };
  }

  async move(from: string, to: string): Promise<void> {
    await this.stepWhole('move', `${from} -> ${to}`);
    await this.inner.move(from, to);
  }

  async remove(path: string): Promise<void> {
    await this.stepWhole('remove', path);
    await this.inner.remove(path);
  }

  async removeTree(dir: string): Promise<void> {
    await this.stepWhole('removeTree', dir);
    await this.inner.removeTree(dir);
  }

  /** Numbers one operation; throws for 'fail' at the planned number, else says what the plan does to it. */
  private step(kind: FaultOpKind, path: string): 'ok' | 'tear' | 'quota' {
    this.alive();
    const n = ++this.opCount;
    this.log.push({ n, kind, path });
    if (this.plan?.at !== n) return 'ok';
    if (this.plan.mode === 'fail') {
      throw new PondError('STORAGE', `${actionOf(kind)} ${path}: injected failure at op ${n}`, { detail: { path, op: n, injected: true } });
    }
    return this.plan.mode;
  }

  /** step() for the operations that land whole or not at all: 'tear' crashes, 'quota' throws, nothing applied. */
  private stepWhole(kind: FaultOpKind, path: string): Promise<void> | undefined {
    const r = this.step(kind, path);
    if (r === 'tear') return this.crash();
    if (r === 'quota') throw quotaError(kind, path);
    return undefined;
  }

  /** The simulated death: release the inner handles (a dead worker's handles close), then refuse all calls. */
  private async crash(): Promise<never> {
    this.dead = true;
    const open = [...this.open];
    this.open.clear();
    // close() here adds no bytes, it only drops the lock that a dead worker no longer holds.
    await Promise.allSettled(open.map((w) => w.close()));
    throw this.crashedError();
  }

  private alive(): void {
    if (this.dead) throw this.crashedError();
  }

  private crashedError(): PondError {
    return new PondError('STORAGE', `store crashed at op ${this.plan?.at ?? '?'}`, { detail: { op: this.plan?.at, crashed: true } });
  }
}

function actionOf(kind: FaultOpKind): string {
  return kind === 'move' ? 'moving' : kind.startsWith('remove') ? 'removing' : 'writing';
}

/** The same mapping a real QuotaExceededError from OPFS goes through. */
function quotaError(kind: FaultOpKind, path: string): PondError {
  return storageError(new DOMException('injected quota failure', 'QuotaExceededError'), actionOf(kind), path);
}
