// The temporal-reduce factory: a node that runs over the pond (its config: temporal-reduce-config.ts). A run writes,
// for each output folder and resolution, a derived table `<folder>/res=<r>.parquet` of `col.agg` columns. Outputs
// are tables (each version the whole result), not series: an incremental update replaces buckets, and a series
// would read as the union of old and new rows.
// - One stored series into one output: each output version records the input versions folded in (attrs
//   input_versions); a run folds only the new ones, recomputing just the buckets their event times touch.
// - Several inputs into one output (unioned by name), or a derived input (a join …, computed when read, with no
//   versions of its own): the output records the versions of every stored leaf under its inputs and the config
//   versions of the derived nodes on the way (attrs inputs_key); when that key changes the output is recomputed in
//   full, else it is left alone.
import type { Table } from 'apache-arrow';
import { PondError, throwIfAborted } from '../../../core/errors';
import { arrowToParquet, parquetToArrow } from '../../../formats/parquet';
import { loadContent } from '../../../pond/blobs';
import type { Pond } from '../../../pond/pond';
import type { Transaction } from '../../../pond/transaction';
import { isDerived, type AnySource, type DerivedSource, type Relation } from '../../../query/derived-source';
import type { QueryEngine } from '../../../query/engine';
import { DEFAULT_AGGREGATIONS, DEFAULT_RESOLUTIONS, numericColumns, parseResolution, reduce, reduceIncremental, touchedRange } from '../../../query/reduce';
import { logicalType } from '../../../query/schema';
import type { NodeRecord, VersionRecord } from '../../../tinyfs/node';
import type { FsState } from '../../../tinyfs/state';
import { formatPath, parsePath } from '../../../tinyfs/paths';
import { glob, tryResolve } from '../../../tinyfs/resolve';
import type { Factory, ReadAccess } from '../factory';
import type { RunResult } from '../../../api/pond-api';
import type { Progress } from '../../operations';
import { AGGREGATIONS, aggregationsKey, outputFolder, parseTemporalReduceConfig, resolutionTable, resolveColumns, type TemporalReduceConfig } from './temporal-reduce-config';

export { parseTemporalReduceConfig, reducedPath, type TemporalReduceConfig } from './temporal-reduce-config';

const VIEW = '__collect_reduce_input';

/** One output folder and the inputs reduced into it (several: unioned by name first). */
export interface ReduceGroup {
  folder: string;
  inputs: { path: string; node: NodeRecord }[];
}

/**
 * The inputs a config matches (series and derived nodes; stored tables are what reduces write, never inputs),
 * grouped by output folder. The first form refuses two inputs of one name (they would overwrite each other); the
 * pattern form unions them.
 */
export function reduceGroups(fs: FsState, config: TemporalReduceConfig, nodePath: string, isDerivedNode: (n: NodeRecord) => boolean): ReduceGroup[] {
  const out = config.form === 'folder' ? parsePath(config.output) : undefined;
  const groups = new Map<string, ReduceGroup>();
  for (const m of glob(fs, config.input)) {
    if (m.node.type !== 'file:series' && !isDerivedNode(m.node)) continue;
    if (out && out.every((s, i) => m.segments[i] === s)) continue; // outputs are never inputs
    const path = formatPath(m.segments);
    if (path === nodePath) continue;
    const folder = outputFolder(config, nodePath, path);
    if (!folder) continue;
    const g = groups.get(folder) ?? { folder, inputs: [] };
    if (config.form === 'folder' && g.inputs.length > 0) {
      throw new PondError('CONFLICT', `${nodePath}: inputs ${g.inputs[0]!.path} and ${path} would both write ${folder}; narrow the input pattern`);
    }
    g.inputs.push({ path, node: m.node });
    groups.set(folder, g);
  }
  // In path order, so a union's inputs (and the source it records) do not depend on how the tree was walked.
  for (const g of groups.values()) g.inputs.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return [...groups.values()];
}

interface Plan {
  kind: 'full' | 'incremental' | 'none';
  previous?: VersionRecord;
  /** Event-time hull of the new input versions (incremental). */
  changed?: [number, number];
}

/** What a resolution's output needs: nothing, the new input versions folded in, or a full recompute. */
export function planReduce(input: NodeRecord, output: NodeRecord | undefined, aggregationsKey: string): Plan {
  const last = output?.versions[output.versions.length - 1];
  if (!last || last.attrs.input_id !== input.id || last.attrs.aggregations !== aggregationsKey) return { kind: 'full' };
  const folded = new Set((last.attrs.input_versions ?? '').split(',').filter(Boolean).map(Number));
  const have = new Set(input.versions.map((v) => v.version));
  if ([...folded].some((v) => !have.has(v))) return { kind: 'full' }; // history rewritten under us: start over
  const fresh = input.versions.filter((v) => !folded.has(v.version));
  if (fresh.length === 0) return { kind: 'none' };
  if (fresh.some((v) => v.minEventTime === null || v.maxEventTime === null)) return { kind: 'full' };
  return { kind: 'incremental', previous: last, changed: [Math.min(...fresh.map((v) => v.minEventTime!)), Math.max(...fresh.map((v) => v.maxEventTime!))] };
}

/** µs of row i of a timestamp column (Arrow gives ms). */
const micros = (t: Table, col: string, i: number) => Math.round(Number(t.getChild(col)!.get(i)) * 1000);

/** The versions a source reads: each stored leaf's, and each derived node's config version, nested as read. */
export function inputsKey(s: AnySource): string {
  if (!isDerived(s)) return `${s.fileKey}:${s.versions.map((v) => v.version).join(',')}`;
  return `${s.fileKey}(${s.inputs.map((i) => i.sources.map(inputsKey).join(';')).join('|')})`;
}

/** Several inputs as one relation: UNION ALL BY NAME (a column one input lacks reads as NULL there). */
function unionSource(nodePath: string, group: ReduceGroup, sources: AnySource[], pattern: string, ts: string): DerivedSource {
  return {
    kind: 'derived', fileKey: `${nodePath}→${group.folder}`, path: group.folder, timestampColumn: ts,
    inputs: [{ name: 'inputs', what: pattern, sources, paths: group.inputs.map((i) => i.path) }],
    build: (matched): Relation => {
      const rs = (matched.get('inputs') ?? []).map((m) => m.relation);
      const columns = new Map<string, string>();
      for (const r of rs) for (const c of r.columns) if (!columns.has(c.name)) columns.set(c.name, c.type);
      return {
        from: `(${rs.map((r) => `SELECT * FROM ${r.from}`).join(' UNION ALL BY NAME ')})`,
        columns: rs.some((r) => r.columns.length === 0) ? [] : [...columns].map(([name, type]) => ({ name, type })),
      };
    },
  };
}

/** The time column of a group: the config's, else the one its inputs recorded (they must agree). */
function timeColumnOf(config: TemporalReduceConfig, group: ReduceGroup, sources: AnySource[]): string {
  if (config.timeColumn) return config.timeColumn;
  const named = sources.map((s, i) => ({ ts: s.timestampColumn, path: group.inputs[i]!.path }));
  const first = named.find((n) => n.ts);
  if (!first) throw new PondError('INVALID_INPUT', `${group.inputs[0]!.path} has no timestamp column to reduce by (name one with time_column)`);
  const other = named.find((n) => n.ts && n.ts !== first.ts);
  if (other) throw new PondError('INVALID_INPUT', `${first.path} is timed by ${first.ts} and ${other.path} by ${other.ts}: name one with time_column`);
  return first.ts!;
}

export async function runTemporalReduce(
  tx: Transaction, pond: Pond, engine: QueryEngine, nodePath: string, config: TemporalReduceConfig, reads: ReadAccess,
  opts: { signal: AbortSignal; onProgress: Progress },
): Promise<Omit<RunResult, 'pondVersion'>> {
  // The tree as reads see it: inputs matched and bound as a query would.
  const view = reads.view;
  const groups = reduceGroups(view.fs, config, nodePath, reads.isDerived);
  const aggKey = aggregationsKey(config.aggregations);
  const aggregations = config.aggregations.map((a) => a.type);
  const written: RunResult['written'] = [];
  let folded = 0;
  let inputCount = 0;
  for (const [i, group] of groups.entries()) {
    throwIfAborted(opts.signal, `run ${nodePath}`);
    opts.onProgress(i, groups.length, group.folder);
    inputCount += group.inputs.length;
    const sources = await Promise.all(group.inputs.map((x) => reads.source(x.path)));
    const ts = timeColumnOf(config, group, sources);
    const only = group.inputs.length === 1 && !isDerived(sources[0]!) ? group.inputs[0]! : undefined;
    const src = sources.length === 1 ? sources[0]! : unionSource(nodePath, group, sources, config.input, ts);
    const key = only ? undefined : inputsKey(src);
    const sourceNames = group.inputs.map((x) => x.path).join(',');
    /** Which columns each aggregation applies to, from the numeric columns of what is bound now. */
    const selection = async () => {
      const available = await numericColumns(engine, VIEW, [ts]);
      const columnsFor = resolveColumns(config.aggregations, available, `${nodePath} (${sourceNames})`);
      return { columns: available.filter((c) => [...columnsFor.values()].some((cs) => cs.includes(c))), columnsFor };
    };
    let full: Awaited<ReturnType<typeof selection>> | undefined;
    for (const r of config.resolutions) {
      const outPath = resolutionTable(group.folder, r);
      const existing = tryResolve(tx.state, parsePath(outPath))?.node;
      if (existing && existing.type !== 'file:table') throw new PondError('WRONG_TYPE', `${outPath} is a ${existing.type}; temporal-reduce writes a table there`);
      const plan: Plan = only ? planReduce(only.node, existing, aggKey) : planByKey(existing, key!, aggKey, sourceNames);
      if (plan.kind === 'none') continue;
      const base = { timestampColumn: ts, resolution: r, aggregations, signal: opts.signal };
      let table: Table;
      if (plan.kind === 'full') {
        // One bind of the whole input serves every resolution that needs a full recompute.
        if (!full) {
          await engine.bind(VIEW, src, { signal: opts.signal });
          full = await selection();
        }
        table = await reduce(engine, VIEW, { ...base, ...full });
      } else {
        // Only versions that reach the touched buckets are loaded: an update of a long series reads a day, not years.
        const touched = touchedRange(plan.changed![0], plan.changed![1], parseResolution(r));
        full = undefined; // the view now holds only the touched range
        await engine.bind(VIEW, src, { timeRange: touched, signal: opts.signal });
        const previous = await parquetToArrow(await loadContent(tx.store, plan.previous!, `${outPath} v${plan.previous!.version}`), outPath);
        table = await reduceIncremental(engine, VIEW, previous, plan.changed!, { ...base, ...(await selection()) });
      }
      if (table.numRows === 0 && !existing) continue;
      const bytes = await arrowToParquet(table);
      const versions: Record<string, string> = only ? { input_id: only.node.id, input_versions: only.node.versions.map((v) => v.version).join(',') } : { inputs_key: key! };
      const node = await tx.writeFile(outPath, 'file:table', bytes, {
        minEventTime: table.numRows ? micros(table, ts, 0) : null,
        maxEventTime: table.numRows ? micros(table, ts, table.numRows - 1) : null,
        attrs: {
          rows: String(table.numRows),
          columns: JSON.stringify(table.schema.fields.map((f) => ({ name: f.name, type: logicalType(f.type) }))),
          timestamp_column: ts, resolution: r, aggregations: aggKey, source: sourceNames, update: plan.kind, ...versions,
        },
      }, { parents: true, signal: opts.signal });
      written.push({ path: outPath, version: node.versions[node.versions.length - 1]!.version, rows: table.numRows });
      folded++;
    }
  }
  await engine.unbind(VIEW);
  opts.onProgress(groups.length, groups.length, 'done');
  return {
    path: nodePath, factory: 'temporal-reduce', written, points: folded,
    summary: `${inputCount} input series into ${groups.length} outputs, ${written.length} derived tables updated`,
  };
}

/** An output of several or derived inputs: left alone while the versions it was made from are the current ones. */
export function planByKey(output: NodeRecord | undefined, key: string, aggKey: string, sources: string): Plan {
  const last = output?.versions[output.versions.length - 1];
  const same = last && last.attrs.inputs_key === key && last.attrs.aggregations === aggKey && last.attrs.source === sources;
  return same ? { kind: 'none' } : { kind: 'full' };
}

export const temporalReduceFactory: Factory<TemporalReduceConfig> = {
  name: 'temporal-reduce',
  kind: 'reduce',
  summary: 'keeps time-bucketed aggregate tables (e.g. 1h…24h avg/min/max/count) of series up to date',
  fields: [
    { name: 'in_pattern', description: 'pond glob of input series or derived nodes; each * and ** is a capture ($0 the first)' },
    { name: 'out_pattern', description: 'output folder using $0, $1 …: tables <folder>/res=<r>.parquet; inputs with one folder are unioned' },
    { name: 'input', description: 'first form, instead of in_pattern: glob of input series, e.g. /devices/**/*.series' },
    { name: 'output', description: 'first form, with input: folder of <input name>/res=<r>.parquet tables' },
    { name: 'time_column', description: 'column to bucket by (default: the input\'s recorded timestamp column)' },
    { name: 'resolutions', description: `bucket widths (default ${DEFAULT_RESOLUTIONS.join(', ')})` },
    { name: 'aggregations', description: `of ${AGGREGATIONS.join(', ')} (default ${DEFAULT_AGGREGATIONS.join(', ')}), or [{type, columns: [globs]}]` },
  ],
  parse: parseTemporalReduceConfig,
  inputs: (config) => [config.input],
  run: (ctx, config) => runTemporalReduce(ctx.tx, ctx.pond, ctx.engine, ctx.path, config, ctx.reads, { signal: ctx.signal, onProgress: ctx.onProgress }),
};
