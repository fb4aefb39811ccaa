// OplogEntry rows <-> Parquet files (one per transaction, or one per compaction). The column types follow the
// Delta schemaString in delta-log.ts: times are Timestamp(µs, UTC), counters Int64.
import { Binary, Field, Int64, Schema, Table, TimestampMicrosecond, Utf8, tableFromIPC, tableToIPC, type Data, type Vector } from 'apache-arrow';
import { binaryColumn, int64Column, utf8Column } from '../core/arrow-columns';
import { PondError } from '../core/errors';
import { isEntryType, type OplogEntry } from '../core/entry';
import { loadParquetWasm } from '../core/parquet-wasm';
import { numberAtOrAbove, numberAtOrBelow } from '../core/utc-micros';

const TS = new TimestampMicrosecond('UTC');

export const OPLOG_ARROW_SCHEMA = new Schema([
  new Field('part_id', new Utf8(), false),
  new Field('node_id', new Utf8(), false),
  new Field('entry_type', new Utf8(), false),
  new Field('version', new Int64(), false),
  new Field('timestamp', TS, false),
  new Field('content', new Binary(), true),
  new Field('sha256', new Utf8(), true),
  new Field('size', new Int64(), false),
  new Field('min_event_time', TS, true),
  new Field('max_event_time', TS, true),
  new Field('extended_attributes', new Utf8(), true),
  new Field('txn_seq', new Int64(), false),
]);

/** The entries as an Arrow table with the oplog schema. */
export function entriesToArrow(entries: readonly OplogEntry[]): Table {
  const col = <K extends keyof OplogEntry>(k: K) => entries.map((e) => e[k]);
  return new Table(OPLOG_ARROW_SCHEMA, {
    part_id: utf8Column(col('part_id')),
    node_id: utf8Column(col('node_id')),
    entry_type: utf8Column(col('entry_type')),
    version: int64Column(new Int64(), col('version')),
    timestamp: int64Column(TS, col('timestamp')),
    content: binaryColumn(col('content')),
    sha256: utf8Column(col('sha256')),
    size: int64Column(new Int64(), col('size')),
    min_event_time: int64Column(TS, col('min_event_time')),
    max_event_time: int64Column(TS, col('max_event_time')),
    extended_attributes: utf8Column(col('extended_attributes')),
    txn_seq: int64Column(new Int64(), col('txn_seq')),
  });
}

/** Encodes rows as a Parquet file (ZSTD: the oplog is read at every open, and is mostly small). */
export async function encodeEntries(entries: readonly OplogEntry[]): Promise<Uint8Array> {
  const pw = await loadParquetWasm();
  const props = new pw.WriterPropertiesBuilder().setCompression(pw.Compression.ZSTD).setCreatedBy('duckpond-web oplog').build();
  return pw.writeParquet(pw.Table.fromIPCStream(tableToIPC(entriesToArrow(entries), 'stream')), props);
}

function int64At(data: Data, i: number): number | null {
  if (!data.getValid(i)) return null;
  return Number((data.values as BigInt64Array)[data.offset + i]);
}

/**
 * An event-time bound as a number, rounded outward past 2^53 µs (see core/utc-micros.ts): a min rounded down
 * and a max rounded up still contain every row, so pruning and plot ranges never drop one, and a compaction that
 * writes the numbers back keeps valid (if a few µs looser) bounds. Commit times are clamped the same way, so
 * writing one back never wraps past int64.
 */
function boundAt(data: Data, i: number, round: typeof numberAtOrBelow): number | null {
  if (!data.getValid(i)) return null;
  return round((data.values as BigInt64Array)[data.offset + i]!);
}

/** Decodes an oplog Parquet file; `name` names it in errors. */
export async function decodeEntries(bytes: Uint8Array, name: string): Promise<OplogEntry[]> {
  const pw = await loadParquetWasm();
  let table: Table;
  try {
    table = tableFromIPC(pw.readParquet(bytes).intoIPCStream());
  } catch (e) {
    throw new PondError('CORRUPT', `oplog file ${name} cannot be read: ${(e as Error)?.message ?? e}`, { cause: e, detail: { name } });
  }
  const out: OplogEntry[] = [];
  for (const batch of table.batches) {
    const c = (n: string) => {
      const v = batch.getChild(n);
      if (!v) throw new PondError('CORRUPT', `oplog file ${name} lacks column ${n}`, { detail: { name } });
      return v;
    };
    const [partId, nodeId, type, content, sha, attrs] = ['part_id', 'node_id', 'entry_type', 'content', 'sha256', 'extended_attributes'].map(c) as Vector[];
    const [version, ts, size, minT, maxT, seq] = ['version', 'timestamp', 'size', 'min_event_time', 'max_event_time', 'txn_seq'].map((n) => c(n).data[0]!);
    for (let i = 0; i < batch.numRows; i++) {
      const entryType = String(type!.get(i));
      if (!isEntryType(entryType)) throw new PondError('CORRUPT', `oplog file ${name}: unknown entry type ${JSON.stringify(entryType)}`, { detail: { name } });
      const blob = content!.get(i) as Uint8Array | null;
      out.push({
        part_id: partId!.get(i),
        node_id: nodeId!.get(i),
        entry_type: entryType,
        version: int64At(version!, i)!,
        timestamp: boundAt(ts!, i, numberAtOrBelow)!,
        content: blob ? blob.slice() : null,
        sha256: sha!.get(i),
        size: int64At(size!, i)!,
        min_event_time: boundAt(minT!, i, numberAtOrBelow),
        max_event_time: boundAt(maxT!, i, numberAtOrAbove),
        extended_attributes: attrs!.get(i),
        txn_seq: int64At(seq!, i)!,
      });
    }
  }
  return out;
}
