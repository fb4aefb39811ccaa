import { PondError } from '../../core/errors';

// DuckDB-wasm has no ICU here (stack-notes), so local wall-clock times become UTC with the browser's own
// Intl time-zone data: the offset of an instant is read back from Intl.DateTimeFormat's parts.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
        era: 'short',
      });
    } catch (e) {
      throw new PondError('INVALID_INPUT', `unknown time zone "${zone}" (use an IANA name such as America/Los_Angeles)`, { cause: e, detail: { zone } });
    }
    formatters.set(zone, f);
  }
  return f;
}

/** Checks an IANA zone name, returning it; throws INVALID_INPUT naming it otherwise. */
export function validateZone(zone: string): string {
  formatter(zone);
  return zone;
}

/** Offset of `zone` from UTC at the instant `utcMs`, in ms (e.g. -7 h for PDT). */
export function zoneOffsetMs(zone: string, utcMs: number): number {
  const parts: Record<string, string> = {};
  for (const p of formatter(zone).formatToParts(new Date(utcMs))) parts[p.type] = p.value;
  let year = Number(parts.year);
  if (parts.era === 'BC' || parts.era === 'B') year = 1 - year;
  const wall = Date.UTC(year, Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  // formatToParts drops milliseconds; compare whole seconds.
  return wall - Math.floor(utcMs / 1000) * 1000;
}

/** Wall-clock fields of a local time. */
export interface LocalTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond?: number;
}

/**
 * UTC ms of a local wall-clock time in `zone`. Follows Temporal's "compatible" rule: a time that occurs twice
 * (the hour repeated when clocks go back) is the earlier instant; a time skipped when clocks go forward is
 * moved forward by the gap (02:30 on a spring-forward night becomes 03:30 local).
 */
export function localToUtcMs(zone: string, t: LocalTime): number {
  const wall = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second, t.millisecond ?? 0);
  // DST rules never change the offset twice within a day either side, so these two offsets bracket the answer.
  const before = zoneOffsetMs(zone, wall - 86_400_000);
  const after = zoneOffsetMs(zone, wall + 86_400_000);
  const candidates = [...new Set([wall - before, wall - after])].filter((u) => zoneOffsetMs(zone, u) === wall - u);
  if (candidates.length > 0) return Math.min(...candidates);
  return wall - before; // in the gap: read with the offset in force before the change
}

/** Parses `YYYY-MM-DD HH:MM[:SS[.fff]]` (also `T` or `/` separators); null when the text does not match. */
export function parseLocalTime(text: string): LocalTime | null {
  const m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?$/.exec(text.trim());
  if (!m) return null;
  const t: LocalTime = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4]),
    minute: Number(m[5]),
    second: Number(m[6] ?? 0),
    millisecond: m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0,
  };
  // Reject 2024-02-30 and 25:00 rather than letting Date.UTC roll them over.
  const d = new Date(Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second));
  if (d.getUTCFullYear() !== t.year || d.getUTCMonth() !== t.month - 1 || d.getUTCDate() !== t.day || d.getUTCHours() !== t.hour || t.minute > 59 || t.second > 59) {
    return null;
  }
  return t;
}
