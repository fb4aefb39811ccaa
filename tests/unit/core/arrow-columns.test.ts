import { describe, expect, it } from 'vitest';
import { Float64, Int64, Table, TimestampMicrosecond, Utf8, tableFromIPC, tableToIPC } from 'apache-arrow';
import { binaryColumn, int64Column, nullColumn, utf8Column } from '../../../src/core/arrow-columns';

const roundTrip = (t: Table) => tableFromIPC(tableToIPC(t, 'stream'));

describe('Builder-free Arrow columns', () => {
  it('keep strings (unicode, empty) and nulls apart', () => {
    const t = roundTrip(new Table({ s: utf8Column(['ʤ lake', '', null, 'x']) }));
    expect(t.getChild('s')!.toArray()).toEqual(['ʤ lake', '', null, 'x']);
    expect(t.getChild('s')!.nullCount).toBe(1);
  });
  it('keep bytes and nulls, and int64 values exact to 2^53', () => {
    const big = 2 ** 53 - 1;
    const t = roundTrip(new Table({
      b: binaryColumn([new Uint8Array([1, 2]), null, new Uint8Array()]),
      n: int64Column(new Int64(), [big, null, -5]),
      ts: int64Column(new TimestampMicrosecond('UTC'), [1_700_000_000_123_456, null, 0]),
    }));
    expect([...(t.getChild('b')!.get(0) as Uint8Array)]).toEqual([1, 2]);
    expect(t.getChild('b')!.get(1)).toBeNull();
    expect(t.getChild('n')!.toArray()).toEqual(BigInt64Array.from([BigInt(big), 0n, -5n]));
    expect(t.getChild('n')!.get(1)).toBeNull();
    expect((t.getChild('ts')!.data[0]!.values as BigInt64Array)[0]).toBe(1_700_000_000_123_456n);
  });
  it('make all-null columns of fixed-width and string types', () => {
    for (const type of [new Float64(), new Int64(), new Utf8(), new TimestampMicrosecond()]) {
      const v = roundTrip(new Table({ c: nullColumn(type, 3) })).getChild('c')!;
      expect(v.length).toBe(3);
      expect(v.nullCount).toBe(3);
      expect([v.get(0), v.get(2)]).toEqual([null, null]);
    }
  });
});
