// The temporal-reduce config and where its outputs go. Two forms:
// - the first form (kept: ponds hold such nodes): `input` (a glob of series) and `output` (a folder); each input
//   series gets `<output>/<input name>/res=<r>.parquet`;
// - the original's form: `in_pattern` (a pond glob whose every `*` and `**` is a capture) and `out_pattern` (a pond
//   path using `$0`, `$1` …), each input going to `<out_pattern expanded>/res=<r>.parquet`. As in the original
//   (substitute_pattern), `$0` is the FIRST capture, `$1` the second …, so the original's `in_pattern: /combined/*`,
//   `out_pattern: $0` reads the same here. Inputs whose expansions are equal are unioned by name into one output.
//   A relative out_pattern is taken from the folder holding the node (the original's outputs sit under its node).
// `aggregations` is a list of names (every numeric column) or of `{type, columns}` whose `columns` are globs over
// column names (`*` any characters, e.g. `*.mg/L`, `*`).
import { PondError } from '../../../core/errors';
import { DEFAULT_AGGREGATIONS, DEFAULT_RESOLUTIONS, parseResolution, type Aggregation } from '../../../query/reduce';
import { compileGlob, segmentRegexSource } from '../../../tinyfs/glob';
import { formatPath, parsePath, validateName } from '../../../tinyfs/paths';
import { absoluteGlob, at, invalidField, list, mapping, onlyFields, requiredString } from '../config-checks';
import { folder, nodeFolder, yamlDoc } from '../config-fields';

const WHAT = 'temporal-reduce';
export const AGGREGATIONS: readonly Aggregation[] = ['avg', 'min', 'max', 'count', 'sum'];

/** One aggregation and the column globs it applies to (absent: every numeric column). */
export interface AggregationSpec {
  type: Aggregation;
  columns?: string[];
}

export type TemporalReduceConfig = {
  /** The input glob (`input` or `in_pattern`). */
  input: string;
  /** The time column to bucket by; absent: the input's recorded one. */
  timeColumn?: string;
  /** Sorted by width (plotAuto scans from the coarsest). */
  resolutions: string[];
  aggregations: AggregationSpec[];
} & ({ form: 'folder'; output: string } | { form: 'pattern'; outPattern: string; captures: number });

const FOLDER_FIELDS = ['input', 'output', 'time_column', 'resolutions', 'aggregations'] as const;
const PATTERN_FIELDS = ['in_pattern', 'out_pattern', 'time_column', 'resolutions', 'aggregations'] as const;

/** Parses and checks a temporal-reduce config (resolutions default 1h…24h, aggregations avg/min/max/count). */
export function parseTemporalReduceConfig(text: string): TemporalReduceConfig {
  const o = yamlDoc(text, WHAT);
  const pattern = o.in_pattern !== undefined || o.out_pattern !== undefined;
  onlyFields(o, pattern ? PATTERN_FIELDS : FOLDER_FIELDS, '', WHAT);
  const timeColumn = o.time_column === undefined ? undefined : requiredString(o.time_column, 'time_column', WHAT);
  const resolutions = names(o.resolutions, 'resolutions', DEFAULT_RESOLUTIONS);
  for (const [i, r] of resolutions.entries()) {
    try {
      parseResolution(r);
    } catch {
      throw invalidField(WHAT, at('resolutions', i), `is ${JSON.stringify(r)}, which is not a width such as 15m, 1h or 1d`);
    }
  }
  // Sorted by width so "the coarsest resolution that still fills the plot" is a scan from the end.
  resolutions.sort((a, b) => parseResolution(a) - parseResolution(b));
  const aggregations = parseAggregations(o.aggregations);
  const common = { ...(timeColumn ? { timeColumn } : {}), resolutions, aggregations };
  if (!pattern) {
    if (typeof o.input !== 'string' || o.input.trim() === '') throw invalidField(WHAT, 'input', 'must be a glob of series, e.g. /devices/**/*.series');
    return { form: 'folder', input: o.input.trim(), output: folder(o.output, 'output', WHAT), ...common };
  }
  // The original also writes in_pattern as a URL (`series:///sensors/*`); the path part is what is matched here.
  const raw = typeof o.in_pattern === 'string' ? o.in_pattern.trim().replace(/^[a-z][a-z0-9+.-]*:\/\/(?=\/)/i, '') : o.in_pattern;
  const input = absoluteGlob(raw, 'in_pattern', WHAT);
  const captures = captureCount(input);
  const outPattern = requiredString(o.out_pattern, 'out_pattern', WHAT);
  for (const m of outPattern.matchAll(/\$(\d+)/g)) {
    if (Number(m[1]) >= captures) {
      throw invalidField(WHAT, 'out_pattern', `uses ${m[0]}, but in_pattern has ${captures} capture${captures === 1 ? '' : 's'} ($0 is the first * or **)`);
    }
  }
  // A trial expansion checks the path's shape (no '..' above the root, no empty names) before any run.
  try {
    expandOutPattern(outPattern, Array.from({ length: captures }, (_, i) => `c${i}`), '/node');
  } catch (e) {
    throw invalidField(WHAT, 'out_pattern', `is not a pond path template: ${(e as Error).message}`);
  }
  return { form: 'pattern', input, outPattern, captures, ...common };
}

function names(v: unknown, field: string, dflt: readonly string[]): string[] {
  if (v === undefined) return [...dflt];
  const items = typeof v === 'string' ? v.split(',').map((s) => s.trim()) : v;
  if (!Array.isArray(items) || items.length === 0 || items.some((x) => typeof x !== 'string' || x === '')) throw invalidField(WHAT, field, 'must be a non-empty list');
  return [...new Set(items as string[])];
}

function aggregationType(v: unknown, field: string): Aggregation {
  if (typeof v !== 'string' || !(AGGREGATIONS as readonly string[]).includes(v)) {
    throw invalidField(WHAT, field, `is ${JSON.stringify(v)}; known: ${AGGREGATIONS.join(', ')}`);
  }
  return v as Aggregation;
}

/** `[avg, min]`, `avg, min` or `[{type: avg, columns: ["*.mg/L"]}, …]`; one entry per type (columns merged). */
function parseAggregations(v: unknown): AggregationSpec[] {
  if (v === undefined) return DEFAULT_AGGREGATIONS.map((type) => ({ type }));
  if (typeof v === 'string') return names(v, 'aggregations', []).map((a, i) => ({ type: aggregationType(a, at('aggregations', i)) }));
  const out = new Map<Aggregation, AggregationSpec>();
  list(v, 'aggregations', WHAT).forEach((item, i) => {
    const field = at('aggregations', i);
    let spec: AggregationSpec;
    if (typeof item === 'string') spec = { type: aggregationType(item, field) };
    else {
      const m = mapping(item, field, WHAT);
      onlyFields(m, ['type', 'columns'], field, WHAT);
      const type = aggregationType(m.type, at(field, 'type'));
      spec = m.columns === undefined ? { type } : { type, columns: list(m.columns, at(field, 'columns'), WHAT).map((c, j) => requiredString(c, at(at(field, 'columns'), j), WHAT)) };
    }
    const seen = out.get(spec.type);
    // Two entries of one type: the union of their columns (all columns if either names none).
    if (seen) out.set(spec.type, seen.columns && spec.columns ? { type: spec.type, columns: [...new Set([...seen.columns, ...spec.columns])] } : { type: spec.type });
    else out.set(spec.type, spec);
  });
  return [...out.values()];
}

/** What output tables record as their aggregations (`avg,min` as before; `avg[*.mg/L]` when columns are named). */
export function aggregationsKey(specs: readonly AggregationSpec[]): string {
  return specs.map((s) => (s.columns ? `${s.type}[${s.columns.join('|')}]` : s.type)).join(',');
}

/** True when the column name matches the glob (`*` any run of characters, everything else literal). */
export function columnMatches(glob: string, column: string): boolean {
  const re = new RegExp(`^${glob.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`, 'su');
  return re.test(column);
}

/** The columns of `available` each aggregation applies to, in `available`'s order; a glob matching none is an error. */
export function resolveColumns(specs: readonly AggregationSpec[], available: readonly string[], what: string): Map<Aggregation, string[]> {
  const out = new Map<Aggregation, string[]>();
  specs.forEach((s, i) => {
    if (!s.columns) return out.set(s.type, [...available]);
    for (const g of s.columns) {
      if (!available.some((c) => columnMatches(g, c))) {
        throw new PondError('INVALID_INPUT', `${what}: aggregations[${i}] (${s.type}) column ${JSON.stringify(g)} matches no numeric column (numeric columns: ${available.join(', ') || 'none'})`, { detail: { column: g } });
      }
    }
    out.set(s.type, available.filter((c) => s.columns!.some((g) => columnMatches(g, c))));
  });
  return out;
}

/** The number of captures of an in_pattern: one per segment holding `*`, and one per `**`. */
export function captureCount(pattern: string): number {
  return compileGlob(pattern).segments.reduce((n, s) => n + (s.kind === 'any-depth' ? 1 : s.kind === 'pattern' ? (s.source.match(/\*/g) ?? []).length : 0), 0);
}

const DATA_EXT = /\.(series|parquet|csv|table)$/;

/**
 * The captures of `path` under the in_pattern, in order: each `*` the characters it matched, each `**` the folders
 * it crossed (`a/b`, or '' for none). A capture that ends the path drops a data-file extension, so `/sensors/*`
 * over `/sensors/a.series` captures `a`. Undefined when the path does not match.
 */
export function capturesOf(pattern: string, path: string): string[] | undefined {
  let re = '^';
  for (const s of compileGlob(pattern).segments) {
    if (s.kind === 'any-depth') re += '((?:/[^/]+)*)';
    else if (s.kind === 'literal') re += `/${escape(s.name)}`;
    else re += `/${segmentRegexSource(s.source, s.source, { captureStars: true })}`;
  }
  // `d`: the groups' indices tell which capture ends the path.
  const m = new RegExp(`${re}$`, 'dsu').exec(path);
  if (!m) return undefined;
  return m.slice(1).map((g = '', i) => {
    const deep = g.startsWith('/') ? g.slice(1) : g;
    return m.indices?.[i + 1]?.[1] === path.length ? deep.replace(DATA_EXT, '') : deep;
  });
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}


/** The out_pattern with `$N` replaced by capture N, as an absolute folder (relative: from the node's folder). */
export function expandOutPattern(outPattern: string, captures: readonly string[], nodePath: string): string {
  const expanded = outPattern.replace(/\$(\d+)/g, (_, n: string) => captures[Number(n)] ?? '');
  const base = expanded.startsWith('/') ? '' : `${nodeFolder(nodePath)}/`;
  const segments = parsePath(`${base}${expanded}`);
  for (const s of segments) validateName(s);
  if (segments.length === 0) throw new PondError('INVALID_INPUT', `out_pattern ${JSON.stringify(outPattern)} expands to the root`);
  return formatPath(segments);
}

/** The folder the outputs of `inputPath` go to, or undefined when the node does not read it. */
export function outputFolder(config: TemporalReduceConfig, nodePath: string, inputPath: string): string | undefined {
  if (config.form === 'folder') {
    const name = parsePath(inputPath).pop()!.replace(/\.(series|parquet|csv)$/, '');
    return formatPath([...parsePath(config.output), name]);
  }
  const captures = capturesOf(config.input, inputPath);
  return captures && expandOutPattern(config.outPattern, captures, nodePath);
}

/** The derived table of one output folder and resolution. */
export function resolutionTable(folderPath: string, resolution: string): string {
  return formatPath([...parsePath(folderPath), `res=${resolution}.parquet`]);
}

/** The first form's table of one input and resolution: `<output>/<input name>/res=<r>.parquet`. */
export function reducedPath(output: string, inputPath: string, resolution: string): string {
  const name = parsePath(inputPath).pop()!.replace(/\.(series|parquet|csv)$/, '');
  return resolutionTable(formatPath([...parsePath(output), name]), resolution);
}
