import { describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { MemoryStore } from '../../../src/storage/memory-store';
import { loadContent, storeContent } from '../../../src/pond/blobs';

async function* chunksOf(bytes: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

describe('content storage', () => {
  it.each([[100, 'inline'], [300_000, 'a blob']])('stores %i streamed bytes as %s, exactly like the same bytes given whole', async (n) => {
    const bytes = new Uint8Array(n).map((_, i) => (i * 31) % 256);
    const store = new MemoryStore();
    const whole = await storeContent(store, bytes, { newId: uuidv7 });
    const streamed = await storeContent(store, chunksOf(bytes, 7_000), { newId: uuidv7 });
    expect(streamed.sha256).toBe(whole.sha256);
    expect(streamed.size).toBe(n);
    expect(streamed.inline === null).toBe(whole.inline === null);
    expect(await loadContent(store, streamed, 'streamed')).toEqual(bytes);
    expect(await store.list('tmp')).toEqual([]); // the blob was moved into place (or deduplicated)
  });
});
