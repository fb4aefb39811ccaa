// A read-only Store over a pond's backup layout at a base URL (a static host, or an S3 prefix that is public-read),
// read with plain GETs: no LIST, which static hosts do not have and S3 grants only with s3:ListBucket. The head is
// found as Delta readers find it without a listing: from `_delta_log/_last_checkpoint` when there is one, then by
// probing the next commit names. Every object is checked before it is used or cached: a blob against its name, an
// oplog file against the SHA-256 its commit records, anything S3 sent with `x-amz-meta-sha256` against that, and a
// commit for being whole JSON. Checked objects are immutable (commits, oplog files and blobs never change under their
// names), so they are cached for good: a second visit, and an offline one, fetch nothing already seen.
import { PondError, isPondError } from '../core/errors';
import type { Store, StoreWriter } from '../core/store';
import type { ObjectCache } from './object-cache';
import { checkRange, splitStorePath } from './paths';

const COMMIT = /^_delta_log\/(\d{20})\.json$/;
const LAST_CHECKPOINT = '_delta_log/_last_checkpoint';
/** How long a 404 for `_last_checkpoint` stands for the next read of it (one open asks twice; a later check asks anew). */
const RECENT_MS = 5000;
const BLOB = /^blobs\/sha256\/([0-9a-f]{2})\/([0-9a-f]{64})$/;
const OPLOG = /^oplog\/[^/]+\.parquet$/;
const LAYOUT = /^(?:_delta_log|oplog|blobs)\//;
const SHA256 = /^[0-9a-f]{64}$/;
/** Cache key (under the base) of the newest commit seen, so an offline visit knows where the pond ended. */
const HEAD_RECORD = '.duckpond-link-head.json';

export interface HttpStoreOptions {
  /** The fetch to use (the network worker's in the app); global fetch when absent. */
  fetch?: typeof fetch;
  /** Where checked objects are kept across visits; none when absent. */
  cache?: ObjectCache;
  /** The app's origin, named in the CORS advice (defaults to the calling context's). */
  appOrigin?: string;
  /**
   * A signed link's presigned URL of each pond path (remote/link-bundle.ts): paths not in it do not exist, and the
   * base is only the name the cache and messages use.
   */
  objects?: Readonly<Record<string, string>>;
  /** When the signed URLs stop working: requests after it are refused naming the time, without being sent. */
  expiresAt?: Date;
}

/** What the store fetched: for the UI's banner, and for tests that bound what a view costs. */
export interface LinkFetchStats {
  /** HTTP requests sent. */
  requests: number;
  /** Body bytes received. */
  bytes: number;
  /** Reads answered from memory or the cache. */
  cacheHits: number;
  /** A Range request got the whole object (200): the server ignores Range, so whole files were used. */
  rangeIgnored: boolean;
  /** The head came from the cache because the server did not answer: the pond as of the last visit. */
  offline: boolean;
}

const logName = (v: number) => `_delta_log/${String(v).padStart(20, '0')}.json`;

export class HttpStore implements Store {
  readonly stats: LinkFetchStats = { requests: 0, bytes: 0, cacheHits: 0, rangeIgnored: false, offline: false };
  /** The base URL, ending in '/'. */
  readonly base: string;
  private readonly fetchFn: typeof fetch;
  private readonly cache: ObjectCache | undefined;
  private readonly appOrigin: string;
  /** Commits, oplog files and `_last_checkpoint` read this session (small; blobs stay in the cache only). */
  private readonly mem = new Map<string, Uint8Array>();
  /** SHA-256 of each oplog file, as the commits read so far record it. */
  private readonly expected = new Map<string, string>();
  private head: Promise<number> | undefined;
  /** Every object refused as CORRUPT so far (the log reader may turn such an error into "torn tail"; see open-link.ts). */
  readonly refusals: PondError[] = [];
  private sawCheckpoint = false;
  /** When `_last_checkpoint` was last answered 404 (performance.now()); a read within RECENT_MS takes that answer. */
  private noCheckpointAt = -Infinity;
  private readonly objects: Readonly<Record<string, string>> | undefined;
  private readonly expiresAt: Date | undefined;
  /** The last object a server sent whole for a range (it ignores Range): its other ranges are cut from it. */
  private lastWhole: { p: string; bytes: Uint8Array } | undefined;

  constructor(baseUrl: string, opts: HttpStoreOptions = {}) {
    this.base = HttpStore.checkBase(baseUrl);
    this.fetchFn = opts.fetch ?? ((input, init) => fetch(input, init));
    this.cache = opts.cache;
    this.objects = opts.objects;
    this.expiresAt = opts.expiresAt;
    this.appOrigin = opts.appOrigin ?? (typeof location !== 'undefined' ? location.origin : "the app's origin");
  }

  /** The base URL checked and normalised (trailing '/'): http(s), no query or fragment, no credentials. */
  static checkBase(url: string): string {
    let u: URL;
    try {
      u = new URL(String(url ?? '').trim());
    } catch {
      throw new PondError('INVALID_INPUT', `not a URL: ${JSON.stringify(url)}`, { detail: { url } });
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new PondError('INVALID_INPUT', `a pond link must be an http(s) URL, not ${u.protocol}`, { detail: { url } });
    if (u.search || u.hash) throw new PondError('INVALID_INPUT', `a pond link is the folder that holds _delta_log/, without ?query or #fragment: ${u.origin}${u.pathname}`, { detail: { url } });
    if (u.username || u.password) throw new PondError('INVALID_INPUT', 'a pond link cannot carry a user name or password', { detail: { url: `${u.origin}${u.pathname}` } });
    return u.href.endsWith('/') ? u.href : `${u.href}/`;
  }

  /** The URL of a pond path under the base. */
  urlOf(path: string): string {
    return new URL(path.split('/').map(encodeURIComponent).join('/'), this.base).href;
  }

  // --- Store: reads ---

  async read(path: string): Promise<Uint8Array> {
    const p = splitStorePath(path).join('/');
    const hit = await this.cached(p);
    if (hit) return hit;
    if (!LAYOUT.test(p)) throw outsideLayout(p);
    // Opening a pond asks for `_last_checkpoint` twice (the log reader, and finding the head): one 404 a moment is enough.
    if (p === LAST_CHECKPOINT && performance.now() - this.noCheckpointAt < RECENT_MS) throw notFound(p, this.urlOf(p));
    let res: Response | undefined;
    try {
      res = await this.get(p);
    } catch (e) {
      // Expected: no answer (offline). `_last_checkpoint` only speeds opening up: without it the log reader replays the
      // commits, which a visit before left in the cache; any other object's failure is the reader's to report.
      if (!(p === LAST_CHECKPOINT && isPondError(e, 'HTTP') && e.detail?.noAnswer)) throw e;
    }
    if (!res && p === LAST_CHECKPOINT) this.noCheckpointAt = performance.now();
    if (!res) throw notFound(p, this.urlOf(p));
    return this.accept(p, await this.body(res), res.headers);
  }

  /**
   * `length` bytes from `offset`, by a Range request. A ranged answer (206) cannot be checked against the object's
   * hash, which covers the whole object: callers that need checked content read whole (loadContent, the oplog
   * reader) or use readChecked with a hash recorded for the range. A server that ignores Range answers the whole object (200): it is checked and cached, and noted in stats.
   */
  async readRange(path: string, offset: number, length: number): Promise<Uint8Array> {
    checkRange(path, offset, length);
    const p = splitStorePath(path).join('/');
    if (length === 0) return new Uint8Array();
    const hit = await this.cached(p);
    if (hit) return hit.slice(offset, offset + length);
    if (!LAYOUT.test(p)) throw outsideLayout(p);
    const res = await this.get(p, [offset, offset + length - 1]);
    if (!res) throw notFound(p, this.urlOf(p));
    if (res.status === 416) return (await res.body?.cancel(), new Uint8Array()); // the range starts past the end
    if (res.status === 206) return (await this.body(res)).slice(0, length);
    this.stats.rangeIgnored = true;
    const whole = await this.accept(p, await this.body(res), res.headers);
    return whole.slice(offset, offset + length);
  }

  /**
   * `length` bytes from `offset`, checked against `sha256`, the hash the pond records for exactly that range (a
   * large Parquet version's footer or row group, formats/parquet-ranges.ts): CORRUPT naming the object and the range
   * when they differ. Checked ranges are cached under their own keys, so a second view and an offline one fetch
   * nothing. A server that ignores Range sends the whole object: it is checked against its name and kept, and the
   * range is cut from it (so are the next ones).
   */
  async readChecked(path: string, offset: number, length: number, sha256: string): Promise<Uint8Array> {
    checkRange(path, offset, length);
    const p = splitStorePath(path).join('/');
    const end = offset + length - 1;
    const url = display(this.urlOf(p));
    const check = async (bytes: Uint8Array, how: string): Promise<Uint8Array> => {
      const actual = bytes.length === length ? await sha256Hex(bytes) : `${bytes.length} bytes`;
      if (actual !== sha256) throw this.refused(corrupt(p, url, `bytes ${offset}-${end}${how}: content ${actual} does not match recorded hash ${sha256} (its version's recorded ranges)`));
      return bytes;
    };
    if (this.lastWhole?.p === p) return check(this.lastWhole.bytes.slice(offset, offset + length), ' (cut from the whole object)');
    const rangeKey = `${p}?bytes=${offset}-${end}`;
    const kept = await this.recall(rangeKey);
    if (kept) return (this.stats.cacheHits++, check(kept, ' (from the cache)'));
    const whole = await this.cached(p);
    if (whole) return check(whole.slice(offset, offset + length), ' (cut from the whole object)');
    if (!LAYOUT.test(p)) throw outsideLayout(p);
    const res = await this.get(p, [offset, end]);
    if (!res) throw notFound(p, this.urlOf(p));
    if (res.status === 416) {
      await res.body?.cancel();
      throw this.refused(corrupt(p, url, `bytes ${offset}-${end}: the server says the object ends before them (416), shorter than its recorded size`));
    }
    if (res.status === 206) {
      const bytes = await check(await this.body(res), '');
      await this.keep(rangeKey, bytes);
      return bytes;
    }
    this.stats.rangeIgnored = true;
    const all = await this.accept(p, await this.body(res), res.headers);
    this.lastWhole = { p, bytes: all };
    return check(all.slice(offset, offset + length), ' (cut from the whole object)');
  }

  async size(path: string): Promise<number | undefined> {
    const p = splitStorePath(path).join('/');
    const commit = COMMIT.exec(p);
    if (commit) return (await this.commitExists(Number(commit[1]))) ? this.mem.get(p)?.length : undefined;
    const hit = await this.cached(p);
    if (hit) return hit.length;
    if (!LAYOUT.test(p)) return undefined;
    const res = await this.get(p, undefined, 'HEAD');
    if (!res) return undefined;
    const n = Number(res.headers.get('content-length'));
    if (Number.isSafeInteger(n) && n >= 0) return n;
    return (await this.read(p)).length; // a HEAD without a length: the object itself says
  }

  /** Only `_delta_log` can be listed, and only its commits 0 … head (and `_last_checkpoint`): found by probing. */
  async list(dir: string): Promise<string[]> {
    const d = splitStorePath(dir).join('/');
    if (d !== '_delta_log') {
      throw new PondError('UNSUPPORTED', `a pond opened from a link cannot list ${d || 'its root'}/: a static host or an S3 prefix read without ListBucket gives no listing (the commits say what there is)`, { detail: { path: d } });
    }
    const head = await this.findHead();
    const names = Array.from({ length: head + 1 }, (_, v) => logName(v).slice('_delta_log/'.length));
    return this.sawCheckpoint ? [...names, '_last_checkpoint'] : names;
  }

  /**
   * The newest commit: from the head seen on the last visit or `_last_checkpoint` (whichever exists and is newer),
   * then probing forward at doubling steps and bisecting the last step, so N commits cost about 2·log2(N) small
   * GETs (each a commit the pond reads anyway). Offline, the head of the last visit, if any, is used.
   */
  findHead(): Promise<number> {
    this.head ??= this.probeHead();
    return this.head;
  }

  /**
   * The newest commit now, when it is past `version` (the backup changed under an open view: a push since), else
   * undefined. One small GET when nothing changed. The next findHead() probes again from there.
   */
  async newerThan(version: number): Promise<number | undefined> {
    if (!(await this.commitExists(version + 1))) return undefined;
    this.head = undefined;
    return this.findHead();
  }

  private async probeHead(): Promise<number> {
    const known = await this.recordedHead();
    try {
      let lo = -1;
      const checkpoint = await this.lastCheckpointVersion();
      for (const start of [known, checkpoint].filter((v): v is number => v !== undefined).sort((a, b) => b - a)) {
        if (await this.commitExists(start)) { lo = start; break; }
      }
      if (lo < 0) {
        if (!(await this.commitExists(0))) throw notFound(logName(0), this.urlOf(logName(0)), `there is no pond at ${display(this.base)}`);
        lo = 0;
      }
      let hi: number | undefined;
      for (let step = 1; hi === undefined; step *= 2) {
        if (await this.commitExists(lo + step)) lo += step;
        else hi = lo + step;
      }
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (await this.commitExists(mid)) lo = mid;
        else hi = mid;
      }
      await this.keep(HEAD_RECORD, new TextEncoder().encode(JSON.stringify({ head: lo })));
      return lo;
    } catch (e) {
      if (known !== undefined && isPondError(e, 'HTTP') && e.detail?.noAnswer === true) {
        this.stats.offline = true;
        return known;
      }
      throw e;
    }
  }

  private async recordedHead(): Promise<number | undefined> {
    const bytes = await this.recall(HEAD_RECORD);
    if (!bytes) return undefined;
    try {
      const head = (JSON.parse(new TextDecoder().decode(bytes)) as { head?: unknown }).head;
      return Number.isSafeInteger(head) && (head as number) >= 0 ? (head as number) : undefined;
    } catch {
      return undefined; // a record this code did not write whole: probe from the start instead
    }
  }

  /** `_last_checkpoint`'s version, when the backup has one (Delta checkpoints are optional; ponds may lack them). */
  private async lastCheckpointVersion(): Promise<number | undefined> {
    let bytes: Uint8Array;
    try {
      bytes = await this.read(LAST_CHECKPOINT);
    } catch (e) {
      if (isPondError(e, 'NOT_FOUND') || (isPondError(e, 'HTTP') && e.detail?.status === 403)) return undefined; // no checkpoint (403: S3 without ListBucket)
      throw e;
    }
    this.sawCheckpoint = true;
    try {
      const v = (JSON.parse(new TextDecoder().decode(bytes)) as { version?: unknown }).version;
      return Number.isSafeInteger(v) && (v as number) >= 0 ? (v as number) : undefined;
    } catch {
      return undefined; // an unreadable hint: probing from commit 0 finds the head all the same
    }
  }

  /** True when commit `v` exists (fetched and kept: the pond will read it). */
  private async commitExists(v: number): Promise<boolean> {
    const p = logName(v);
    if (await this.cached(p)) return true;
    // S3 answers 403, not 404, for a missing key to a reader without ListBucket: past commit 0 that means "not there".
    const res = await this.get(p, undefined, 'GET', v > 0);
    if (!res) return false;
    await this.accept(p, await this.body(res), res.headers);
    return true;
  }

  // --- checking and caching ---

  private cacheKey(path: string): string {
    return new URL(path, this.base).href;
  }

  private async cached(p: string): Promise<Uint8Array | undefined> {
    const m = this.mem.get(p);
    if (m) return (this.stats.cacheHits++, m);
    if (!this.cache || p === LAST_CHECKPOINT) return undefined; // the one object that changes: always asked for
    const c = await this.recall(p);
    if (!c) return undefined;
    this.stats.cacheHits++;
    if (COMMIT.test(p)) this.learn(c);
    if (!BLOB.test(p)) this.mem.set(p, c);
    return c;
  }

  /** Checks a fetched whole object; keeps and caches it when it is good, throws CORRUPT naming it when not. */
  private async accept(p: string, bytes: Uint8Array, headers: Headers): Promise<Uint8Array> {
    const url = display(this.urlOf(p));
    const recorded = headers.get('x-amz-meta-sha256');
    const blob = BLOB.exec(p);
    const wanted = blob ? blob[2]! : OPLOG.test(p) ? this.expected.get(p) : undefined;
    if (wanted !== undefined || (recorded !== null && SHA256.test(recorded))) {
      const actual = await sha256Hex(bytes);
      if (recorded !== null && SHA256.test(recorded) && actual !== recorded) throw this.refused(corrupt(p, url, `content ${actual} does not match recorded hash x-amz-meta-sha256 ${recorded}`));
      if (wanted !== undefined && actual !== wanted) throw this.refused(corrupt(p, url, `content ${actual} does not match recorded hash ${wanted} (${blob ? 'its name' : 'its commit'})`));
    }
    if (COMMIT.test(p)) {
      this.mem.set(p, bytes);
      // A torn commit is kept for this session (the log reader judges it) but never cached: it may yet be completed.
      if (!this.learn(bytes)) return bytes;
    } else if (p === LAST_CHECKPOINT) {
      return (this.mem.set(p, bytes), bytes);
    } else if (OPLOG.test(p)) {
      if (wanted === undefined) return bytes; // no commit read names it yet: unchecked, so not kept
      this.mem.set(p, bytes);
    }
    await this.keep(p, bytes);
    return bytes;
  }

  /** What the cache holds for `p`; nothing when it cannot answer (Cache Storage unusable here): then it is fetched. */
  private async recall(p: string): Promise<Uint8Array | undefined> {
    try {
      return await this.cache?.get(this.cacheKey(p));
    } catch (e) {
      console.warn(`cache not readable for ${p}`, e);
      return undefined;
    }
  }

  /**
   * Caches checked bytes. A cache that refuses (QuotaExceededError when the device is full, or Cache Storage unusable
   * in this context) costs only a refetch on the next visit, so the read it belongs to goes on.
   */
  private async keep(p: string, bytes: Uint8Array): Promise<void> {
    try {
      await this.cache?.put(this.cacheKey(p), bytes);
    } catch (e) {
      console.warn(`not cached: ${p}`, e);
    }
  }

  private refused(e: PondError): PondError {
    this.refusals.push(e);
    return e;
  }

  /** Records the oplog hashes a commit's `add` actions give; false when the commit is not whole JSON lines. */
  private learn(commit: Uint8Array): boolean {
    try {
      const text = new TextDecoder('utf-8', { fatal: true }).decode(commit);
      if (!text.endsWith('\n')) return false;
      for (const line of text.split('\n')) {
        if (!line.trim()) continue;
        const add = (JSON.parse(line) as { add?: { path?: unknown; tags?: { sha256?: unknown } } }).add;
        if (typeof add?.path === 'string' && typeof add.tags?.sha256 === 'string') this.expected.set(add.path, add.tags.sha256);
      }
      return true;
    } catch {
      return false; // torn or not JSON: readLog reports it (a torn newest commit is skipped, any other is CORRUPT)
    }
  }

  // --- HTTP ---

  /** One request; undefined for 404 (and for 403 when `missingIf403`); PondError naming the object otherwise. */
  private async get(p: string, range?: [number, number], method: 'GET' | 'HEAD' = 'GET', missingIf403 = false): Promise<Response | undefined> {
    const url = this.objects ? (Object.hasOwn(this.objects, p) ? this.objects[p] : undefined) : this.urlOf(p);
    if (url === undefined) return undefined; // not in the signed link: as good as a 404, and nothing to ask
    if (this.expiresAt && Date.now() >= this.expiresAt.getTime()) {
      const at = this.expiresAt.toISOString();
      throw new PondError('HTTP', `${p}: the link expired at ${at}; ask whoever shared it for a new one`, { detail: { key: p, expired: at } });
    }
    this.stats.requests++;
    let res: Response;
    try {
      res = await this.fetchFn(url, { method, cache: 'no-store', ...(range ? { headers: { range: `bytes=${range[0]}-${range[1]}` } } : {}) });
    } catch (e) {
      if (isPondError(e)) throw e; // BLOCKED by the app's policy (the network worker says which origin and why)
      throw new PondError('HTTP', `${p}: no answer from ${display(this.urlOf(p))}: offline, or the server does not allow this app by CORS. ${corsRule(this.appOrigin)}`, {
        cause: e, detail: { key: p, url: display(this.urlOf(p)), noAnswer: true },
      });
    }
    if (res.status === 404 || (missingIf403 && res.status === 403)) return void (await res.body?.cancel());
    if (res.status === 403) {
      await res.body?.cancel();
      throw new PondError('HTTP', `${p}: access denied (403) at ${display(this.urlOf(p))}: the prefix is not public-read, or the link's signature is not valid (expired?)`, { detail: { key: p, url: display(this.urlOf(p)), status: 403 } });
    }
    if (!res.ok && res.status !== 416) {
      await res.body?.cancel();
      throw new PondError('HTTP', `${p}: ${display(this.urlOf(p))} answered ${res.status} ${res.statusText}`.trim(), { detail: { key: p, url: display(this.urlOf(p)), status: res.status } });
    }
    return res;
  }

  private async body(res: Response): Promise<Uint8Array> {
    const bytes = new Uint8Array(await res.arrayBuffer());
    this.stats.bytes += bytes.length;
    return bytes;
  }

  // --- Store: writes (none) ---

  private readOnly(): never {
    throw new PondError('READ_ONLY', 'a pond opened from a link is read-only: "Keep a copy" makes it a pond on this device');
  }
  async write(): Promise<void> { this.readOnly(); }
  async createWriter(): Promise<StoreWriter> { this.readOnly(); }
  async move(): Promise<void> { this.readOnly(); }
  async remove(): Promise<void> { this.readOnly(); }
  async removeTree(): Promise<void> { this.readOnly(); }
}

/** What a bucket (or static host) needs so the app can read a pond from it. */
export function corsRule(appOrigin: string): string {
  return `The bucket or host needs a CORS rule: AllowedOrigin ${appOrigin}, AllowedMethod GET and HEAD, AllowedHeader *, ExposeHeader Content-Length, Content-Range, ETag, x-amz-meta-sha256.`;
}

/** A URL as shown to people: without a query string (a presigned URL's signature is a secret of sorts). */
function display(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

function notFound(p: string, url: string, why = ''): PondError {
  return new PondError('NOT_FOUND', `${p}: not found (404) at ${display(url)}${why ? `; ${why}` : ''}`, { detail: { key: p, url: display(url), status: 404 } });
}

/** A path no backup holds (the local head hint, tmp/): answered without asking the server. */
function outsideLayout(p: string): PondError {
  return new PondError('NOT_FOUND', `${p} is not part of a pond backup`, { detail: { path: p } });
}

function corrupt(p: string, url: string, problem: string): PondError {
  return new PondError('CORRUPT', `${p} from ${url}: ${problem}`, { detail: { key: p, path: p, url } });
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  let s = '';
  for (const b of digest) s += b.toString(16).padStart(2, '0');
  return s;
}
