// Temporal reduce (the original's `temporal-reduce`): per time bucket, avg/min/max/count/sum of each numeric
// column (or of the columns each aggregation names), output as `col.agg` columns, buckets from time_bucket(width, ts, epoch). Also the incremental form
// that recomputes only the buckets a new version touches.
import { Table, type DataType, type Vector } from 'apache-arrow';
import { nullColumn } from '../core/arrow-columns';
import { PondError } from '../core/errors';
import type { QueryEngine } from './engine';
import { ident, intervalLiteral, timeRangePredicate } from './sql';

export type Aggregation = 'avg' | 'min' | 'max' | 'count' | 'sum';
export const DEFAULT_AGGREGATIONS: readonly Aggregation[] = ['avg', 'min', 'max', 'count'];
export const DEFAULT_RESOLUTIONS: readonly string[] = ['1h', '2h', '4h', '12h', '24h'];

export interface ReduceOptions {
  timestampColumn: string;
  /** Numeric columns to aggregate; see `numericColumns` to pick them from a view. */
  columns: string[];
  /** Bucket width: `30s`, `15m`, `1h`, `1d` … or µs as a number. */
  resolution: string | number;
  aggregations?: readonly Aggregation[];
  /** Per aggregation, the subset of `columns` it applies to (the original's per-aggregation `columns`); default all. */
  columnsFor?: ReadonlyMap<Aggregation, readonly string[]>;
  /** Half-open [start, end) in UTC µs; when set, only rows inside are read. */
  range?: [number, number];
}

const UNIT_US: Record<string, number> = { us: 1, ms: 1e3, s: 1e6, m: 60e6, min: 60e6, h: 3600e6, d: 86400e6 };

/** A resolution in µs: `1h` → 3 600 000 000. Month-like widths are refused (they are not fixed). */
export function parseResolution(r: string | number): number {
  if (typeof r === 'number') {
    if (Number.isSafeInteger(r) && r > 0) return r;
  } else {
    const m = /^\s*(\d+)\s*(us|ms|s|min|m|h|d)\s*$/.exec(r);
    if (m) return Number(m[1]) * UNIT_US[m[2]!]!;
  }
  throw new PondError('INVALID_INPUT', `resolution ${JSON.stringify(r)} is not a positive width such as 30s, 15m, 1h or 1d`);
}

/** The bucket a µs time falls in (its start), counted from the epoch like time_bucket(width, ts, epoch). */
export function bucketStart(us: number, widthUs: number): number {
  return Math.floor(us / widthUs) * widthUs;
}

/** The half-open span of whole buckets a version's inclusive [min, max] touches. */
export function touchedRange(minUs: number, maxUs: number, widthUs: number): [number, number] {
  return [bucketStart(minUs, widthUs), bucketStart(maxUs, widthUs) + widthUs];
}

/** The SQL expression for one aggregation of one column, named `col.agg`. */
export function aggregateSql(column: string, agg: Aggregation): string {
  const c = ident(column);
  const out = ident(`${column}.${agg}`);
  switch (agg) {
    case 'avg':
      // favg is Kahan-summed; the CASE makes a constant's average exactly that constant, and the clamp keeps
      // min <= avg <= max even where rounding of the sum would step outside by an ulp.
      return `CASE WHEN min(${c}) = max(${c}) THEN min(${c})::DOUBLE ELSE least(greatest(favg(${c}), min(${c})), max(${c})) END AS ${out}`;
    case 'min':
    case 'max':
      return `${agg}(${c}) AS ${out}`;
    case 'sum':
      // DuckDB sums integers as HUGEINT, which Arrow hands JS as 128-bit words: a DOUBLE like avg reads and plots as
      // a number (exact to 2^53, far beyond a bucket of sensor readings).
      return `sum(${c})::DOUBLE AS ${out}`;
    case 'count':
      return `count(${c}) AS ${out}`;
  }
}

/** One resolution's reduce statement: bucket start in the timestamp column's name, then `col.agg` columns. */
export function reduceSql(table: string, o: ReduceOptions): string {
  const width = parseResolution(o.resolution);
  const aggs = o.aggregations ?? DEFAULT_AGGREGATIONS;
  const ts = ident(o.timestampColumn);
  const select = [`time_bucket(${intervalLiteral(width)}, ${ts}, TIMESTAMP '1970-01-01') AS ${ts}`];
  if (aggs.includes('count')) select.push(`count(${ts}) AS ${ident(`${o.timestampColumn}.count`)}`);
  for (const c of o.columns) for (const a of aggs) if (o.columnsFor?.get(a)?.includes(c) ?? true) select.push(aggregateSql(c, a));
  const where = o.range ? ` WHERE ${timeRangePredicate(o.timestampColumn, o.range)}` : '';
  return `SELECT ${select.join(', ')} FROM ${ident(table)}${where} GROUP BY 1 ORDER BY 1`;
}

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL(\(\d+,\s*\d+\))?)$/i;

/** The numeric columns of a bound view (the ones reduce aggregates by default). */
export async function numericColumns(engine: QueryEngine, table: string, except: string[] = []): Promise<string[]> {
  return (await engine.describe(table)).filter((c) => NUMERIC.test(c.type) && !except.includes(c.name)).map((c) => c.name);
}

/** Reduces a bound view at one resolution. */
export async function reduce(engine: QueryEngine, table: string, o: ReduceOptions & { signal?: AbortSignal }): Promise<Table> {
  return engine.query(reduceSql(table, o), { signal: o.signal });
}

/** Reduces at every resolution (default 1h, 2h, 4h, 12h, 24h), keyed by the resolution as given. */
export async function reduceAll(
  engine: QueryEngine,
  table: string,
  o: Omit<ReduceOptions, 'resolution'> & { resolutions?: readonly (string | number)[]; signal?: AbortSignal },
): Promise<Map<string | number, Table>> {
  const out = new Map<string | number, Table>();
  for (const r of o.resolutions ?? DEFAULT_RESOLUTIONS) out.set(r, await reduce(engine, table, { ...o, resolution: r }));
  return out;
}

/**
 * After a new version with event times [minUs, maxUs] was added, recomputes only the buckets that range
 * touches (reading every version there, so overlapping older data is included) and merges them into the
 * previous result of the same options. The view must hold all versions that may fall in those buckets.
 */
export async function reduceIncremental(
  engine: QueryEngine,
  table: string,
  previous: Table,
  changed: [number, number],
  o: ReduceOptions & { signal?: AbortSignal },
): Promise<Table> {
  const touched = touchedRange(changed[0], changed[1], parseResolution(o.resolution));
  const fresh = await reduce(engine, table, { ...o, range: touched });
  return mergeReduced(previous, fresh, o.timestampColumn, touched);
}

/** Bucket starts of a reduce result in µs (Arrow hands timestamps out as ms; buckets are whole ms). */
function bucketMicros(t: Table, tsColumn: string): number[] {
  const v = t.getChild(tsColumn);
  if (!v) throw new PondError('INVALID_INPUT', `reduce result has no column ${JSON.stringify(tsColumn)}`);
  return Array.from({ length: t.numRows }, (_, i) => Math.round(Number(v.get(i)) * 1000));
}

/**
 * `previous` with its rows in [start, end) replaced by `fresh` (whose rows all lie there), in bucket order.
 * Columns only one side has are kept, null on the other side's rows.
 */
export function mergeReduced(previous: Table, fresh: Table, tsColumn: string, [start, end]: [number, number]): Table {
  const b = bucketMicros(previous, tsColumn);
  let i = 0;
  while (i < b.length && b[i]! < start) i++;
  let j = i;
  while (j < b.length && b[j]! < end) j++;
  const parts = [previous.slice(0, i), fresh, previous.slice(j)].filter((p) => p.numRows > 0);
  const names = [...new Set([...previous.schema.fields, ...fresh.schema.fields].map((f) => f.name))];
  const columns: Record<string, Vector> = {};
  for (const name of names) {
    const field = previous.schema.fields.find((f) => f.name === name) ?? fresh.schema.fields.find((f) => f.name === name)!;
    const pieces = parts.map((p) => p.getChild(name) ?? nullVector(field.type, p.numRows));
    columns[name] = pieces.length === 0 ? nullVector(field.type, 0) : pieces[0]!.concat(...pieces.slice(1));
  }
  return new Table(columns);
}

/** A column of `length` nulls of `type`, for rows from a result that lacked the column. */
function nullVector(type: DataType, length: number): Vector {
  return nullColumn(type, length);
}
