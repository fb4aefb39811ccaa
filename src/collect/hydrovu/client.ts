import { PondError } from '../../core/errors';
import { sleep } from '../sleep';
import { validateBaseUrl } from './config';
import { parseJsonKeepingIds } from './json';
import {
  toDataPage,
  toFriendlyNames,
  toLocations,
  type FriendlyNames,
  type HydroVuDataPage,
  type HydroVuLocation,
} from './types';

export interface HydroVuClientOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** Injected for tests and for a worker's own fetch; defaults to globalThis.fetch. */
  fetch?: typeof fetch;
  /** Clock in ms, injected so tests can move past token expiry without waiting. */
  now?: () => number;
  /** A token is renewed this many seconds before it expires (default 60). */
  tokenMarginS?: number;
  /** How many 429 answers in a row one request tolerates (default 5). */
  maxRetries?: number;
  /** Upper bound for one Retry-After wait, seconds (default 120): a hostile header must not stall a run for hours. */
  maxRetryAfterS?: number;
  /**
   * How the token request carries the credentials: HTTP Basic (default, what the original's oauth2 crate sent)
   * or form fields (avoids a CORS preflight on the token endpoint).
   */
  tokenAuth?: 'basic' | 'body';
}

/** Scopes the original CLI asked for. */
export const HYDROVU_SCOPES = 'read:locations read:data';

/** One page of a paged endpoint plus the opaque cursor of the next page (null at the end). */
export interface Paged<T> {
  value: T;
  nextPage: string | null;
}

/** Counts what the client did, for progress reports and tests. */
export interface ClientStats {
  requests: number;
  tokens: number;
  throttled: number;
}

/**
 * A fetch-based HydroVu API client (runs in a worker). Life-cycle: construct with credentials; the first call
 * fetches an OAuth2 token, which is reused until `tokenMarginS` before it expires; a 401 triggers one retry with a
 * fresh token; a 429 waits for Retry-After (cancellable) up to `maxRetries` times. Every failure is a PondError
 * naming the request path and status.
 */
export class HydroVuClient {
  readonly baseUrl: string;
  readonly stats: ClientStats = { requests: 0, tokens: 0, throttled: 0 };
  private readonly opts: Required<Omit<HydroVuClientOptions, 'baseUrl'>>;
  private token: { value: string; expiresAt: number } | null = null;
  private pendingToken: Promise<string> | null = null;

  constructor(options: HydroVuClientOptions) {
    this.baseUrl = validateBaseUrl(options.baseUrl);
    if (!options.clientId || !options.clientSecret) {
      throw new PondError('INVALID_INPUT', 'HydroVu client: a client id and a client secret are needed');
    }
    this.opts = {
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
      now: options.now ?? Date.now,
      tokenMarginS: options.tokenMarginS ?? 60,
      maxRetries: options.maxRetries ?? 5,
      maxRetryAfterS: options.maxRetryAfterS ?? 120,
      tokenAuth: options.tokenAuth ?? 'basic',
    };
  }

  /** `GET v1/sispec/friendlynames`. */
  async friendlyNames(signal?: AbortSignal): Promise<FriendlyNames> {
    const path = 'v1/sispec/friendlynames';
    const res = await this.get(path, {}, signal);
    return toFriendlyNames(await readJson(res, path, signal), path);
  }

  /** `GET v1/locations/list`, all pages. */
  async locations(signal?: AbortSignal): Promise<HydroVuLocation[]> {
    const path = 'v1/locations/list';
    const all: HydroVuLocation[] = [];
    let page: string | null = '';
    for (let n = 0; page !== null; n++) {
      if (n > 10_000) throw new PondError('INVALID_INPUT', `${path}: the server keeps sending more pages`);
      const res = await this.get(path, pageHeader(page), signal);
      all.push(...toLocations(await readJson(res, path, signal), path));
      page = nextPage(res);
    }
    return all;
  }

  /**
   * One page of `GET v1/locations/{id}/data?startTime=`; `page` is '' for the first page.
   * Returns null on 404, which HydroVu uses for "no data at or after startTime".
   */
  async dataPage(locationId: string, startTime: number, page: string, signal?: AbortSignal): Promise<Paged<HydroVuDataPage> | null> {
    if (!/^\d+$/.test(locationId)) throw new PondError('INVALID_INPUT', `HydroVu: location id ${JSON.stringify(locationId)} is not numeric`);
    const path = `v1/locations/${locationId}/data`;
    const res = await this.get(`${path}?startTime=${Math.floor(startTime)}`, pageHeader(page), signal, [404]);
    if (res.status === 404) {
      await res.body?.cancel();
      return null;
    }
    return { value: toDataPage(await readJson(res, path, signal), path), nextPage: nextPage(res) };
  }

  /** The bearer token, fetched or reused; concurrent callers share one token request. */
  async accessToken(signal?: AbortSignal): Promise<string> {
    const now = this.opts.now();
    if (this.token && now < this.token.expiresAt - this.opts.tokenMarginS * 1000) return this.token.value;
    if (!this.pendingToken) {
      this.pendingToken = this.requestToken(signal).finally(() => {
        this.pendingToken = null;
      });
    }
    return this.pendingToken;
  }

  private async requestToken(signal?: AbortSignal): Promise<string> {
    const path = 'oauth/token';
    const { clientId, clientSecret } = this.opts;
    const body = new URLSearchParams({ grant_type: 'client_credentials', scope: HYDROVU_SCOPES });
    const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
    if (this.opts.tokenAuth === 'basic') {
      // RFC 6749 2.3.1: each part form-encoded before base64, which also keeps btoa within Latin-1.
      headers.Authorization = `Basic ${btoa(`${formEncode(clientId)}:${formEncode(clientSecret)}`)}`;
    } else {
      body.set('client_id', clientId);
      body.set('client_secret', clientSecret);
    }
    const requestedAt = this.opts.now();
    const res = await this.send(path, { method: 'POST', headers, body }, signal);
    this.stats.tokens++;
    if (!res.ok) throw await httpError(res, path, res.status === 401 || res.status === 400 ? 'check the client id and secret' : '');
    const o = (await readJson(res, path, signal)) as { access_token?: unknown; expires_in?: unknown } | null;
    if (typeof o?.access_token !== 'string' || o.access_token === '') {
      throw new PondError('INVALID_INPUT', `${path}: unexpected answer: no access_token`, { detail: { where: path } });
    }
    // Tokens without a lifetime are treated as short-lived rather than eternal.
    const lifetime = typeof o.expires_in === 'number' && o.expires_in > 0 ? o.expires_in : 300;
    this.token = { value: o.access_token, expiresAt: requestedAt + lifetime * 1000 };
    return o.access_token;
  }

  /** Authenticated GET with the 401 and 429 policies; statuses in `accept` are returned rather than thrown. */
  private async get(pathAndQuery: string, headers: Record<string, string>, signal?: AbortSignal, accept: number[] = []): Promise<Response> {
    const path = pathAndQuery.split('?')[0]!;
    let renewed = false;
    for (let attempt = 0; ; attempt++) {
      const token = await this.accessToken(signal);
      const res = await this.send(pathAndQuery, { headers: { ...headers, Authorization: `Bearer ${token}` } }, signal);
      if (res.ok || accept.includes(res.status)) return res;
      if (res.status === 401 && !renewed) {
        // The server may expire a token earlier than it said: one retry with a fresh one, then give up.
        renewed = true;
        await res.body?.cancel();
        // Forget it unless a concurrent request has already replaced it; the next turn fetches or reuses.
        if (this.token?.value === token) this.token = null;
        continue;
      }
      if (res.status === 429 && attempt < this.opts.maxRetries) {
        this.stats.throttled++;
        await res.body?.cancel();
        await sleep(retryAfterMs(res.headers.get('Retry-After'), this.opts.now(), this.opts.maxRetryAfterS), signal);
        continue;
      }
      throw await httpError(res, path, res.status === 429 ? `still rate-limited after ${attempt} retries` : '');
    }
  }

  private async send(pathAndQuery: string, init: RequestInit, signal?: AbortSignal): Promise<Response> {
    const url = new URL(pathAndQuery, this.baseUrl).href;
    const path = pathAndQuery.split('?')[0]!;
    this.stats.requests++;
    try {
      return await this.opts.fetch(url, { ...init, signal: signal ?? null });
    } catch (e) {
      if (signal?.aborted) throw new PondError('ABORTED', `HydroVu ${path} was cancelled`, { cause: e });
      if (e instanceof PondError) throw e; // already says why (e.g. BLOCKED by the app's policy)
      // A browser reports CORS refusals and network failures alike, without detail.
      throw new PondError('HTTP', `HydroVu ${path}: no answer from ${this.baseUrl} (offline, or the server does not allow this site: CORS)`, {
        cause: e,
        detail: { path, status: 0 },
      });
    }
  }
}

/** Milliseconds to wait for a Retry-After header (seconds or HTTP date); 1 s when absent or unreadable. */
export function retryAfterMs(header: string | null, nowMs: number, maxS: number): number {
  let s = 1;
  if (header !== null) {
    const trimmed = header.trim();
    if (/^\d+(\.\d+)?$/.test(trimmed)) s = Number(trimmed);
    else if (Number.isFinite(Date.parse(trimmed))) s = (Date.parse(trimmed) - nowMs) / 1000;
  }
  return Math.min(Math.max(s, 0), maxS) * 1000;
}

// The first page is asked for without the header, as the original CLI did.
function pageHeader(page: string): Record<string, string> {
  return page === '' ? {} : { 'X-ISI-Start-Page': page };
}

function nextPage(res: Response): string | null {
  const v = res.headers.get('X-ISI-Next-Page');
  return v === null || v.trim() === '' ? null : v.trim();
}

function formEncode(s: string): string {
  return encodeURIComponent(s).replace(/%20/g, '+');
}

async function readJson(res: Response, path: string, signal?: AbortSignal): Promise<unknown> {
  let text: string;
  try {
    text = await res.text();
  } catch (e) {
    if (signal?.aborted) throw new PondError('ABORTED', `HydroVu ${path} was cancelled`, { cause: e });
    throw new PondError('HTTP', `HydroVu ${path}: the answer broke off (${(e as Error).message})`, { cause: e, detail: { path, status: res.status } });
  }
  return parseJsonKeepingIds(text, `HydroVu ${path}`);
}

async function httpError(res: Response, path: string, hint: string): Promise<PondError> {
  let body = '';
  try {
    body = (await res.text()).slice(0, 200).replace(/\s+/g, ' ').trim();
  } catch {
    // the status alone is enough to report
  }
  const parts = [`HydroVu ${path}: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`];
  if (hint) parts.push(hint);
  if (body) parts.push(`(${body})`);
  return new PondError('HTTP', parts.join(' — '), { detail: { path, status: res.status } });
}
