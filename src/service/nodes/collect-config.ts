// Configured nodes (the original's `mknod FACTORY PATH --config FILE`): a node is a file:data YAML file in the pond
// whose version carries attrs {factory}. This file parses and checks the two factories' configs; secrets are never
// part of them (the HydroVu client secret lives in IndexedDB, collect-secrets.ts).
import { parse as parseYaml } from 'yaml';
import { PondError } from '../../core/errors';
import { parseHydroVuConfig, type HydroVuConfig } from '../../collect/hydrovu';
import { DEFAULT_AGGREGATIONS, DEFAULT_RESOLUTIONS, parseResolution, type Aggregation } from '../../query/reduce';
import { formatPath, parsePath } from '../../tinyfs/paths';
import type { NodeFactory } from '../../api/pond-api';

export type { NodeFactory };
export const FACTORIES: readonly NodeFactory[] = ['hydrovu', 'temporal-reduce'];

/** A temporal-reduce node: derived tables per input series and resolution under `output`. */
export interface TemporalReduceConfig {
  /** Glob of input series, e.g. `/devices/**\/*.series`. */
  input: string;
  /** Folder of the outputs: `<output>/<input name>/res=<r>.parquet`. */
  output: string;
  resolutions: string[];
  aggregations: Aggregation[];
}

/** A HydroVu node: the client's config plus where its device series go. */
export interface HydroVuNodeConfig extends HydroVuConfig {
  /** Folder holding `devices/{id}/{Name}.series`; default the node's own folder. */
  output?: string;
}

export type NodeConfig = { factory: 'hydrovu'; config: HydroVuNodeConfig } | { factory: 'temporal-reduce'; config: TemporalReduceConfig };

const AGGREGATIONS: readonly Aggregation[] = ['avg', 'min', 'max', 'count', 'sum'];

export function checkFactory(name: string): NodeFactory {
  if (!(FACTORIES as readonly string[]).includes(name)) {
    throw new PondError('USAGE', `unknown factory ${JSON.stringify(name)}; known: ${FACTORIES.join(', ')}`);
  }
  return name as NodeFactory;
}

function invalid(field: string, why: string): PondError {
  return new PondError('INVALID_INPUT', `temporal-reduce config: ${field} ${why}`, { detail: { field } });
}

function yamlDoc(text: string, what: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new PondError('INVALID_INPUT', `${what} config: not valid YAML (${(e as Error).message})`, { cause: e });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new PondError('INVALID_INPUT', `${what} config: must be a mapping`);
  return doc as Record<string, unknown>;
}

/** A pond folder path in canonical form (absolute), or an error naming the field. */
function folder(raw: unknown, field: string, what: string): string {
  if (typeof raw !== 'string' || raw.trim() === '') throw new PondError('INVALID_INPUT', `${what} config: ${field} must be a pond path`);
  return formatPath(parsePath(raw.trim()));
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

/** Parses a HydroVu node config: the collector's YAML plus an optional `output` folder. */
export function parseHydroVuNodeConfig(text: string): HydroVuNodeConfig {
  const config: HydroVuNodeConfig = parseHydroVuConfig(text);
  const o = yamlDoc(text, 'HydroVu');
  if (o.output !== undefined) config.output = folder(o.output, 'output', 'HydroVu');
  return config;
}

/** Parses a node's YAML for its factory; errors name the field. */
export function parseNodeConfig(factory: NodeFactory, text: string): NodeConfig {
  return factory === 'hydrovu' ? { factory, config: parseHydroVuNodeConfig(text) } : { factory, config: parseTemporalReduceConfig(text) };
}

/** Where a node's derived series land: its `output`, else the folder the node sits in. */
export function nodeFolder(nodePath: string): string {
  const segments = parsePath(nodePath);
  return formatPath(segments.slice(0, -1));
}

/** The series a HydroVu device writes: `<output>/devices/{id}/{Name}.series`. */
export function deviceSeriesPath(output: string, device: { id: string; name: string }): string {
  return formatPath([...parsePath(output), 'devices', device.id, `${device.name}.series`]);
}

/** The derived table of one input and resolution: `<output>/<input name>/res=<r>.parquet`. */
export function reducedPath(output: string, inputPath: string, resolution: string): string {
  const name = parsePath(inputPath).pop()!.replace(/\.(series|parquet|csv)$/, '');
  return formatPath([...parsePath(output), name, `res=${resolution}.parquet`]);
}
