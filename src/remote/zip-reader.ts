// Reads a zip's central directory from a Blob and inflates single entries with hard output limits.
// Why the central directory, not fflate's streaming Unzip: streaming readers find the end of a
// data-descriptor entry by searching for a signature that may also occur inside stored data, and they
// learn an archive is truncated only at the very end. The directory gives every name and size up front,
// so an import can refuse a bad archive before writing a byte.
import { Inflate } from 'fflate';
import { PondError } from '../core/errors';

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

export function badZip(entry: string, problem: string): PondError {
  return new PondError('BAD_ZIP', entry ? `zip entry "${entry}": ${problem}` : `zip: ${problem}`, { detail: { entry, problem } });
}

const u16 = (b: Uint8Array, i: number): number => b[i]! | (b[i + 1]! << 8);
const u32 = (b: Uint8Array, i: number): number => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;

async function bytesOf(blob: Blob, start: number, end: number): Promise<Uint8Array> {
  return new Uint8Array(await blob.slice(start, end).arrayBuffer());
}

/** The entries listed in the central directory, checked for structure (not yet for names or sizes). */
export async function readCentralDirectory(zip: Blob): Promise<{ entries: ZipEntry[]; cdOffset: number }> {
  const tailLen = Math.min(zip.size, 22 + 0xffff);
  const tail = await bytesOf(zip, zip.size - tailLen, zip.size);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (u32(tail, i) === 0x06054b50 && i + 22 + u16(tail, i + 20) === tail.length) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw badZip('', 'truncated or not a zip archive (no end-of-central-directory record)');
  const count = u16(tail, eocd + 10);
  const cdSize = u32(tail, eocd + 12);
  const cdOffset = u32(tail, eocd + 16);
  if (u16(tail, eocd + 4) !== 0 || u16(tail, eocd + 6) !== 0 || u16(tail, eocd + 8) !== count) throw badZip('', 'multi-part (spanned) archives are not supported');
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw badZip('', 'ZIP64 archives (over 4 GiB or 65535 entries) are not supported');
  const eocdAbs = zip.size - tailLen + eocd;
  if (cdOffset + cdSize > eocdAbs) throw badZip('', 'truncated archive: the central directory lies outside the file');
  const cd = await bytesOf(zip, cdOffset, cdOffset + cdSize);
  const entries: ZipEntry[] = [];
  const dec = new TextDecoder('utf-8', { fatal: false });
  let p = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > cd.length || u32(cd, p) !== 0x02014b50) throw badZip('', `central directory entry ${n + 1} is damaged`);
    const nameLen = u16(cd, p + 28), extraLen = u16(cd, p + 30), commentLen = u16(cd, p + 32);
    if (p + 46 + nameLen > cd.length) throw badZip('', `central directory entry ${n + 1} is damaged`);
    const e: ZipEntry = {
      flags: u16(cd, p + 8),
      method: u16(cd, p + 10),
      compressedSize: u32(cd, p + 20),
      size: u32(cd, p + 24),
      name: dec.decode(cd.subarray(p + 46, p + 46 + nameLen)),
      localHeaderOffset: u32(cd, p + 42),
    };
    if (e.compressedSize === 0xffffffff || e.size === 0xffffffff || e.localHeaderOffset === 0xffffffff) throw badZip(e.name, 'ZIP64 entries are not supported');
    if (e.flags & 1) throw badZip(e.name, 'is encrypted');
    if (e.method !== 0 && e.method !== 8) throw badZip(e.name, `uses compression method ${e.method} (only stored and deflate are supported)`);
    if (e.localHeaderOffset + 30 + e.compressedSize > cdOffset) throw badZip(e.name, 'truncated: its data runs into the central directory');
    entries.push(e);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return { entries, cdOffset };
}

/**
 * Streams one entry's inflated bytes to `sink`, refusing more than `limit` bytes: inflation stops at the
 * first byte over, so a zip bomb costs one input chunk of work, not its inflated size.
 */
export async function extractEntry(
  zip: Blob, e: ZipEntry, cdOffset: number, limit: number, sink: (chunk: Uint8Array) => Promise<void>, signal?: AbortSignal, chunkSize = 1 << 20,
): Promise<number> {
  const lh = await bytesOf(zip, e.localHeaderOffset, e.localHeaderOffset + 30);
  if (lh.length < 30 || u32(lh, 0) !== 0x04034b50) throw badZip(e.name, 'local header is missing or damaged');
  const start = e.localHeaderOffset + 30 + u16(lh, 26) + u16(lh, 28);
  const end = start + e.compressedSize;
  if (end > cdOffset) throw badZip(e.name, 'truncated: its data runs into the central directory');
  let out = 0;
  let pending: Uint8Array[] = [];
  let ended = e.method === 0;
  const take = (chunk: Uint8Array): void => {
    out += chunk.length;
    if (out > limit) throw badZip(e.name, `inflates to more than the ${limit} bytes allowed (zip bomb or wrong size)`);
    pending.push(chunk);
  };
  const inflater = e.method === 8 ? new Inflate((chunk, final) => { take(chunk); if (final) ended = true; }) : undefined;
  let pos = start;
  do {
    if (signal?.aborted) throw new PondError('ABORTED', 'zip import was cancelled', { cause: signal.reason });
    const stop = Math.min(end, pos + chunkSize);
    const data = await bytesOf(zip, pos, stop);
    try {
      if (inflater) inflater.push(data, stop === end);
      else take(data);
    } catch (err) {
      if (err instanceof PondError) throw err;
      throw badZip(e.name, `compressed data is damaged or truncated (${(err as Error).message})`);
    }
    for (const c of pending) await sink(c);
    pending = [];
    pos = stop;
  } while (pos < end);
  if (!ended) throw badZip(e.name, 'compressed data ends early (truncated)');
  return out;
}
