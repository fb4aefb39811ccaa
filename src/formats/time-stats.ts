// Event-time facts of one import, gathered batch by batch as rows pass (no second read): the range, and how
// orderly the times are. Duplicate and out-of-order times are kept as data (a sensor may really repeat a time),
// but `describe` reports them, because they usually mean an overlapping export or a clock problem.
import type { RecordBatch } from 'apache-arrow';
import { numberAtOrAbove, numberAtOrBelow } from '../core/utc-micros';

export interface TimeFacts {
  /** UTC µs; exact below 2^53, else the nearest number outward (core/utc-micros.ts). */
  minEventTime: number | null;
  maxEventTime: number | null;
  /** Rows whose time is earlier than the row before. */
  outOfOrder: number;
  /** Rows whose time equals the row before (in sorted data, every duplicate; otherwise adjacent ones only). */
  duplicateTimes: number;
}

export class TimeStats {
  private min: bigint | null = null;
  private max: bigint | null = null;
  private prev: bigint | null = null;
  private outOfOrder = 0;
  private duplicates = 0;

  /** Folds in a batch whose `column` is already normalised to UTC µs (Int64-backed). */
  add(batch: RecordBatch, column: string): void {
    const vector = batch.getChild(column);
    if (!vector) return;
    for (const data of vector.data) {
      const values = data.values as BigInt64Array;
      for (let i = 0; i < data.length; i++) {
        if (!data.getValid(i)) continue;
        const t = values[data.offset + i]!;
        if (this.min === null || t < this.min) this.min = t;
        if (this.max === null || t > this.max) this.max = t;
        if (this.prev !== null) {
          if (t < this.prev) this.outOfOrder++;
          else if (t === this.prev) this.duplicates++;
        }
        this.prev = t;
      }
    }
  }

  facts(): TimeFacts {
    return {
      // Rounded outward past 2^53 µs (the years 1685-2255), so the version's bounds contain every row it holds.
      minEventTime: this.min === null ? null : numberAtOrBelow(this.min),
      maxEventTime: this.max === null ? null : numberAtOrAbove(this.max),
      outOfOrder: this.outOfOrder,
      duplicateTimes: this.duplicates,
    };
  }
}
