// Oplog rows whose int64 times a JS number cannot hold exactly (issue 10): decoded bounds keep every row.
import { describe, expect, it } from 'vitest';
import { tableToIPC } from 'apache-arrow';
import { Table as WasmTable, writeParquet } from 'parquet-wasm';
import { ROOT_ID, type OplogEntry } from '../../../src/core/entry';
import { decodeEntries, encodeEntries, entriesToArrow } from '../../../src/oplog/entry-codec';

const row: OplogEntry = {
  part_id: ROOT_ID, node_id: '0190f0d2-7a3c-7c1e-9f00-000000000001', entry_type: 'file:series', version: 1, timestamp: 1704067200000000,
  content: new Uint8Array([1]), sha256: 'ab'.repeat(32), size: 1, min_event_time: 0, max_event_time: 0, extended_attributes: '{}', txn_seq: 1,
};

/** The row as oplog Parquet with raw int64 values written into its time columns (as another writer could). */
function withRawTimes(times: { timestamp: bigint; min: bigint; max: bigint }): Uint8Array {
  const t = entriesToArrow([row]);
  (t.getChild('timestamp')!.data[0]!.values as BigInt64Array)[0] = times.timestamp;
  (t.getChild('min_event_time')!.data[0]!.values as BigInt64Array)[0] = times.min;
  (t.getChild('max_event_time')!.data[0]!.values as BigInt64Array)[0] = times.max;
  return writeParquet(WasmTable.fromIPCStream(tableToIPC(t, 'stream')));
}

describe('oplog times past 2^53 µs', () => {
  it('decodes event-time bounds rounded outward, so the range still holds the first and last row', async () => {
    // 2^60 + 1 lies between the numbers 2^60 and 2^60 + 256: a min becomes the one below, a max the one above.
    const [e] = await decodeEntries(withRawTimes({ timestamp: 9_200_000_000_000_000_000n, min: 2n ** 60n + 1n, max: 2n ** 60n + 1n }), 'crafted');
    expect(e!.min_event_time).toBe(2 ** 60);
    expect(e!.max_event_time).toBe(2 ** 60 + 256);
    expect(e!.timestamp).toBe(9.2e18);
  });

  it('clamps times at the ends of int64, so a compaction writing them back does not wrap', async () => {
    const [e] = await decodeEntries(withRawTimes({ timestamp: 2n ** 63n - 1n, min: -(2n ** 63n), max: 2n ** 63n - 1n }), 'crafted');
    expect(e!.max_event_time).toBe(2 ** 63 - 1024);
    expect(e!.min_event_time).toBe(-(2 ** 63));
    expect(e!.timestamp).toBe(2 ** 63 - 1024);
    const [again] = await decodeEntries(await encodeEntries([e!]), 're-encoded');
    expect([again!.timestamp, again!.min_event_time, again!.max_event_time]).toEqual([2 ** 63 - 1024, -(2 ** 63), 2 ** 63 - 1024]);
  });
});
