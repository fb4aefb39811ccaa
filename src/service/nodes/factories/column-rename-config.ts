// The config of `column-rename`, a transform node other factories name in `transforms`, and the renaming itself.
// Rules are tried in order and the FIRST rule whose regex matches a column renames it; later rules do not see the
// result (the original's ColumnRenameConfig::apply_to_column: "Rules are applied in order. The first matching rule
// wins."). A rule replaces the first match of `from` in the name by `to`, with JavaScript's replacement syntax
// (`$1`, `$<name>`, `$&`, `$$`), as the original's Regex::replace (first match, `$1`). Unknown fields are refused.
import { PondError } from '../../../core/errors';
import { yamlDoc } from '../config-fields';
import { at, invalidField, list, mapping, onlyFields } from '../config-checks';

const WHAT = 'column-rename';

export interface ColumnRenameRule {
  /** The regex as written. */
  from: string;
  to: string;
  /** `from` compiled with the 'u' flag (no 'g': one replacement, and no lastIndex state between names). */
  regex: RegExp;
}

export interface ColumnRenameConfig {
  rules: ColumnRenameRule[];
}

export function parseColumnRenameConfig(text: string): ColumnRenameConfig {
  const o = yamlDoc(text, WHAT);
  onlyFields(o, ['rules'], '', WHAT);
  const rules = list(o.rules, 'rules', WHAT).map((raw, i) => {
    const field = at('rules', i);
    const r = mapping(raw, field, WHAT);
    onlyFields(r, ['from', 'to'], field, WHAT);
    if (typeof r.from !== 'string' || r.from === '') throw invalidField(WHAT, at(field, 'from'), 'must be a non-empty regular expression');
    // `to` may be empty only in the sense of deleting the match; a name that ends up empty is refused when applied.
    if (typeof r.to !== 'string') throw invalidField(WHAT, at(field, 'to'), r.to === undefined ? 'is required' : 'must be a string');
    let regex: RegExp;
    try {
      regex = new RegExp(r.from, 'u');
    } catch (e) {
      // The RegExp constructor throws SyntaxError for a bad pattern, the only failure expected here.
      if (!(e instanceof SyntaxError)) throw e;
      throw invalidField(WHAT, at(field, 'from'), `is not a valid regular expression: ${e.message}`);
    }
    return { from: r.from, to: r.to, regex };
  });
  return { rules };
}

/** One column's new name: the first matching rule's replacement, else the name unchanged. */
export function renameColumn(name: string, rules: readonly ColumnRenameRule[]): string {
  for (const rule of rules) if (rule.regex.test(name)) return name.replace(rule.regex, rule.to);
  return name;
}

/**
 * Every column's new name, in order. Refuses a rename that leaves a name empty, and two columns that end up with
 * the same name (naming both), rather than letting one shadow the other.
 */
export function renameColumns(names: readonly string[], rules: readonly ColumnRenameRule[]): string[] {
  const out = names.map((n) => renameColumn(n, rules));
  const from = new Map<string, string>();
  out.forEach((renamed, i) => {
    const original = names[i]!;
    if (renamed === '') throw new PondError('INVALID_INPUT', `${WHAT}: column ${JSON.stringify(original)} would be renamed to an empty name`, { detail: { column: original } });
    const other = from.get(renamed);
    if (other !== undefined) {
      throw new PondError('INVALID_INPUT', `${WHAT}: columns ${JSON.stringify(other)} and ${JSON.stringify(original)} would both be named ${JSON.stringify(renamed)}`, {
        detail: { columns: [other, original], name: renamed },
      });
    }
    from.set(renamed, original);
  });
  return out;
}
