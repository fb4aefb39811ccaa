import { parse as parseYaml } from 'yaml';
import { PondError } from '../../core/errors';

export const DEFAULT_HYDROVU_BASE_URL = 'https://www.hydrovu.com/public-api/';
export const DEFAULT_MAX_POINTS_PER_RUN = 100_000;

/** One HydroVu location to collect into `devices/{id}/{name}.series`. */
export interface HydroVuDevice {
  name: string;
  /** HydroVu location id, kept as a string (ids exceed 2^53). */
  id: string;
  active: boolean;
}

/** A HydroVu collector's settings. The client secret is deliberately absent: it lives in IndexedDB. */
export interface HydroVuConfig {
  /** Ends with `/`; https, or http only for localhost / 127.0.0.1 (test servers and local proxies). */
  baseUrl: string;
  clientId: string;
  devices: HydroVuDevice[];
  maxPointsPerRun: number;
  /** Where a device with no stored data starts, UTC seconds; absent = now minus DEFAULT_WINDOW_DAYS. */
  startTime?: number;
}

function invalid(field: string, why: string): PondError {
  return new PondError('INVALID_INPUT', `HydroVu config: ${field} ${why}`, { detail: { field } });
}

/** Checks and normalises a base URL (adds the trailing slash relative paths need). */
export function validateBaseUrl(raw: unknown, field = 'baseUrl'): string {
  if (typeof raw !== 'string' || raw.trim() === '') throw invalid(field, 'must be a URL string');
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw invalid(field, `is not a valid URL: ${raw}`);
  }
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
    // The client secret and bearer tokens travel on every request: never in clear text to a remote host.
    throw invalid(field, `must use https (http only for localhost): ${raw}`);
  }
  if (url.search || url.hash || url.username || url.password) throw invalid(field, `must not carry a query, fragment or credentials: ${raw}`);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.href;
}

/** Accepts unix seconds or an ISO 8601 date/time (a date alone or a time without zone is read as UTC). */
export function parseStartTime(raw: unknown, field = 'startTime'): number {
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw) || raw < 0) throw invalid(field, 'must be non-negative unix seconds');
    return Math.floor(raw);
  }
  if (raw instanceof Date) return Math.floor(raw.getTime() / 1000);
  if (typeof raw === 'string') {
    const s = raw.trim();
    const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(s);
    if (m) {
      const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}${m[7] ?? 'Z'}`;
      const ms = Date.parse(iso);
      if (Number.isFinite(ms)) return Math.floor(ms / 1000);
    }
  }
  throw invalid(field, `must be unix seconds or an ISO date like 2024-01-31T00:00:00Z (got ${JSON.stringify(raw)})`);
}

/** Validates an already-parsed config object (e.g. from the UI's form). */
export function toHydroVuConfig(v: unknown): HydroVuConfig {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid('(root)', 'must be a mapping');
  const o = v as Record<string, unknown>;
  if ('clientSecret' in o || 'client_secret' in o) {
    throw invalid('clientSecret', 'does not belong in the config: store the secret in the app settings');
  }
  const baseUrl = o.baseUrl === undefined ? DEFAULT_HYDROVU_BASE_URL : validateBaseUrl(o.baseUrl);
  if (typeof o.clientId !== 'string' || o.clientId.trim() === '') throw invalid('clientId', 'must be a non-empty string');
  let maxPointsPerRun = DEFAULT_MAX_POINTS_PER_RUN;
  if (o.maxPointsPerRun !== undefined) {
    if (typeof o.maxPointsPerRun !== 'number' || !Number.isSafeInteger(o.maxPointsPerRun) || o.maxPointsPerRun < 1) {
      throw invalid('maxPointsPerRun', 'must be a positive integer');
    }
    maxPointsPerRun = o.maxPointsPerRun;
  }
  if (!Array.isArray(o.devices)) throw invalid('devices', 'must be a list');
  const seen = new Set<string>();
  const devices = o.devices.map((d, i): HydroVuDevice => {
    const f = `devices[${i}]`;
    if (typeof d !== 'object' || d === null) throw invalid(f, 'must be a mapping with name, id, active');
    const dd = d as Record<string, unknown>;
    if (typeof dd.name !== 'string' || !/^[^/\\\u0000-\u001f]+$/.test(dd.name) || dd.name === '.' || dd.name === '..') {
      throw invalid(`${f}.name`, 'must be a non-empty name without "/" (it names a pond file)');
    }
    let id: string;
    if (typeof dd.id === 'string' && /^\d+$/.test(dd.id.trim())) id = dd.id.trim();
    else if (typeof dd.id === 'number' && Number.isSafeInteger(dd.id) && dd.id >= 0) id = String(dd.id);
    else if (typeof dd.id === 'bigint' && dd.id >= 0n) id = dd.id.toString();
    else throw invalid(`${f}.id`, 'must be a location id (write large ids in quotes: "9007199254740993")');
    if (seen.has(id)) throw invalid(`${f}.id`, `repeats location ${id}`);
    seen.add(id);
    if (dd.active !== undefined && typeof dd.active !== 'boolean') throw invalid(`${f}.active`, 'must be true or false');
    return { name: dd.name, id, active: dd.active !== false };
  });
  const config: HydroVuConfig = { baseUrl, clientId: o.clientId.trim(), devices, maxPointsPerRun };
  if (o.startTime !== undefined) config.startTime = parseStartTime(o.startTime);
  return config;
}

/** Parses YAML text into a validated HydroVuConfig; errors name the field. */
export function parseHydroVuConfig(text: string): HydroVuConfig {
  let doc: unknown;
  try {
    // intAsBigInt: an unquoted id above 2^53 must not be rounded before we see it.
    doc = parseYaml(text, { intAsBigInt: true });
  } catch (e) {
    throw new PondError('INVALID_INPUT', `HydroVu config: not valid YAML (${(e as Error).message})`, { cause: e });
  }
  return toHydroVuConfig(smallBigIntsToNumbers(doc));
}

// With intAsBigInt every integer is a bigint; only ids need that, so others turn back into numbers.
function smallBigIntsToNumbers(v: unknown, key = ''): unknown {
  if (typeof v === 'bigint') return key === 'id' ? v : Number(v);
  if (Array.isArray(v)) return v.map((x) => smallBigIntsToNumbers(x));
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, smallBigIntsToNumbers(x, k)]));
  }
  return v;
}
