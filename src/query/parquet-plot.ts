// M4 of a stored table or series straight from its Parquet versions (parquet-wasm) with the JS M4 of m4-fast.ts: no
// DuckDB. The first screen is a chart of a stored series; DuckDB's start (worker, 34 MB of wasm fetched, compiled and
// run: 0.8-2.6 s measured on this 2-core machine, BENCHMARKS.md) is what it used to wait for. Only the time column
// and the plotted columns of the versions in range are decoded, and kept (as doubles, with the block summaries of
// m4-fast.ts) in a bounded LRU keyed by (file, version), which never changes meaning.
//
// The same answer as `m4()` over the bound view (engine.ts): the versions a view reads (a table its latest, a series
// all, pruned by the range), the union by name (a column a version lacks is null there), each row's time as µs, and
// m4Compute over exactly the arrays engine.m4Fast builds from DuckDB's copy. Wherever that path would not run (a
// time unit other than µs, a value type that is not exactly a double, times past 2^53 µs, a column no version has,
// versions whose types disagree), `plot` answers undefined and the caller runs the DuckDB path, which gives the same
// answer or the error.
import { type Schema, Type, type Vector } from 'apache-arrow';
import { throwIfAborted } from '../core/errors';
import { parquetSchema, parquetToArrow } from '../formats/parquet';
import type { BindSource, SourceVersion } from './engine';
import type { M4Options, M4Result } from './m4';
import { fastM4Eligible, m4Compute, PlotColumns, toColumnArray, type ColumnArray, type VersionArrays } from './m4-fast';
import { mayIntersect } from './overlaps';
import { schemaConflicts } from './schema';
import { versionKey } from './version-cache';
import { readRangedFooter, readRowGroups, rowGroupsMeeting, type RangedFooter } from './ranged-parquet';

export interface ParquetPlotOptions {
  /** Bytes of decoded plot columns kept (default 256 MiB, like the engine's own plot cache). */
  maxBytes?: number;
}

/** Footer schemas kept (by version key): enough for every version of a few big series. */
const MAX_SCHEMAS = 4096;

/** One per pond worker: plots of stored sources without DuckDB, and the decoded columns they keep. */
export class ParquetPlots {
  private readonly cache: PlotColumns;
  /** Footers by version key: which columns a version has, and of what type, without decoding it. */
  private readonly schemas = new Map<string, Schema>();
  /** Footers of versions read by ranges (by version key): their schema, row groups and time statistics. */
  private readonly footers = new Map<string, Promise<RangedFooter>>();
  /** Decodes under way, so two charts of one series at once decode it once. */
  private readonly loading = new Map<string, Promise<VersionArrays | undefined>>();
  /** Counts for tests and benchmarks: plots answered here, and versions decoded from Parquet. */
  readonly counts = { plots: 0, decoded: 0 };

  constructor(options: ParquetPlotOptions = {}) {
    this.cache = new PlotColumns(options.maxBytes ?? 256 * 1024 * 1024);
  }

  /**
   * M4 of `source` over `o.range` (the view's range too, as Queries.plot binds it), or undefined when only the DuckDB
   * path can answer exactly. `o` must already be validated (m4Sql does that).
   */
  async plot(source: BindSource, o: M4Options & { signal?: AbortSignal }): Promise<M4Result | undefined> {
    const [start, end] = o.range;
    // The limits of the JS path (m4-fast.ts): times compared as doubles, pixel arithmetic within 2^62.
    if (this.cache.maxBytes <= 0 || (end - start) * o.width >= 2 ** 62 || !(Math.abs(start) <= 2 ** 53 && Math.abs(end) <= 2 ** 53)) return undefined;
    const sorted = [...source.versions].sort((a, b) => a.version - b.version);
    const selected = (source.kind === 'table' ? sorted.slice(-1) : sorted).filter((v) => mayIntersect(v, o.range));
    // The view's columns are those of the versions it reads: a column none has is DuckDB's binder error to give.
    const schemas: Schema[] = [];
    for (const v of selected) {
      throwIfAborted(o.signal, 'query');
      schemas.push(await this.schemaOf(source, v));
    }
    const present = new Set(schemas.flatMap((s) => s.fields.map((f) => f.name)));
    if (o.columns.some((c) => !present.has(c))) return undefined;
    for (let i = 1; i < schemas.length; i++) if (schemaConflicts(schemas[0]!, schemas[i]!).length > 0) return undefined;
    if (!schemas.every((s) => fastM4Eligible(s, o.timestampColumn, o.columns))) return undefined;
    const arrays: VersionArrays[] = [];
    for (const [i, v] of selected.entries()) {
      throwIfAborted(o.signal, 'query');
      // A version read by ranges: only the row groups whose times meet the range (none: it adds no row to the chart).
      const groups = v.ranges ? rowGroupsMeeting(await this.footerOf(source, v), o.timestampColumn, o.range) : undefined;
      if (groups?.length === 0) continue;
      const a = await this.arraysOf(source, v, schemas[i]!, o.timestampColumn, o.columns, groups);
      if (!a) return undefined;
      arrays.push(a);
    }
    throwIfAborted(o.signal, 'query');
    this.counts.plots++;
    return m4Compute(arrays, o, o.range);
  }

  private async schemaOf(source: BindSource, v: SourceVersion): Promise<Schema> {
    const key = versionKey(source.fileKey, v.version);
    let s = this.schemas.get(key);
    if (!s) {
      s = v.ranges ? (await this.footerOf(source, v)).schema : await parquetSchema(await v.load(), nameOf(source, v));
      // A footer's schema is small, but a pond may have many versions: the oldest entries go past a bound.
      if (this.schemas.size >= MAX_SCHEMAS) this.schemas.delete(this.schemas.keys().next().value!);
      this.schemas.set(key, s);
    }
    return s;
  }

  /** A ranged version's footer, fetched once (a failed fetch is not kept: the next chart asks again). */
  private footerOf(source: BindSource, v: SourceVersion): Promise<RangedFooter> {
    const key = versionKey(source.fileKey, v.version);
    let f = this.footers.get(key);
    if (!f) {
      f = readRangedFooter(v.ranges!, nameOf(source, v));
      f.catch(() => this.footers.delete(key)); // the caller sees the error; a later chart fetches the footer anew
      if (this.footers.size >= MAX_SCHEMAS) this.footers.delete(this.footers.keys().next().value!);
      this.footers.set(key, f);
    }
    return f;
  }

  /**
   * A version's time and value arrays (of row groups `groups` only, for a version read by ranges): from the LRU,
   * completed with the columns it lacks, or decoded once.
   */
  private async arraysOf(source: BindSource, v: SourceVersion, schema: Schema, ts: string, columns: string[], groups?: number[]): Promise<VersionArrays | undefined> {
    const key = groups ? `${versionKey(source.fileKey, v.version)}#rg${groups.join(',')}` : versionKey(source.fileKey, v.version);
    for (;;) {
      const have = this.cache.get(key);
      if (have && columns.every((c) => have.columns.has(c))) return have;
      const pending = this.loading.get(key);
      if (!pending) break;
      await pending; // another chart is decoding this version: then see whether it decoded what this one needs
    }
    const have = this.cache.get(key);
    const missing = columns.filter((c) => !have?.columns.has(c));
    const load = (async (): Promise<VersionArrays | undefined> => {
      const names = new Set(schema.fields.map((f) => f.name));
      const read = [...(have ? [] : [ts]), ...missing.filter((c) => names.has(c))];
      const table = !read.length ? undefined
        : groups && v.ranges ? await readRowGroups(v.ranges, groups, nameOf(source, v), read)
          : await parquetToArrow(await v.load(), nameOf(source, v), read);
      if (table) this.counts.decoded++;
      let time = have ? { t: have.t, sorted: have.sorted } : undefined;
      if (!time) {
        time = timeArray(table!.getChild(ts)!);
        if (!time) return undefined; // a time past 2^53 µs: not exact as a double
      }
      const next: VersionArrays = { t: time.t, sorted: time.sorted, columns: new Map(have?.columns ?? []) };
      for (const c of missing) next.columns.set(c, names.has(c) ? valueArray(table!.getChild(c)!, time.t.length) : null);
      this.cache.set(key, next);
      return next;
    })();
    this.loading.set(key, load);
    try {
      return await load;
    } finally {
      this.loading.delete(key);
    }
  }
}

function nameOf(source: BindSource, v: SourceVersion): string {
  return `${source.path ?? source.fileKey} v${v.version}`;
}

/**
 * A µs timestamp column as doubles (NaN for NULL), as DuckDB's `epoch_us(t)::DOUBLE` gives it to the engine's JS
 * path; undefined when a time is too large to be exact as a double (then DuckDB's path answers).
 */
export function timeArray(v: Vector): { t: Float64Array; sorted: boolean } | undefined {
  const t = new Float64Array(v.length);
  let sorted = true;
  let at = 0;
  for (const d of v.data) {
    const values = d.values as unknown;
    if (!(values instanceof BigInt64Array)) return undefined; // not the int64 layout this reads: let DuckDB read it
    for (let i = 0; i < d.length; i++, at++) {
      if (d.nullCount > 0 && !d.getValid(i)) {
        t[at] = NaN;
        sorted = false;
        continue;
      }
      const us = values[i]!;
      if (us >= 2n ** 53n || us <= -(2n ** 53n)) return undefined;
      t[at] = Number(us);
      if (at > 0 && !(t[at]! >= t[at - 1]!)) sorted = false;
    }
  }
  return { t, sorted };
}

/** A value column (a type fastM4Eligible allowed) as doubles; a column of the Null type is all NULL. */
function valueArray(v: Vector, rows: number): ColumnArray {
  if (v.type.typeId === Type.Null) return { values: new Float64Array(rows), valid: new Uint8Array(rows) };
  return toColumnArray(v);
}
