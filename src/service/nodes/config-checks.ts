// Strict reading of a factory config's YAML values, so every parser refuses what the original's serde
// `deny_unknown_fields` refuses and names the bad field the same way: `<factory> config: inputs[1].range.begin …`.
// Each helper takes the field's path as the user would write it; `at(path, key)` builds the next step.
import { isPondError, PondError } from '../../core/errors';
import { compileGlob } from '../../tinyfs/glob';
import { formatPath, parsePath, validateName } from '../../tinyfs/paths';

/** The time column a derived-series config names when it names none (as the original's default_time_column). */
export const DEFAULT_TIME_COLUMN = 'timestamp';

/** The one error of a bad config: INVALID_INPUT, naming the factory and the field. */
export function invalidField(what: string, field: string, why: string): PondError {
  const subject = field === '' ? 'config' : `config: ${field}`;
  return new PondError('INVALID_INPUT', `${what} ${subject} ${why}`, { detail: { factory: what, field } });
}

/** `inputs[1]` + `range` → `inputs[1].range`; the root is ''. */
export function at(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

/** `v` as a mapping (not a list or scalar), or an error naming `field`. */
export function mapping(v: unknown, field: string, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalidField(what, field, 'must be a mapping');
  return v as Record<string, unknown>;
}

/** Refuses fields other than `allowed` (the original's deny_unknown_fields), naming the first unknown one. */
export function onlyFields(o: Record<string, unknown>, allowed: readonly string[], field: string, what: string): void {
  for (const key of Object.keys(o)) {
    if (!allowed.includes(key)) throw invalidField(what, at(field, key), `is not a known field (known: ${allowed.join(', ')})`);
  }
}

/** A non-empty string (trimmed), or an error naming `field`. */
export function requiredString(v: unknown, field: string, what: string): string {
  if (v === undefined || v === null) throw invalidField(what, field, 'is required');
  if (typeof v !== 'string' || v.trim() === '') throw invalidField(what, field, 'must be a non-empty string');
  return v.trim();
}

/** A string when given, else `dflt`. */
export function optionalString(v: unknown, field: string, what: string, dflt: string): string {
  return v === undefined || v === null ? dflt : requiredString(v, field, what);
}

/** A finite number when given, else `dflt`. */
export function optionalNumber(v: unknown, field: string, what: string, dflt: number): number {
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw invalidField(what, field, `must be a finite number, not ${JSON.stringify(v)}`);
  return v;
}

/** A list (non-empty when `minItems` ≥ 1), or an error naming `field`. */
export function list(v: unknown, field: string, what: string, minItems = 1): unknown[] {
  if (v === undefined || v === null) {
    if (minItems === 0) return [];
    throw invalidField(what, field, 'is required');
  }
  if (!Array.isArray(v)) throw invalidField(what, field, 'must be a list');
  if (v.length < minItems) throw invalidField(what, field, minItems === 1 ? 'must not be empty' : `needs at least ${minItems} items, not ${v.length}`);
  return v;
}

/** A name TinyFS accepts (no '/', no control characters …), re-raised as INVALID_INPUT naming `field`. */
export function nodeName(v: unknown, field: string, what: string): string {
  const s = requiredString(v, field, what);
  return rethrowAsField(() => validateName(s), field, what);
}

/** An absolute pond path in canonical form (a transform node, a node to create). */
export function absolutePath(v: unknown, field: string, what: string): string {
  const s = requiredString(v, field, what);
  if (!s.startsWith('/')) throw invalidField(what, field, `must be an absolute pond path (starting with /), not ${JSON.stringify(s)}`);
  return rethrowAsField(() => formatPath(parsePath(s)), field, what);
}

/**
 * An absolute pond glob, checked by compiling it (as `list` and `glob` will). Kept as written: a node's inputs are
 * absolute so that moving the node does not change what it reads.
 */
export function absoluteGlob(v: unknown, field: string, what: string): string {
  const s = requiredString(v, field, what);
  if (!s.startsWith('/')) throw invalidField(what, field, `must be an absolute pond glob (starting with /), not ${JSON.stringify(s)}`);
  rethrowAsField(() => compileGlob(s), field, what);
  return s;
}

/** A list of absolute pond paths (`transforms`), empty when absent. */
export function pathList(v: unknown, field: string, what: string): string[] {
  return list(v, field, what, 0).map((p, i) => absolutePath(p, at(field, i), what));
}

/** Runs `f`; a PondError from the path layer (INVALID_PATH) becomes INVALID_INPUT naming the field. */
function rethrowAsField<T>(f: () => T, field: string, what: string): T {
  try {
    return f();
  } catch (e) {
    // Only the path layer's own refusals are expected here; anything else is a bug and propagates as it is.
    if (!isPondError(e, 'INVALID_PATH')) throw e;
    throw new PondError('INVALID_INPUT', `${what} config: ${field}: ${e.message}`, { cause: e, detail: { factory: what, field } });
  }
}
