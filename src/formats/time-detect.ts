/**
 * Which column holds the event times, and how to read it, from a sample of every column. Pure: no DuckDB, no wasm.
 *
 * API: detectTime(samples, opts) -> TimeDetection; noTimeColumnError(name, detection); isTimeName(name); FORMS_TRIED.
 *
 * Rules (csv.ts's policy refers to them):
 * - A column typed TIMESTAMP or DATE by its reader is a time column (DuckDB's ISO sniffing, Parquet's types) — except
 *   a CSV column the sniffer typed with a non-ISO format (`%d/%m/%Y`, chosen silently when 01/02 is ambiguous):
 *   its text decides, as below.
 * - A text column is a time column when EVERY sampled non-empty value parses with one form (time-formats.ts): ISO
 *   8601 first, then the field formats. Numeric day/month forms exist in both orders: with `dayFirst` given, that
 *   order; else a value whose first field is above 12 proves day-first (one whose second field is, month-first);
 *   else month-first is ASSUMED, and the detection says so (dayOrder 'assumed') for the preview and the result.
 * - A numeric column is epoch time when its name says time (isTimeName) and all values lie in 1970..2100 as seconds
 *   or all as milliseconds; without such a name only integers in 2001..2100 (≥ 1e9 s or ≥ 1e12 ms), at least three,
 *   rising: so counts, ids, phone numbers and measurements are not taken for times.
 * - Choice: the override (it must exist); else a candidate with a known name (TIME_COLUMN_NAMES, in that order); else
 *   the first typed or text candidate in file order; else the first epoch candidate, named ones first.
 */
import { PondError } from '../core/errors';
import { parseIsoMs, TEXT_TIME_FORMATS, type TextTimeFormat } from './time-formats';
import { TIME_COLUMN_NAMES } from './timestamps';

export interface ColumnSample {
  name: string;
  /** The reader's type: DuckDB's sniffed SQL type, or a Parquet column's Arrow type. */
  type: string;
  kind: 'temporal' | 'numeric' | 'text' | 'other';
  /** A CSV temporal column the sniffer read with this non-ISO format: its text decides instead. */
  sniffedFormat?: string | null;
  /** A temporal column whose reader gives real time values (Parquet): no text to parse. */
  typed?: boolean;
  /** Sampled values as text; null or '' is empty. */
  values: readonly (string | null)[];
}

export type TimeReading =
  | { kind: 'typed'; zoned: boolean } // a TIMESTAMP/DATE the reader types itself (Parquet)
  | { kind: 'iso'; zoned: boolean; dateOnly: boolean } // ISO text, read by DuckDB's own cast
  | { kind: 'text'; format: TextTimeFormat }
  | { kind: 'epoch'; unit: 's' | 'ms' };

export interface TimeCandidate {
  reading: TimeReading;
  /** The form, as a person reads it: `Jan 31 2000 (%b %d %Y)`, `ISO 8601`, `epoch seconds`. */
  label: string;
  /** Which zone the values are in: `UTC`, `offsets in the data`, or the import's `timezone`. */
  zone: string;
}

export interface ColumnVerdict { name: string; type: string; candidate?: TimeCandidate; why?: string }

export type DayOrderSource = 'given' | 'content' | 'assumed';

export interface TimeDetection {
  columns: ColumnVerdict[];
  /** The event-time column, or null when none fits. */
  chosen: string | null;
  reading?: TimeReading;
  /** The chosen column's form and zone (for an override the sample does not prove: the form most values fit). */
  candidate?: TimeCandidate;
  /** For a chosen day/month form: the order used and how it was decided. */
  dayFirst?: boolean;
  dayOrder?: DayOrderSource;
  /** One line per column, why it is or is not a time column (for the refusal). */
  tried: string[];
}

export interface DetectOptions { timestampColumn?: string; dayFirst?: boolean; timezone?: string; epochUnit?: 's' | 'ms'; source?: string }

const TIME_NAME = /(^|[^a-z])(time|timestamp|datetime|date|epoch|ts|unix)([^a-z]|$)/i;
/** A column name that says it holds times (`time`, `ts`, `epoch_ms`, `Date Time`). */
export const isTimeName = (name: string) => TIME_NAME.test(name) || (TIME_COLUMN_NAMES as readonly string[]).includes(name);

const S_2100 = 4_102_444_800; // 2100-01-01 in s
const nonEmpty = (vs: readonly (string | null)[]) => vs.filter((v): v is string => v !== null && v.trim() !== '').map((v) => v.trim());

/** The date-only forms, named for the refusal ("each also with a time"). */
export const FORMS_TRIED = `ISO 8601 (2000-01-31, 2000-01-31 13:00, with or without a zone); ${[...new Set(TEXT_TIME_FORMATS.filter((f) => f.dateOnly).map((f) => f.example))].join(', ')}, most also with a time (13:00, 13:00:00, 1:00 PM); epoch seconds or milliseconds`;

/** See the rules at the top of this file. */
export function detectTime(samples: readonly ColumnSample[], opts: DetectOptions = {}): TimeDetection {
  const source = opts.source ?? 'input';
  if (opts.timestampColumn !== undefined && !samples.some((c) => c.name === opts.timestampColumn)) {
    throw new PondError('INVALID_INPUT', `${source}: no column named "${opts.timestampColumn}" for the timestamp (columns: ${samples.map((c) => c.name).join(', ')})`, { detail: { name: source, column: opts.timestampColumn } });
  }
  const zoneLess = opts.timezone && opts.timezone !== 'UTC' ? opts.timezone : 'UTC';
  const orders = new Map<string, DayOrderSource>();
  const columns: ColumnVerdict[] = samples.map((c) => {
    const r = judge(c, opts, zoneLess);
    if (r.order) orders.set(c.name, r.order);
    return { name: c.name, type: c.type, ...(r.candidate ? { candidate: r.candidate } : {}), ...(r.why ? { why: r.why } : {}) };
  });
  const tried = columns.map((c) => `${c.name} (${c.type}: ${c.candidate ? c.candidate.label : c.why})`);
  let chosen: ColumnVerdict | undefined;
  if (opts.timestampColumn !== undefined) {
    chosen = columns.find((c) => c.name === opts.timestampColumn)!;
    if (!chosen.candidate) chosen = { ...chosen, candidate: forced(samples.find((s) => s.name === chosen!.name)!, zoneLess) };
  } else {
    const isEpoch = (c: ColumnVerdict) => c.candidate?.reading.kind === 'epoch';
    chosen = TIME_COLUMN_NAMES.map((n) => columns.find((c) => c.name === n && c.candidate)).find(Boolean)
      ?? columns.find((c) => c.candidate && !isEpoch(c))
      ?? columns.find((c) => isEpoch(c) && isTimeName(c.name))
      ?? columns.find(isEpoch);
  }
  const reading = chosen?.candidate?.reading;
  const order = chosen ? orders.get(chosen.name) : undefined;
  const dayFirst = reading?.kind === 'text' && reading.format.order ? reading.format.order === 'dmy' : undefined;
  return {
    columns, chosen: chosen?.name ?? null, tried,
    ...(reading ? { reading, candidate: chosen!.candidate! } : {}),
    ...(dayFirst !== undefined ? { dayFirst, dayOrder: order ?? 'given' } : {}),
  };
}

interface Judged { candidate?: TimeCandidate; why?: string; order?: DayOrderSource }

function judge(c: ColumnSample, opts: DetectOptions, zoneLess: string): Judged {
  const values = nonEmpty(c.values);
  if (c.kind === 'temporal' && !c.sniffedFormat) {
    const zoned = /TIME ZONE|TIMESTAMPTZ/i.test(c.type) || values.some((v) => parseIsoMs(v)?.zoned);
    const dateOnly = /^DATE/i.test(c.type);
    const reading: TimeReading = c.typed ? { kind: 'typed', zoned } : { kind: 'iso', zoned, dateOnly };
    const label = `${c.typed ? c.type : 'ISO 8601'} ${dateOnly ? 'dates' : 'timestamps'}`;
    return { candidate: { reading, label, zone: zoned ? 'offsets in the data, stored as UTC' : zoneLess } };
  }
  if (values.length === 0) return { why: 'no values in the sample' };
  if (c.kind === 'numeric') {
    const r = epoch(c.name, values);
    // A unit given by the caller applies to a column that holds times; it does not make a count one.
    if (r.candidate && opts.epochUnit) r.candidate = { ...r.candidate, reading: { kind: 'epoch', unit: opts.epochUnit }, label: opts.epochUnit === 's' ? 'epoch seconds' : 'epoch milliseconds' };
    return r;
  }
  if (c.kind !== 'text' && c.kind !== 'temporal') return { why: 'not a time type' };
  const iso = values.map(parseIsoMs);
  if (iso.every(Boolean)) {
    const zoned = iso.some((x) => x!.zoned);
    return { candidate: { reading: { kind: 'iso', zoned, dateOnly: iso.every((x) => x!.dateOnly) }, label: 'ISO 8601', zone: zoned ? 'offsets in the data, stored as UTC' : zoneLess } };
  }
  // Only forms that read the first value can read them all; test the rest against those few.
  const fits = TEXT_TIME_FORMATS.filter((f) => f.parse(values[0]!) !== null).filter((f) => values.every((v) => f.parse(v) !== null));
  const text = (format: TextTimeFormat): TimeCandidate => ({ reading: { kind: 'text', format }, label: `${format.example} (${format.strptime})`, zone: zoneLess });
  const plain = fits.find((f) => !f.order);
  if (plain) return { candidate: text(plain) };
  const mdy = fits.find((f) => f.order === 'mdy');
  const dmy = fits.find((f) => f.order === 'dmy');
  if (opts.dayFirst !== undefined) {
    const asked = opts.dayFirst ? dmy : mdy;
    if (asked) return { candidate: text(asked), order: 'given' };
    if (mdy || dmy) {
      const bad = values.find((v) => !fitsOrder(v, opts.dayFirst!)) ?? values[0]!;
      return { why: `${opts.dayFirst ? 'day first' : 'month first'} was asked, but "${clip(bad)}" is no date that way` };
    }
  } else if (mdy && dmy) {
    return { candidate: text(mdy), order: 'assumed' };
  } else if (mdy || dmy) {
    return { candidate: text((mdy ?? dmy)!), order: 'content' };
  }
  const bad = values.find((v) => parseIsoMs(v) === null && TEXT_TIME_FORMATS.every((f) => f.parse(v) === null));
  return { why: bad !== undefined ? `"${clip(bad)}" fits no time form` : `no one time form fits all its values (e.g. "${clip(values[0]!)}")` };
}

/** Whether the numeric day/month value `v` reads as a date with that order (for the message only). */
function fitsOrder(v: string, dayFirst: boolean): boolean {
  return TEXT_TIME_FORMATS.some((f) => f.order === (dayFirst ? 'dmy' : 'mdy') && f.parse(v) !== null);
}

const clip = (s: string) => (s.length > 40 ? `${s.slice(0, 40)}…` : s);

function epoch(name: string, values: string[]): Judged {
  const nums = values.map(Number);
  const badAt = nums.findIndex((n) => !Number.isFinite(n));
  if (badAt >= 0) return { why: `"${clip(values[badAt]!)}" is not a number` };
  const named = isTimeName(name);
  const inS = (lo: number) => nums.every((n) => n >= lo && n < S_2100);
  const inMs = (lo: number) => nums.every((n) => n >= lo && n < S_2100 * 1000);
  const unit = (u: 's' | 'ms'): Judged => ({ candidate: { reading: { kind: 'epoch', unit: u }, label: u === 's' ? 'epoch seconds' : 'epoch milliseconds', zone: 'UTC' } });
  if (named) {
    if (inS(0)) return unit('s');
    if (inMs(1e11)) return unit('ms');
    return { why: 'not epoch seconds or milliseconds in 1970..2100' };
  }
  if (!nums.every(Number.isInteger)) return { why: 'numbers, not times (fractions, and no time in its name)' };
  // Phone numbers and ids also lie in 1e9..4.1e9: without a time name, times must also run forward, three at least.
  const forward = nums.length >= 3 && nums.every((n, i) => i === 0 || n >= nums[i - 1]!) && nums[nums.length - 1]! > nums[0]!;
  if (forward && inS(1e9)) return unit('s');
  if (forward && inMs(1e12)) return unit('ms');
  return { why: 'numbers, not times (no time in its name, and not three or more rising epoch values in 2001..2100)' };
}

/** The reading for a column named by the user that the sample does not prove: the form most values fit. */
function forced(c: ColumnSample, zoneLess: string): TimeCandidate {
  const values = nonEmpty(c.values);
  if (c.kind === 'numeric') {
    const unit = Math.abs(Number(values[0] ?? 0)) >= 1e11 ? 'ms' : 's';
    return { reading: { kind: 'epoch', unit }, label: unit === 's' ? 'epoch seconds' : 'epoch milliseconds', zone: 'UTC' };
  }
  let best: TextTimeFormat | undefined;
  let bestCount = values.filter((v) => parseIsoMs(v) !== null).length;
  for (const f of TEXT_TIME_FORMATS) {
    const n = values.filter((v) => f.parse(v) !== null).length;
    if (n > bestCount) { best = f; bestCount = n; }
  }
  // Lines the chosen form cannot read become rejects with their line numbers (never nulls).
  if (best) return { reading: { kind: 'text', format: best }, label: `${best.example} (${best.strptime})`, zone: zoneLess };
  return { reading: { kind: 'iso', zoned: true, dateOnly: false }, label: 'ISO 8601', zone: zoneLess };
}

/** What an import says about its time column: which, in which form and zone, and the day/month order used. */
export interface TimeChoice { column: string; format: string; zone: string; dayFirst?: boolean; dayOrder?: DayOrderSource }

export function timeChoice(d: TimeDetection): TimeChoice | null {
  const cand = d.candidate;
  if (!d.chosen || !cand) return null;
  return { column: d.chosen, format: cand.label, zone: cand.zone, ...(d.dayFirst !== undefined ? { dayFirst: d.dayFirst, dayOrder: d.dayOrder! } : {}) };
}

/** The refusal of a series import without a time column: names every column and why, and the forms tried. */
export function noTimeColumnError(name: string, d: Pick<TimeDetection, 'tried' | 'columns'>): PondError {
  return new PondError('INVALID_INPUT', `${name}: no column holds times, so it cannot be a series (columns tried: ${d.tried.join('; ')}). Forms tried: ${FORMS_TRIED}. Name a column with --timestamp-column, or import it as a table or as raw data`, {
    detail: { name, reason: 'no-time-column', columns: d.columns.map((c) => c.name), tried: d.tried },
  });
}
