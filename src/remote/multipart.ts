/**
 * Multipart upload of one large blob, resumable across interrupted pushes.
 *
 * Resume design: S3's ListParts/ListMultipartUploads would be the usual way, but not every S3-compatible
 * server has them (s3rver, our test server, answers NotImplemented) and ListMultipartUploads needs an
 * extra CORS-exposed permission. Instead, after each part we record `{uploadId, partSize, parts: {n: etag}}`
 * in a small JSON object in the backup's own `tmp/uploads/<sha256>.json`. A later push (from any device)
 * reads it and sends only the parts not recorded. The record is untrusted: if it does not match the blob,
 * or S3 no longer knows the upload (NoSuchUpload, e.g. a lifecycle rule aborted it), the upload starts over.
 * At worst a part is sent twice; the object is still correct because S3 assembles only the listed ETags
 * and the blob name is its SHA-256, which restore verifies. Abandoned uploads cost storage until a bucket
 * lifecycle rule (AbortIncompleteMultipartUpload) removes them; the README of the backup should say so.
 */
import { PondError, isPondError } from '../core/errors';
import type { Store } from '../core/store';
import type { S3Remote } from './s3-client';

export interface MultipartOptions {
  /** Bytes per part; S3 requires at least 5 MiB for every part but the last. */
  partSize: number;
  concurrency: number;
  signal?: AbortSignal;
  /** Called with the byte count of each part once S3 has it. */
  onBytes?: (bytes: number) => void;
}

interface UploadRecord {
  v: 1;
  key: string;
  sha256: string;
  size: number;
  partSize: number;
  uploadId: string;
  parts: Record<string, string>;
}

function parseRecord(text: string, key: string, sha256: string, size: number, partSize: number): UploadRecord | undefined {
  try {
    const r = JSON.parse(text) as Partial<UploadRecord>;
    const ok =
      r.v === 1 && r.key === key && r.sha256 === sha256 && r.size === size && r.partSize === partSize &&
      typeof r.uploadId === 'string' && r.uploadId.length > 0 && r.parts !== null && typeof r.parts === 'object' &&
      Object.entries(r.parts).every(([n, e]) => /^\d+$/.test(n) && typeof e === 'string' && e.length > 0);
    return ok ? (r as UploadRecord) : undefined;
  } catch {
    return undefined;
  }
}

/** Runs `work` for every item with at most `limit` in flight; the first failure stops new work and is thrown. */
export async function runPool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown;
  const worker = async (): Promise<void> => {
    while (failed === undefined && next < items.length) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (e) {
        failed ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failed !== undefined) throw failed;
}

/** Result of one multipart upload: how many parts this call sent (the rest came from an earlier attempt). */
export interface MultipartResult {
  partsSent: number;
  partsTotal: number;
}

/**
 * Uploads `path` of `store` to `key` with multipart, carrying `x-amz-meta-sha256`, resuming from the
 * record at `recordKey` when one matches.
 */
export async function uploadMultipart(
  remote: S3Remote, store: Store, path: string, size: number, sha256: string, key: string, recordKey: string, opts: MultipartOptions,
): Promise<MultipartResult> {
  const { partSize, signal } = opts;
  const partsTotal = Math.max(1, Math.ceil(size / partSize));
  let record: UploadRecord | undefined;
  try {
    record = parseRecord(await (await remote.get(recordKey, signal)).text(), key, sha256, size, partSize);
  } catch (e) {
    if (!isPondError(e, 'NOT_FOUND')) throw e;
  }
  let resumed = record !== undefined;
  for (let attempt = 0; ; attempt++) {
    record ??= {
      v: 1, key, sha256, size, partSize, parts: {},
      uploadId: await remote.createMultipart(key, { 'x-amz-meta-sha256': sha256 }, signal),
    };
    const rec = record;
    // Records are written one after another so a later write always carries at least the earlier parts.
    let saving: Promise<void> = Promise.resolve();
    const save = (): Promise<void> => {
      const body = new TextEncoder().encode(JSON.stringify(rec));
      saving = saving.then(() => remote.put(recordKey, body, {}, signal));
      return saving;
    };
    if (Object.keys(rec.parts).length === 0) await save();
    const todo = Array.from({ length: partsTotal }, (_, i) => i + 1).filter((n) => !rec.parts[String(n)]);
    let partsSent = 0;
    try {
      await runPool(todo, opts.concurrency, async (n) => {
        const offset = (n - 1) * partSize;
        const bytes = await store.readRange(path, offset, Math.min(partSize, size - offset));
        rec.parts[String(n)] = await remote.uploadPart(key, rec.uploadId, n, bytes, signal);
        partsSent++;
        opts.onBytes?.(bytes.length);
        await save();
      });
      const parts = Object.entries(rec.parts).map(([n, etag]) => ({ partNumber: Number(n), etag })).sort((a, b) => a.partNumber - b.partNumber);
      await remote.completeMultipart(key, rec.uploadId, parts, signal);
    } catch (e) {
      // A resumed upload that fails may just be stale (aborted by a lifecycle rule or completed elsewhere;
      // S3 says NoSuchUpload, other servers say other things): it is worth exactly one fresh start.
      if (!resumed || attempt > 0 || !isPondError(e, 'HTTP', 'NOT_FOUND') || signal?.aborted) throw e;
      await remote.abortMultipart(key, rec.uploadId, signal).catch(() => undefined);
      record = undefined;
      resumed = false;
      continue;
    }
    await remote.delete(recordKey, signal).catch(() => undefined);
    return { partsSent, partsTotal };
  }
}

export function assertPartSize(partSize: number): void {
  if (!Number.isSafeInteger(partSize) || partSize < 1) throw new PondError('INVALID_INPUT', `part size ${partSize} must be a positive whole number of bytes`);
}
