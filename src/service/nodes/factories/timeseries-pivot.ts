// The timeseries-pivot factory, computed when read: one parameter across sites. Every series the pattern matches is
// an input whose scope is what the pattern's `*` matched; the chosen columns of each are joined on time, a column an
// input lacks reads as null.
import { timeJoinSql } from '../../../query/time-join';
import type { Factory } from '../factory';
import { parseTimeseriesPivotConfig, pivotScope, type TimeseriesPivotConfig } from './timeseries-pivot-config';

export const timeseriesPivotFactory: Factory<TimeseriesPivotConfig> = {
  name: 'timeseries-pivot',
  kind: 'derived',
  summary: 'the same columns of every series a pattern matches, side by side on time, as Scope.column (scope = the * match)',
  fields: [
    { name: 'pattern', description: 'a pond glob with one * whose match names each input, e.g. /sites/*/water.series', required: true },
    { name: 'columns', description: 'the columns to take from every input', required: true },
    { name: 'time_column', description: 'default timestamp' },
    { name: 'transforms', description: 'column-rename nodes applied to every input first' },
  ],
  parse: parseTimeseriesPivotConfig,
  inputs: (c) => [c.pattern],
  plan: (c) => ({
    timestampColumn: c.timeColumn,
    inputs: [{ name: 'pattern', pattern: c.pattern, transforms: c.transforms }],
    build: (matched) => timeJoinSql((matched.get('pattern') ?? []).map((m) => ({ scope: pivotScope(c, m.path), parts: [{ relation: m.relation, what: m.path }] })), {
      timeColumn: c.timeColumn, columns: c.columns,
    }),
  }),
};
