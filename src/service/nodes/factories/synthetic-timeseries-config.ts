// The config of `synthetic-timeseries`: rows every `interval` from `start` to `end` inclusive, one Float64 column per
// point, each the sum of waveform components (see synthetic-timeseries.ts for the formulas). Deterministic test and
// demo data. Unknown fields are refused, per component too (a `slope` on a sine is a typo, not a no-op).
import { yamlDoc } from '../config-fields';
import { at, DEFAULT_TIME_COLUMN, invalidField, list, mapping, onlyFields, optionalNumber, optionalString, requiredString } from '../config-checks';
import { durationField } from '../duration';
import { instantField } from '../iso-time';

const WHAT = 'synthetic-timeseries';

/** Most rows one node may generate (10M rows of one point is 160 MB of Arrow). */
export const MAX_SYNTHETIC_ROWS = 10_000_000;

export type WaveType = 'sine' | 'triangle' | 'square';

export type SyntheticComponent =
  | { type: WaveType; amplitude: number; /** µs */ period: number; offset: number; /** radians */ phase: number }
  | { type: 'line'; slope: number; offset: number };

export interface SyntheticPoint {
  name: string;
  components: SyntheticComponent[];
}

export interface SyntheticTimeseriesConfig {
  /** UTC µs of the first row. */
  start: number;
  /** UTC µs; the last row is the last `start + k·interval` not after it. */
  end: number;
  /** µs between rows. */
  interval: number;
  timeColumn: string;
  points: SyntheticPoint[];
}

const WAVES: readonly string[] = ['sine', 'triangle', 'square'];
const TYPES = [...WAVES, 'line'];

/** Rows of a config: start, start + interval, … up to end inclusive. */
export function syntheticRowCount(c: Pick<SyntheticTimeseriesConfig, 'start' | 'end' | 'interval'>): number {
  return Math.floor((c.end - c.start) / c.interval) + 1;
}

export function parseSyntheticTimeseriesConfig(text: string): SyntheticTimeseriesConfig {
  const o = yamlDoc(text, WHAT);
  onlyFields(o, ['start', 'end', 'interval', 'time_column', 'points'], '', WHAT);
  const start = instantField(o.start, 'start', WHAT);
  const end = instantField(o.end, 'end', WHAT);
  if (end <= start) throw invalidField(WHAT, 'end', `(${String(o.end)}) must be after start (${String(o.start)})`);
  // Generated rows claim exact times: keep them where a number holds every µs.
  for (const [field, us] of [['start', start], ['end', end]] as const) {
    if (!Number.isSafeInteger(us)) throw invalidField(WHAT, field, `(${String(o[field])}) must lie within the years 1685-2255, where every µs is exact`);
  }
  const interval = durationField(o.interval, 'interval', WHAT);
  const rows = syntheticRowCount({ start, end, interval });
  if (rows > MAX_SYNTHETIC_ROWS) {
    throw invalidField(WHAT, 'interval', `${String(o.interval)} from start to end makes ${rows} rows; the limit is ${MAX_SYNTHETIC_ROWS} (use a longer interval or a shorter span)`);
  }
  const timeColumn = optionalString(o.time_column, 'time_column', WHAT, DEFAULT_TIME_COLUMN);
  const points: SyntheticPoint[] = [];
  for (const [i, raw] of list(o.points, 'points', WHAT).entries()) {
    const field = at('points', i);
    const p = mapping(raw, field, WHAT);
    onlyFields(p, ['name', 'components'], field, WHAT);
    const name = requiredString(p.name, at(field, 'name'), WHAT);
    if (name === timeColumn) throw invalidField(WHAT, at(field, 'name'), `is the time column's name ${JSON.stringify(timeColumn)}`);
    if (points.some((q) => q.name === name)) throw invalidField(WHAT, at(field, 'name'), `repeats ${JSON.stringify(name)}`);
    const components = list(p.components, at(field, 'components'), WHAT).map((c, j) => parseComponent(c, at(at(field, 'components'), j)));
    points.push({ name, components });
  }
  return { start, end, interval, timeColumn, points };
}

function parseComponent(raw: unknown, field: string): SyntheticComponent {
  const c = mapping(raw, field, WHAT);
  const type = c.type;
  if (typeof type !== 'string' || !TYPES.includes(type)) {
    throw invalidField(WHAT, at(field, 'type'), `must be one of ${TYPES.join(', ')}, not ${JSON.stringify(type ?? null)}`);
  }
  const num = (key: string) => optionalNumber(c[key], at(field, key), WHAT, 0);
  if (type === 'line') {
    onlyFields(c, ['type', 'slope', 'offset'], field, WHAT);
    return { type, slope: num('slope'), offset: num('offset') };
  }
  onlyFields(c, ['type', 'amplitude', 'period', 'offset', 'phase'], field, WHAT);
  return { type: type as WaveType, amplitude: num('amplitude'), period: durationField(c.period, at(field, 'period'), WHAT), offset: num('offset'), phase: num('phase') };
}
