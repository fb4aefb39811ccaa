import { describe, expect, it } from 'vitest';
import { makeData, makeVector, Int32, TimestampMicrosecond, TimestampNanosecond, TimestampSecond, type Data } from 'apache-arrow';
import { cellReader, timestampMillis } from '../../../src/core/arrow-cells';

describe('cellReader', () => {
  it('reads µs timestamps of any int64 size as epoch ms, across chunks and around nulls', () => {
    const type = new TimestampMicrosecond();
    const a = makeData({ type, length: 3, data: BigInt64Array.of(1704141296123456n, 0n, -62135596800000000n), nullBitmap: Uint8Array.of(0b101) });
    const b = makeData({ type, length: 2, data: BigInt64Array.of(253402225200000000n, 9089380393200000000n) });
    const v = makeVector([a, b] as Data<TimestampMicrosecond>[]);
    const read = cellReader(v);
    expect([0, 1, 2, 3, 4, 0].map(read)).toEqual([1704141296123.456, null, -62135596800000, 253402225200000, 9089380393200000, 1704141296123.456]);
    // a slice: its values start at its own offset, its validity at the parent's
    const sliced = cellReader(makeVector(a.slice(1, 2)));
    expect([0, 1].map(sliced)).toEqual([null, -62135596800000]);
  });

  it('reads other units, and any other column as Arrow does', () => {
    expect(cellReader(makeVector(makeData({ type: new TimestampSecond(), length: 1, data: BigInt64Array.of(9089380393200n) })))(0)).toBe(9089380393200000);
    expect(cellReader(makeVector(makeData({ type: new TimestampNanosecond(), length: 1, data: BigInt64Array.of(-1n) })))(0)).toBe(-0.000001);
    expect(cellReader(makeVector(makeData({ type: new Int32(), length: 2, data: Int32Array.of(7, 8) })))(1)).toBe(8);
    expect(cellReader(null)(0)).toBeUndefined();
    expect(timestampMillis(1500n, 2)).toBe(1.5);
  });
});

describe('decimal cells', () => {
  it('reads two\'s-complement words of any width, and applies the scale', async () => {
    const { decimalWords, decimalValue } = await import('../../../src/core/arrow-cells');
    // 2^64 + 5 as four little-endian words; -1 as all ones; the int128 minimum.
    expect(decimalWords(Uint32Array.of(5, 0, 1, 0), 0, 4)).toBe(2n ** 64n + 5n);
    expect(decimalWords(Uint32Array.of(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff), 0, 4)).toBe(-1n);
    expect(decimalWords(Uint32Array.of(9, 9, 0, 0, 0, 0x80000000), 2, 4)).toBe(-(2n ** 127n));
    expect(decimalWords(Uint32Array.of(20003603, 0), 0, 2)).toBe(20003603n);
    expect(decimalValue(12345n, 0)).toBe(12345n);
    expect(decimalValue(-12345n, 3)).toBe(-12.345);
    expect(decimalValue(7n, -2)).toBe(700n);
  });
});
