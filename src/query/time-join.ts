// The SQL of a timeseries join (and of a pivot, which is a join that keeps chosen columns): inputs are relations
// (the views of series, or of other derived nodes) in scope groups. Inputs sharing a scope are one sensor's record
// across device swaps: each is cut to its range ([begin, end), so the old device's end is the new one's begin
// without a duplicate or missing row at the boundary) and the group is their UNION ALL BY NAME. The groups are then
// FULL OUTER JOINed on time, the time coalesced (never null), columns named `Scope.column`, rows ordered by time.
import { PondError } from '../core/errors';
import { ident, tsLiteral } from './sql';

/** A relation to read from: SQL that can stand in a FROM clause (a view name or a parenthesised SELECT). */
export interface Relation {
  from: string;
  /** Its columns, time column included, with DuckDB types (from DESCRIBE). */
  columns: { name: string; type: string }[];
}

export interface JoinPart {
  relation: Relation;
  /** UTC µs; rows with time < begin or ≥ end are dropped. */
  begin?: number;
  end?: number;
  /** Where it came from, for errors (the input's pattern or path). */
  what: string;
}

export interface JoinGroup {
  /** Column prefix (`Scope.column`); without one the columns keep their names. */
  scope?: string;
  parts: JoinPart[];
}

export interface JoinOptions {
  timeColumn: string;
  /** Keep only these columns of each group (a pivot); a column a group lacks reads as NULL. Default: all. */
  columns?: readonly string[];
}

/** The join's SELECT and the columns it yields (time first). */
export function timeJoinSql(groups: readonly JoinGroup[], opts: JoinOptions): Relation {
  const t = opts.timeColumn;
  if (groups.length === 0) throw new PondError('INVALID_INPUT', 'a join needs at least one input');
  const ctes: string[] = []; // each group's rows, as `(SELECT …) gN`
  const selected: string[] = [];
  const columns: Relation['columns'] = [];
  const named = new Map<string, string>(); // output column → where it came from, to refuse collisions
  let timeType: string | undefined;
  groups.forEach((g, i) => {
    const alias = `g${i}`;
    const have = new Map<string, string>();
    const parts = g.parts.map((p) => {
      const time = p.relation.columns.find((c) => c.name === t);
      if (!time) {
        throw new PondError('INVALID_INPUT', `${p.what}: has no time column ${JSON.stringify(t)} (its columns: ${p.relation.columns.map((c) => c.name).join(', ')})`, { detail: { input: p.what } });
      }
      timeType ??= time.type;
      for (const c of p.relation.columns) if (c.name !== t && !have.has(c.name)) have.set(c.name, c.type);
      const where = [p.begin === undefined ? '' : `${ident(t)} >= ${tsLiteral(p.begin)}`, p.end === undefined ? '' : `${ident(t)} < ${tsLiteral(p.end)}`].filter(Boolean);
      return `SELECT * FROM ${p.relation.from}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`;
    });
    ctes.push(`(${parts.join(' UNION ALL BY NAME ')}) ${alias}`);
    const keep = opts.columns ?? [...have.keys()];
    for (const name of keep) {
      const out = g.scope ? `${g.scope}.${name}` : name;
      const from = named.get(out);
      if (from !== undefined || out === t) {
        throw new PondError('INVALID_INPUT', `two inputs give the column ${JSON.stringify(out)} (${from ?? 'the time column'} and ${g.parts[0]!.what}): give them scopes`, { detail: { column: out } });
      }
      named.set(out, g.parts[0]!.what);
      const type = have.get(name) ?? typeInOtherGroups(groups, name, t);
      selected.push(have.has(name) ? `${alias}.${ident(name)} AS ${ident(out)}` : `CAST(NULL AS ${type}) AS ${ident(out)}`);
      columns.push({ name: out, type });
    }
  });
  const times = groups.map((_, i) => `g${i}.${ident(t)}`);
  const coalesced = (n: number) => (n === 1 ? times[0]! : `COALESCE(${times.slice(0, n).join(', ')})`);
  // Groups as subqueries, not a WITH: DuckDB may materialise a CTE (a copy of every input row) before joining.
  let from = ctes[0]!;
  for (let i = 1; i < groups.length; i++) from += ` FULL OUTER JOIN ${ctes[i]!} ON g${i}.${ident(t)} = ${coalesced(i)}`;
  const sql = `SELECT ${coalesced(groups.length)} AS ${ident(t)}${selected.map((s) => `, ${s}`).join('')} FROM ${from} ORDER BY 1`;
  return { from: `(${sql})`, columns: [{ name: t, type: timeType! }, ...columns] };
}

/** The type a pivot column has where some input has it (DOUBLE when none does: an all-NULL column). */
function typeInOtherGroups(groups: readonly JoinGroup[], name: string, t: string): string {
  for (const g of groups) for (const p of g.parts) {
    const c = p.relation.columns.find((x) => x.name === name && x.name !== t);
    if (c) return c.type;
  }
  return 'DOUBLE';
}

/** A relation with columns renamed (a column-rename transform before scoping): `mapping` old → new. */
export function renamedRelation(r: Relation, mapping: ReadonlyMap<string, string>): Relation {
  const cols = r.columns.map((c) => ({ ...c, name: mapping.get(c.name) ?? c.name }));
  const list = r.columns.map((c, i) => (cols[i]!.name === c.name ? ident(c.name) : `${ident(c.name)} AS ${ident(cols[i]!.name)}`));
  return { from: `(SELECT ${list.join(', ')} FROM ${r.from})`, columns: cols };
}
