// The timeseries-join factory, computed when read: inputs sharing a scope are one sensor's record across device swaps
// (each cut to its range), the scopes are FULL OUTER JOINed on time (query/time-join.ts).
import { timeJoinSql, type JoinGroup } from '../../../query/time-join';
import type { Factory } from '../factory';
import { parseTimeseriesJoinConfig, type TimeseriesJoinConfig } from './timeseries-join-config';

export const timeseriesJoinFactory: Factory<TimeseriesJoinConfig> = {
  name: 'timeseries-join',
  kind: 'derived',
  summary: 'joins series on time: inputs sharing a scope are unioned (a sensor swap), scopes become Scope.column columns',
  fields: [
    { name: 'time_column', description: 'the time column of every input and of the result (default timestamp)' },
    { name: 'inputs', description: 'at least two of {pattern, scope, range: {begin, end}, transforms}; begin inclusive, end exclusive', required: true },
  ],
  parse: parseTimeseriesJoinConfig,
  inputs: (c) => c.inputs.map((i) => i.pattern),
  plan: (c) => ({
    timestampColumn: c.timeColumn,
    inputs: c.inputs.map((input, i) => ({ name: `inputs[${i}]`, pattern: input.pattern, transforms: input.transforms })),
    build: (matched) => {
      const groups: JoinGroup[] = [];
      const byScope = new Map<string, JoinGroup>();
      c.inputs.forEach((input, i) => {
        const parts = (matched.get(`inputs[${i}]`) ?? []).map((m) => ({
          relation: m.relation, what: m.path,
          ...(input.range?.begin !== undefined ? { begin: input.range.begin } : {}),
          ...(input.range?.end !== undefined ? { end: input.range.end } : {}),
        }));
        if (input.scope === undefined) return void groups.push({ parts });
        let g = byScope.get(input.scope);
        if (!g) {
          g = { scope: input.scope, parts: [] };
          byScope.set(input.scope, g);
          groups.push(g);
        }
        g.parts.push(...parts);
      });
      return timeJoinSql(groups, { timeColumn: c.timeColumn });
    },
  }),
};
