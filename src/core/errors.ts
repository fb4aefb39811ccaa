/** Every failure the pond reports carries one of these codes, so callers (UI, shell, tests) can branch on it. */
export type PondErrorCode =
  | 'INVALID_PATH' // a path that cannot name a node: `..` escape, empty or control characters in a name, too long
  | 'NOT_FOUND' // nothing at that path / version / key
  | 'ALREADY_EXISTS' // create where a node already is
  | 'NOT_A_DIRECTORY' // a directory was needed (e.g. writing under a file)
  | 'IS_A_DIRECTORY' // a file was needed
  | 'WRONG_TYPE' // an entry of another type than the operation needs (append to a table, read a symlink as data …)
  | 'SYMLINK_LOOP' // symlinks that never reach a node
  | 'READ_ONLY' // a write on a pond opened read-only (time travel, another tab holds the writer lock)
  | 'LOCKED' // the writer lock is held elsewhere
  | 'CONFLICT' // someone else's commit is already where ours should go
  | 'QUOTA_EXCEEDED' // the browser refused to store more
  | 'STORAGE' // the store failed for another reason
  | 'CORRUPT' // stored bytes do not match what was recorded (hash, torn commit, bad log)
  | 'ABORTED' // the caller cancelled
  | 'INVALID_INPUT' // bad argument or untrusted input that fits no narrower code
  | 'BAD_CSV'
  | 'BAD_PARQUET'
  | 'BAD_ZIP'
  | 'SCHEMA_MISMATCH' // a new version whose columns do not fit the series
  | 'QUERY' // DuckDB rejected a query
  | 'HTTP' // a remote answered with an error status or not at all
  | 'STALLED' // long work that stopped making progress (no answer from DuckDB's worker for too long)
  | 'BLOCKED' // the app's Content-Security-Policy refused a connection to an origin the user has not configured
  | 'USAGE' // a shell command used wrongly
  | 'UNSUPPORTED'
  | 'INTERNAL';

export interface PondErrorOptions {
  cause?: unknown;
  /** Structured facts for programs (the path, the HTTP status, the line number …). */
  detail?: Record<string, unknown>;
}

/** The one error type of the project: a code for programs, a message for people. */
export class PondError extends Error {
  override readonly name = 'PondError';
  readonly code: PondErrorCode;
  readonly detail: Record<string, unknown> | undefined;

  constructor(code: PondErrorCode, message: string, options: PondErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.detail = options.detail;
  }

  /** Serialisable form, for comlink and for the shell. */
  toJSON(): { code: PondErrorCode; message: string; detail?: Record<string, unknown> } {
    return { code: this.code, message: this.message, ...(this.detail ? { detail: this.detail } : {}) };
  }
}

/** True when `e` is a PondError, optionally of one of the given codes. */
export function isPondError(e: unknown, ...codes: PondErrorCode[]): e is PondError {
  return e instanceof PondError && (codes.length === 0 || codes.includes(e.code));
}

/** An error as a person should read it: the message, and the PondError code so support can tell cases apart. */
export function errorText(e: unknown): string {
  if (e instanceof PondError) return `${e.message} [${e.code}]`;
  if (e instanceof Error) return e.message;
  return String(e);
}

/** Throws ABORTED when the signal has fired: call between steps of long work. */
export function throwIfAborted(signal: AbortSignal | undefined, what = 'operation'): void {
  if (signal?.aborted) throw new PondError('ABORTED', `${what} was cancelled`, { cause: signal.reason });
}

/**
 * Maps a DOMException or other failure from the browser's storage to a PondError, keeping the cause.
 * Quota failures get their own code because the user can act on them (free space, persist()).
 */
export function storageError(e: unknown, action: string, path: string): PondError {
  if (e instanceof PondError) return e;
  const name = (e as { name?: string } | null)?.name;
  if (name === 'QuotaExceededError') {
    return new PondError('QUOTA_EXCEEDED', `${action} ${path}: the browser's storage quota is exhausted`, { cause: e, detail: { path } });
  }
  if (name === 'NotFoundError') {
    return new PondError('NOT_FOUND', `${action} ${path}: not found`, { cause: e, detail: { path } });
  }
  const message = (e as { message?: string } | null)?.message ?? String(e);
  return new PondError('STORAGE', `${action} ${path}: ${message}`, { cause: e, detail: { path } });
}
