// Arrow columns built straight from buffers. apache-arrow's Builders (behind vectorFromArray/tableFromArrays)
// compile their null check with `new Function`, which the app's Content-Security-Policy forbids (no 'unsafe-eval'),
// so code that runs in the app builds its columns here instead.
import { Binary, Utf8, makeData, makeVector, type DataType, type Vector } from 'apache-arrow';

/** The null bitmap and count of a column whose value `i` is null when `isNull(i)`. */
export function validity(isNull: (i: number) => boolean, length: number): { nullBitmap: Uint8Array | undefined; nullCount: number } {
  const bitmap = new Uint8Array(Math.ceil(length / 8));
  let nullCount = 0;
  for (let i = 0; i < length; i++) {
    if (isNull(i)) nullCount++;
    else bitmap[i >> 3]! |= 1 << (i & 7);
  }
  return { nullBitmap: nullCount ? bitmap : undefined, nullCount };
}

/** An Int64-backed column (Int64 or Timestamp) from JS numbers, exact below 2^53. */
export function int64Column<T extends DataType>(type: T, values: readonly (number | null)[]): Vector<T> {
  const data = new BigInt64Array(values.length);
  values.forEach((v, i) => { if (v !== null) data[i] = BigInt(v); });
  return makeVector(makeData({ type, length: values.length, data, ...validity((i) => values[i] === null, values.length) } as never)) as Vector<T>;
}

function variableWidth<T extends Utf8 | Binary>(type: T, values: readonly (Uint8Array | null)[]): Vector<T> {
  const valueOffsets = new Int32Array(values.length + 1);
  let size = 0;
  values.forEach((v, i) => { size += v?.length ?? 0; valueOffsets[i + 1] = size; });
  const data = new Uint8Array(size);
  values.forEach((v, i) => { if (v) data.set(v, valueOffsets[i]!); });
  return makeVector(makeData({ type, length: values.length, valueOffsets, data, ...validity((i) => values[i] === null, values.length) } as never)) as unknown as Vector<T>;
}

const utf8 = new TextEncoder();

export function utf8Column(values: readonly (string | null)[]): Vector<Utf8> {
  return variableWidth(new Utf8(), values.map((v) => (v === null ? null : utf8.encode(v))));
}

export function binaryColumn(values: readonly (Uint8Array | null)[]): Vector<Binary> {
  return variableWidth(new Binary(), values);
}

/** `length` nulls of a fixed-width or string/binary type (other types are not needed by the app). */
export function nullColumn(type: DataType, length: number): Vector {
  const all = validity(() => true, length);
  if (type instanceof Utf8 || type instanceof Binary) {
    return makeVector(makeData({ type, length, valueOffsets: new Int32Array(length + 1), data: new Uint8Array(0), ...all } as never));
  }
  const ArrayType = (type as unknown as { ArrayType: new (n: number) => ArrayBufferView }).ArrayType;
  const stride = (type as unknown as { stride?: number }).stride ?? 1;
  return makeVector(makeData({ type, length, data: new ArrayType(length * stride), ...all } as never));
}
