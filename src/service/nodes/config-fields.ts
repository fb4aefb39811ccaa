// Pieces every factory's config parser uses: the YAML mapping, pond-path fields, and where a node's outputs go by
// default. Secrets are never part of a config (the HydroVu client secret lives in IndexedDB, collect-secrets.ts).
import { parse as parseYaml } from 'yaml';
import { PondError } from '../../core/errors';
import { formatPath, parsePath } from '../../tinyfs/paths';

export function yamlDoc(text: string, what: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new PondError('INVALID_INPUT', `${what} config: not valid YAML (${(e as Error).message})`, { cause: e });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new PondError('INVALID_INPUT', `${what} config: must be a mapping`);
  return doc as Record<string, unknown>;
}

/** A pond folder path in canonical form (absolute), or an error naming the field. */
export function folder(raw: unknown, field: string, what: string): string {
  if (typeof raw !== 'string' || raw.trim() === '') throw new PondError('INVALID_INPUT', `${what} config: ${field} must be a pond path`);
  return formatPath(parsePath(raw.trim()));
}

/** Where a node's derived series land: its `output`, else the folder the node sits in. */
export function nodeFolder(nodePath: string): string {
  const segments = parsePath(nodePath);
  return formatPath(segments.slice(0, -1));
}

