// Display helpers shared by the components: times (UTC µs → text), sizes, entry-type labels and icons, errors.
import type { NodeInfo } from '../api/pond-api';
import type { EntryType } from '../core/entry';
import { PondError } from '../core/errors';
import { formatBytes, formatUtc } from '../core/text';
import { isoFromMillis } from '../core/utc-micros';

export { errorText } from '../core/errors';

/** UTC µs as `YYYY-MM-DD HH:MM UTC` (the UI never shows local time: see core/text.ts). */
export function fmtTime(us: number | null | undefined, seconds = false): string {
  return us === null || us === undefined ? '—' : `${formatUtc(us, { seconds })} UTC`;
}

export const fmtBytes = formatBytes;

/** A word per entry type (icons.ts has the glyphs): the word is what screen readers and tests read. */
export const ENTRY_LABEL: Record<EntryType, { label: string }> = {
  directory: { label: 'folder' },
  symlink: { label: 'link' },
  'file:data': { label: 'file' },
  'file:table': { label: 'table' },
  'file:series': { label: 'series' },
};

/**
 * The word for a node: a derived node (stored as its config, a `file:data`, computed when read) is named for what it
 * reads as, with its factory: "derived series (timeseries-join)". Only sql-derived-table reads as a table.
 */
export function nodeLabel(node: Pick<NodeInfo, 'type' | 'derived' | 'factory'>): string {
  if (!node.derived) return ENTRY_LABEL[node.type].label;
  return `derived ${node.factory === 'sql-derived-table' ? 'table' : 'series'} (${node.factory ?? 'unknown factory'})`;
}

/** A column type that charts as a number (stored attrs say `float64`, DuckDB says `DOUBLE`); not INTERVAL. */
export const isNumericType = (type: string): boolean =>
  /^(u?int(?!erval)|float|double|decimal|real|bigint|smallint|tinyint|hugeint|ubigint|usmallint|utinyint)/i.test(type);

/** True for the errors a cancelled Task or a user's Cancel produce: they are not failures to show. */
export function isAbort(e: unknown): boolean {
  return (e instanceof PondError && e.code === 'ABORTED') || (e instanceof DOMException && e.name === 'AbortError');
}

/**
 * One value of a query result as text: Arrow hands timestamps over as epoch milliseconds; pond times are UTC.
 * Times outside Date's range (±8.64e15 ms, e.g. Spark's INT96 9.09e18 µs) still get their ISO text.
 */
export function cellText(v: unknown, type: string): string {
  if (v === null || v === undefined) return '∅';
  if (typeof v === 'number' && /timestamp/i.test(type)) return isoFromMillis(v).replace('T', ' ').replace('.000Z', '');
  if (v instanceof Date) return v.toISOString().replace('T', ' ').replace('.000Z', '');
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(6).replace(/\.?0+$/, '');
  return String(v);
}
