// Where a pond opened from a link keeps what it fetched: Cache Storage in the browser (it survives reloads and works
// offline, and the browser may evict it as a whole under storage pressure, which only costs a refetch), memory in
// node tests. Only objects the HTTP store has checked go in, so a cached object is as good as a verified fetch.

/** Bytes by key. Keys are http(s) URLs without query strings (a presigned URL's signature changes, the object does not). */
export interface ObjectCache {
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, bytes: Uint8Array): Promise<void>;
}

/** Cache Storage (`caches`), in windows and workers of a secure context (https, or http on localhost). */
export class CacheStorageObjectCache implements ObjectCache {
  private cache: Promise<Cache> | undefined;

  constructor(private readonly name = 'duckpond-links') {}

  private open(): Promise<Cache> {
    this.cache ??= caches.open(this.name);
    return this.cache;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const hit = await (await this.open()).match(key);
    return hit ? new Uint8Array(await hit.arrayBuffer()) : undefined;
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    await (await this.open()).put(key, new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'content-length': String(bytes.length) } }));
  }

  /** True where Cache Storage exists (it does not in node, nor on plain-http origins other than localhost). */
  static available(): boolean {
    return typeof caches !== 'undefined';
  }
}

export class MemoryObjectCache implements ObjectCache {
  readonly entries = new Map<string, Uint8Array>();
  async get(key: string) { return this.entries.get(key)?.slice(); }
  async put(key: string, bytes: Uint8Array) { this.entries.set(key, bytes.slice()); }
}
