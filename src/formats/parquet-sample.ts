/**
 * The first rows of a Parquet file as text, per column, for time detection (time-detect.ts) and the import preview.
 *
 * API: sampleParquet(pw, bytes, schema, rows, name) -> { samples: ColumnSample[]; rows: (string | null)[][] }
 *
 * Only the first row group is decoded, and only `rows` of it. TIMESTAMP and DATE columns are times by their type;
 * integer and float columns may be epoch times by their values; text columns are not read as times in Parquet (a
 * writer that had times stored them typed), so they are listed as tried, not parsed.
 */
import { DataType, DateUnit, tableFromIPC, TimeUnit, type Schema, type Timestamp, type Vector } from 'apache-arrow';
import { PondError } from '../core/errors';
import type { ParquetWasm } from '../core/parquet-wasm';
import type { ColumnSample } from './time-detect';

const kindOf = (t: DataType): ColumnSample['kind'] =>
  DataType.isTimestamp(t) || DataType.isDate(t) ? 'temporal' : DataType.isInt(t) || DataType.isFloat(t) ? 'numeric' : 'other';

/** A time column's values as ISO text (UTC), from the raw stored numbers: Vector.get fails beyond 2^53 µs. */
function timeTexts(v: Vector | null, t: DataType): (string | null)[] {
  const out: (string | null)[] = [];
  const msPer = (raw: bigint | number): number => {
    if (DataType.isDate(t)) return t.unit === DateUnit.DAY ? Number(raw) * 86_400_000 : Number(raw);
    const unit = (t as Timestamp).unit;
    const b = BigInt(raw);
    return Number(unit === TimeUnit.SECOND ? b * 1000n : unit === TimeUnit.MILLISECOND ? b : unit === TimeUnit.MICROSECOND ? b / 1000n : b / 1_000_000n);
  };
  for (const d of v?.data ?? []) {
    const values = d.values as ArrayLike<bigint | number>;
    for (let i = 0; i < d.length; i++) {
      if (!d.getValid(i)) { out.push(null); continue; }
      const ms = msPer(values[i]!);
      out.push(Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString().replace('.000Z', 'Z') : String(values[i]));
    }
  }
  return out;
}

export function sampleParquet(pw: ParquetWasm, bytes: Uint8Array, schema: Schema, rows: number, name: string): { samples: ColumnSample[]; rows: (string | null)[][] } {
  let t;
  try {
    t = tableFromIPC(pw.readParquet(bytes, { rowGroups: [0], limit: Math.max(1, Math.floor(rows)) }).intoIPCStream());
  } catch (e) {
    throw new PondError('BAD_PARQUET', `${name}: cannot read its first rows: ${String((e as Error)?.message ?? e)}`, { cause: e, detail: { name } });
  }
  const cols = schema.fields.map((f) => {
    const v = t.getChild(f.name);
    if (kindOf(f.type) === 'temporal') return timeTexts(v, f.type);
    return Array.from({ length: t.numRows }, (_, i) => {
      const x: unknown = v?.get(i);
      return x === null || x === undefined ? null : String(x);
    });
  });
  const samples: ColumnSample[] = schema.fields.map((f, i) => {
    const kind = kindOf(f.type);
    return { name: f.name, type: String(f.type), kind, values: cols[i]!, ...(kind === 'temporal' ? { typed: true } : {}) };
  });
  return { samples, rows: Array.from({ length: t.numRows }, (_, r) => cols.map((c) => c[r]!)) };
}
