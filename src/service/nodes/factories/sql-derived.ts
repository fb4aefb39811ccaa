// The sql-derived-series and sql-derived-table factories, computed when read: each pattern's matches unioned by name
// under the pattern's key, and one read-only SELECT over those names (checked when the node is made and when read).
import { requireReadOnlySelect } from '../../../query/user-sql';
import { ident } from '../../../query/sql';
import type { Factory } from '../factory';
import { parseSqlDerivedConfig, type SqlDerivedConfig, type SqlDerivedKind } from './sql-derived-config';

/** The time column a derived series is read by (plots, ranges): the result must have it. */
export const SQL_DERIVED_TIME_COLUMN = 'timestamp';

function sqlDerived(kind: SqlDerivedKind): Factory<SqlDerivedConfig> {
  return {
    name: kind,
    kind: 'derived',
    summary: kind === 'sql-derived-series'
      ? `one SELECT over series bound by pattern, read as a series (its time column: ${SQL_DERIVED_TIME_COLUMN})`
      : 'one SELECT over series and tables bound by pattern, read as a table',
    fields: [
      { name: 'patterns', description: 'name: pattern; the name reads as the union by name of what the pond glob matches', required: true },
      { name: 'query', description: 'one read-only SELECT over those names', required: true },
      { name: 'transforms', description: 'column-rename nodes applied to every input first' },
    ],
    parse: (text) => {
      const config = parseSqlDerivedConfig(text, kind);
      requireReadOnlySelect(config.query, `${kind} config: query`);
      return config;
    },
    inputs: (c) => Object.values(c.patterns),
    plan: (c) => ({
      ...(kind === 'sql-derived-series' ? { timestampColumn: SQL_DERIVED_TIME_COLUMN } : {}),
      inputs: Object.entries(c.patterns).map(([name, pattern]) => ({ name, pattern, transforms: c.transforms })),
      build: (matched) => {
        const ctes = [...matched].map(([name, ms]) => `${ident(name)} AS (${ms.map((m) => `SELECT * FROM ${m.relation.from}`).join(' UNION ALL BY NAME ')})`);
        // The user's query stands as a subquery, so its own WITH or ORDER BY needs nothing of ours.
        return { from: `(WITH ${ctes.join(', ')} SELECT * FROM (${c.query.trim().replace(/;\s*$/, '')}))`, columns: [] };
      },
    }),
  };
}

export const sqlDerivedSeriesFactory = sqlDerived('sql-derived-series');
export const sqlDerivedTableFactory = sqlDerived('sql-derived-table');
