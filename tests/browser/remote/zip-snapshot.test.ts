// Zip snapshots in Chromium: a streamed export round-trips, and every hostile archive in shared/testdata/zip is refused.
import { describe, expect, it } from 'vitest';
import { isPondError } from '../../../src/core/errors';
import { exportZip } from '../../../src/remote/zip-export';
import { importZip } from '../../../src/remote/zip-import';
import { MemoryStore } from '../../../src/storage/memory-store';
import { makePond, sameFiles, snapshot, writeBlob, noise } from '../../unit/remote/pond-fixture';
import zipSlip from '../../../../shared/testdata/zip/zip-slip.zip?url';
import zipSlipWin from '../../../../shared/testdata/zip/zip-slip-win.zip?url';
import absolutePath from '../../../../shared/testdata/zip/absolute-path.zip?url';
import duplicates from '../../../../shared/testdata/zip/duplicate-entries.zip?url';
import bomb from '../../../../shared/testdata/zip/bomb-64mib.zip?url';
import truncated from '../../../../shared/testdata/zip/truncated.zip?url';

// The ponds here are fake (real layout, noise content: pond-fixture.ts): the transfer is under test, not the pond, so
// the snapshot validator (tested over real ponds in tests/unit/pond/validate.test.ts) is off.
const FAKE = { validate: false } as const;

async function load(url: string): Promise<Blob> {
  const res = await fetch(url);
  expect(res.ok, url).toBe(true);
  return res.blob();
}

describe('zip snapshots (Chromium)', () => {
  it('exports as a stream of bounded chunks and imports byte for byte', async () => {
    const src = new MemoryStore();
    await makePond(src, 4);
    await writeBlob(src, noise(3 << 20, 5)); // 3 MiB: several read chunks
    const chunkSize = 256 * 1024;
    const sizes: number[] = [];
    const progress: string[] = [];
    const parts: Uint8Array[] = [];
    const reader = exportZip(src, { pondId: 'p1', chunkSize, onProgress: (p) => progress.push(p.phase) }).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      sizes.push(value.length);
      parts.push(value);
    }
    // Memory stays bounded: no chunk is much larger than one read (fflate adds headers, not buffering).
    expect(Math.max(...sizes)).toBeLessThan(chunkSize + 64 * 1024);
    expect(progress.at(-1)).toBe('done');
    const zip = new Blob(parts as Uint8Array<ArrayBuffer>[]);
    const dst = new MemoryStore();
    const res = await importZip(zip, dst, FAKE);
    expect(res.files).toBe(13);
    expect(sameFiles(await snapshot(dst), await snapshot(src))).toEqual([]);
  });

  it.each([
    ['zip-slip.zip', zipSlip, /\.\.\/.*zip slip/],
    ['zip-slip-win.zip', zipSlipWin, /backslash/],
    ['absolute-path.zip', absolutePath, /"\/etc\/evil.txt": is an absolute path/],
    ['duplicate-entries.zip', duplicates, /"a.txt": appears twice/],
    ['bomb-64mib.zip', bomb, /to 67108864 .*zip bomb/],
    ['truncated.zip', truncated, /truncated/],
  ])('refuses %s, importing nothing', async (_name, url, message) => {
    const store = new MemoryStore();
    const err = await importZip(await load(url), store, FAKE).catch((e: unknown) => e);
    expect(isPondError(err, 'BAD_ZIP'), String(err)).toBe(true);
    expect((err as Error).message).toMatch(message);
    expect(await store.list('')).toEqual([]);
  });
});
