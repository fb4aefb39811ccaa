// Glob patterns over pond paths, as the original `list` understands them:
// `*` and `?` within a name, `[abc]`/`[a-z]`/`[!x]` classes, `**` for any number of directories;
// a trailing '/' means "the contents of", without it the entry itself.
import { PondError } from '../core/errors';
import { validateName } from './paths';

export type GlobSegment = { kind: 'any-depth' } | { kind: 'literal'; name: string } | { kind: 'pattern'; regex: RegExp; source: string };

export interface CompiledGlob {
  /** Segments relative to the root; relative patterns are made absolute from cwd by the caller. */
  segments: GlobSegment[];
  /** The pattern ended with '/': match what is inside the matched directories. */
  contents: boolean;
  source: string;
}

const SPECIAL = /[*?[]/;

/** Compiles a glob; '..' and '.' are resolved like in paths, never matched literally. */
export function compileGlob(pattern: string, cwd: readonly string[] = []): CompiledGlob {
  if (pattern.length === 0) throw new PondError('INVALID_PATH', 'the pattern is empty');
  // `/d/` is what d holds; `/` alone too (the root is never listed as an entry of itself, as in the original).
  const contents = pattern.endsWith('/');
  const segments: GlobSegment[] = pattern.startsWith('/') ? [] : cwd.map((name) => ({ kind: 'literal', name }));
  for (const part of pattern.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      const last = segments.pop();
      if (!last || last.kind !== 'literal') throw new PondError('INVALID_PATH', `pattern ${JSON.stringify(pattern)}: '..' must follow a plain name`);
      continue;
    }
    if (part === '**') segments.push({ kind: 'any-depth' });
    else if (!SPECIAL.test(part)) segments.push({ kind: 'literal', name: validateName(part) });
    else segments.push({ kind: 'pattern', regex: segmentRegex(part, pattern), source: part });
  }
  return { segments, contents, source: pattern };
}

/** True when the glob segment matches one name. Names starting with '.' match wildcards too: ponds have no hidden files. */
export function matchSegment(seg: Exclude<GlobSegment, { kind: 'any-depth' }>, name: string): boolean {
  return seg.kind === 'literal' ? seg.name === name : seg.regex.test(name);
}

function segmentRegex(part: string, whole: string): RegExp {
  return new RegExp(`^${segmentRegexSource(part, whole)}$`, 'su');
}

/**
 * The regex source of one glob segment (no anchors): `*` any run of characters, `?` one, `[abc]`/`[!x]` classes.
 * With `captureStars` each `*` is a capture group (temporal-reduce's `$0`, `$1` …); a segment holds no '/', so the
 * two forms match the same names.
 */
export function segmentRegexSource(part: string, whole: string, opts: { captureStars?: boolean } = {}): string {
  let re = '';
  for (let i = 0; i < part.length; i++) {
    const c = part[i]!;
    if (c === '*') re += opts.captureStars ? '([^/]*)' : '.*';
    else if (c === '?') re += opts.captureStars ? '[^/]' : '.';
    else if (c === '[') {
      const end = part.indexOf(']', i + 2);
      if (end < 0) throw new PondError('INVALID_PATH', `pattern ${JSON.stringify(whole)}: '[' without a closing ']'`);
      let body = part.slice(i + 1, end);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      re += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, (m) => `\\${m}`)}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|\\]/g, (m) => `\\${m}`);
  }
  return re;
}
