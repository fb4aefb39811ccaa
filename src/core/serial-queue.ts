// One job at a time, in the order they were queued: transactions on a pond, statements on a DuckDB connection, runs
// of configured nodes. A failed job fails only its own caller; the queue goes on with the next.

export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  /** Jobs queued or running. */
  get pending(): number {
    return this.waiting;
  }

  /** Runs `job` once every job queued before it has settled; resolves or rejects with the job's own outcome. */
  run<T>(job: () => Promise<T> | T): Promise<T> {
    this.waiting++;
    const result = this.tail.then(job).finally(() => void this.waiting--);
    // The next job waits for this one to settle, not to succeed: its failure is reported to its caller above.
    this.tail = result.catch(() => undefined);
    return result;
  }
}
