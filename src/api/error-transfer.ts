// comlink sends thrown errors as {name, message, stack}: the PondError code would be lost, and the UI and scripts
// branch on it. This handler carries code and detail across and rebuilds a PondError on the other side.
import * as Comlink from 'comlink';
import { PondError, type PondErrorCode } from '../core/errors';

interface SerializedThrow {
  isError: boolean;
  value: { name?: string; message: string; stack?: string; code?: PondErrorCode; detail?: Record<string, unknown> } | unknown;
}

export function installErrorTransfer(): void {
  const builtIn = Comlink.transferHandlers.get('throw');
  if (!builtIn) throw new Error('comlink has no throw handler to extend'); // a comlink upgrade changed its internals
  Comlink.transferHandlers.set('throw', {
    // comlink does not export its throw marker; its own handler knows how to recognise a thrown value.
    canHandle: (v: unknown): v is { value: unknown } => builtIn.canHandle(v),
    serialize: ({ value }: { value: unknown }) => {
      const s: SerializedThrow = value instanceof Error
        ? { isError: true, value: { name: value.name, message: value.message, stack: value.stack, ...(value instanceof PondError ? { code: value.code, detail: safeDetail(value.detail) } : {}) } }
        : { isError: false, value };
      return [s, []];
    },
    deserialize: (s: SerializedThrow) => {
      if (!s.isError) throw s.value;
      const v = s.value as { name?: string; message: string; stack?: string; code?: PondErrorCode; detail?: Record<string, unknown> };
      const e = v.code ? new PondError(v.code, v.message, { detail: v.detail }) : Object.assign(new Error(v.message), { name: v.name ?? 'Error' });
      if (v.stack) e.stack = v.stack;
      throw e;
    },
  } as Comlink.TransferHandler<unknown, SerializedThrow>);
}

/** Details must survive structured clone; anything that would not is dropped to a string. */
function safeDetail(d: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!d) return undefined;
  try {
    return structuredClone(d);
  } catch {
    return { text: JSON.stringify(d, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) };
  }
}
