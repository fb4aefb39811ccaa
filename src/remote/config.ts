// Remote (S3 bucket) configuration: what the user typed, validated into something safe to build URLs from.
// Everything here comes from a settings form or an import, so every field is checked and every error says how to fix it.
import { PondError } from '../core/errors';

/** Sign locally with the user's keys (they live on the tablet, in IndexedDB). */
export interface KeySigning {
  kind: 'keys';
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  region: string;
}

/** Ask a presign endpoint (see presign-endpoint.ts for the contract); keys stay on the server. */
export interface EndpointSigning {
  kind: 'endpoint';
  url: string;
  /** Extra headers for the endpoint, e.g. `Authorization: Bearer …`. */
  headers?: Record<string, string>;
}

export interface RemoteConfig {
  /** `http(s)://host[:port]/bucket` (path-style) or `https://bucket.host` (virtual-hosted). */
  bucketUrl: string;
  /** Folder inside the bucket that holds ponds; '' for the bucket root. */
  prefix?: string;
  signing: KeySigning | EndpointSigning;
}

/** A validated config: the bucket URL without trailing slash, the prefix normalised. */
export interface ValidRemoteConfig {
  bucketUrl: string;
  prefix: string;
  signing: KeySigning | EndpointSigning;
}

const bad = (field: string, why: string): PondError =>
  new PondError('INVALID_INPUT', `remote ${field}: ${why}`, { detail: { field } });

function checkHttpUrl(field: string, raw: unknown): URL {
  if (typeof raw !== 'string' || !raw.trim()) throw bad(field, 'is required (for example https://bucket.s3.eu-west-1.amazonaws.com)');
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw bad(field, `"${raw}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw bad(field, `must start with https:// (got ${url.protocol})`);
  if (url.username || url.password) throw bad(field, 'must not contain a user name or password; use the key fields');
  if (url.search || url.hash) throw bad(field, 'must not contain ?query or #fragment');
  return url;
}

const PREFIX_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Normalises a prefix (`backups/ponds/`) to `backups/ponds`; refuses `..`, empty segments and odd characters. */
export function normalisePrefix(raw: unknown): string {
  if (raw === undefined || raw === null || raw === '') return '';
  if (typeof raw !== 'string') throw bad('prefix', 'must be text');
  const trimmed = raw.trim().replace(/^\/+|\/+$/g, '');
  if (!trimmed) return '';
  for (const seg of trimmed.split('/')) {
    if (!PREFIX_SEGMENT.test(seg)) {
      throw bad('prefix', `segment "${seg}" is not allowed: use letters, digits, '.', '_' and '-', not starting with '.' or '-'`);
    }
  }
  return trimmed;
}

const POND_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Pond ids become key segments: refuse anything that could escape or collide (`..`, `/`, spaces). */
export function checkPondId(pondId: unknown): string {
  if (typeof pondId !== 'string' || !POND_ID.test(pondId)) {
    throw new PondError('INVALID_INPUT', `pond id ${JSON.stringify(pondId)} cannot name a backup folder: use letters, digits, '.', '_' and '-'`, { detail: { pondId } });
  }
  return pondId;
}

/** Checks an untrusted remote config and returns its normalised form. */
export function validateRemoteConfig(raw: unknown): ValidRemoteConfig {
  if (!raw || typeof raw !== 'object') throw bad('config', 'must be an object');
  const c = raw as Partial<RemoteConfig>;
  const url = checkHttpUrl('bucketUrl', c.bucketUrl);
  const path = url.pathname.replace(/\/+$/, '');
  // Path-style URLs name the bucket in the single path segment; a deeper path is a prefix typed in the wrong field.
  if (path.split('/').length > 2) throw bad('bucketUrl', `"${url.pathname}" has more than the bucket name in its path; put folders in the prefix field`);
  const bucketUrl = `${url.origin}${path}`;
  const prefix = normalisePrefix(c.prefix);
  const s = c.signing as Record<string, unknown> | undefined;
  if (!s || typeof s !== 'object') throw bad('signing', "is required: { kind: 'keys', … } or { kind: 'endpoint', url }");
  if (s.kind === 'keys') {
    const text = (f: string): string => {
      const v = s[f];
      if (typeof v !== 'string' || !v.trim() || /\s/.test(v.trim())) throw bad(f, 'is required and must not contain spaces');
      return v.trim();
    };
    const signing: KeySigning = { kind: 'keys', accessKeyId: text('accessKeyId'), secretAccessKey: text('secretAccessKey'), region: text('region') };
    if (s.sessionToken !== undefined && s.sessionToken !== '') signing.sessionToken = text('sessionToken');
    return { bucketUrl, prefix, signing };
  }
  if (s.kind === 'endpoint') {
    const ep = checkHttpUrl('signing.url', s.url);
    const headers: Record<string, string> = {};
    if (s.headers !== undefined && (typeof s.headers !== 'object' || s.headers === null)) throw bad('signing.headers', 'must be an object of header names to values');
    for (const [k, v] of Object.entries((s.headers ?? {}) as Record<string, unknown>)) {
      if (typeof v !== 'string' || !/^[A-Za-z0-9-]+$/.test(k)) throw bad('signing.headers', `header ${JSON.stringify(k)} is not a valid name/value`);
      headers[k] = v;
    }
    return { bucketUrl, prefix, signing: { kind: 'endpoint', url: ep.href, headers } };
  }
  throw bad('signing.kind', `must be 'keys' or 'endpoint' (got ${JSON.stringify(s.kind)})`);
}

/** The S3 key of a pond file: `<prefix>/<pond-id>/<path>`. */
export function objectKey(prefix: string, pondId: string, path: string): string {
  return [prefix, pondId, path].filter((p) => p.length > 0).join('/');
}

/** The folder (with trailing '/') that holds one pond's backup. */
export function pondKeyPrefix(prefix: string, pondId: string): string {
  return `${objectKey(prefix, pondId, '')}/`;
}

/** URL of an object (key '' = the bucket itself); each key segment percent-encoded as S3's canonical URI wants. */
export function objectUrl(bucketUrl: string, key: string): string {
  // The bucket without a trailing slash: s3rver (and some gateways) sign `/bucket/` and `/bucket` differently.
  if (!key) return bucketUrl;
  return `${bucketUrl}/${key.split('/').map(encodeURIComponent).join('/')}`;
}
