// Pond paths: '/'-separated, absolute from the pond root. Every name is checked here once, so the rest of
// TinyFS can trust the segments it gets.
import { PondError } from '../core/errors';

/** Longest name, in UTF-16 code units, like common file systems' 255-byte limit for ASCII names. */
export const MAX_NAME_LENGTH = 255;
/** Longest whole path accepted. */
export const MAX_PATH_LENGTH = 4096;
/**
 * Deepest directory nesting a pond may hold (names below the root). Every walk of the tree is iterative, but a
 * bound keeps listings, exports and host copies sane, and imports refuse deeper trees with the same rule.
 */
export const MAX_TREE_DEPTH = 256;

// C0 controls, DEL and C1 controls: invisible in listings and dangerous when copied out to host files.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Throws INVALID_PATH unless `name` can name a node: non-empty, not . or .., no '/', no control characters. */
export function validateName(name: string): string {
  const shown = JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name);
  if (name.length === 0) throw new PondError('INVALID_PATH', 'a name cannot be empty', { detail: { name } });
  if (name === '.' || name === '..') throw new PondError('INVALID_PATH', `${shown} cannot be used as a name`, { detail: { name } });
  if (name.includes('/')) throw new PondError('INVALID_PATH', `name ${shown} contains '/'`, { detail: { name } });
  if (CONTROL.test(name)) {
    throw new PondError('INVALID_PATH', `name ${shown} contains a control character (NUL, newline, tab …)`, { detail: { name } });
  }
  if (name.length > MAX_NAME_LENGTH) {
    throw new PondError('INVALID_PATH', `name ${shown} is ${name.length} characters long; the limit is ${MAX_NAME_LENGTH}`, { detail: { length: name.length } });
  }
  return name;
}

/**
 * Resolves `path` (absolute, or relative to `cwd`) to its validated segments; '' and '.' segments vanish,
 * '..' goes up and may not climb above the root.
 */
export function parsePath(path: string, cwd: readonly string[] = []): string[] {
  if (typeof path !== 'string') throw new PondError('INVALID_PATH', 'a path must be a string');
  if (path.length === 0) throw new PondError('INVALID_PATH', 'the path is empty');
  if (path.length > MAX_PATH_LENGTH) {
    throw new PondError('INVALID_PATH', `the path is ${path.length} characters long; the limit is ${MAX_PATH_LENGTH}`);
  }
  const out = path.startsWith('/') ? [] : [...cwd];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) throw new PondError('INVALID_PATH', `${JSON.stringify(path)} climbs above the pond root`, { detail: { path } });
      out.pop();
      continue;
    }
    out.push(validateName(part));
  }
  return out;
}

/** The canonical absolute string form of segments. */
export function formatPath(segments: readonly string[]): string {
  return `/${segments.join('/')}`;
}

/** Splits segments into the parent's segments and the last name; the root has no last name. */
export function splitLast(segments: readonly string[]): { parent: string[]; name: string } {
  if (segments.length === 0) throw new PondError('INVALID_PATH', 'the pond root has no name');
  return { parent: segments.slice(0, -1), name: segments[segments.length - 1]! };
}
