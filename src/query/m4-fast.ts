// M4 in JavaScript over a bound view's versions, for `m4()`: the same rows as the SQL form (m4.ts), without
// DuckDB's hash aggregate. Measured over 10M rows (bench data/m4-1000px-10m), the SQL form's arg_min/arg_max
// GROUP BY and join back took 2.3 s in duckdb-wasm (one thread); this takes ~5-30 ms a call. The arrays (time as
// µs doubles and each plotted column as doubles, plus min/max summaries per 64-row block so a pixel's inner rows
// are compared 64 at a time) are fetched from a version's cached DuckDB table once (~0.6-1 s for 10M rows) and
// kept in a bounded LRU (`PlotColumns`) that follows the version cache's evictions.
//
// Exactness: the pixel of each row is the SQL form's `(t - start) * width // span`, found by comparing t with
// pixel boundary times computed exactly (BigInt), so rows on pixel boundaries land where the SQL puts them;
// first/last are min/max time, min/max compare like DuckDB (NULL ignored, NaN above every number); the output
// is every row of the view (all versions, the view's time range) whose time is one of the chosen times, in time
// order, with x = µs / 1e6. Only used where this is exact: µs timestamps of magnitude below 2^53, value columns
// whose types convert to double without loss (floats and integers up to 32 bits), spans with span * width < 2^62.
// Ties (equal minima in one pixel) may pick a different one of the tied rows than DuckDB would; both are valid M4.
import { type Schema, Type, type Vector } from 'apache-arrow';
import type { M4Options, M4Result } from './m4';

/** One version's rows as plain arrays: time in µs (NaN for NULL) and the requested columns (null = absent). */
export interface VersionArrays {
  t: Float64Array;
  /** Whether t is non-decreasing (NaN-free); sorted versions are searched instead of scanned. */
  sorted: boolean;
  columns: Map<string, ColumnArray | null>;
}

export interface ColumnArray {
  values: Float64Array;
  /** 1 where the value is not NULL; omitted when no value is NULL. */
  valid?: Uint8Array;
  /** Whether some value is NaN (then the slower comparisons that rank NaN above every number are used). */
  nan?: boolean;
  /** Per block of BLOCK rows (by index): min and max and the first row holding each; only without NULL and NaN. */
  blocks?: Blocks;
}

export interface Blocks {
  min: Float64Array;
  minI: Int32Array;
  max: Float64Array;
  maxI: Int32Array;
}

/** Rows per block summary: a pixel's inner blocks are compared by summary, only its edges row by row. */
export const BLOCK = 64;

/** Min and max (first row of each) per block of BLOCK rows; the last, partial block is left out. */
export function blockSummaries(values: Float64Array): Blocks {
  const n = Math.floor(values.length / BLOCK);
  const b: Blocks = { min: new Float64Array(n), minI: new Int32Array(n), max: new Float64Array(n), maxI: new Int32Array(n) };
  for (let j = 0; j < n; j++) {
    let i = j * BLOCK;
    let mn = values[i]!;
    let mx = mn;
    let minI = i;
    let maxI = i;
    for (i++; i < (j + 1) * BLOCK; i++) {
      const v = values[i]!;
      if (v < mn) { mn = v; minI = i; } else if (v > mx) { mx = v; maxI = i; }
    }
    b.min[j] = mn; b.minI[j] = minI; b.max[j] = mx; b.maxI[j] = maxI;
  }
  return b;
}

/** Whether every value of an Arrow type is exactly a double (floats of 32 and 64 bits, integers up to 32 bits). */
function exactAsDouble(type: { typeId: Type; precision?: number; bitWidth?: number }): boolean {
  if (type.typeId === Type.Float) return type.precision === 1 || type.precision === 2; // SINGLE, DOUBLE
  if (type.typeId === Type.Int) return (type.bitWidth ?? 64) <= 32;
  return type.typeId === Type.Null;
}

/** Whether a version's schema allows the JS path for these columns: µs timestamps and exactly-double values. */
export function fastM4Eligible(schema: Schema, timestampColumn: string, columns: string[]): boolean {
  const ts = schema.fields.find((f) => f.name === timestampColumn);
  if (!ts || ts.type.typeId !== Type.Timestamp || (ts.type as { unit: number }).unit !== 2 /* MICROSECOND */) return false;
  for (const c of columns) {
    const f = schema.fields.find((x) => x.name === c);
    if (f && !exactAsDouble(f.type as never)) return false;
  }
  return true;
}

/** Copies an Arrow column to doubles and a validity mask (when it has NULLs). */
export function toColumnArray(v: Vector): ColumnArray {
  const n = v.length;
  const values = new Float64Array(n);
  let valid: Uint8Array | undefined;
  let at = 0;
  for (const d of v.data) {
    const src = d.values as ArrayLike<number>;
    for (let i = 0; i < d.length; i++) values[at + i] = src[i]!; // Data.values starts at the data's offset
    if (d.nullCount > 0) {
      valid ??= new Uint8Array(n).fill(1);
      for (let i = 0; i < d.length; i++) if (!d.getValid(i)) valid[at + i] = 0;
    }
    at += d.length;
  }
  let nan = false;
  for (let i = 0; i < n; i++) if (values[i] !== values[i]) { nan = true; break; }
  return { values, ...(valid ? { valid } : {}), ...(nan ? { nan } : { blocks: valid ? undefined : blockSummaries(values) }) };
}

/** Times as doubles (NaN for NULL); `undefined` when a time is too large to be exact as a double. */
export function toTimeArray(v: Vector): { t: Float64Array; sorted: boolean } | undefined {
  const c = toColumnArray(v);
  const t = c.values;
  let sorted = true;
  for (let i = 0; i < t.length; i++) {
    if (c.valid && !c.valid[i]) {
      t[i] = NaN;
      sorted = false;
      continue;
    }
    if (!(Math.abs(t[i]!) < 2 ** 53)) return undefined;
    if (i > 0 && !(t[i]! >= t[i - 1]!)) sorted = false;
  }
  return { t, sorted };
}

/** Bytes a VersionArrays entry holds (for the LRU's bound). */
export function arraysBytes(a: VersionArrays): number {
  let n = a.t.byteLength;
  for (const c of a.columns.values()) if (c) n += c.values.byteLength + (c.valid?.byteLength ?? 0) + (c.blocks ? c.blocks.min.length * 24 : 0);
  return n;
}

/**
 * Bounded LRU of version arrays keyed by the version's DuckDB table, so the JS path reads DuckDB once per version
 * and column. Entries that do not fit are not kept (the caller then uses them once and drops them).
 */
export class PlotColumns {
  private readonly entries = new Map<string, VersionArrays>();
  private bytes = 0;

  constructor(readonly maxBytes: number) {}

  get(table: string): VersionArrays | undefined {
    const e = this.entries.get(table);
    if (e) {
      this.entries.delete(table); // refresh recency
      this.entries.set(table, e);
    }
    return e;
  }

  /** Stores (or replaces) a table's arrays, evicting least recently used entries to stay within the bound. */
  set(table: string, a: VersionArrays): void {
    this.drop(table);
    const size = arraysBytes(a);
    if (size > this.maxBytes) return;
    for (const [k] of this.entries) {
      if (this.bytes + size <= this.maxBytes) break;
      this.drop(k);
    }
    this.entries.set(table, a);
    this.bytes += size;
  }

  drop(table: string): void {
    const e = this.entries.get(table);
    if (!e) return;
    this.entries.delete(table);
    this.bytes -= arraysBytes(e);
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }
}

/** First index with t[i] >= x in a sorted array. */
function lowerBound(t: Float64Array, x: number, lo = 0, hi = t.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** DuckDB's order for doubles: NaN above everything. */
const greater = (a: number, b: number) => (a !== a ? b === b : a > b);
const less = (a: number, b: number) => (b !== b ? a === a : a < b);

/**
 * M4 over the versions (in the view's union order), restricted to `within` (the view's own time range, if any).
 * Returns the same rows as `m4Sql` over the view. `o.range` must satisfy span * width < 2^62.
 */
export function m4Compute(versions: VersionArrays[], o: M4Options, within?: [number, number]): M4Result {
  const [start, end] = o.range;
  const width = o.width;
  const lo = within ? Math.max(start, within[0]) : start;
  const hi = within ? Math.min(end, within[1]) : end;
  // bound[k]: the first time whose pixel is >= k, i.e. start + ceil(k * span / width), computed exactly.
  const span = BigInt(end - start);
  const W = BigInt(width);
  const bound = new Float64Array(width + 1);
  for (let k = 0; k <= width; k++) bound[k] = start + Number((BigInt(k) * span + W - 1n) / W);
  const pixelOf = (t: number) => {
    let k = Math.min(width - 1, Math.floor(((t - start) / (end - start)) * width));
    while (k > 0 && t < bound[k]!) k--;
    while (k < width - 1 && t >= bound[k + 1]!) k++;
    return k;
  };
  const first = new Float64Array(width).fill(Infinity);
  const last = new Float64Array(width).fill(-Infinity);
  const cols = o.columns.map(() => ({
    min: new Float64Array(width), minT: new Float64Array(width).fill(NaN),
    max: new Float64Array(width), maxT: new Float64Array(width).fill(NaN),
  }));
  /** Folds row i (time t, pixel k) of a version into pixel k's state. */
  const visit = (cs: (ColumnArray | null | undefined)[], i: number, k: number, t: number) => {
    if (t < first[k]!) first[k] = t;
    if (t > last[k]!) last[k] = t;
    for (let c = 0; c < cs.length; c++) {
      const col = cs[c];
      if (!col || (col.valid && !col.valid[i])) continue;
      const v = col.values[i]!;
      const s = cols[c]!;
      if (s.minT[k] !== s.minT[k] || less(v, s.min[k]!)) { s.min[k] = v; s.minT[k] = t; }
      if (s.maxT[k] !== s.maxT[k] || greater(v, s.max[k]!)) { s.max[k] = v; s.maxT[k] = t; }
    }
  };
  for (const a of versions) {
    const t = a.t;
    const cs = o.columns.map((c) => a.columns.get(c));
    if (!a.sorted) {
      for (let i = 0; i < t.length; i++) {
        const ti = t[i]!;
        if (ti >= lo && ti < hi) visit(cs, i, pixelOf(ti), ti);
      }
      continue;
    }
    // Sorted: each pixel is an index range found by binary search; then tight loops per column.
    const from = lowerBound(t, lo);
    const to = lowerBound(t, hi, from);
    if (from >= to) continue;
    let e = from;
    for (let k = pixelOf(t[from]!); k < width && e < to; k++) {
      const s0 = e;
      e = k + 1 < width ? lowerBound(t, bound[k + 1]!, s0, to) : to;
      if (s0 >= e) continue;
      if (t[s0]! < first[k]!) first[k] = t[s0]!;
      if (t[e - 1]! > last[k]!) last[k] = t[e - 1]!;
      for (let c = 0; c < cs.length; c++) {
        const col = cs[c];
        if (!col) continue;
        const vals = col.values;
        const valid = col.valid;
        const st = cols[c]!;
        let minI = -1;
        let maxI = -1;
        let mn = 0;
        let mx = 0;
        if (!valid && !col.nan) {
          // No NULL, no NaN: plain comparisons (ties keep the first row, like the general loop).
          minI = maxI = s0;
          mn = mx = vals[s0]!;
          const bl = col.blocks;
          const j0 = Math.ceil(s0 / BLOCK);
          const j1 = bl ? Math.min(Math.floor(e / BLOCK), bl.min.length) : j0;
          // Rows before the first whole block, the whole blocks by their summaries, then the rows after (in
          // row order throughout, so ties keep the first row).
          const headEnd = j0 < j1 ? j0 * BLOCK : e;
          for (let i = s0 + 1; i < headEnd; i++) {
            const v = vals[i]!;
            if (v < mn) { mn = v; minI = i; } else if (v > mx) { mx = v; maxI = i; }
          }
          if (j0 < j1) {
            for (let j = j0; j < j1; j++) {
              if (bl!.min[j]! < mn) { mn = bl!.min[j]!; minI = bl!.minI[j]!; }
              if (bl!.max[j]! > mx) { mx = bl!.max[j]!; maxI = bl!.maxI[j]!; }
            }
            for (let i = j1 * BLOCK; i < e; i++) {
              const v = vals[i]!;
              if (v < mn) { mn = v; minI = i; } else if (v > mx) { mx = v; maxI = i; }
            }
          }
        } else for (let i = s0; i < e; i++) {
          if (valid && !valid[i]) continue;
          const v = vals[i]!;
          if (minI < 0) { minI = maxI = i; mn = mx = v; continue; }
          if (less(v, mn)) { mn = v; minI = i; }
          if (greater(v, mx)) { mx = v; maxI = i; }
        }
        if (minI < 0) continue;
        if (st.minT[k] !== st.minT[k] || less(mn, st.min[k]!)) { st.min[k] = mn; st.minT[k] = t[minI]!; }
        if (st.maxT[k] !== st.maxT[k] || greater(mx, st.max[k]!)) { st.max[k] = mx; st.maxT[k] = t[maxI]!; }
      }
    }
  }
  const keys: number[] = [];
  for (let k = 0; k < width; k++) {
    if (first[k] === Infinity) continue;
    keys.push(first[k]!, last[k]!);
    for (const s of cols) if (s.minT[k] === s.minT[k]) keys.push(s.minT[k]!, s.maxT[k]!);
  }
  const sortedKeys = Float64Array.from(new Set(keys)).sort();
  // Every row of the view at a chosen time (a semi join on time, as the SQL form does).
  const hits: { t: number; v: number; i: number }[] = [];
  versions.forEach((a, v) => {
    const t = a.t;
    if (a.sorted) {
      for (const key of sortedKeys) for (let i = lowerBound(t, key); i < t.length && t[i] === key; i++) hits.push({ t: key, v, i });
    } else {
      const set = new Set(sortedKeys);
      for (let i = 0; i < t.length; i++) if (set.has(t[i]!)) hits.push({ t: t[i]!, v, i });
    }
  });
  hits.sort((p, q) => p.t - q.t || p.v - q.v || p.i - q.i);
  const x = new Float64Array(hits.length);
  const y: Record<string, (number | null)[]> = {};
  for (const c of o.columns) y[c] = new Array<number | null>(hits.length);
  hits.forEach((h, j) => {
    x[j] = h.t / 1e6;
    const a = versions[h.v]!;
    for (const c of o.columns) {
      const col = a.columns.get(c);
      y[c]![j] = !col || (col.valid && !col.valid[h.i]) ? null : col.values[h.i]!;
    }
  });
  return { x, y };
}
