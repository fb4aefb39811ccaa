// The config of a `pond-import` node: which pond's backup a mount shows, where that backup is, and the version of it
// this pond last saw. No secret is ever part of it (the remote's keys stay in this browser's remote settings, named by
// `remote`); the bucket URL and prefix are recorded so that a copy of the pond elsewhere (a zip, a backup, fsck) says
// where the imported data comes from. The YAML may come from an untrusted zip or backup: every field is checked
// strictly, unknown fields refused, and a bad one names the field.
import { stringify } from 'yaml';
import { validateRemoteConfig } from '../../remote/config';
import { yamlDoc } from '../nodes/config-fields';
import { invalidField, onlyFields, requiredString } from '../nodes/config-checks';

export const IMPORT_FACTORY = 'pond-import';
const WHAT = IMPORT_FACTORY;

/** Pond ids as this device names pond folders (storage/pond-host.ts): uuidv7 text. */
const POND_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Remote names as remotes.ts accepts them. */
const REMOTE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** Longer YAML than any real config: refused before parsing, so a crafted one cannot make parsing slow. */
const MAX_CONFIG_BYTES = 4096;

export interface PondImportConfig {
  /** The name of the remote (on this device) the imported pond is pulled from. */
  remote: string;
  /** That remote's bucket and key prefix, as recorded when the import was made (no secret). */
  bucketUrl: string;
  prefix: string;
  /** The imported pond's id. */
  pondId: string;
  /** The imported pond's version this mount shows. */
  version: number;
}

const FIELDS = ['remote', 'bucket_url', 'prefix', 'pond_id', 'version'] as const;

export function parseImportConfig(text: string): PondImportConfig {
  if (text.length > MAX_CONFIG_BYTES) throw invalidField(WHAT, '', `is ${text.length} characters long; an import config is under ${MAX_CONFIG_BYTES}`);
  const o = yamlDoc(text, WHAT);
  onlyFields(o, FIELDS, '', WHAT);
  const remote = requiredString(o.remote, 'remote', WHAT);
  if (!REMOTE_NAME.test(remote)) throw invalidField(WHAT, 'remote', `${JSON.stringify(remote)} is not a remote name (1 to 64 letters, digits, '.', '_' or '-')`);
  const pondId = requiredString(o.pond_id, 'pond_id', WHAT);
  if (!POND_ID.test(pondId)) throw invalidField(WHAT, 'pond_id', `${JSON.stringify(pondId.slice(0, 80))} is not a pond id (a UUID in lower-case hex)`);
  const v = o.version;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw invalidField(WHAT, 'version', `must be a whole number of 0 or more, not ${JSON.stringify(v)}`);
  const bucketUrl = requiredString(o.bucket_url, 'bucket_url', WHAT);
  const prefix = o.prefix === undefined || o.prefix === null ? '' : o.prefix;
  if (typeof prefix !== 'string') throw invalidField(WHAT, 'prefix', 'must be a string');
  let checked: { bucketUrl: string; prefix: string };
  try {
    // The remote layer's own checks of a bucket URL and prefix (no '..', no other scheme than http(s)).
    checked = validateRemoteConfig({ bucketUrl, prefix, signing: { kind: 'endpoint', url: 'https://127.0.0.1/' } });
  } catch (e) {
    throw invalidField(WHAT, 'bucket_url', `or prefix: ${(e as Error).message}`);
  }
  return { remote, bucketUrl: checked.bucketUrl, prefix: checked.prefix, pondId, version: v };
}

export function formatImportConfig(c: PondImportConfig): string {
  return stringify({ remote: c.remote, bucket_url: c.bucketUrl, prefix: c.prefix, pond_id: c.pondId, version: c.version });
}
