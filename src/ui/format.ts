// Display helpers shared by the components: times (UTC µs → text), sizes, entry-type labels and icons, errors.
import type { EntryType } from '../core/entry';
import { PondError } from '../core/errors';

/** UTC µs as `YYYY-MM-DD HH:MM` UTC: field data is compared across sites, so the UI never shows local time. */
export function fmtTime(us: number | null | undefined, seconds = false): string {
  if (us === null || us === undefined) return '—';
  return new Date(Math.floor(us / 1000)).toISOString().replace('T', ' ').slice(0, seconds ? 19 : 16) + ' UTC';
}

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

/** A word per entry type (icons.ts has the glyphs): the word is what screen readers and tests read. */
export const ENTRY_LABEL: Record<EntryType, { label: string }> = {
  directory: { label: 'folder' },
  symlink: { label: 'link' },
  'file:data': { label: 'file' },
  'file:table': { label: 'table' },
  'file:series': { label: 'series' },
};

/** An error as the user should read it: the PondError message and its code, so support can tell cases apart. */
export function errorText(e: unknown): string {
  if (e instanceof PondError) return `${e.message} [${e.code}]`;
  if (e instanceof Error) return e.message;
  return String(e);
}

/** True for the errors a cancelled Task or a user's Cancel produce: they are not failures to show. */
export function isAbort(e: unknown): boolean {
  return (e instanceof PondError && e.code === 'ABORTED') || (e instanceof DOMException && e.name === 'AbortError');
}
