// Page checksums of untrusted Parquet. A page header may carry the CRC-32 of the page's bytes (as written); arrow-rs
// (inside parquet-wasm) never checks it, so a file damaged in transit would import with wrong values. We walk every
// column chunk's pages from the footer's offsets and compare; pages without a CRC are accepted as they are.
import { createCRC32 } from 'hash-wasm';
import { PondError } from '../core/errors';
import { Reader, type Field, type Footer, type ListValue, type Value } from './parquet-footer';

const get = (fields: Field[], id: number): Value | undefined => fields.find((f) => f.id === id)?.value;
const num = (v: Value | undefined): number | undefined => (typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : undefined);
/** A file can hold no more pages than bytes; a header that claims otherwise is damage, not a reason to loop. */
const MAX_PAGES_PER_CHUNK = 10_000_000;

/** Throws BAD_PARQUET naming the column, row group and offset of the first page whose CRC does not match. */
export async function verifyPageChecksums(bytes: Uint8Array, footer: Footer, name: string): Promise<{ pagesChecked: number }> {
  const crc = await createCRC32();
  const bad = (what: string) => new PondError('BAD_PARQUET', `${name}: ${what}`, { detail: { name } });
  const groups = (get(footer.fields, 4) as ListValue | undefined)?.items ?? [];
  let pagesChecked = 0;
  for (const [g, group] of groups.entries()) {
    const columns = (get(group as Field[], 1) as ListValue | undefined)?.items ?? [];
    for (const chunk of columns) {
      const meta = get(chunk as Field[], 3) as Field[] | undefined;
      if (!meta) continue; // column data in another file: nothing here to check
      const path = ((get(meta, 3) as ListValue | undefined)?.items ?? []).map((p) => new TextDecoder().decode(p as Uint8Array)).join('.');
      const size = num(get(meta, 7));
      const dataAt = num(get(meta, 9));
      const dictAt = num(get(meta, 11));
      if (size === undefined || dataAt === undefined) throw bad(`column ${path} in row group ${g} has no page offsets`);
      const start = dictAt !== undefined && dictAt > 0 && dictAt < dataAt ? dictAt : dataAt;
      const end = start + size;
      if (start < 4 || end > footer.start || size < 0) throw bad(`column ${path} in row group ${g} points outside the file`);
      let at = start;
      for (let pages = 0; at < end; pages++) {
        if (pages > MAX_PAGES_PER_CHUNK) throw bad(`column ${path} in row group ${g} has too many pages`);
        const r = new Reader(bytes.subarray(at, end));
        let header: Field[];
        try {
          header = r.struct();
        } catch (e) {
          throw bad(`column ${path} in row group ${g}: unreadable page header at byte ${at} (${(e as Error).message})`);
        }
        const compressed = num(get(header, 3));
        if (compressed === undefined || compressed < 0 || at + r.pos + compressed > end) {
          throw bad(`column ${path} in row group ${g}: page at byte ${at} claims ${compressed} bytes past its column chunk`);
        }
        const recorded = num(get(header, 4));
        const body = bytes.subarray(at + r.pos, at + r.pos + compressed);
        if (recorded !== undefined) {
          crc.init();
          crc.update(body);
          const actual = parseInt(crc.digest('hex'), 16) | 0; // Thrift's i32 is signed
          if (actual !== recorded) throw bad(`page checksum mismatch in column ${path}, row group ${g}, page at byte ${at} (the file is damaged)`);
          pagesChecked++;
        }
        at += r.pos + compressed;
      }
    }
  }
  return { pagesChecked };
}
