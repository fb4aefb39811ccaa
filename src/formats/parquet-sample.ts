/**
 * The first rows of a Parquet file as text, per column, for time detection (time-detect.ts) and the import preview.
 *
 * API: sampleParquet(pw, bytes, schema, rows, name) -> { samples: ColumnSample[]; rows: (string | null)[][] }
 *
 * Only the first row group is decoded, and only `rows` of it. TIMESTAMP and DATE columns are times by their type;
 * integer and float columns may be epoch times by their values; text columns are not read as times in Parquet (a
 * writer that had times stored them typed), so they are listed as tried, not parsed.
 */
import { DataType, tableFromIPC, type Schema } from 'apache-arrow';
import { PondError } from '../core/errors';
import type { ParquetWasm } from '../core/parquet-wasm';
import type { ColumnSample } from './time-detect';

const kindOf = (t: DataType): ColumnSample['kind'] =>
  DataType.isTimestamp(t) || DataType.isDate(t) ? 'temporal' : DataType.isInt(t) || DataType.isFloat(t) ? 'numeric' : 'other';

/** A value as a person reads it in a preview: times as ISO (UTC), the rest as written. */
function show(v: unknown, t: DataType): string | null {
  if (v === null || v === undefined) return null;
  if ((DataType.isTimestamp(t) || DataType.isDate(t)) && (typeof v === 'number' || typeof v === 'bigint')) {
    const ms = Number(v);
    return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString().replace('.000Z', 'Z') : String(v);
  }
  if (v instanceof Date) return v.toISOString();
  return String(v);
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
    return Array.from({ length: t.numRows }, (_, i) => show(v?.get(i), f.type));
  });
  const samples: ColumnSample[] = schema.fields.map((f, i) => {
    const kind = kindOf(f.type);
    return { name: f.name, type: String(f.type), kind, values: cols[i]!, ...(kind === 'temporal' ? { typed: true } : {}) };
  });
  return { samples, rows: Array.from({ length: t.numRows }, (_, r) => cols.map((c) => c[r]!)) };
}
