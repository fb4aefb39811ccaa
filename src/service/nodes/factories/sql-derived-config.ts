// The config of `sql-derived-series` and `sql-derived-table` (one parser, the kind a parameter): `patterns` binds
// each SQL name to the union of the series (or tables) matching a pond glob, `query` is one SELECT over those names,
// and `transforms` names column-rename nodes applied to every input first. Unknown fields are refused.
//
// The SQL itself is NOT checked here: that the query is one read-only SELECT (no DDL, SET, COPY, ATTACH, PRAGMA,
// INSTALL, no second statement) is for the caller to check with the user-SQL checker before the node is made
// (`requireReadOnlySelect(config.query, '<kind> config: query')` of src/query/user-sql.ts, on main since this branch
// started). This parser only guarantees a non-empty string.
import { yamlDoc } from '../config-fields';
import { absoluteGlob, at, invalidField, mapping, onlyFields, pathList, requiredString } from '../config-checks';

export type SqlDerivedKind = 'sql-derived-series' | 'sql-derived-table';

export interface SqlDerivedConfig {
  /** SQL name → absolute pond glob, in the order written. */
  patterns: Record<string, string>;
  /** One SELECT over the pattern names; NOT yet checked to be read-only (see the file comment). */
  query: string;
  /** Absolute paths of column-rename nodes, applied in order to every input. */
  transforms: string[];
}

/** A name the query can use unquoted: SQL-identifier-like, so `FROM temps` reads as written. */
export const SQL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const FIELDS = ['patterns', 'query', 'transforms'] as const;

export function parseSqlDerivedConfig(text: string, kind: SqlDerivedKind): SqlDerivedConfig {
  const o = yamlDoc(text, kind);
  onlyFields(o, FIELDS, '', kind);
  if (o.patterns === undefined || o.patterns === null) throw invalidField(kind, 'patterns', 'is required (a mapping of name: pattern)');
  const raw = mapping(o.patterns, 'patterns', kind);
  const names = Object.keys(raw);
  if (names.length === 0) throw invalidField(kind, 'patterns', 'must name at least one input (name: pattern)');
  const entries: [string, string][] = [];
  const lower = new Map<string, string>();
  for (const name of names) {
    const field = at('patterns', name);
    if (!SQL_NAME.test(name)) throw invalidField(kind, field, 'is not a usable SQL name (letters, digits and _, not starting with a digit)');
    // DuckDB resolves identifiers case-insensitively: `Temps` and `temps` would be one table.
    const twin = lower.get(name.toLowerCase());
    if (twin !== undefined) throw invalidField(kind, field, `names the same SQL table as patterns.${twin} (SQL names ignore case)`);
    lower.set(name.toLowerCase(), name);
    entries.push([name, absoluteGlob(raw[name], field, kind)]);
  }
  // fromEntries defines own properties, so even a name like __proto__ stays a plain key.
  const patterns = Object.fromEntries(entries);
  const query = requiredString(o.query, 'query', kind);
  return { patterns, query, transforms: pathList(o.transforms, 'transforms', kind) };
}
