// synthetic-timeseries: its config (defaults, bad fields named, the row cap) and the generated Arrow table —
// timestamps exact in µs, an inclusive end, and values at known t computed by hand here.
import { DataType, TimeUnit, type Table } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { PondError } from '../../../src/core/errors';
import { arrowToParquet, parquetToArrow } from '../../../src/formats/parquet';
import { MAX_SYNTHETIC_ROWS, parseSyntheticTimeseriesConfig, type SyntheticTimeseriesConfig } from '../../../src/service/nodes/factories/synthetic-timeseries-config';
import { generateSynthetic } from '../../../src/service/nodes/factories/synthetic-timeseries';

const T0 = Date.UTC(2024, 0, 1) * 1000; // 2024-01-01T00:00:00Z in µs
const MIN = 60_000_000;

function config(points: string, span = 'start: 2024-01-01T00:00:00Z\nend: 2024-01-01T01:00:00Z\ninterval: 15m\n'): SyntheticTimeseriesConfig {
  return parseSyntheticTimeseriesConfig(`${span}points:\n${points}`);
}

/** The raw µs of the time column (Arrow's get() gives ms). */
const micros = (t: Table, col = 'timestamp') => Array.from(t.getChild(col)!.data.flatMap((d) => Array.from(d.values as BigInt64Array)));
const values = (t: Table, col: string) => Array.from(t.getChild(col)!.toArray() as Float64Array);

describe('synthetic-timeseries config', () => {
  it('reads times in µs and defaults time column, amplitude, offset, phase and slope to their neutral values', () => {
    const c = config('  - name: v\n    components:\n      - {type: sine, period: 1h}\n      - {type: line}\n');
    expect(c).toEqual({
      start: T0, end: T0 + 60 * MIN, interval: 15 * MIN, timeColumn: 'timestamp',
      points: [{ name: 'v', components: [{ type: 'sine', amplitude: 0, period: 60 * MIN, offset: 0, phase: 0 }, { type: 'line', slope: 0, offset: 0 }] }],
    });
  });

  it('names the bad field', () => {
    const w = 'synthetic-timeseries';
    const bad = (yaml: string, field: string, why: RegExp) => {
      try {
        parseSyntheticTimeseriesConfig(yaml);
        expect.unreachable(`${field} accepted`);
      } catch (e) {
        expect(e).toBeInstanceOf(PondError);
        expect((e as PondError).code).toBe('INVALID_INPUT');
        expect((e as PondError).message.startsWith(`${w} config: ${field}`), (e as PondError).message).toBe(true);
        expect((e as PondError).message).toMatch(why);
      }
    };
    const span = 'start: 2024-01-01\nend: 2024-01-02\ninterval: 1h\n';
    const line = 'points: [{name: v, components: [{type: line}]}]\n';
    bad(`end: 2024-01-02\ninterval: 1h\n${line}`, 'start', /required/);
    bad(`start: 2024-01-01T00:00\nend: 2024-01-02\ninterval: 1h\n${line}`, 'start', /ISO-8601/);
    bad(`start: 2024-01-02\nend: 2024-01-01\ninterval: 1h\n${line}`, 'end', /after start/);
    bad(`start: 2300-01-01\nend: 2300-01-02\ninterval: 1h\n${line}`, 'start', /1685-2255/);
    bad(`start: 2255-01-01\nend: 2300-01-02\ninterval: 100d\n${line}`, 'end', /1685-2255/);
    bad(`start: 2024-01-01\nend: 2024-01-01\ninterval: 1h\n${line}`, 'end', /after start/);
    bad(`start: 2024-01-01\nend: 2024-01-02\ninterval: 1 month\n${line}`, 'interval', /not a positive duration/);
    bad(`start: 2024-01-01\nend: 2024-01-02\ninterval: 60\n${line}`, 'interval', /duration/);
    bad(`start: 2000-01-01\nend: 2024-01-01\ninterval: 1s\n${line}`, 'interval', new RegExp(`makes 757382401 rows; the limit is ${MAX_SYNTHETIC_ROWS}`));
    bad(`${span}points: []\n`, 'points', /empty/);
    bad(`${span}points: [{name: v, components: []}]\n`, 'points[0].components', /empty/);
    bad(`${span}points: [{name: v, components: [{type: line}]}, {name: v, components: [{type: line}]}]\n`, 'points[1].name', /repeats "v"/);
    bad(`${span}points: [{name: timestamp, components: [{type: line}]}]\n`, 'points[0].name', /time column/);
    bad(`${span}points: [{components: [{type: line}]}]\n`, 'points[0].name', /required/);
    bad(`${span}points: [{name: v, components: [{type: cosine}]}]\n`, 'points[0].components[0].type', /sine, triangle, square, line.*"cosine"/);
    bad(`${span}points: [{name: v, components: [{amplitude: 1}]}]\n`, 'points[0].components[0].type', /one of/);
    bad(`${span}points: [{name: v, components: [{type: square, amplitude: 1}]}]\n`, 'points[0].components[0].period', /required/);
    bad(`${span}points: [{name: v, components: [{type: triangle, period: 0s}]}]\n`, 'points[0].components[0].period', /positive duration/);
    bad(`${span}points: [{name: v, components: [{type: sine, period: 1h, slope: 2}]}]\n`, 'points[0].components[0].slope', /not a known field/);
    bad(`${span}points: [{name: v, components: [{type: line, period: 1h}]}]\n`, 'points[0].components[0].period', /not a known field/);
    bad(`${span}points: [{name: v, components: [{type: line, slope: fast}]}]\n`, 'points[0].components[0].slope', /finite number/);
    bad(`${span}points: [{name: v, components: [{type: line}], unit: C}]\n`, 'points[0].unit', /not a known field/);
    bad(`${span}${line}timezone: UTC\n`, 'timezone', /not a known field/);
  });
});

describe('generateSynthetic', () => {
  it('has one row per interval from start to end inclusive, timestamps exact in µs, TIMESTAMP µs then Float64', () => {
    const t = generateSynthetic(config('  - {name: v, components: [{type: line, slope: 1}]}\n'));
    expect(t.numRows).toBe(5); // 00:00, 00:15, 00:30, 00:45, 01:00
    expect(t.schema.fields.map((f) => f.name)).toEqual(['timestamp', 'v']);
    const ts = t.schema.fields[0]!.type;
    expect(DataType.isTimestamp(ts) && ts.unit).toBe(TimeUnit.MICROSECOND);
    expect(DataType.isTimestamp(ts) ? ts.timezone ?? null : 'not a timestamp').toBe(null); // UTC by convention, no zone tag
    expect(DataType.isFloat(t.schema.fields[1]!.type)).toBe(true);
    expect(micros(t)).toEqual([0, 15, 30, 45, 60].map((m) => BigInt(T0 + m * MIN)));
    // An end between two steps: the last row is the last step before it.
    const short = generateSynthetic(config('  - {name: v, components: [{type: line}]}\n', 'start: 2024-01-01T00:00:00Z\nend: 2024-01-01T00:50:00Z\ninterval: 15m\ntime_column: ts\n'));
    expect(micros(short, 'ts')).toEqual([0, 15, 30, 45].map((m) => BigInt(T0 + m * MIN)));
    // Sub-ms steps stay exact: 250 µs apart.
    const fine = generateSynthetic(config('  - {name: v, components: [{type: line}]}\n', 'start: 2024-01-01T00:00:00.000100Z\nend: 2024-01-01T00:00:00.001Z\ninterval: 250us\n'));
    expect(micros(fine)).toEqual([100, 350, 600, 850].map((u) => BigInt(T0 + u)));
  });

  it('sine: offset + amplitude at a quarter period, the phase shifts it', () => {
    const t = generateSynthetic(config('  - {name: s, components: [{type: sine, amplitude: 10, period: 1h, offset: 20}]}\n  - {name: c, components: [{type: sine, amplitude: 3, period: 2h, phase: 1.5707963267948966}]}\n'));
    const s = values(t, 's');
    expect(Math.abs(s[1]! - 30)).toBeLessThanOrEqual(1e-12); // t = 15 min = P/4: sin(π/2) = 1
    expect(Math.abs(s[3]! - 10)).toBeLessThanOrEqual(1e-12); // 3P/4: sin(3π/2) = -1
    expect(Math.abs(s[0]! - 20)).toBeLessThanOrEqual(1e-12);
    expect(Math.abs(s[2]! - 20)).toBeLessThanOrEqual(1e-12);
    expect(Math.abs(s[4]! - 20)).toBeLessThanOrEqual(1e-12);
    // Phase π/2 makes it a cosine: 3·cos(2π·t/2h).
    const c = values(t, 'c');
    [0, 15, 30, 45, 60].forEach((m, i) => expect(Math.abs(c[i]! - 3 * Math.cos((2 * Math.PI * m) / 120))).toBeLessThanOrEqual(1e-12));
    expect(Math.abs(c[4]! + 3)).toBeLessThanOrEqual(1e-12); // t = P/2: cos(π) = -1
  });

  it('square: +amplitude in the first half period, -amplitude in the second', () => {
    const t = generateSynthetic(config('  - {name: q, components: [{type: square, amplitude: 5, period: 1h, offset: 1}]}\n', 'start: 2024-01-01\nend: 2024-01-01T01:00:00Z\ninterval: 10m\n'));
    // t = 0, 10, 20 | 30, 40, 50 | 60 min: the half-open halves [0, P/2) and [P/2, P).
    expect(values(t, 'q')).toEqual([6, 6, 6, -4, -4, -4, 6]);
    const shifted = generateSynthetic(config('  - {name: q, components: [{type: square, amplitude: 1, period: 1h, phase: 3.141592653589793}]}\n', 'start: 2024-01-01\nend: 2024-01-01T01:00:00Z\ninterval: 10m\n'));
    expect(values(shifted, 'q')).toEqual([-1, -1, -1, 1, 1, 1, -1]); // phase π swaps the halves
  });

  it('triangle: 0 rising at t=0, +amplitude at P/4, -amplitude at 3P/4, linear between', () => {
    const span = 'start: 2024-01-01\nend: 2024-01-01T02:00:00Z\ninterval: 7m30s\n';
    const t = generateSynthetic(config('  - {name: w, components: [{type: triangle, amplitude: 4, period: 1h}]}\n  - {name: p, components: [{type: triangle, amplitude: 4, period: 1h, phase: 1.5707963267948966}]}\n', span));
    // Every 7.5 min = P/8: 0, 2, 4, 2, 0, -2, -4, -2, and again.
    const w = values(t, 'w');
    const one = [0, 2, 4, 2, 0, -2, -4, -2];
    expect(w).toEqual([...one, ...one, 0]);
    // Phase π/2 is a quarter period earlier: starts at the peak.
    const p = values(t, 'p');
    [4, 2, 0, -2, -4, -2, 0, 2, 4].forEach((v, i) => expect(Math.abs(p[i]! - v)).toBeLessThanOrEqual(1e-12));
  });

  it('line: offset + slope·seconds, and a point is the sum of its components', () => {
    const t = generateSynthetic(config('  - {name: l, components: [{type: line, slope: 0.5, offset: 1}]}\n  - {name: sum, components: [{type: line, slope: 0.01}, {type: sine, amplitude: 2, period: 1h, offset: 100}, {type: square, amplitude: 1, period: 2h}]}\n'));
    expect(values(t, 'l')).toEqual([1, 451, 901, 1351, 1801]); // 1 + 0.5·(0, 900, 1800, 2700, 3600)
    const sum = values(t, 'sum');
    const expected = [0, 900, 1800, 2700, 3600].map((s) => 0.01 * s + 100 + 2 * Math.sin((2 * Math.PI * s) / 3600) + (s < 3600 ? 1 : -1));
    sum.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThanOrEqual(1e-12));
    expect(Math.abs(sum[1]! - 112)).toBeLessThanOrEqual(1e-12); // 9 + 100 + 2 + 1 at t = 15 min
  });

  it('round-trips through Parquet with the same names, types, times and values', async () => {
    const t = generateSynthetic(config('  - {name: "DO.mg/L", components: [{type: sine, amplitude: 1, period: 1h}]}\n  - {name: "7", components: [{type: line, slope: 1}]}\n'));
    expect(t.schema.fields.map((f) => f.name)).toEqual(['timestamp', 'DO.mg/L', '7']); // config order, even for "7"
    expect(values(t, '7')).toEqual([0, 900, 1800, 2700, 3600]);
    const back = await parquetToArrow(await arrowToParquet(t));
    expect(back.schema.fields.map((f) => [f.name, String(f.type)])).toEqual(t.schema.fields.map((f) => [f.name, String(f.type)]));
    expect(micros(back)).toEqual(micros(t));
    expect(values(back, '7')).toEqual([0, 900, 1800, 2700, 3600]);
  });

  it('refuses more rows than the cap and stops when cancelled', () => {
    const c = config('  - {name: v, components: [{type: line}]}\n');
    expect(() => generateSynthetic({ ...c, end: c.start + MAX_SYNTHETIC_ROWS * c.interval })).toThrow(new RegExp(`${MAX_SYNTHETIC_ROWS + 1} rows asked for; the limit is ${MAX_SYNTHETIC_ROWS}`));
    const ac = new AbortController();
    ac.abort();
    try {
      generateSynthetic(c, { signal: ac.signal });
      expect.unreachable();
    } catch (e) {
      expect((e as PondError).code).toBe('ABORTED');
    }
  });
});
