/**
 * Column names and types in words, for `describe` (and for the import result).
 * API: describeType(type) -> string, describeSchema(schemaOrTable) -> ColumnDescription[].
 */
import { DataType, DateUnit, TimeUnit, type Field, type Schema, type Table } from 'apache-arrow';

export interface ColumnDescription { name: string; type: string; nullable: boolean }

const UNITS: Record<TimeUnit, string> = { [TimeUnit.SECOND]: 's', [TimeUnit.MILLISECOND]: 'ms', [TimeUnit.MICROSECOND]: 'µs', [TimeUnit.NANOSECOND]: 'ns' };

/** One Arrow type as a short phrase: "timestamp (µs, UTC)", "list of int32", "struct {a: text}". */
export function describeType(t: DataType): string {
  if (DataType.isTimestamp(t)) return `timestamp (${UNITS[t.unit]}${t.timezone ? `, ${t.timezone}` : ', UTC by convention'})`;
  if (DataType.isDate(t)) return t.unit === DateUnit.DAY ? 'date' : 'date (ms)';
  if (DataType.isTime(t)) return `time of day (${UNITS[t.unit]})`;
  if (DataType.isInt(t)) return `${t.isSigned ? 'int' : 'uint'}${t.bitWidth}`;
  if (DataType.isFloat(t)) return ['float16', 'float32', 'float64'][t.precision] ?? 'float';
  if (DataType.isDecimal(t)) return `decimal(${t.precision}, ${t.scale})`;
  if (DataType.isUtf8(t) || DataType.isLargeUtf8(t)) return 'text';
  if (DataType.isBinary(t) || DataType.isLargeBinary(t)) return 'binary';
  if (DataType.isFixedSizeBinary(t)) return `binary (${t.byteWidth} bytes)`;
  if (DataType.isBool(t)) return 'boolean';
  if (DataType.isNull(t)) return 'null';
  if (DataType.isDictionary(t)) return describeType(t.dictionary);
  if (DataType.isList(t) || DataType.isFixedSizeList(t)) return `list of ${describeType(t.children[0]!.type)}`;
  if (DataType.isMap(t)) return `map of ${t.children[0]!.type.children.map((c: Field) => describeType(c.type)).join(' to ')}`;
  if (DataType.isStruct(t)) return `struct {${t.children.map((c) => `${c.name}: ${describeType(c.type)}`).join(', ')}}`;
  if (DataType.isDuration(t)) return `duration (${UNITS[t.unit]})`;
  if (DataType.isInterval(t)) return 'interval';
  return String(t);
}

/** The columns of a schema or table, in order. */
export function describeSchema(input: Schema | Table): ColumnDescription[] {
  const schema = 'schema' in input ? input.schema : input;
  return schema.fields.map((f) => ({ name: f.name, type: describeType(f.type), nullable: f.nullable }));
}
