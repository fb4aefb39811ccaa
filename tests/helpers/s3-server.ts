// s3rver (SigV4 checked) on 127.0.0.1 with one bucket whose CORS rule allows exactly the app's origin, for the e2e
// tests that back up from the built app. The browser tests start theirs in tests/browser/remote/s3-global-setup.ts.
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error s3rver ships no types
import S3rver from '@20minutes/s3rver';

export interface LocalS3 { bucketUrl: string; origin: string; close(): Promise<void> }

export async function startS3(appOrigin: string, bucket = 'ponds'): Promise<LocalS3> {
  const cors = `<CORSConfiguration><CORSRule><AllowedOrigin>${appOrigin}</AllowedOrigin>
<AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod><AllowedMethod>POST</AllowedMethod><AllowedMethod>HEAD</AllowedMethod><AllowedMethod>DELETE</AllowedMethod>
<AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><ExposeHeader>x-amz-meta-sha256</ExposeHeader><MaxAgeSeconds>600</MaxAgeSeconds>
</CORSRule></CORSConfiguration>`;
  const dir = await mkdtemp(join(tmpdir(), 'duckpond-e2e-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: [{ name: bucket, configs: [cors] }] });
  const { port } = (await server.run()) as AddressInfo;
  return {
    bucketUrl: `http://127.0.0.1:${port}/${bucket}`,
    origin: `http://127.0.0.1:${port}`,
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
