import { describe, expect, it } from 'vitest';
import { makeData, makeVector, Table, TimestampMicrosecond } from 'apache-arrow';
import { TimeStats } from '../../../src/formats/time-stats';

const batch = (values: bigint[]) => new Table({ t: makeVector(makeData({ type: new TimestampMicrosecond(), length: values.length, data: BigInt64Array.from(values) })) }).batches[0]!;

describe('TimeStats past 2^53 µs', () => {
  it('reports exact bounds where numbers are exact and outward-rounded ones beyond', () => {
    const s = new TimeStats();
    s.add(batch([-62135596800000000n, 1704067200000000n]), 't');
    s.add(batch([2n ** 60n + 1n]), 't');
    expect(s.facts()).toEqual({ minEventTime: -62135596800000000, maxEventTime: 2 ** 60 + 256, outOfOrder: 0, duplicateTimes: 0 });
    const low = new TimeStats();
    low.add(batch([-(2n ** 60n) - 1n, 0n]), 't');
    expect(low.facts().minEventTime).toBe(-(2 ** 60) - 256);
  });
});
