// Generation of a synthetic-timeseries node's rows: an Arrow table with the time column as TIMESTAMP µs (no zone,
// UTC by convention, as every series here) and one non-null Float64 column per point, built from typed arrays
// (apache-arrow's builders compile code with `new Function`, which the app's CSP forbids: core/arrow-columns.ts).
//
// With t the seconds since start, P the period and φ the phase (radians), a point's value is the sum of its
// components:
//   sine      offset + amplitude·sin(2πt/P + φ)
//   square    offset + amplitude·s, s = +1 in the first half of each (phase-shifted) period and −1 in the second:
//             sign(sin(2πt/P + φ)) everywhere but at its zeros, where sign() would give 0 and this gives +1 at the
//             start of a period and −1 at its half (the original's f64::signum also never gives 0)
//   triangle  offset + amplitude·(2/π)·asin(sin(2πt/P + φ)): 0 where the sine is 0 and rising, +amplitude at a
//             quarter period, −amplitude at three quarters, linear between; computed piecewise from the phase
//             fraction so peaks are exact. (The original's triangle starts at −amplitude: it is this one shifted
//             by a quarter period; here triangle, square and sine share their zeros.)
//   line      offset + slope·t
// The fraction of the period is taken as (t_µs mod P_µs) / P_µs in integers first, so a long series keeps its
// precision (2π·t/P with t in the millions of seconds loses digits to the multiplication).
import { Field, Float64, makeData, RecordBatch, Schema, Struct, Table, TimestampMicrosecond } from 'apache-arrow';
import { PondError, throwIfAborted } from '../../../core/errors';
import { arrowToParquet } from '../../../formats/parquet';
import type { Factory } from '../factory';
import { MAX_SYNTHETIC_ROWS, parseSyntheticTimeseriesConfig, syntheticRowCount, type SyntheticComponent, type SyntheticTimeseriesConfig } from './synthetic-timeseries-config';

const TWO_PI = 2 * Math.PI;
/** Rows generated between two looks at the abort signal. */
const CHUNK = 1 << 18;

const frac = (x: number) => x - Math.floor(x);

/** One component's value `tUs` µs after the series start. */
export function componentValue(c: SyntheticComponent, tUs: number): number {
  if (c.type === 'line') return c.offset + c.slope * (tUs / 1e6);
  const u = (tUs % c.period) / c.period; // tUs ≥ 0, so u ∈ [0, 1)
  if (c.type === 'sine') return c.offset + c.amplitude * Math.sin(TWO_PI * u + c.phase);
  const v = frac(u + c.phase / TWO_PI);
  if (c.type === 'square') return c.offset + c.amplitude * (v < 0.5 ? 1 : -1);
  const tri = v < 0.25 ? 4 * v : v < 0.75 ? 2 - 4 * v : 4 * v - 4;
  return c.offset + c.amplitude * tri;
}

/** A point's value `tUs` µs after the start: the sum of its components. */
export function pointValue(components: readonly SyntheticComponent[], tUs: number): number {
  let sum = 0;
  for (const c of components) sum += componentValue(c, tUs);
  return sum;
}

/** The node's rows as an Arrow table: the time column first, then the points in config order. */
export function generateSynthetic(config: SyntheticTimeseriesConfig, opts: { signal?: AbortSignal } = {}): Table {
  const rows = syntheticRowCount(config);
  // The parser refuses these already; a config built in code gets the same answer.
  if (!(rows >= 1) || !Number.isSafeInteger(rows)) throw new PondError('INVALID_INPUT', `synthetic-timeseries: start, end and interval make no rows`);
  if (rows > MAX_SYNTHETIC_ROWS) throw new PondError('INVALID_INPUT', `synthetic-timeseries: ${rows} rows asked for; the limit is ${MAX_SYNTHETIC_ROWS}`, { detail: { rows } });
  const times = new BigInt64Array(rows);
  const values = config.points.map(() => new Float64Array(rows));
  for (let from = 0; from < rows; from += CHUNK) {
    throwIfAborted(opts.signal, 'synthetic-timeseries generation');
    const to = Math.min(rows, from + CHUNK);
    for (let i = from; i < to; i++) times[i] = BigInt(config.start + i * config.interval);
    config.points.forEach((p, k) => {
      const out = values[k]!;
      for (let i = from; i < to; i++) out[i] = pointValue(p.components, i * config.interval);
    });
  }
  const ts = new TimestampMicrosecond();
  const schema = new Schema([new Field(config.timeColumn, ts, false), ...config.points.map((p) => new Field(p.name, new Float64(), false))]);
  // One struct of children in schema order: `new Table(schema, {name: vector})` pairs the fields with the record's
  // keys in Object.keys order, which puts integer-like names ("7") first and so mismatches names and data.
  const children = [makeData({ type: ts, length: rows, data: times }), ...values.map((data) => makeData({ type: new Float64(), length: rows, data }))];
  return new Table(new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: rows, nullCount: 0, children })));
}

export const syntheticTimeseriesFactory: Factory<SyntheticTimeseriesConfig> = {
  name: 'synthetic-timeseries',
  kind: 'derived',
  summary: 'a series of sine, triangle, square and line components summed, from start to end (inclusive) every interval',
  fields: [
    { name: 'start', description: 'first time (ISO-8601 with Z or an offset)', required: true },
    { name: 'end', description: 'last time, inclusive', required: true },
    { name: 'interval', description: 'between rows, e.g. 15m, 1h30m, 2d', required: true },
    { name: 'time_column', description: 'default timestamp' },
    { name: 'points', description: 'list of {name, components: [{type: sine|triangle|square|line, amplitude, period, offset, phase, slope}]}', required: true },
  ],
  parse: parseSyntheticTimeseriesConfig,
  inputs: () => [],
  generate: (c) => ({
    timestampColumn: c.timeColumn,
    minEventTime: c.start,
    maxEventTime: c.start + (syntheticRowCount(c) - 1) * c.interval,
    parquet: () => arrowToParquet(generateSynthetic(c)),
  }),
};
