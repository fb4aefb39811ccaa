// The checked byte ranges of a large Parquet version, so a reader over HTTP (a pond opened from a link) can fetch its
// footer and only the row groups a chart draws, and still check every byte it uses. A version's recorded SHA-256
// covers the whole object, and a ranged answer (206) cannot be checked against it; so when a large series or table
// version is written, the SHA-256 of its footer and of each row group's bytes is recorded beside it, in the version's
// attributes (which an oplog file carries, and a commit's hash covers). A reader fetches a range, checks it against
// its recorded hash, and refuses it as CORRUPT otherwise. Page CRCs (parquet-crc.ts) would not do: a CRC detects
// accidents, but whoever alters a byte recomputes it; a SHA-256 recorded in the hash-checked log cannot be forged so.
//
// The attribute: `parquet_ranges` = JSON [[offset, length, sha256], …]: the footer first (metadata, its length and
// the closing magic, to the end of the file), then each row group in the footer's order.
import { PondError } from '../core/errors';
import { parseFooter, rowGroupSpans, type RowGroupSpan } from './parquet-footer';
import type { ContentAttrs } from '../pond/transaction';
import { blobPath } from '../pond/layout';
import { sha256Hex } from '../pond/hash';

import { RANGES_ATTR } from '../pond/transaction';

export { RANGES_ATTR };

/**
 * Versions smaller than this are read whole: a footer request plus a row-group request cost two round trips, which
 * on a 50 ms link is worth ~125 kB at 10 Mbit/s; under 256 KiB the whole object is about as quick.
 */
export const RANGES_MIN_BYTES = 256 * 1024;

export interface CheckedRange { offset: number; length: number; sha256: string }
export interface ParquetRanges { footer: CheckedRange; rowGroups: CheckedRange[] }

const MAGIC = [0x50, 0x41, 0x52, 0x31];
const SHA = /^[0-9a-f]{64}$/;

/**
 * The ranges of a Parquet object of `size` bytes read through `readRange`, or undefined when ranged reads would not
 * pay (smaller than RANGES_MIN_BYTES, fewer than two row groups) or it is not a Parquet file this can read by ranges.
 */
export async function computeRanges(size: number, readRange: (offset: number, length: number) => Promise<Uint8Array>, name: string): Promise<ParquetRanges | undefined> {
  if (size < RANGES_MIN_BYTES) return undefined;
  const tail = await readRange(size - 8, 8);
  if (!MAGIC.every((b, i) => tail[4 + i] === b)) return undefined; // not Parquet: nothing to range over
  const metaLength = new DataView(tail.buffer, tail.byteOffset, 8).getUint32(0, true);
  if (metaLength + 12 > size) return undefined;
  const footerBytes = await readRange(size - 8 - metaLength, metaLength + 8);
  let spans: RowGroupSpan[];
  try {
    spans = rowGroupSpans(parseFooter(footerFile(footerBytes), name), name);
  } catch (e) {
    if (e instanceof PondError && e.code === 'BAD_PARQUET') return undefined; // a footer this parser cannot range over: read whole
    throw e;
  }
  if (spans.length < 2 || spans.some((s) => s.offset < 4 || s.offset + s.length > size - 8 - metaLength)) return undefined;
  const rowGroups: CheckedRange[] = [];
  for (const s of spans) rowGroups.push({ offset: s.offset, length: s.length, sha256: await sha256Hex(await readRange(s.offset, s.length)) });
  return { footer: { offset: size - 8 - metaLength, length: metaLength + 8, sha256: await sha256Hex(footerBytes) }, rowGroups };
}

export function encodeRanges(r: ParquetRanges): string {
  return JSON.stringify([r.footer, ...r.rowGroups].map((c) => [c.offset, c.length, c.sha256]));
}

/** The recorded ranges of a version of `size` bytes; CORRUPT naming `what` when the attribute is not well formed. */
export function decodeRanges(attr: string, size: number, what: string): ParquetRanges {
  let parsed: unknown;
  try {
    parsed = JSON.parse(attr);
  } catch {
    parsed = undefined; // not JSON: reported below with the shape it should have
  }
  const bad = (why: string) => new PondError('CORRUPT', `${what}: its ${RANGES_ATTR} attribute ${why}`, { detail: { what, attr: RANGES_ATTR } });
  if (!Array.isArray(parsed) || parsed.length < 2) throw bad('is not a list of [offset, length, sha256] (footer, then row groups)');
  const ranges = parsed.map((c: unknown, i): CheckedRange => {
    if (!Array.isArray(c) || c.length !== 3 || !Number.isSafeInteger(c[0]) || !Number.isSafeInteger(c[1]) || typeof c[2] !== 'string' || !SHA.test(c[2])) {
      throw bad(`has a malformed entry ${i}: ${JSON.stringify(c)}`);
    }
    const [offset, length] = c as [number, number];
    if (offset < 0 || length <= 0 || offset + length > size) throw bad(`names bytes ${offset}+${length} outside the ${size}-byte content`);
    return { offset, length, sha256: c[2] };
  });
  const [footer, ...rowGroups] = ranges as [CheckedRange, ...CheckedRange[]];
  if (footer.offset + footer.length !== size) throw bad(`names a footer that does not end the content (${footer.offset}+${footer.length} of ${size})`);
  return { footer, rowGroups };
}

/** A footer range as a minimal Parquet file (the magic, then the footer): enough for the schema and the row groups. */
export function footerFile(footer: Uint8Array): Uint8Array {
  const out = new Uint8Array(footer.length + 4);
  out.set(MAGIC, 0);
  out.set(footer, 4);
  return out;
}


/**
 * The commit-time attributes of a file version (Pond.transact's contentAttrs): the checked ranges of a series or
 * table stored as a blob large enough to be read by ranges. Reads the blob back once (its footer, then each row group).
 */
export const parquetRangeAttrs: ContentAttrs = async (entry, store) => {
  if ((entry.type !== 'file:series' && entry.type !== 'file:table') || entry.inline || !entry.sha256) return undefined;
  const path = blobPath(entry.sha256);
  const ranges = await computeRanges(entry.size, (offset, length) => store.readRange(path, offset, length), path);
  return ranges ? { [RANGES_ATTR]: encodeRanges(ranges) } : undefined;
};
