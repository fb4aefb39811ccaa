// Arrow columns of the nested types a Delta checkpoint needs (struct, map<string,string>, list<string>, int32, bool),
// built straight from buffers: apache-arrow's Builders compile code with `new Function`, which the app's CSP forbids
// (see core/arrow-columns.ts, whose string and int64 columns these reuse).
import { Bool, Field, Int32, Int64, List, Map_, Struct, Utf8, makeData, type Data, type DataType } from 'apache-arrow';
import { int64Column, utf8Column } from '../core/arrow-columns';

function validity(valid: readonly boolean[]): { nullBitmap: Uint8Array | undefined; nullCount: number } {
  const bitmap = new Uint8Array(Math.ceil(valid.length / 8));
  let nullCount = 0;
  valid.forEach((ok, i) => {
    if (ok) bitmap[i >> 3]! |= 1 << (i & 7);
    else nullCount++;
  });
  return { nullBitmap: nullCount ? bitmap : undefined, nullCount };
}

export const utf8Data = (values: readonly (string | null)[]): Data => utf8Column(values).data[0]!;

export const int64Data = (values: readonly (number | null)[]): Data => int64Column(new Int64(), values).data[0]!;

export function int32Data(values: readonly (number | null)[]): Data {
  const data = Int32Array.from(values, (v) => v ?? 0);
  return makeData({ type: new Int32(), length: values.length, data, ...validity(values.map((v) => v !== null)) } as never);
}

/**
 * A Bool column for struct fields, where `null` only appears in rows whose struct is null. Those rows are written as
 * false and valid: apache-arrow 17's IPC writer sends an all-null Bool column with an empty data buffer, which
 * arrow-rs (parquet-wasm) rejects, and a reader never looks at a field of a null struct.
 */
export function structBoolData(values: readonly (boolean | null)[]): Data {
  const data = new Uint8Array(Math.ceil(values.length / 8));
  values.forEach((v, i) => { if (v) data[i >> 3]! |= 1 << (i & 7); });
  return makeData({ type: new Bool(), length: values.length, data, nullCount: 0 } as never);
}

/** The type of a Delta `map<string,string>` (keys required, values nullable, as Spark writes them). */
export const stringMapType = (): Map_<Utf8, Utf8> =>
  new Map_(new Field('key_value', new Struct([new Field('key', new Utf8(), false), new Field('value', new Utf8(), true)]), false), false);

export const stringListType = (): List<Utf8> => new List(new Field('element', new Utf8(), true));

export function structData(type: Struct, valid: readonly boolean[], children: readonly Data[]): Data {
  return makeData({ type, length: valid.length, children: [...children], ...validity(valid) } as never);
}

export function stringMapData(rows: readonly (Readonly<Record<string, string>> | null)[]): Data {
  const type = stringMapType();
  const valueOffsets = new Int32Array(rows.length + 1);
  const keys: string[] = [];
  const values: string[] = [];
  rows.forEach((row, i) => {
    for (const [k, v] of Object.entries(row ?? {})) { keys.push(k); values.push(v); }
    valueOffsets[i + 1] = keys.length;
  });
  const entries = structData(type.children[0]!.type as Struct, keys.map(() => true), [utf8Data(keys), utf8Data(values)]);
  return makeData({ type, length: rows.length, valueOffsets, child: entries, ...validity(rows.map((r) => r !== null)) } as never);
}

export function stringListData(rows: readonly (readonly string[] | null)[]): Data {
  const type = stringListType();
  const valueOffsets = new Int32Array(rows.length + 1);
  const items: string[] = [];
  rows.forEach((row, i) => { items.push(...(row ?? [])); valueOffsets[i + 1] = items.length; });
  return makeData({ type, length: rows.length, valueOffsets, child: utf8Data(items), ...validity(rows.map((r) => r !== null)) } as never);
}

export function fieldOf(name: string, data: Data, nullable = true): Field {
  return new Field(name, data.type as DataType, nullable);
}
