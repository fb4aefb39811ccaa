// Reading cells of an Arrow result for display and export, for any time a TIMESTAMP column can hold.
// apache-arrow's own `Vector.get` turns a timestamp into epoch ms through `bigIntToNumber`, which throws
// ("… is not safe to convert to a number") past 2^53 ms, the year 287 396: one such cell (Spark's INT96
// 9089380393200000000 µs) would fail a whole page of rows. Here timestamps are read from the raw int64 values
// instead and given as epoch ms like `get` gives them (exact to the µs below 2^53 µs, and to the ms up to
// ~2^53 ms; beyond, the nearest number). Only types are imported: the UI loads apache-arrow lazily.
import type { Vector } from 'apache-arrow';

const TIMESTAMP = 10; // apache-arrow's Type.Timestamp
const DECIMAL = 7; // apache-arrow's Type.Decimal
const DIVISOR_TO_MS = [null, 1n, 1000n, 1_000_000n] as const; // TimeUnit SECOND, MILLISECOND, MICROSECOND, NANOSECOND

/** Epoch ms of a raw timestamp value in `unit` (0 s, 1 ms, 2 µs, 3 ns), never throwing. */
export function timestampMillis(raw: bigint, unit: number): number {
  if (unit === 0) return Number(raw) * 1000;
  const d = DIVISOR_TO_MS[unit] ?? 1n;
  return Number(raw / d) + Number(raw % d) / Number(d);
}

/**
 * The integer a decimal cell holds, from its little-endian 32-bit words (two's complement over all of them).
 * apache-arrow's `get` gives these words as an object whose JSON is a quoted string (the shell showed
 * `"\"20003603\""` for a DuckDB HUGEINT sum, which arrives as DECIMAL(38,0)) and which ignores the scale.
 */
export function decimalWords(words: Uint32Array, start: number, count: number): bigint {
  let n = 0n;
  for (let w = count - 1; w >= 0; w--) n = (n << 32n) | BigInt(words[start + w]!);
  const bits = BigInt(count * 32);
  return n >= 1n << (bits - 1n) ? n - (1n << bits) : n;
}

/**
 * A decimal as a display value: an exact bigint at scale 0 (sums of BIGINT), else a number (nearest double; the
 * decimals DuckDB gives for averages and money fit one to ~15 significant digits).
 */
export function decimalValue(unscaled: bigint, scale: number): bigint | number {
  if (scale <= 0) return scale === 0 ? unscaled : unscaled * 10n ** BigInt(-scale);
  const d = 10n ** BigInt(scale);
  return Number(unscaled / d) + Number(unscaled % d) / Number(d);
}

/** A reader of cell `i` of `v` (across its chunks): `v.get(i)`, except timestamps and decimals, read as above. */
export function cellReader(v: Vector | null | undefined): (i: number) => unknown {
  if (!v) return () => undefined;
  if (v.type.typeId === DECIMAL) {
    const { scale, bitWidth } = v.type as unknown as { scale: number; bitWidth: number };
    const words = (bitWidth || 128) / 32;
    return chunked(v, (d, j) => decimalValue(decimalWords(d.values as Uint32Array, j * words, words), scale));
  }
  if (v.type.typeId !== TIMESTAMP) return (i) => v.get(i);
  const unit = (v.type as { unit: number }).unit;
  return chunked(v, (d, j) => timestampMillis((d.values as BigInt64Array)[j]!, unit)); // values start at the chunk's own offset
}

/** Reads cell `i` through the chunk that holds it (null where it is not valid). */
function chunked(v: Vector, read: (d: Vector['data'][number], j: number) => unknown): (i: number) => unknown {
  const starts: number[] = [];
  let n = 0;
  for (const d of v.data) { starts.push(n); n += d.length; }
  let c = 0;
  return (i) => {
    if (i < starts[c]! || i >= starts[c]! + v.data[c]!.length) {
      c = 0;
      while (c + 1 < starts.length && starts[c + 1]! <= i) c++;
    }
    const d = v.data[c];
    const j = i - starts[c]!;
    if (!d || j < 0 || j >= d.length || !d.getValid(j)) return null;
    return read(d, j);
  };
}
