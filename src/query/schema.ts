// Schema rules for series versions: which column type changes are errors, and the Arrow normalisation applied
// before a version is handed to DuckDB.
import { DataType, type Dictionary, Field, makeData, makeVector, Schema, Table, Timestamp, Type, type Vector } from 'apache-arrow';
import { PondError } from '../core/errors';

/**
 * The type a column has for compatibility purposes. Physical variants that read the same in SQL are one
 * logical type: Utf8 / LargeUtf8 / dictionary-of-strings are `string`, binaries are `binary`, and a timestamp
 * is a timestamp whatever its unit or zone (the pond stores UTC instants; DuckDB unions the units).
 */
export function logicalType(type: DataType): string {
  switch (type.typeId) {
    case Type.Utf8:
    case Type.LargeUtf8:
      return 'string';
    case Type.Binary:
    case Type.LargeBinary:
      return 'binary';
    case Type.Dictionary:
      return logicalType((type as Dictionary).dictionary as DataType);
    case Type.Timestamp:
      return 'timestamp';
    case Type.List:
    case Type.FixedSizeList:
      return `list<${logicalType(type.children[0]!.type as DataType)}>`;
    default:
      return String(type);
  }
}

/** Name and both types of each column whose type differs between two schemas (columns only on one side are fine). */
export function schemaConflicts(existing: Schema, next: Schema): { column: string; existing: string; next: string }[] {
  const before = new Map(existing.fields.map((f) => [f.name, f.type as DataType]));
  const out: { column: string; existing: string; next: string }[] = [];
  for (const f of next.fields) {
    const old = before.get(f.name);
    if (old === undefined) continue; // a new column: older versions read it as null
    if (old.typeId === Type.Null || f.type.typeId === Type.Null) continue; // an all-null column has no type to conflict with
    if (logicalType(old) !== logicalType(f.type as DataType)) out.push({ column: f.name, existing: String(old), next: String(f.type) });
  }
  return out;
}

/**
 * Append-time check: throws SCHEMA_MISMATCH naming every column whose type changes and both types.
 * New columns are allowed (older versions read them as null); dropped columns are allowed (they read as null).
 */
export function checkSchemaCompatible(existing: Schema, next: Schema, what = 'new version'): void {
  const conflicts = schemaConflicts(existing, next);
  if (conflicts.length === 0) return;
  const list = conflicts.map((c) => `column "${c.column}" is ${c.existing} in the series but ${c.next} in the ${what}`).join('; ');
  throw new PondError('SCHEMA_MISMATCH', `${what} does not fit the series: ${list}`, { detail: { conflicts } });
}

/** The schema that all versions together present: first-seen order, first-seen type. */
export function mergedSchema(schemas: readonly Schema[]): Schema {
  const fields = new Map<string, Field>();
  for (const s of schemas) for (const f of s.fields) if (!fields.has(f.name)) fields.set(f.name, f);
  return new Schema([...fields.values()]);
}

/**
 * Drops the time zone of timestamp columns without copying data. A zoned Arrow timestamp becomes DuckDB's
 * TIMESTAMPTZ, whose functions need the ICU extension we do not have offline (time_bucket on it fails in
 * duckdb-wasm 1.32); the values are UTC instants either way, so a zone-less TIMESTAMP is the same data.
 */
export function withoutTimeZones(table: Table): Table {
  const zoned = table.schema.fields.some((f) => f.type.typeId === Type.Timestamp && (f.type as Timestamp).timezone);
  if (!zoned) return table;
  const columns: Record<string, Vector> = {};
  for (const f of table.schema.fields) {
    const v = table.getChild(f.name)!;
    const t = f.type as Timestamp;
    if (f.type.typeId === Type.Timestamp && t.timezone) {
      const plain = new Timestamp(t.unit, null);
      columns[f.name] = makeVector(v.data.map((d) => makeData({ type: plain, offset: d.offset, length: d.length, nullCount: d.nullCount, nullBitmap: d.nullBitmap, data: d.values as BigInt64Array })));
    } else {
      columns[f.name] = v;
    }
  }
  return new Table(columns);
}
