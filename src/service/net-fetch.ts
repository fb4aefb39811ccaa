// The pond worker's fetch to other origins, run in the network worker (workers/net.worker.ts). That worker's script
// comes from the service worker with `connect-src` = the origins the user configured (connect-origins.ts), read when
// the script is fetched; so when the configuration has changed since, the next request starts a fresh network worker
// (the old one finishes what it carries, bodies included, then closes). Same-origin requests need no policy change and go directly.
import { PondError } from '../core/errors';
import type { ConnectOrigins } from './settings/connect-origins';

export interface NetRequest {
  kind: 'fetch';
  id: number;
  url: string;
  method: string;
  headers: [string, string][];
  body: Blob | ArrayBuffer | string | null;
  cache: RequestCache;
}
/** `retire`: no more requests will come; the worker closes itself once what it carries (bodies too) is done. */
export type NetMessage = NetRequest | { kind: 'abort'; id: number } | { kind: 'retire' };
export type NetReply =
  | { id: number; ok: true; status: number; statusText: string; url: string; headers: [string, string][]; body: ReadableStream<Uint8Array> | null }
  | { id: number; ok: false; name: string; message: string; refusedByPolicy: boolean };

const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

interface Pending { resolve: (r: Response) => void; reject: (e: unknown) => void; url: string }

/** One network worker and the origins its policy was built from. */
class Lane {
  readonly pending = new Map<number, Pending>();
  retired = false;

  constructor(readonly worker: Worker, readonly allowed: ReadonlySet<string>, public configVersion: number) {
    worker.onmessage = (e: MessageEvent<NetReply>) => this.settle(e.data);
    // The script did not load (server gone and no service worker, say): every request waiting on it fails.
    worker.onerror = (e) => {
      e.preventDefault();
      for (const [id, p] of this.pending) this.fail(id, p, new TypeError(`the network worker did not start: ${e.message || 'script not loaded'}`));
      this.retired = true;
      worker.terminate();
    };
  }

  private settle(reply: NetReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return void (reply.ok && reply.body?.cancel()); // cancelled meanwhile: nobody will read the body
    if (reply.ok) {
      this.pending.delete(reply.id);
      // A 204 or 304 arrives with an empty stream, which the Response constructor refuses for those statuses.
      const body = NULL_BODY_STATUS.has(reply.status) ? (void reply.body?.cancel(), null) : reply.body;
      try {
        p.resolve(new Response(body, { status: reply.status, statusText: reply.statusText, headers: reply.headers }));
      } catch (e) {
        p.reject(new TypeError(`unusable answer from ${p.url}: ${(e as Error).message}`));
      }
    } else if (reply.refusedByPolicy) {
      const origin = new URL(p.url).origin;
      const why = this.allowed.has(origin)
        ? `${origin} is configured, but this page is not yet under the app's service worker, which applies that setting: reload the app and try again`
        : `${origin} is not an S3 remote, presign endpoint or HydroVu server configured in this app`;
      this.fail(reply.id, p, new PondError('BLOCKED', `connecting to ${origin} was refused by the app's Content-Security-Policy: ${why}`, { detail: { url: p.url, origin } }));
    } else {
      const err = reply.name === 'AbortError' ? new DOMException(reply.message, 'AbortError') : new TypeError(reply.message);
      this.fail(reply.id, p, err);
    }
  }

  fail(id: number, p: Pending, error: unknown): void {
    this.pending.delete(id);
    p.reject(error);
  }

  /** Only the worker knows when the bodies it streams are done, so it closes itself (net.worker.ts). */
  retire(): void {
    this.retired = true;
    this.worker.postMessage({ kind: 'retire' } satisfies NetMessage);
  }
}

export class NetFetch {
  private lane: Lane | undefined;
  private nextId = 1;

  constructor(
    private readonly origins: ConnectOrigins,
    private readonly spawn: () => Worker = () => new Worker(new URL('../../workers/net.worker.ts', import.meta.url), { type: 'module', name: 'net' }),
  ) {}

  /** A `fetch` for the layers below (S3, presign, HydroVu): same signature, run in the network worker. */
  readonly fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const signal = init?.signal ?? undefined;
    signal?.throwIfAborted();
    const url = new URL(request.url);
    if (url.origin === self.location.origin) return fetch(request);
    const body = await bodyOf(request, init?.body);
    const lane = await this.laneFor(url.origin);
    signal?.throwIfAborted(); // cancelled while the body was read or the worker chosen
    const id = this.nextId++;
    return new Promise<Response>((resolve, reject) => {
      const pending: Pending = { resolve, reject, url: url.href };
      lane.pending.set(id, pending);
      // Stays registered after the answer: cancelling then stops the body, as it does for a plain fetch.
      signal?.addEventListener('abort', () => {
        lane.worker.postMessage({ kind: 'abort', id } satisfies NetMessage);
        if (lane.pending.has(id)) lane.fail(id, pending, signal.reason ?? new DOMException('aborted', 'AbortError'));
      }, { once: true });
      const message: NetRequest = { kind: 'fetch', id, url: url.href, method: request.method, headers: [...request.headers], body, cache: request.cache };
      lane.worker.postMessage(message);
    });
  };

  /**
   * The current lane, replaced by a fresh worker when the allowed origins differ from its policy's: after this worker
   * changed the configuration (so a removed remote's origin is dropped at once), or for an origin it does not allow
   * (configured in another tab, perhaps).
   */
  private async laneFor(origin: string): Promise<Lane> {
    const version = this.origins.changes;
    if (this.lane && !this.lane.retired && this.lane.configVersion === version && this.lane.allowed.has(origin)) return this.lane;
    const allowed = new Set(await this.origins.all());
    if (!this.lane || this.lane.retired || !sameSet(allowed, this.lane.allowed)) {
      this.lane?.retire();
      this.lane = new Lane(this.spawn(), allowed, version);
    } else {
      this.lane.configVersion = version; // same origins: the running worker's policy is still right
    }
    return this.lane;
  }
}

/** A body that can cross to the worker cheaply: Blobs and strings as they are, byte views copied to their own buffer. */
async function bodyOf(request: Request, raw: BodyInit | null | undefined): Promise<NetRequest['body']> {
  if (raw === undefined || raw === null) return request.body ? request.arrayBuffer() : null;
  if (typeof raw === 'string' || raw instanceof Blob || raw instanceof ArrayBuffer) return raw;
  if (ArrayBuffer.isView(raw)) return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength).slice().buffer;
  return request.arrayBuffer(); // FormData, URLSearchParams, streams: as the browser would encode them
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}
