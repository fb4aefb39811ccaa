// The temporal-reduce factory: a node that runs over the pond. Its config names input series (`input`, a glob), an
// `output` folder, resolutions and aggregations. A run writes, for each input series and resolution, a derived table
// `<output>/<input name>/res=<r>.parquet` of `col.agg` columns. Outputs are tables (each version the whole
// result), not series: an incremental update replaces buckets, and a series would read as the union of old and
// new rows. Each output version records the input versions folded in (attrs input_versions); a run folds only
// the new ones, recomputing just the buckets their [min, max] event times touch (reduceIncremental).
import type { Table } from 'apache-arrow';
import { PondError, throwIfAborted } from '../../../core/errors';
import { arrowToParquet, parquetToArrow } from '../../../formats/parquet';
import { loadContent } from '../../../pond/blobs';
import type { Pond } from '../../../pond/pond';
import type { Transaction } from '../../../pond/transaction';
import type { QueryEngine } from '../../../query/engine';
import { DEFAULT_AGGREGATIONS, DEFAULT_RESOLUTIONS, numericColumns, parseResolution, reduce, reduceIncremental, touchedRange, type Aggregation } from '../../../query/reduce';
import { logicalType } from '../../../query/schema';
import type { NodeRecord, VersionRecord } from '../../../tinyfs/node';
import { formatPath, parsePath } from '../../../tinyfs/paths';
import { glob, tryResolve } from '../../../tinyfs/resolve';
import { folder, yamlDoc } from '../config-fields';
import type { Factory } from '../factory';
import type { RunResult } from '../../../api/pond-api';
import type { Progress } from '../../operations';
import { storedSource } from '../../sources';

const VIEW = '__collect_reduce_input';

/** A temporal-reduce node: derived tables per input series and resolution under `output`. */
export interface TemporalReduceConfig {
  /** Glob of input series, e.g. `/devices/**\/*.series`. */
  input: string;
  /** Folder of the outputs: `<output>/<input name>/res=<r>.parquet`. */
  output: string;
  resolutions: string[];
  aggregations: Aggregation[];
}

const AGGREGATIONS: readonly Aggregation[] = ['avg', 'min', 'max', 'count', 'sum'];

function invalid(field: string, why: string): PondError {
  return new PondError('INVALID_INPUT', `temporal-reduce config: ${field} ${why}`, { detail: { field } });
}

/** Parses and checks a temporal-reduce config (resolutions default 1h…24h, aggregations avg/min/max/count). */
export function parseTemporalReduceConfig(text: string): TemporalReduceConfig {
  const o = yamlDoc(text, 'temporal-reduce');
  if (typeof o.input !== 'string' || o.input.trim() === '') throw invalid('input', 'must be a glob of series, e.g. /devices/**/*.series');
  const output = folder(o.output, 'output', 'temporal-reduce');
  const list = (v: unknown, field: string, dflt: readonly string[]): string[] => {
    if (v === undefined) return [...dflt];
    const items = typeof v === 'string' ? v.split(',').map((s) => s.trim()) : v;
    if (!Array.isArray(items) || items.length === 0 || items.some((x) => typeof x !== 'string' || x === '')) throw invalid(field, 'must be a non-empty list');
    return [...new Set(items as string[])];
  };
  const resolutions = list(o.resolutions, 'resolutions', DEFAULT_RESOLUTIONS);
  for (const r of resolutions) {
    try {
      parseResolution(r);
    } catch {
      throw invalid('resolutions', `has ${JSON.stringify(r)}, which is not a width such as 15m, 1h or 1d`);
    }
  }
  const aggregations = list(o.aggregations, 'aggregations', DEFAULT_AGGREGATIONS);
  for (const a of aggregations) if (!(AGGREGATIONS as readonly string[]).includes(a)) throw invalid('aggregations', `has ${JSON.stringify(a)}; known: ${AGGREGATIONS.join(', ')}`);
  // Sorted by width so "the coarsest resolution that still fills the plot" is a scan from the end.
  resolutions.sort((a, b) => parseResolution(a) - parseResolution(b));
  return { input: o.input.trim(), output, resolutions, aggregations: aggregations as Aggregation[] };
}

/** The derived table of one input and resolution: `<output>/<input name>/res=<r>.parquet`. */
export function reducedPath(output: string, inputPath: string, resolution: string): string {
  const name = parsePath(inputPath).pop()!.replace(/\.(series|parquet|csv)$/, '');
  return formatPath([...parsePath(output), name, `res=${resolution}.parquet`]);
}

/** The input series a config matches, outside its own output folder (outputs are never inputs). */
export function reduceInputs(pond: Pond, config: TemporalReduceConfig): { path: string; node: NodeRecord }[] {
  const out = parsePath(config.output);
  return glob(pond.fs, config.input)
    .filter((m) => m.node.type === 'file:series' && !out.every((s, i) => m.segments[i] === s))
    .map((m) => ({ path: formatPath(m.segments), node: m.node }));
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

export async function runTemporalReduce(
  tx: Transaction, pond: Pond, engine: QueryEngine, nodePath: string, config: TemporalReduceConfig,
  opts: { signal: AbortSignal; onProgress: Progress },
): Promise<Omit<RunResult, 'pondVersion'>> {
  const inputs = reduceInputs(pond, config);
  const aggregationsKey = config.aggregations.join(',');
  const written: RunResult['written'] = [];
  const names = new Map<string, string>();
  let folded = 0;
  for (const [i, input] of inputs.entries()) {
    throwIfAborted(opts.signal, `run ${nodePath}`);
    opts.onProgress(i, inputs.length, input.path);
    const src = storedSource(pond, input.path, input.node);
    const ts = src.timestampColumn;
    if (!ts) throw new PondError('INVALID_INPUT', `${input.path} has no timestamp column to reduce by`);
    let fullColumns: string[] | undefined;
    for (const r of config.resolutions) {
      const outPath = reducedPath(config.output, input.path, r);
      const other = names.get(outPath);
      if (other && other !== input.path) throw new PondError('CONFLICT', `${nodePath}: inputs ${other} and ${input.path} would both write ${outPath}; narrow the input pattern`);
      names.set(outPath, input.path);
      const existing = tryResolve(tx.state, parsePath(outPath))?.node;
      if (existing && existing.type !== 'file:table') throw new PondError('WRONG_TYPE', `${outPath} is a ${existing.type}; temporal-reduce writes a table there`);
      const plan = planReduce(input.node, existing, aggregationsKey);
      if (plan.kind === 'none') continue;
      let table: Table;
      if (plan.kind === 'full') {
        // One bind of the whole series serves every resolution that needs a full recompute.
        if (!fullColumns) {
          await engine.bind(VIEW, src, { signal: opts.signal });
          fullColumns = await numericColumns(engine, VIEW, [ts]);
        }
        const columns = fullColumns;
        table = await reduce(engine, VIEW, { timestampColumn: ts, columns, resolution: r, aggregations: config.aggregations, signal: opts.signal });
      } else {
        // Only versions that reach the touched buckets are loaded: an update of a long series reads a day, not years.
        const touched = touchedRange(plan.changed![0], plan.changed![1], parseResolution(r));
        fullColumns = undefined; // the view now holds only the touched range
        await engine.bind(VIEW, src, { timeRange: touched, signal: opts.signal });
        const columns = await numericColumns(engine, VIEW, [ts]);
        const previous = await parquetToArrow(await loadContent(tx.store, plan.previous!, `${outPath} v${plan.previous!.version}`), outPath);
        table = await reduceIncremental(engine, VIEW, previous, plan.changed!, { timestampColumn: ts, columns, resolution: r, aggregations: config.aggregations, signal: opts.signal });
      }
      if (table.numRows === 0 && !existing) continue;
      const bytes = await arrowToParquet(table);
      const node = await tx.writeFile(outPath, 'file:table', bytes, {
        minEventTime: table.numRows ? micros(table, ts, 0) : null,
        maxEventTime: table.numRows ? micros(table, ts, table.numRows - 1) : null,
        attrs: {
          rows: String(table.numRows),
          columns: JSON.stringify(table.schema.fields.map((f) => ({ name: f.name, type: logicalType(f.type) }))),
          timestamp_column: ts, resolution: r, aggregations: aggregationsKey, source: input.path, update: plan.kind,
          input_id: input.node.id, input_versions: input.node.versions.map((v) => v.version).join(','),
        },
      }, { parents: true, signal: opts.signal });
      written.push({ path: outPath, version: node.versions[node.versions.length - 1]!.version, rows: table.numRows });
      folded++;
    }
  }
  await engine.unbind(VIEW);
  opts.onProgress(inputs.length, inputs.length, 'done');
  return {
    path: nodePath, factory: 'temporal-reduce', written, points: folded,
    summary: `${inputs.length} input series, ${written.length} derived tables updated`,
  };
}

export const temporalReduceFactory: Factory<TemporalReduceConfig> = {
  name: 'temporal-reduce',
  kind: 'reduce',
  summary: 'keeps time-bucketed aggregate tables (e.g. 1h…24h avg/min/max/count) of series up to date',
  fields: [
    { name: 'input', description: 'glob of input series, e.g. /devices/**/*.series', required: true },
    { name: 'output', description: 'folder of <input name>/res=<r>.parquet tables', required: true },
    { name: 'resolutions', description: `bucket widths (default ${DEFAULT_RESOLUTIONS.join(', ')})` },
    { name: 'aggregations', description: `of ${AGGREGATIONS.join(', ')} (default ${DEFAULT_AGGREGATIONS.join(', ')})` },
  ],
  parse: parseTemporalReduceConfig,
  inputs: (config) => [config.input],
  run: (ctx, config) => runTemporalReduce(ctx.tx, ctx.pond, ctx.engine, ctx.path, config, { signal: ctx.signal, onProgress: ctx.onProgress }),
};
