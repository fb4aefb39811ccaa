// The manifest.json of a zip snapshot: every pond file with its size and SHA-256, checked on import.
import { PondError } from '../core/errors';
import { classifyPondPath } from './layout';
import { isSha256Hex } from '../pond/hash';

export const MANIFEST_NAME = 'manifest.json';
/** A manifest larger than this is not one of ours (a million files is about 150 MB; ponds are far smaller). */
export const MANIFEST_MAX_BYTES = 64 * 1024 * 1024;

export interface ManifestFile {
  path: string;
  size: number;
  sha256: string;
}

export interface ZipManifest {
  format: 'duckpond-snapshot';
  version: 1;
  pondId?: string;
  /**
   * The pond's display name where it was exported. The log records the name too (commitInfo pondName), but a pond
   * renamed while read-only, or made before names were recorded, has it only on the device: the manifest carries it.
   */
  pondName?: string;
  /** ISO time of the export. */
  created: string;
  files: ManifestFile[];
}

/** Parses and checks an untrusted manifest; BAD_ZIP names the first problem. */
export function parseManifest(bytes: Uint8Array): ZipManifest {
  const bad = (problem: string): PondError => new PondError('BAD_ZIP', `zip entry "${MANIFEST_NAME}": ${problem}`, { detail: { entry: MANIFEST_NAME, problem } });
  let m: Partial<ZipManifest>;
  try {
    m = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as Partial<ZipManifest>;
  } catch {
    throw bad('is not valid UTF-8 JSON');
  }
  if (!m || m.format !== 'duckpond-snapshot' || m.version !== 1) throw bad('is not a DuckPond snapshot manifest (format/version)');
  if (!Array.isArray(m.files)) throw bad('has no files list');
  if (m.pondName !== undefined && (typeof m.pondName !== 'string' || m.pondName.length > 100)) throw bad('has a pondName that is not a string of at most 100 characters');
  const seen = new Set<string>();
  for (const f of m.files as unknown[]) {
    const { path, size, sha256 } = (f ?? {}) as Partial<ManifestFile>;
    if (typeof path !== 'string' || !classifyPondPath(path)) throw bad(`lists ${JSON.stringify(path)}, which is not a pond file`);
    if (seen.has(path)) throw bad(`lists ${path} twice`);
    seen.add(path);
    if (!Number.isSafeInteger(size) || size! < 0) throw bad(`gives ${path} an invalid size`);
    if (!isSha256Hex(sha256)) throw bad(`gives ${path} an invalid sha256`);
  }
  return m as ZipManifest;
}
