/**
 * The written forms of times an import recognises in text, each with a strict JS parser (to test sampled values)
 * and the DuckDB `strptime` format that reads the whole file the same way. Pure: no DuckDB, no wasm.
 *
 * API: ISO_FORMAT, TEXT_TIME_FORMATS, parseIsoMs(s), compileFormat(strptime) -> parse(s) -> UTC ms | null.
 *
 * The JS parsers accept a subset of what DuckDB's strptime accepts (DuckDB also takes doubled spaces, one-digit
 * minutes): a format chosen because every sampled value parses here is certain to read those values in DuckDB.
 * Values are zone-less wall-clock times (UTC unless the import names a zone); only ISO text may carry an offset.
 */

export type DayOrder = 'mdy' | 'dmy';

export interface TextTimeFormat {
  /** DuckDB strptime format, also the format's identity (`%b %d %Y`). */
  strptime: string;
  /** How a person recognises it: an example value (`Jan 1 2000`). */
  example: string;
  /** Date only (read as DATE, `dateformat`) or date and time (TIMESTAMP, `timestampformat`). */
  dateOnly: boolean;
  /** For numeric day/month formats that exist both ways: which order this one is. */
  order?: DayOrder;
  /** UTC ms of the wall-clock value, or null when `s` is not in this form or names no real day/time. */
  parse: (s: string) => number | null;
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** One strptime directive: the regex source of its text and how it sets the fields. */
const DIRECTIVES: Record<string, { re: string; set: (f: Fields, v: string) => boolean }> = {
  Y: { re: '(\\d{4})', set: (f, v) => ((f.year = Number(v)), true) },
  m: { re: '(\\d{1,2})', set: (f, v) => ((f.month = Number(v)), true) },
  d: { re: '(\\d{1,2})', set: (f, v) => ((f.day = Number(v)), true) },
  H: { re: '(\\d{1,2})', set: (f, v) => ((f.hour = Number(v)), f.hour < 24) },
  I: { re: '(\\d{1,2})', set: (f, v) => ((f.hour12 = Number(v)), f.hour12 >= 1 && f.hour12 <= 12) },
  M: { re: '(\\d{2})', set: (f, v) => ((f.minute = Number(v)), f.minute < 60) },
  S: { re: '(\\d{2})', set: (f, v) => ((f.second = Number(v)), f.second < 60) },
  p: { re: '([AaPp][Mm])', set: (f, v) => ((f.pm = v.toLowerCase() === 'pm'), true) },
  b: { re: '([A-Za-z]{3})', set: (f, v) => ((f.month = MONTHS.findIndex((m) => m.slice(0, 3) === v.toLowerCase()) + 1), f.month > 0) },
  B: { re: '([A-Za-z]{3,9})', set: (f, v) => ((f.month = MONTHS.indexOf(v.toLowerCase()) + 1), f.month > 0) },
};

interface Fields { year: number; month: number; day: number; hour: number; hour12?: number; pm?: boolean; minute: number; second: number }

/** UTC ms of a calendar date and time, or null when the day does not exist (Feb 30). */
function utcMs(f: Fields): number | null {
  let hour = f.hour;
  if (f.hour12 !== undefined) hour = (f.hour12 % 12) + (f.pm ? 12 : 0);
  if (f.month < 1 || f.month > 12 || f.day < 1) return null;
  const ms = Date.UTC(f.year, f.month - 1, f.day, hour, f.minute, f.second);
  return new Date(ms).getUTCDate() === f.day ? ms : null; // Date.UTC rolls Feb 30 over to March
}

/** A strict parser for a strptime format made of the directives above and literal characters. */
export function compileFormat(strptime: string): (s: string) => number | null {
  const setters: ((f: Fields, v: string) => boolean)[] = [];
  let re = '^';
  for (let i = 0; i < strptime.length; i++) {
    const ch = strptime[i]!;
    if (ch === '%') {
      const d = DIRECTIVES[strptime[++i] ?? ''];
      if (!d) throw new Error(`unsupported directive %${strptime[i]} in ${strptime}`);
      re += d.re;
      setters.push(d.set);
    } else {
      re += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  const rx = new RegExp(re + '$');
  return (s) => {
    const m = rx.exec(s);
    if (!m) return null;
    const f: Fields = { year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
    for (let k = 0; k < setters.length; k++) if (!setters[k]!(f, m[k + 1]!)) return null;
    return utcMs(f);
  };
}

function fmt(strptime: string, example: string, order?: DayOrder): TextTimeFormat {
  return { strptime, example, dateOnly: !/%[HI]/.test(strptime), ...(order ? { order } : {}), parse: compileFormat(strptime) };
}

/** Numeric day/month forms, both orders (the order decides which one a column gets). */
function bothOrders(sep: string, time: string, exampleTime: string): TextTimeFormat[] {
  return [
    fmt(`%m${sep}%d${sep}%Y${time}`, `01${sep}31${sep}2000${exampleTime}`, 'mdy'),
    fmt(`%d${sep}%m${sep}%Y${time}`, `31${sep}01${sep}2000${exampleTime}`, 'dmy'),
  ];
}

/**
 * The forms tried on text columns, most specific first (a value fits at most one form of each order). DuckDB's
 * sniffer types ISO text itself; these are the field formats it leaves as text, or reads day-first without saying.
 */
export const TEXT_TIME_FORMATS: readonly TextTimeFormat[] = [
  ...bothOrders('/', ' %H:%M:%S', ' 13:00:00'), ...bothOrders('/', ' %H:%M', ' 13:00'),
  ...bothOrders('/', ' %I:%M:%S %p', ' 1:00:00 PM'), ...bothOrders('/', ' %I:%M %p', ' 1:00 PM'), ...bothOrders('/', '', ''),
  ...bothOrders('-', ' %H:%M:%S', ' 13:00:00'), ...bothOrders('-', ' %H:%M', ' 13:00'), ...bothOrders('-', '', ''),
  fmt('%d.%m.%Y %H:%M:%S', '31.01.2000 13:00:00'), fmt('%d.%m.%Y %H:%M', '31.01.2000 13:00'), fmt('%d.%m.%Y', '31.01.2000'),
  fmt('%Y/%m/%d %H:%M:%S', '2000/01/31 13:00:00'), fmt('%Y/%m/%d %H:%M', '2000/01/31 13:00'), fmt('%Y/%m/%d', '2000/01/31'),
  fmt('%b %d %Y %H:%M:%S', 'Jan 31 2000 13:00:00'), fmt('%b %d %Y %H:%M', 'Jan 31 2000 13:00'), fmt('%b %d %Y', 'Jan 31 2000'),
  fmt('%b %d, %Y %H:%M:%S', 'Jan 31, 2000 13:00:00'), fmt('%b %d, %Y %H:%M', 'Jan 31, 2000 13:00'), fmt('%b %d, %Y', 'Jan 31, 2000'),
  fmt('%B %d %Y', 'January 31 2000'), fmt('%B %d, %Y %H:%M', 'January 31, 2000 13:00'), fmt('%B %d, %Y', 'January 31, 2000'),
  fmt('%d %b %Y %H:%M', '31 Jan 2000 13:00'), fmt('%d %b %Y', '31 Jan 2000'), fmt('%d %B %Y', '31 January 2000'),
  fmt('%d-%b-%Y %H:%M:%S', '31-Jan-2000 13:00:00'), fmt('%d-%b-%Y', '31-Jan-2000'),
];

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** What an ISO 8601 value says: its UTC ms (offset applied), and whether it carried an offset or a time at all. */
export function parseIsoMs(s: string): { ms: number; zoned: boolean; dateOnly: boolean } | null {
  const m = ISO_RE.exec(s);
  if (!m) return null;
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  const base = utcMs({ year: Number(y), month: Number(mo), day: Number(d), hour: Number(h ?? 0), minute: Number(mi ?? 0), second: Number(sec ?? 0) });
  if (base === null || Number(h ?? 0) > 23 || Number(mi ?? 0) > 59 || Number(sec ?? 0) > 59) return null;
  let offset = 0;
  if (zone && zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const hh = Number(digits.slice(0, 2));
    const mm = Number(digits.slice(2) || '0');
    if (hh > 23 || mm > 59) return null;
    offset = (zone[0] === '-' ? -1 : 1) * (hh * 60 + mm) * 60_000;
  }
  return { ms: base + Math.floor(Number(frac ?? 0) * 1000) - offset, zoned: !!zone, dateOnly: h === undefined };
}

/** The ISO form as a format entry (read by DuckDB's own cast, no strptime): listed among the forms tried. */
export const ISO_FORMAT = { example: '2000-01-31 13:00:00 or 2000-01-31T13:00:00Z', name: 'ISO 8601' } as const;
