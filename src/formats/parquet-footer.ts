/**
 * Just enough of the Parquet footer (Thrift compact protocol) to read INT96 timestamps exactly.
 *
 * Why: parquet-wasm (arrow-rs 59) turns INT96 into Timestamp(NANOSECOND), which wraps past the int64 ns range
 * (years before 1677 or after 2262, e.g. Spark's 9999-12-31). arrow-rs reads INT96 straight into microseconds
 * when the file's embedded Arrow schema (key `ARROW:schema`) asks for it, so we add that hint to the footer.
 *
 * API: parseFooter(bytes) -> Footer, int96Columns(footer) -> names, withKeyValue(bytes, footer, key, value) -> bytes.
 * Generic: every field is kept as read and written back, so nothing else in the footer changes.
 */
import { PondError } from '../core/errors';

export type Value = boolean | number | bigint | Uint8Array | Field[] | ListValue | MapValue;
export interface Field { id: number; type: number; value: Value }
export interface ListValue { kind: 'list'; etype: number; items: Value[] }
interface MapValue { kind: 'map'; ktype: number; vtype: number; entries: [Value, Value][] }
export interface Footer { fields: Field[]; start: number; length: number }

const T = { TRUE: 1, FALSE: 2, BYTE: 3, I16: 4, I32: 5, I64: 6, DOUBLE: 7, BINARY: 8, LIST: 9, SET: 10, MAP: 11, STRUCT: 12 } as const;
const MAX_DEPTH = 64;

export class Reader {
  pos = 0;
  constructor(private readonly b: Uint8Array) {}
  byte(): number {
    if (this.pos >= this.b.length) throw new Error('footer ends early');
    return this.b[this.pos++]!;
  }
  varint(): bigint {
    let r = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const x = this.byte();
      r |= BigInt(x & 0x7f) << shift;
      if (!(x & 0x80)) return r;
    }
    throw new Error('varint too long');
  }
  zigzag(): bigint { const v = this.varint(); return (v >> 1n) ^ -(v & 1n); }
  bytes(n: number): Uint8Array {
    if (n < 0 || this.pos + n > this.b.length) throw new Error('footer ends early');
    const out = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  value(type: number, depth: number): Value {
    if (depth > MAX_DEPTH) throw new Error('footer nests too deep');
    switch (type) {
      case T.TRUE: return true;
      case T.FALSE: return false;
      case T.BYTE: return this.byte();
      case T.I16: case T.I32: return Number(this.zigzag());
      case T.I64: return this.zigzag();
      case T.DOUBLE: return this.bytes(8);
      case T.BINARY: return this.bytes(Number(this.varint()));
      case T.LIST: case T.SET: {
        const h = this.byte();
        const size = (h >> 4) === 15 ? Number(this.varint()) : h >> 4;
        const etype = h & 15;
        if (size > this.b.length) throw new Error('list longer than the footer');
        const items: Value[] = [];
        for (let i = 0; i < size; i++) items.push(etype === T.TRUE || etype === T.FALSE ? this.byte() === 1 : this.value(etype, depth + 1));
        return { kind: 'list', etype, items };
      }
      case T.MAP: {
        const size = Number(this.varint());
        if (size > this.b.length) throw new Error('map longer than the footer');
        const kv = size ? this.byte() : 0;
        const entries: [Value, Value][] = [];
        for (let i = 0; i < size; i++) entries.push([this.value(kv >> 4, depth + 1), this.value(kv & 15, depth + 1)]);
        return { kind: 'map', ktype: kv >> 4, vtype: kv & 15, entries };
      }
      case T.STRUCT: return this.struct(depth + 1);
      default: throw new Error(`unknown Thrift type ${type}`);
    }
  }
  struct(depth = 0): Field[] {
    const fields: Field[] = [];
    let last = 0;
    for (;;) {
      const h = this.byte();
      if (h === 0) return fields;
      const type = h & 15;
      const id = h >> 4 ? last + (h >> 4) : Number(this.zigzag());
      fields.push({ id, type, value: this.value(type, depth) });
      last = id;
    }
  }
}

class Writer {
  private out: number[] = [];
  byte(x: number) { this.out.push(x & 0xff); }
  varint(v: bigint) {
    do { let b = Number(v & 0x7fn); v >>= 7n; if (v) b |= 0x80; this.byte(b); } while (v);
  }
  zigzag(v: bigint) { this.varint(v >= 0n ? v << 1n : ((-v) << 1n) - 1n); }
  bytes(b: Uint8Array) { for (const x of b) this.out.push(x); }
  value(type: number, v: Value) {
    switch (type) {
      case T.TRUE: case T.FALSE: return;
      case T.BYTE: return this.byte(v as number);
      case T.I16: case T.I32: return this.zigzag(BigInt(v as number));
      case T.I64: return this.zigzag(v as bigint);
      case T.DOUBLE: return this.bytes(v as Uint8Array);
      case T.BINARY: { const b = v as Uint8Array; this.varint(BigInt(b.length)); return this.bytes(b); }
      case T.LIST: case T.SET: {
        const l = v as ListValue;
        if (l.items.length < 15) this.byte((l.items.length << 4) | l.etype);
        else { this.byte(0xf0 | l.etype); this.varint(BigInt(l.items.length)); }
        for (const it of l.items) {
          if (l.etype === T.TRUE || l.etype === T.FALSE) this.byte(it ? 1 : 2);
          else this.value(l.etype, it);
        }
        return;
      }
      case T.MAP: {
        const m = v as MapValue;
        this.varint(BigInt(m.entries.length));
        if (m.entries.length) this.byte((m.ktype << 4) | m.vtype);
        for (const [k, x] of m.entries) { this.value(m.ktype, k); this.value(m.vtype, x); }
        return;
      }
      case T.STRUCT: return this.struct(v as Field[]);
    }
  }
  struct(fields: Field[]) {
    let last = 0;
    for (const f of [...fields].sort((a, b) => a.id - b.id)) {
      const type = f.type === T.TRUE || f.type === T.FALSE ? (f.value ? T.TRUE : T.FALSE) : f.type;
      const delta = f.id - last;
      if (delta > 0 && delta <= 15) this.byte((delta << 4) | type);
      else { this.byte(type); this.zigzag(BigInt(f.id)); }
      this.value(type, f.value);
      last = f.id;
    }
    this.byte(0);
  }
  result() { return Uint8Array.from(this.out); }
}

/** The footer (FileMetaData) of a Parquet file; BAD_PARQUET when it cannot be parsed. */
export function parseFooter(bytes: Uint8Array, name = 'parquet data'): Footer {
  const n = bytes.length;
  const length = n >= 12 ? new DataView(bytes.buffer, bytes.byteOffset + n - 8, 4).getUint32(0, true) : -1;
  const start = n - 8 - length;
  if (length < 0 || start < 4) throw new PondError('BAD_PARQUET', `${name}: the footer length does not fit the file`, { detail: { name } });
  try {
    const fields = new Reader(bytes.subarray(start, n - 8)).struct();
    // FileMetaData's required fields: version, schema, num_rows, row_groups.
    if (![1, 2, 3, 4].every((id) => fields.some((f) => f.id === id))) throw new Error('required fields are missing');
    return { fields, start, length };
  } catch (e) {
    throw new PondError('BAD_PARQUET', `${name}: cannot parse the footer: ${(e as Error).message}`, { cause: e, detail: { name } });
  }
}

const text = new TextDecoder();
const get = (fields: Field[], id: number) => fields.find((f) => f.id === id)?.value;

/** Names of top-level columns stored as INT96 (SchemaElement.type == 3 directly under the root). */
export function int96Columns(footer: Footer): string[] {
  const schema = get(footer.fields, 2) as ListValue | undefined;
  if (!schema) return [];
  const elements = schema.items as Field[][];
  const out: string[] = [];
  // elements[0] is the root; walk its direct children, skipping each child's subtree.
  const rootChildren = Number(get(elements[0] ?? [], 5) ?? 0);
  let i = 1;
  const skip = (at: number): number => {
    const kids = Number(get(elements[at] ?? [], 5) ?? 0);
    let next = at + 1;
    for (let k = 0; k < kids && next < elements.length; k++) next = skip(next);
    return next;
  };
  for (let c = 0; c < rootChildren && i < elements.length; c++) {
    const el = elements[i]!;
    if (get(el, 1) === 3 && get(el, 5) === undefined) out.push(text.decode(get(el, 4) as Uint8Array));
    i = skip(i);
  }
  return out;
}

/** The same file with key_value_metadata[key] set to value (the data pages are untouched; offsets stay valid). */
export function withKeyValue(bytes: Uint8Array, footer: Footer, key: string, value: string): Uint8Array {
  const enc = new TextEncoder();
  const kv: Field[] = [{ id: 1, type: T.BINARY, value: enc.encode(key) }, { id: 2, type: T.BINARY, value: enc.encode(value) }];
  const fields = footer.fields.filter((f) => f.id !== 5);
  const old = get(footer.fields, 5) as ListValue | undefined;
  const items = (old?.items ?? []).filter((it) => text.decode(get(it as Field[], 1) as Uint8Array) !== key);
  fields.push({ id: 5, type: T.LIST, value: { kind: 'list', etype: T.STRUCT, items: [...items, kv] } });
  const w = new Writer();
  w.struct(fields);
  const meta = w.result();
  const out = new Uint8Array(footer.start + meta.length + 8);
  out.set(bytes.subarray(0, footer.start));
  out.set(meta, footer.start);
  new DataView(out.buffer).setUint32(footer.start + meta.length, meta.length, true);
  out.set([0x50, 0x41, 0x52, 0x31], out.length - 4);
  return out;
}

/** Number of row groups (FileMetaData.row_groups). */
export function rowGroupCount(footer: Footer): number {
  return ((get(footer.fields, 4) as ListValue | undefined)?.items.length) ?? 0;
}

/** Min and max of a column chunk as its footer records them (plain encoding: an INT64 is 8 little-endian bytes). */
export interface ChunkStats { min?: Uint8Array; max?: Uint8Array }

/** Where one row group's bytes lie in its file, its row count, and its column chunks' statistics by column name. */
export interface RowGroupSpan { offset: number; length: number; rows: number; stats: Map<string, ChunkStats> }

const num = (v: Value | undefined): number | undefined => (typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : undefined);

/**
 * Each row group's byte span (from its first column chunk's first page, dictionary or data, to its last chunk's end)
 * and the min/max its chunks record, read from the footer alone. BAD_PARQUET when a chunk lacks its offsets or lies
 * in another file: such a file cannot be read by ranges.
 */
export function rowGroupSpans(footer: Footer, name = 'parquet data'): RowGroupSpan[] {
  const groups = ((get(footer.fields, 4) as ListValue | undefined)?.items ?? []) as Field[][];
  return groups.map((g, i) => {
    let start = Infinity;
    let end = -Infinity;
    const stats = new Map<string, ChunkStats>();
    for (const chunk of ((get(g, 1) as ListValue | undefined)?.items ?? []) as Field[][]) {
      const meta = get(chunk, 3) as Field[] | undefined;
      const data = num(get(meta ?? [], 9));
      const size = num(get(meta ?? [], 7));
      if (!meta || get(chunk, 1) !== undefined || data === undefined || size === undefined) {
        throw new PondError('BAD_PARQUET', `${name}: row group ${i} has a column chunk without its offsets (or in another file)`, { detail: { name, rowGroup: i } });
      }
      const dict = num(get(meta, 11));
      const from = dict !== undefined && dict > 0 ? Math.min(dict, data) : data;
      start = Math.min(start, from);
      end = Math.max(end, from + size);
      const path = ((get(meta, 3) as ListValue | undefined)?.items ?? []).map((p) => text.decode(p as Uint8Array)).join('.');
      const s = get(meta, 12) as Field[] | undefined;
      if (s) {
        // min_value/max_value (5, 6) are the exact ones; min/max (2, 1) the deprecated pair older writers set.
        const min = (get(s, 6) ?? get(s, 2)) as Uint8Array | undefined;
        const max = (get(s, 5) ?? get(s, 1)) as Uint8Array | undefined;
        stats.set(path, { ...(min ? { min } : {}), ...(max ? { max } : {}) });
      }
    }
    if (!(start < end)) throw new PondError('BAD_PARQUET', `${name}: row group ${i} has no column chunks`, { detail: { name, rowGroup: i } });
    return { offset: start, length: end - start, rows: num(get(g, 3)) ?? 0, stats };
  });
}

/**
 * Top-level columns stored as INT64 timestamps in microseconds (logical type TIMESTAMP(MICROS), or the older
 * converted type TIMESTAMP_MICROS): the ones whose statistics are µs since the epoch as 8 little-endian bytes.
 */
export function microsTimestampColumns(footer: Footer): Set<string> {
  const out = new Set<string>();
  const elements = ((get(footer.fields, 2) as ListValue | undefined)?.items ?? []) as Field[][];
  const rootChildren = Number(get(elements[0] ?? [], 5) ?? 0);
  const skip = (at: number): number => {
    const kids = Number(get(elements[at] ?? [], 5) ?? 0);
    let next = at + 1;
    for (let k = 0; k < kids && next < elements.length; k++) next = skip(next);
    return next;
  };
  let i = 1;
  for (let c = 0; c < rootChildren && i < elements.length; c++) {
    const el = elements[i]!;
    if (get(el, 1) === 2 && get(el, 5) === undefined) {
      const logical = get(el, 10) as Field[] | undefined;
      const timestamp = logical ? (get(logical, 8) as Field[] | undefined) : undefined;
      const unit = timestamp ? (get(timestamp, 2) as Field[] | undefined) : undefined;
      const micros = logical ? unit?.some((f) => f.id === 2) === true : get(el, 6) === 10;
      if (micros) out.add(text.decode(get(el, 4) as Uint8Array));
    }
    i = skip(i);
  }
  return out;
}
