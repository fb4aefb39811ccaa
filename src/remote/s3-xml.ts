// The few S3 XML responses we read, parsed with regular expressions.
// Why not DOMParser: the pond runs in a worker, and workers have no DOMParser. These responses are small,
// flat and well defined (no attributes we need, no CDATA, no nesting beyond one level), so a tag regex plus
// entity decoding is exact for them; anything unexpected is refused rather than guessed at.
import { PondError } from '../core/errors';

export interface ListedObject {
  key: string;
  size: number;
  etag: string;
}

export interface ListPage {
  objects: ListedObject[];
  isTruncated: boolean;
  nextContinuationToken: string | undefined;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the five XML entities and numeric character references. */
export function decodeXmlText(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));
    return ENTITIES[name] ?? whole;
  });
}

/** Text of the first `<tag>…</tag>` in `xml`, decoded; undefined when absent. `<tag/>` is ''. */
export function xmlTag(xml: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}(?:\\s[^>]*)?(?:/>|>([\\s\\S]*?)</${tag}>)`).exec(xml);
  if (!m) return undefined;
  return decodeXmlText(m[1] ?? '');
}

function blocks(xml: string, tag: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, 'g');
  for (let m = re.exec(xml); m; m = re.exec(xml)) out.push(m[1]!);
  return out;
}

/** Parses a ListObjectsV2 (`?list-type=2`) response. */
export function parseListObjectsV2(xml: string): ListPage {
  if (!/<ListBucketResult[\s>]/.test(xml)) {
    throw new PondError('HTTP', 'the bucket listing is not a ListBucketResult (is the bucket URL an S3 endpoint?)', { detail: { body: xml.slice(0, 200) } });
  }
  const objects = blocks(xml, 'Contents').map((c) => {
    const key = xmlTag(c, 'Key');
    const size = Number(xmlTag(c, 'Size'));
    if (key === undefined || !Number.isSafeInteger(size) || size < 0) {
      throw new PondError('HTTP', 'the bucket listing has an entry without a key or size', { detail: { entry: c.slice(0, 200) } });
    }
    return { key, size, etag: (xmlTag(c, 'ETag') ?? '').replace(/"/g, '') };
  });
  const isTruncated = xmlTag(xml, 'IsTruncated') === 'true';
  const nextContinuationToken = xmlTag(xml, 'NextContinuationToken') || undefined;
  return { objects, isTruncated, nextContinuationToken };
}

/** UploadId of an InitiateMultipartUploadResult. */
export function parseInitiateMultipart(xml: string): string {
  const id = xmlTag(xml, 'UploadId');
  if (!id) throw new PondError('HTTP', 'CreateMultipartUpload answered without an UploadId', { detail: { body: xml.slice(0, 200) } });
  return id;
}

/** Code and Message of an S3 `<Error>` body (both '' when the body is not one). */
export function parseS3Error(xml: string): { code: string; message: string } {
  const err = /<Error[\s>]/.test(xml);
  return { code: err ? (xmlTag(xml, 'Code') ?? '') : '', message: err ? (xmlTag(xml, 'Message') ?? '') : '' };
}

function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&${Object.entries(ENTITIES).find(([, v]) => v === c)![0]};`);
}

/** Body of CompleteMultipartUpload. */
export function completeMultipartXml(parts: { partNumber: number; etag: string }[]): string {
  const items = parts
    .map((p) => `<Part><PartNumber>${p.partNumber}</PartNumber><ETag>"${escapeXml(p.etag.replace(/"/g, ''))}"</ETag></Part>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${items}</CompleteMultipartUpload>`;
}
