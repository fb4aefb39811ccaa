import { PondError } from '../../core/errors';
import { parseLocalTime, localToUtcMs } from './zone';

/** How to read a LakeTech file. */
export interface LakeTechOptions {
  /** Name shown in errors (the file name). */
  fileName: string;
  /** IANA zone of the local timestamps in the file, e.g. America/Los_Angeles. */
  zone: string;
  /**
   * Column prefix such as `AT500_Surface` (the instrument and its position). For CSV exports it defaults to the
   * `Location` field (spaces become `_`); for HTML reports there is no default and columns are `{Parameter}.{Unit}`.
   */
  scope?: string;
  /** Cancelled between rows of big files. */
  signal?: AbortSignal;
}

/** Error for a malformed input file, naming it and the line. */
export function fileError(fileName: string, line: number | null, message: string): PondError {
  const where = line === null ? fileName : `${fileName} line ${line}`;
  return new PondError('INVALID_INPUT', `${where}: ${message}`, { detail: { file: fileName, ...(line === null ? {} : { line }) } });
}

/** A column-name part: no dots (the separator) and no surrounding space; inner spaces kept (`Specific Conductivity`). */
export function namePart(s: string): string {
  return s.trim().replace(/\./g, '_');
}

/** A scope: spaces and dots become `_` so `AT500 Surface` and `AT500_Surface` name the same columns. */
export function scopePart(s: string): string {
  return s.trim().replace(/[\s.]+/g, '_');
}

/** Splits `Temperature (°C) (790478)` into name, unit and serial; missing parts are null. */
export function splitParameter(text: string): { name: string; unit: string | null; serial: string | null } {
  const m = /^(.*?)\s*\(([^()]*)\)\s*(?:\(([^()]*)\))?\s*$/.exec(text.trim());
  if (!m || m[1] === '') return { name: text.trim(), unit: null, serial: null };
  return { name: m[1]!, unit: m[2]!.trim() || null, serial: m[3]?.trim() || null };
}

/** `{scope}.{name}.{unit}` with absent parts left out. */
export function columnFor(scope: string | undefined, name: string, unit: string | null): string {
  return [scope ? scopePart(scope) : null, namePart(name), unit === null ? null : namePart(unit)].filter((p) => p !== null && p !== '').join('.');
}

/** A number cell: null when blank, NaN when not a number (callers report it with its line). */
export function parseValue(text: string): number | null {
  const s = text.trim();
  if (s === '') return null;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Number.NaN;
  return Number(s);
}

/** UTC µs of a timestamp cell: local time in `zone`, or an ISO time that carries its own offset. */
export function timestampMicros(text: string, zone: string): number | null {
  const s = text.trim();
  if (/(Z|[+-]\d{2}:?\d{2})$/.test(s) && /^\d{4}-\d{2}-\d{2}T/.test(s)) {
    const ms = Date.parse(s);
    return Number.isFinite(ms) ? ms * 1000 : null;
  }
  const local = parseLocalTime(s);
  return local === null ? null : localToUtcMs(zone, local) * 1000;
}
