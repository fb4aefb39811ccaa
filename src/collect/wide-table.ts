import { Float64, makeData, makeVector, Table, TimestampMicrosecond, type Vector } from 'apache-arrow';
import { PondError } from '../core/errors';

/** Name of the time column every collector writes (first in the pond's auto-detection list). */
export const TIMESTAMP_COLUMN = 'timestamp';

/**
 * Accumulates readings keyed by (time, column) and turns them into one wide Arrow table:
 * one row per timestamp, sorted by time, a `timestamp` column plus one nullable Float64 per column.
 * Collectors feed it in whatever order the source delivers (parameters unordered, sets changing).
 */
export class WideRows {
  private readonly rows = new Map<number, Map<string, number>>();
  private readonly columns = new Set<string>();
  private pointCount = 0;

  /** Records one value at `micros` (UTC µs); a later value for the same cell replaces the earlier one. */
  set(micros: number, column: string, value: number): void {
    if (!Number.isSafeInteger(micros)) {
      throw new PondError('INVALID_INPUT', `timestamp ${micros} µs is not a safe integer`, { detail: { micros } });
    }
    if (column === TIMESTAMP_COLUMN) {
      throw new PondError('INVALID_INPUT', `a value column may not be named "${TIMESTAMP_COLUMN}"`);
    }
    let row = this.rows.get(micros);
    if (!row) this.rows.set(micros, (row = new Map()));
    if (!row.has(column)) this.pointCount++;
    row.set(column, value);
    this.columns.add(column);
  }

  /** Number of distinct timestamps. */
  get size(): number {
    return this.rows.size;
  }

  /** Number of non-null cells. */
  get points(): number {
    return this.pointCount;
  }

  /** Largest timestamp held (UTC µs), or null when empty. */
  maxTime(): number | null {
    let max: number | null = null;
    for (const t of this.rows.keys()) if (max === null || t > max) max = t;
    return max;
  }

  /**
   * Keeps whole rows in time order while their points fit in `maxPoints` (always at least one row),
   * so a run that stops early never leaves a timestamp half-written: the next run resumes after the last kept row.
   */
  truncateToPoints(maxPoints: number): void {
    let kept = 0;
    let first = true;
    for (const t of this.sortedTimes()) {
      const row = this.rows.get(t)!;
      if (!first && kept + row.size > maxPoints) {
        this.rows.delete(t);
        continue;
      }
      kept += row.size;
      first = false;
    }
    this.pointCount = kept;
  }

  /** The Arrow table, or null when there is nothing to write. Value columns are sorted by name for stable schemas. */
  toTable(): Table | null {
    if (this.rows.size === 0) return null;
    const times = this.sortedTimes();
    const n = times.length;
    const present = new Set<string>();
    for (const row of this.rows.values()) for (const c of row.keys()) present.add(c);
    const names = [...present].sort();
    // Timestamps without a zone: the values are UTC, and DuckDB-wasm lacks ICU for TIMESTAMPTZ (stack-notes).
    const ts = makeVector(
      makeData({ type: new TimestampMicrosecond(), length: n, data: BigInt64Array.from(times, (t) => BigInt(t)) }),
    );
    const vectors: Record<string, Vector> = { [TIMESTAMP_COLUMN]: ts };
    for (const name of names) vectors[name] = float64Column(times.map((t) => this.rows.get(t)!.get(name)));
    return new Table(vectors);
  }

  private sortedTimes(): number[] {
    return [...this.rows.keys()].sort((a, b) => a - b);
  }
}

function float64Column(values: (number | undefined)[]): Vector<Float64> {
  const n = values.length;
  const data = new Float64Array(n);
  const valid = new Uint8Array(Math.ceil(n / 8));
  let nullCount = 0;
  values.forEach((v, i) => {
    if (v === undefined) {
      nullCount++;
    } else {
      data[i] = v;
      valid[i >> 3]! |= 1 << (i & 7);
    }
  });
  return makeVector(makeData({ type: new Float64(), length: n, data, nullBitmap: valid, nullCount }));
}
