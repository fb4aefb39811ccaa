// How the project writes sizes and times for people, in the shell and the UI alike. Times are always UTC: field
// data is compared across sites, so local time would mislead.
import { isoFromMicros } from './utc-micros';

/** Bytes as `812 B`, `1.5 KiB`, `23 MiB` … */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

/**
 * UTC µs as `YYYY-MM-DD HH:MM:SS` (or without seconds); `empty` for a missing time. Any int64 time gives text
 * (years outside 0000-9999 as ±YYYYYY, see utc-micros.ts): one odd row never fails a whole listing.
 */
export function formatUtc(us: number | null | undefined, opts: { seconds?: boolean; empty?: string } = {}): string {
  if (us === null || us === undefined) return opts.empty ?? '-';
  const iso = isoFromMicros(us, 0).replace('T', ' ').replace(/Z$/, '');
  return opts.seconds === false ? iso.replace(/:\d\d$/, '') : iso;
}
