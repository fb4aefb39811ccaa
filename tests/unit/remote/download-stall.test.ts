// A backup object whose body stops sending is STALLED (and its stream cancelled), not waited on forever.
import { describe, expect, it } from 'vitest';
import { downloadChecked } from '../../../src/remote/download';
import type { S3Remote } from '../../../src/remote/s3-client';

describe('downloadChecked', () => {
  it('gives up on a body that stops mid-way, naming the object, and cancels it', async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      start(c) { c.enqueue(new Uint8Array(10)); }, // ten bytes, then nothing ever again
      cancel() { cancelled = true; },
    });
    const remote = { get: async () => new Response(body, { headers: { 'x-amz-meta-sha256': '0'.repeat(64) } }) } as unknown as S3Remote;
    let bytes = 0;
    const e = await downloadChecked(remote, 'p/x', 'oplog/x.parquet', 100, undefined, undefined, (n) => { bytes += n; }, 100).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'STALLED', message: 'backup object p/x: no data for 0.1 s' });
    expect(bytes).toBe(10);
    expect(cancelled).toBe(true);
  });
});
