// OplogEntry rows <-> Parquet files (one per transaction, or one per compaction). The column types follow the
// Delta schemaString in delta-log.ts: times are Timestamp(µs, UTC), counters Int64.
import { Binary, Field, Int64, Schema, Table, TimestampMicrosecond, Utf8, tableFromIPC, tableToIPC, type Data, type DataType } from 'apache-arrow';
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

// Column readers straight over Arrow's buffers: opening decodes every live row (20 000 in a pond of 10 000
// transactions), and Vector.get's per-value dispatch, BigInt conversions and a TextDecoder call per string made
// that most of a cold open. Each reader turns one column into plain JS values in one tight loop.

const TWO_32 = 2 ** 32;
/** |hi word| below this: the int64 is below 2^53 in magnitude, exact as a number without BigInt. */
const SAFE_HI = 2 ** 21;

function isValid(data: Data, i: number): boolean {
  const bitmap = data.nullBitmap;
  if (!bitmap || bitmap.length === 0 || data.nullCount === 0) return true;
  const j = data.offset + i;
  return ((bitmap[j >> 3]! >> (j & 7)) & 1) === 1;
}

/**
 * An Int64/Timestamp column as numbers (null where null). Below 2^53 the value is read from its two 32-bit words;
 * beyond, `round` (numberAtOrBelow / numberAtOrAbove, see core/utc-micros.ts) says which way to round.
 */
function int64Values(data: Data, round: (v: bigint) => number = Number): (number | null)[] {
  const big = data.values as BigInt64Array;
  const words = new Int32Array(big.buffer, big.byteOffset, big.length * 2);
  const out = new Array<number | null>(data.length);
  for (let i = 0; i < data.length; i++) {
    if (!isValid(data, i)) { out[i] = null; continue; }
    const k = (data.offset + i) * 2;
    const hi = words[k + 1]!;
    out[i] = hi < SAFE_HI && hi >= -SAFE_HI ? hi * TWO_32 + (words[k]! >>> 0) : round(big[data.offset + i]!);
  }
  return out;
}

const utf8 = new TextDecoder();

/** A Utf8 column as strings: one decode of the whole buffer when it is ASCII (ids, hashes, types), else per value. */
function utf8Values(data: Data): (string | null)[] {
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  const first = offsets[data.offset]!;
  const last = offsets[data.offset + data.length]!;
  const all = utf8.decode(bytes.subarray(first, last));
  const ascii = !/[^\x00-\x7f]/.test(all); // then character offsets are byte offsets
  const out = new Array<string | null>(data.length);
  for (let i = 0; i < data.length; i++) {
    if (!isValid(data, i)) { out[i] = null; continue; }
    const a = offsets[data.offset + i]!;
    const b = offsets[data.offset + i + 1]!;
    out[i] = ascii ? all.substring(a - first, b - first) : utf8.decode(bytes.subarray(a, b));
  }
  return out;
}

/** A Binary column as copies (each value its own buffer: inline content outlives the decoded file). */
function binaryValues(data: Data): (Uint8Array | null)[] {
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  const out = new Array<Uint8Array | null>(data.length);
  for (let i = 0; i < data.length; i++) {
    if (!isValid(data, i)) { out[i] = null; continue; }
    const a = offsets[data.offset + i]!;
    const b = offsets[data.offset + i + 1]!;
    out[i] = bytes.slice(a, b);
  }
  return out;
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
    const c = (n: string): Data => {
      const v = batch.getChild(n);
      if (!v) throw new PondError('CORRUPT', `oplog file ${name} lacks column ${n}`, { detail: { name } });
      // The readers below walk the buffers of exactly these types (a LargeUtf8 or Int32 column would be misread).
      const want = OPLOG_ARROW_SCHEMA.fields.find((f) => f.name === n)!.type;
      const got = v.type as DataType & { bitWidth?: number };
      if (got.typeId !== want.typeId || got.bitWidth !== (want as DataType & { bitWidth?: number }).bitWidth) {
        throw new PondError('CORRUPT', `oplog file ${name}: column ${n} is ${String(got)}, not ${String(want)}`, { detail: { name } });
      }
      return v.data[0]!; // a record batch's column is one chunk
    };
    const [partId, nodeId, type, sha, attrs] = ['part_id', 'node_id', 'entry_type', 'sha256', 'extended_attributes'].map((n) => utf8Values(c(n)));
    const content = binaryValues(c('content'));
    const [version, size, seq] = ['version', 'size', 'txn_seq'].map((n) => int64Values(c(n)));
    const ts = int64Values(c('timestamp'), numberAtOrBelow);
    const minT = int64Values(c('min_event_time'), numberAtOrBelow);
    const maxT = int64Values(c('max_event_time'), numberAtOrAbove);
    for (let i = 0; i < batch.numRows; i++) {
      const entryType = type![i]!;
      if (!isEntryType(entryType)) throw new PondError('CORRUPT', `oplog file ${name}: unknown entry type ${JSON.stringify(entryType)}`, { detail: { name } });
      out.push({
        part_id: partId![i]!,
        node_id: nodeId![i]!,
        entry_type: entryType,
        version: version![i]!,
        timestamp: ts[i]!,
        content: content[i]!,
        sha256: sha![i]!,
        size: size![i]!,
        min_event_time: minT[i]!,
        max_event_time: maxT[i]!,
        extended_attributes: attrs![i]!,
        txn_seq: seq![i]!,
      });
    }
  }
  return out;
}
