// How the project writes sizes and times for people, in the shell and the UI alike. Times are always UTC: field
// data is compared across sites, so local time would mislead.

/** Bytes as `812 B`, `1.5 KiB`, `23 MiB` … */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

/** UTC µs as `YYYY-MM-DD HH:MM:SS` (or without seconds); `empty` for a missing time. */
export function formatUtc(us: number | null | undefined, opts: { seconds?: boolean; empty?: string } = {}): string {
  if (us === null || us === undefined) return opts.empty ?? '-';
  return new Date(Math.floor(us / 1000)).toISOString().replace('T', ' ').slice(0, opts.seconds === false ? 16 : 19);
}
