/**
 * Event-time normalisation, shared by the CSV and Parquet imports (detection: time-detect.ts). Pure: no DuckDB, no wasm.
 *
 * Output convention: the event-time column becomes Arrow `Timestamp(MICROSECOND)` with NO time-zone tag, holding
 * UTC microseconds. Why no tag: Arrow `tz='UTC'` becomes DuckDB TIMESTAMPTZ, whose bucketing functions
 * (date_bin, time_bucket) need the ICU extension that duckdb-wasm cannot load offline; TIMESTAMP works everywhere.
 *
 * API: TIME_COLUMN_NAMES, zoneOffsetMs(tz, utcMs), localToUtcMs(tz, localMs),
 * assertTimeZone(tz), guessEpochUnit(v), normaliseTimeColumn(batch, column, opts) -> {batch, min, max}.
 */
import {
  DataType, DateUnit, makeData, RecordBatch, Schema, Field, Struct, TimestampMicrosecond, TimeUnit, type Data, type TypeMap,
} from 'apache-arrow';
import { PondError } from '../core/errors';

/** Names the original DuckPond recognises as the event-time column, in order of preference (time-detect.ts picks). */
export const TIME_COLUMN_NAMES = ['timestamp', 'Timestamp', 'event_time', 'time', 'ts', 'datetime'] as const;

/** Throws INVALID_INPUT unless `tz` is an IANA zone this browser knows. */
export function assertTimeZone(tz: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch (e) {
    throw new PondError('INVALID_INPUT', `unknown time zone "${tz}" (use an IANA name such as Europe/Berlin)`, { cause: e, detail: { timezone: tz } });
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', era: 'short',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Offset of `tz` from UTC at the instant `utcMs`, in ms (positive east of Greenwich), from Intl. */
export function zoneOffsetMs(tz: string, utcMs: number): number {
  const parts = formatter(tz).formatToParts(new Date(utcMs));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  let year = get('year');
  if (parts.find((p) => p.type === 'era')?.value === 'BC') year = 1 - year;
  const wall = Date.UTC(year, get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  // formatToParts drops milliseconds; compare at whole seconds.
  return wall - (utcMs - (((utcMs % 1000) + 1000) % 1000));
}

const DAY = 86_400_000;

/**
 * The UTC instant of wall-clock time `localMs` (ms since the epoch read as if UTC) in `tz`.
 * Ambiguous times (clocks going back) take the earlier instant; times in a gap (clocks going forward) are moved
 * forward by the gap — the same choices as Temporal's 'compatible' disambiguation.
 */
export function localToUtcMs(tz: string, localMs: number): number {
  const before = zoneOffsetMs(tz, localMs - DAY);
  const after = zoneOffsetMs(tz, localMs + DAY);
  if (before === after) {
    const o = zoneOffsetMs(tz, localMs - before);
    if (o === before) return localMs - before;
  }
  const tBefore = localMs - before;
  const tAfter = localMs - after;
  const okBefore = zoneOffsetMs(tz, tBefore) === before;
  const okAfter = zoneOffsetMs(tz, tAfter) === after;
  if (okBefore && okAfter) return Math.min(tBefore, tAfter);
  if (okBefore) return tBefore;
  if (okAfter) return tAfter;
  return tBefore; // in the gap: the pre-transition offset lands after the jump
}

/** Seconds or milliseconds for epoch numbers, from one value: 1e11 s is the year 5138, 1e11 ms is 1973-03-03. */
export function guessEpochUnit(v: number): 's' | 'ms' {
  return Math.abs(v) >= 1e11 ? 'ms' : 's';
}

export interface NormaliseOptions {
  /** IANA zone for zone-less times; default UTC. Ignored for values that carry their own zone. */
  timezone?: string;
  /** For numeric columns; default guessed from the first non-null value. */
  epochUnit?: 's' | 'ms';
  /** Names the input in errors. */
  source?: string;
}

export interface NormalisedBatch { batch: RecordBatch; min: bigint | null; max: bigint | null; epochUnit?: 's' | 'ms' }

const MICROS_PER: Record<TimeUnit, bigint> = { [TimeUnit.SECOND]: 1_000_000n, [TimeUnit.MILLISECOND]: 1000n, [TimeUnit.MICROSECOND]: 1n, [TimeUnit.NANOSECOND]: 0n };

/** Converts one raw stored value (from Data.values, never Vector.get, which rounds timestamps to ms) to UTC µs. */
type ToMicros = (raw: bigint | number) => bigint | null;

function converter(type: DataType, opts: NormaliseOptions, firstValue: bigint | number | null): { fn: ToMicros; epochUnit?: 's' | 'ms'; identity?: boolean } {
  const tz = opts.timezone && opts.timezone !== 'UTC' ? opts.timezone : undefined;
  // Wall-clock values in a named zone: shift by the zone's offset, cached per 15 minutes (transitions fall on quarter hours;
  // a bucket with a transition inside is computed value by value).
  const cache = new Map<number, number>();
  const local = (us: bigint): bigint => {
    if (!tz) return us;
    const ms = Number(us / 1000n);
    const key = Math.floor(ms / 900_000);
    let shift = cache.get(key);
    if (shift === undefined) {
      const start = key * 900_000;
      const a = localToUtcMs(tz, start) - start;
      const b = localToUtcMs(tz, start + 899_999) - (start + 899_999);
      if (a !== b) return us + BigInt(localToUtcMs(tz, ms) - ms) * 1000n;
      cache.set(key, (shift = a));
    }
    return us + BigInt(shift) * 1000n;
  };
  if (DataType.isTimestamp(type)) {
    const zoned = !!type.timezone; // zoned Arrow timestamps are UTC instants already
    const unit = type.unit;
    const identity = unit === TimeUnit.MICROSECOND && (zoned || !tz);
    return {
      identity,
      fn: (raw) => {
        const v = BigInt(raw);
        const us = unit === TimeUnit.NANOSECOND ? v / 1000n : v * MICROS_PER[unit];
        return zoned ? us : local(us);
      },
    };
  }
  if (DataType.isDate(type)) {
    const perUnit = type.unit === DateUnit.DAY ? 86_400_000_000n : 1000n;
    return { fn: (raw) => local(BigInt(raw) * perUnit) };
  }
  if (DataType.isInt(type) || DataType.isFloat(type)) {
    const unit = opts.epochUnit ?? guessEpochUnit(firstValue === null ? 0 : Number(firstValue));
    const scale = unit === 's' ? 1_000_000 : 1000;
    return {
      epochUnit: unit,
      fn: (raw) => {
        if (typeof raw === 'bigint') return raw * BigInt(scale);
        return Number.isFinite(raw) ? BigInt(Math.round(raw * scale)) : null;
      },
    };
  }
  throw new PondError('INVALID_INPUT', `${opts.source ?? 'input'}: a column of type ${String(type)} cannot hold event times`, { detail: { name: opts.source, type: String(type) } });
}

/** Replaces column `column` of `batch` by UTC µs Timestamp(MICROSECOND) and returns its min/max (null when all null). */
export function normaliseTimeColumn(batch: RecordBatch, column: string, opts: NormaliseOptions = {}): NormalisedBatch {
  const index = batch.schema.fields.findIndex((f) => f.name === column);
  const data = batch.data.children[index] as Data | undefined;
  const field = batch.schema.fields[index];
  if (!data || !field) throw new PondError('INTERNAL', `column ${column} missing from a batch`);
  const values = data.values as ArrayLike<bigint | number>;
  const n = batch.numRows;
  let first: bigint | number | null = null;
  for (let i = 0; i < n && first === null; i++) if (data.getValid(i)) first = values[i]!;
  const { fn, epochUnit, identity } = converter(field.type, opts, first);
  if (identity && values instanceof BigInt64Array && data.offset === 0) return retag(batch, index, data, values);
  const out = identity && values instanceof BigInt64Array ? values : new BigInt64Array(n);
  const valid = new Uint8Array(Math.ceil(n / 8));
  let min: bigint | null = null;
  let max: bigint | null = null;
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const us = data.getValid(i) ? (identity ? BigInt(values[i]!) : fn(values[i]!)) : null;
    if (us === null) { nulls++; continue; }
    out[i] = us;
    valid[i >> 3]! |= 1 << (i & 7);
    if (min === null || us < min) min = us;
    if (max === null || us > max) max = us;
  }
  const type = new TimestampMicrosecond();
  const col = makeData({ type, length: n, nullCount: nulls, nullBitmap: nulls ? valid : null, data: out });
  const fields = batch.schema.fields.map((f, i) => (i === index ? new Field(f.name, type, true, f.metadata) : f));
  const children = batch.schema.fields.map((_, i) => (i === index ? col : batch.data.children[i]!)) as Data[];
  const schema = new Schema(fields, batch.schema.metadata);
  const struct = makeData({ type: new Struct<TypeMap>(fields), length: n, nullCount: 0, children });
  return { batch: new RecordBatch(schema, struct), min, max, ...(epochUnit ? { epochUnit } : {}) };
}

/** Already UTC µs: keep the buffers, only drop any zone tag, and scan for min/max (the common CSV case). */
function retag(batch: RecordBatch, index: number, data: Data, values: BigInt64Array): NormalisedBatch {
  let min: bigint | null = null;
  let max: bigint | null = null;
  const all = data.nullCount === 0;
  for (let i = 0; i < values.length; i++) {
    if (!all && !data.getValid(i)) continue;
    const v = values[i]!;
    if (min === null || v < min) min = v;
    if (max === null || v > max) max = v;
  }
  const type = new TimestampMicrosecond();
  const col = makeData({ type, length: data.length, nullCount: data.nullCount, nullBitmap: data.nullBitmap, data: values, offset: 0 });
  const fields = batch.schema.fields.map((f, i) => (i === index ? new Field(f.name, type, true, f.metadata) : f));
  const children = batch.schema.fields.map((_, i) => (i === index ? col : batch.data.children[i]!)) as Data[];
  const struct = makeData({ type: new Struct<TypeMap>(fields), length: batch.numRows, nullCount: 0, children });
  return { batch: new RecordBatch(new Schema(fields, batch.schema.metadata), struct), min, max };
}
