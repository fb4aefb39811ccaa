// Durations of derived-series configs (`interval: 15m`, `period: 1h30m`), as the original's humantime reads them
// for these factories: one or more `<integer><unit>` parts, summed. query/reduce.ts parseResolution stays the
// reader of bucket widths (one part only, and a number of µs): a reduce resolution is a bucket name (`res=1h`), and
// `1h30m` there would name a file nobody asked for.
import { PondError } from '../../core/errors';
import { invalidField } from './config-checks';

/** µs per unit. Months and years are refused: they are not a fixed length. */
const UNIT_US: Readonly<Record<string, number>> = {
  us: 1, µs: 1, ms: 1_000, s: 1_000_000, sec: 1_000_000, m: 60_000_000, min: 60_000_000, h: 3_600_000_000, d: 86_400_000_000, w: 604_800_000_000,
};

const PART = /(\d+)\s*(us|µs|ms|sec|min|s|m|h|d|w)/y;

/** A duration such as `30s`, `15m`, `1h30m`, `2d` or `500ms` in µs (a positive safe integer). */
export function parseDuration(text: string): number {
  const s = text.trim();
  let total = 0;
  let pos = 0;
  while (pos < s.length) {
    PART.lastIndex = pos;
    const m = PART.exec(s);
    if (!m) throw badDuration(text);
    total += Number(m[1]) * UNIT_US[m[2]!]!;
    pos = PART.lastIndex;
    while (s[pos] === ' ') pos++;
  }
  if (pos === 0 || !Number.isSafeInteger(total) || total <= 0) throw badDuration(text);
  return total;
}

function badDuration(text: string): PondError {
  return new PondError('INVALID_INPUT', `duration ${JSON.stringify(text)} is not a positive length such as 500ms, 30s, 15m, 1h30m or 2d`, { detail: { duration: text } });
}

/** A config field holding a duration, in µs, or INVALID_INPUT naming the factory and the field. */
export function durationField(v: unknown, field: string, what: string): number {
  if (v === undefined || v === null) throw invalidField(what, field, 'is required');
  if (typeof v !== 'string') throw invalidField(what, field, `must be a duration such as 15m or 1h30m, not ${JSON.stringify(v)}`);
  try {
    return parseDuration(v);
  } catch {
    // parseDuration refuses only with INVALID_INPUT about the text; name the field instead.
    throw invalidField(what, field, `is not a positive duration such as 500ms, 30s, 15m, 1h30m or 2d (got ${JSON.stringify(v)})`);
  }
}
