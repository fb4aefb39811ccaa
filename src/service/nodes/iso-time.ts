// Instants in derived-series configs (`range.begin`, `start`), read strictly: an ISO-8601 / RFC 3339 date-time with
// `Z` or an offset, or a date alone meaning midnight UTC. A time without a zone is refused rather than guessed: the
// browser's zone is not the sensor's. The answer is UTC µs, the pond's event-time unit, with fractions to the µs
// (Date.parse stops at ms).
import { invalidField } from './config-checks';

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?\s*([Zz]|[+-]\d{2}:?\d{2}))?$/;

/**
 * Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil; exact for any year). Main has
 * the same in core/utc-micros.ts since this branch started: import that one when merging.
 */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(y: number, m: number): number {
  return m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
}

/** UTC µs of an ISO-8601 instant, or undefined when `text` is not one (see the file comment for what is accepted). */
export function isoToMicros(text: string): number | undefined {
  const m = ISO.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return undefined;
  if (m[4] !== undefined && m[8] === undefined) return undefined; // a time of day needs its zone
  const [h, mi, s] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (h > 23 || mi > 59 || s > 59) return undefined;
  const frac = m[7] === undefined ? 0 : Number(m[7].padEnd(6, '0'));
  let offsetMin = 0;
  const zone = m[8];
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const [oh, om] = [Number(digits.slice(0, 2)), Number(digits.slice(2))];
    if (oh > 23 || om > 59) return undefined;
    offsetMin = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const seconds = daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - offsetMin * 60;
  // Exact below 2^53 µs (the years 1685-2255); beyond, the nearest number, as everywhere times are numbers
  // (core/utc-micros.ts on main): whole seconds stay exact there, a fraction may move by a few µs.
  return seconds * 1_000_000 + frac;
}

/** A config field holding an instant, in UTC µs, or INVALID_INPUT naming the factory and the field. */
export function instantField(v: unknown, field: string, what: string): number {
  if (v === undefined || v === null) throw invalidField(what, field, 'is required');
  const us = typeof v === 'string' ? isoToMicros(v) : undefined;
  if (us === undefined) {
    throw invalidField(what, field, `must be an ISO-8601 time with Z or an offset (2024-05-01T06:00:00Z) or a date (2024-05-01), not ${JSON.stringify(v)}`);
  }
  return us;
}
