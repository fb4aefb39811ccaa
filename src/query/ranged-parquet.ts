// Reading a large Parquet version by its checked ranges (formats/parquet-ranges.ts) instead of whole: its footer
// first (the schema, and each row group's time statistics), then only the row groups whose times meet the range a
// chart draws. The fetched row groups are laid at their offsets in a buffer of the file's size (the rest zeros, never
// read: parquet-wasm decodes only the row groups it is asked for), so the decoder sees the file as written.
import type { Schema } from 'apache-arrow';
import type { Table } from 'apache-arrow';
import { PondError, throwIfAborted } from '../core/errors';
import { parquetSchema, parquetToArrow } from '../formats/parquet';
import { microsTimestampColumns, parseFooter, rowGroupSpans, type RowGroupSpan } from '../formats/parquet-footer';
import { footerFile } from '../formats/parquet-ranges';

/** A version that can be read by ranges: each read checked against the hash recorded for it. */
export interface VersionRanges {
  /** The content's size in bytes. */
  size: number;
  /** Row groups recorded (the footer's count must agree). */
  rowGroups: number;
  /** The footer range (metadata, its length, the magic), checked. */
  footer(): Promise<Uint8Array>;
  /** Row group `i`'s bytes, checked. */
  rowGroup(i: number): Promise<Uint8Array>;
  /** Where row group `i` lies (as recorded). */
  rowGroupAt(i: number): { offset: number; length: number };
}

/** A ranged version's footer, read once: its schema and its row groups. */
export interface RangedFooter {
  schema: Schema;
  spans: RowGroupSpan[];
  /** Columns whose statistics are µs timestamps (INT64, TIMESTAMP(MICROS)): only their min/max prune row groups. */
  micros: Set<string>;
}

export async function readRangedFooter(r: VersionRanges, name: string): Promise<RangedFooter> {
  const file = footerFile(await r.footer());
  const footer = parseFooter(file, name);
  const spans = rowGroupSpans(footer, name);
  // The footer is checked, and the ranges were computed from it: a disagreement means the attribute is not this file's.
  const agree = spans.length === r.rowGroups && spans.every((s, i) => {
    const at = r.rowGroupAt(i);
    return at.offset === s.offset && at.length === s.length;
  });
  if (!agree) throw new PondError('CORRUPT', `${name}: its recorded row-group ranges do not match its footer`, { detail: { name } });
  return { schema: await parquetSchema(file, name), spans, micros: microsTimestampColumns(footer) };
}

/**
 * The row groups whose `column` statistics meet the half-open `range` (µs); every group when the column is not
 * stored as µs timestamps, and any group without both statistics (nothing says it lies outside).
 */
export function rowGroupsMeeting(f: RangedFooter, column: string, range: [number, number]): number[] {
  const out: number[] = [];
  if (!f.micros.has(column)) return f.spans.map((_, i) => i);
  f.spans.forEach((s, i) => {
    const st = s.stats.get(column);
    const min = int64(st?.min);
    const max = int64(st?.max);
    if (min === undefined || max === undefined || (min < range[1] && max >= range[0])) out.push(i);
  });
  return out;
}

/** A row group statistic stored as a plain INT64 (8 bytes, little-endian), or undefined when it is not one. */
export function statInt64(b: Uint8Array | undefined): bigint | undefined {
  if (!b || b.length !== 8) return undefined;
  return new DataView(b.buffer, b.byteOffset, 8).getBigInt64(0, true);
}

function int64(b: Uint8Array | undefined): number | undefined {
  const v = statInt64(b);
  return v === undefined ? undefined : Number(v);
}

/** Cancel, and a report after each row group read (its index and length), for a long read by ranges. */
export interface RowGroupReadOptions {
  signal?: AbortSignal;
  onGroup?: (group: number, bytes: number) => void;
}

/** The named columns of row groups `groups` only, fetched by ranges and decoded. */
export async function readRowGroups(r: VersionRanges, groups: number[], name: string, columns: string[], opts: RowGroupReadOptions = {}): Promise<Table> {
  const file = new Uint8Array(r.size);
  const footer = await r.footer();
  file.set(footer, r.size - footer.length);
  file.set([0x50, 0x41, 0x52, 0x31], 0);
  for (const i of groups) {
    throwIfAborted(opts.signal, 'query');
    const bytes = await r.rowGroup(i);
    file.set(bytes, r.rowGroupAt(i).offset);
    opts.onGroup?.(i, bytes.length);
  }
  throwIfAborted(opts.signal, 'query');
  return parquetToArrow(file, name, columns, groups);
}
