// The config a "Combine series…" form builds for `timeseries-join`: plain data turned into YAML by the yaml
// package (user text never concatenated into YAML), pond paths made into globs that match exactly that path,
// and `datetime-local` values read as UTC instants. Kept apart from the dialog so it is tested on its own.
import { stringify } from 'yaml';

/** One input as the form holds it: a pond path, a scope (column prefix) and optional UTC bounds from the inputs. */
export interface CombineInput {
  path: string;
  scope: string;
  /** `datetime-local` text (`YYYY-MM-DDTHH:MM[:SS]`), read as UTC; empty: unbounded. Inclusive. */
  begin: string;
  /** Same, exclusive. */
  end: string;
}

/**
 * The default scope of a series: its parent folder's name (`/sites/north/water.series` → `north`, the usual layout of
 * one folder per station), or the file's stem when it sits at the root (`/old.series` → `old`).
 */
export function defaultScope(path: string): string {
  const parts = path.split('/').filter(Boolean);
  if (parts.length >= 2) return parts[parts.length - 2]!;
  const name = parts[0] ?? '';
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/**
 * A glob matching exactly `path`: the pond's globs have no escape character, so each of `*`, `?`, `[` and `]`
 * becomes a one-character class (`[*]`, `[]]`), which matches only that character. `]` too: in a segment that
 * is a pattern, a bare `]` would not compile.
 */
export function literalGlob(path: string): string {
  return path.replace(/[*?[\]]/g, (c) => `[${c}]`);
}

/**
 * A `datetime-local` value as an ISO-8601 UTC instant (`2024-03-01T04:00` → `2024-03-01T04:00:00Z`); the form says
 * the fields are UTC, so no time zone of the device is applied. Empty → undefined; anything else is refused.
 */
export function utcInstant(local: string): string | undefined {
  const v = local.trim();
  if (!v) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2}(?:\.\d{1,3})?)?$/.exec(v);
  if (!m) throw new Error(`${JSON.stringify(local)} is not a date and time (YYYY-MM-DDTHH:MM)`);
  const iso = `${m[1]}T${m[2]}${m[3] ?? ':00'}Z`;
  if (Number.isNaN(Date.parse(iso))) throw new Error(`${JSON.stringify(local)} is not a valid date and time`);
  return iso;
}

/** The problems of the form's inputs, in words a user reads next to the Create button; empty when it can be built. */
export function combineProblems(inputs: CombineInput[], dest: string): string[] {
  const out: string[] = [];
  if (inputs.length < 2) out.push('Pick at least two series.');
  if (!dest.trim().startsWith('/')) out.push('The destination must be a pond path starting with /.');
  inputs.forEach((input, i) => {
    const which = `Input ${i + 1} (${input.path})`;
    if (!input.scope.trim()) out.push(`${which}: the scope is empty.`);
    try {
      const b = utcInstant(input.begin);
      const e = utcInstant(input.end);
      if (b && e && Date.parse(b) >= Date.parse(e)) out.push(`${which}: the end must be after the begin (begin is inclusive, end exclusive).`);
    } catch (err) {
      out.push(`${which}: ${(err as Error).message}.`);
    }
  });
  return out;
}

/** The `timeseries-join` config for these inputs, as YAML text for `api.mknod('timeseries-join', dest, yaml)`. */
export function joinYaml(inputs: CombineInput[], timeColumn?: string): string {
  const config = {
    ...(timeColumn ? { time_column: timeColumn } : {}),
    inputs: inputs.map((input) => {
      const begin = utcInstant(input.begin);
      const end = utcInstant(input.end);
      return {
        pattern: literalGlob(input.path),
        scope: input.scope.trim(),
        ...(begin || end ? { range: { ...(begin ? { begin } : {}), ...(end ? { end } : {}) } } : {}),
      };
    }),
  };
  return stringify(config);
}
