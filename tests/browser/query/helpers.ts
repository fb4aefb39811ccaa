// Builds pond-like sources for the query tests: Parquet versions made with apache-arrow + parquet-wasm, with
// loaders that count their calls.
import { makeData, makeVector, Table, Timestamp, TimeUnit, type Vector } from 'apache-arrow';
import { PondError } from '../../../src/core/errors';
import { arrowToParquet } from '../../../src/formats/parquet';
import type { BindSource, SourceVersion } from '../../../src/query/engine';

export const HOUR = 3_600_000_000;
export const MINUTE = 60_000_000;
export const SECOND = 1_000_000;
/** 2024-01-01T00:00:00Z in µs. */
export const T0 = Date.UTC(2024, 0, 1) * 1000;

/** A TIMESTAMP(µs) vector, zoned like a Parquet "adjusted to UTC" column when `zone` is given. */
export function timestamps(us: ArrayLike<number>, zone: string | null = null): Vector {
  const values = new BigInt64Array(us.length);
  for (let i = 0; i < us.length; i++) values[i] = BigInt(us[i]!);
  return makeVector(makeData({ type: new Timestamp(TimeUnit.MICROSECOND, zone), length: us.length, data: values }));
}

/** Evenly spaced µs times. */
export function times(start: number, step: number, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = start + i * step;
  return out;
}

export interface TestVersion extends SourceVersion {
  loads: number;
}

/** A version from columns (the `ts` column given as µs numbers); its range is recorded from the data. */
export async function version(version: number, ts: ArrayLike<number>, columns: Record<string, Vector>, zone: string | null = null): Promise<TestVersion> {
  const table = new Table({ ts: timestamps(ts, zone), ...columns });
  const bytes = await arrowToParquet(table, { compression: 'snappy' });
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < ts.length; i++) {
    min = Math.min(min, ts[i]!);
    max = Math.max(max, ts[i]!);
  }
  const v: TestVersion = {
    version,
    minEventTime: ts.length ? min : null,
    maxEventTime: ts.length ? max : null,
    loads: 0,
    load: async () => {
      v.loads += 1;
      return bytes.slice();
    },
  };
  return v;
}

export function series(fileKey: string, versions: SourceVersion[]): BindSource {
  return { fileKey, kind: 'series', timestampColumn: 'ts', versions };
}

export const f64 = (xs: ArrayLike<number>): Vector => makeVector(Float64Array.from(xs));
export const i32 = (xs: ArrayLike<number>): Vector => makeVector(Int32Array.from(xs));

/** Column values as plain JS (BigInt → number). */
export function col(t: Table, name: string): unknown[] {
  const v = t.getChild(name);
  if (!v) throw new Error(`no column ${name} in ${t.schema.fields.map((f) => f.name).join(', ')}`);
  return Array.from({ length: t.numRows }, (_, i) => {
    const x = v.get(i) as unknown;
    return typeof x === 'bigint' ? Number(x) : x;
  });
}

/** Deterministic pseudo-random numbers (mulberry32), so failures reproduce. */
export function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The PondError a promise rejects with (anything else, or no rejection, fails the test). */
export async function catchError(p: Promise<unknown>): Promise<PondError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof PondError) return e;
    throw e;
  }
  throw new Error('expected a PondError');
}
