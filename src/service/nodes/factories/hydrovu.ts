// The hydrovu factory: a collector node. Its config is the HydroVu client's (server, client id, devices) plus an
// optional `output` folder; a run appends every active device's new readings as one version of
// `<output>/devices/{id}/{Name}.series`, all in the caller's one transaction (a failure anywhere commits nothing).
import type { Table } from 'apache-arrow';
import { PondError, throwIfAborted } from '../../../core/errors';
import { collectDevice, HydroVuClient, parseHydroVuConfig, type HydroVuConfig } from '../../../collect/hydrovu';
import { TIMESTAMP_COLUMN } from '../../../collect/wide-table';
import { arrowToParquet } from '../../../formats/parquet';
import type { Transaction } from '../../../pond/transaction';
import { logicalType } from '../../../query/schema';
import { formatPath, parsePath } from '../../../tinyfs/paths';
import { tryResolve } from '../../../tinyfs/resolve';
import type { VersionMeta } from '../../../tinyfs/wd';
import { folder, nodeFolder, yamlDoc } from '../config-fields';
import type { Factory } from '../factory';
import type { RunResult } from '../../../api/pond-api';
import type { Progress } from '../../operations';

/** A HydroVu node: the client's config plus where its device series go. */
export interface HydroVuNodeConfig extends HydroVuConfig {
  /** Folder holding `devices/{id}/{Name}.series`; default the node's own folder. */
  output?: string;
}

/** Parses a HydroVu node config: the collector's YAML plus an optional `output` folder. */
export function parseHydroVuNodeConfig(text: string): HydroVuNodeConfig {
  const config: HydroVuNodeConfig = parseHydroVuConfig(text);
  const o = yamlDoc(text, 'HydroVu');
  if (o.output !== undefined) config.output = folder(o.output, 'output', 'HydroVu');
  return config;
}

/** The series a HydroVu device writes: `<output>/devices/{id}/{Name}.series`. */
export function deviceSeriesPath(output: string, device: { id: string; name: string }): string {
  return formatPath([...parsePath(output), 'devices', device.id, `${device.name}.series`]);
}

/** The max event time stored in a series (UTC µs), from its versions' metadata: no data is read. */
export function storedMaxTime(tx: Transaction, path: string): number | undefined {
  const node = tryResolve(tx.state, parsePath(path))?.node;
  if (!node) return undefined;
  if (node.type !== 'file:series') throw new PondError('WRONG_TYPE', `${path} is a ${node.type}; a HydroVu device writes a series there`);
  const maxs = node.versions.map((v) => v.maxEventTime).filter((t): t is number => t !== null);
  return maxs.length ? Math.max(...maxs) : undefined;
}

/** The version metadata of a wide table: event-time range and the attrs copy-in writes (rows, columns, …). */
export function wideTableMeta(table: Table, source: string, extra: Record<string, string> = {}): VersionMeta {
  const ts = table.getChild(TIMESTAMP_COLUMN)!;
  // Rows are sorted by time (WideRows); Arrow hands timestamps out as ms, the pond keeps µs.
  const micros = (i: number) => Math.round(Number(ts.get(i)) * 1000);
  return {
    minEventTime: micros(0),
    maxEventTime: micros(table.numRows - 1),
    attrs: {
      rows: String(table.numRows),
      columns: JSON.stringify(table.schema.fields.map((f) => ({ name: f.name, type: logicalType(f.type) }))),
      timestamp_column: TIMESTAMP_COLUMN,
      source,
      ...extra,
    },
  };
}

export async function runHydroVu(
  tx: Transaction, nodePath: string, config: HydroVuNodeConfig, secret: string | undefined,
  opts: { signal: AbortSignal; onProgress: Progress; fetch?: typeof fetch },
): Promise<Omit<RunResult, 'pondVersion'>> {
  if (!secret) {
    throw new PondError('INVALID_INPUT', `${nodePath}: no HydroVu client secret is stored in this browser; give it with mknod hydrovu ${nodePath} --config … --secret …`);
  }
  const client = new HydroVuClient({ baseUrl: config.baseUrl, clientId: config.clientId, clientSecret: secret, ...(opts.fetch ? { fetch: opts.fetch } : {}) });
  const devices = config.devices.filter((d) => d.active);
  const names = await client.friendlyNames(opts.signal);
  const output = config.output ?? nodeFolder(nodePath);
  const written: RunResult['written'] = [];
  let points = 0;
  for (const [i, device] of devices.entries()) {
    throwIfAborted(opts.signal, `run ${nodePath}`);
    const path = deviceSeriesPath(output, device);
    const since = storedMaxTime(tx, path);
    const r = await collectDevice(client, device, {
      since, startTime: config.startTime, maxPoints: config.maxPointsPerRun, signal: opts.signal, names,
      onProgress: (p) => opts.onProgress(i, devices.length, `${device.name}: ${p.points} readings, ${p.pages} pages`),
    });
    points += r.points;
    if (!r.table) continue;
    const parquet = await arrowToParquet(r.table);
    const node = await tx.writeFile(path, 'file:series', parquet, wideTableMeta(r.table, `hydrovu ${device.id}`), { parents: true, signal: opts.signal });
    written.push({ path, version: node.versions[node.versions.length - 1]!.version, rows: r.table.numRows });
  }
  opts.onProgress(devices.length, devices.length, 'done');
  const requests = client.stats.requests;
  return {
    path: nodePath, factory: 'hydrovu', written, requests, points,
    summary: `${points} readings from ${devices.length} device${devices.length === 1 ? '' : 's'} in ${requests} requests; ${written.length} series updated`,
  };
}

export const hydrovuFactory: Factory<HydroVuNodeConfig> = {
  name: 'hydrovu',
  kind: 'collect',
  summary: 'collects HydroVu devices\' readings as series, resuming where the last run ended',
  fields: [
    { name: 'baseUrl', description: 'the HydroVu API (or a proxy that adds CORS headers)' },
    { name: 'clientId', description: 'the OAuth client id (the secret is given with --secret and stays in this browser)', required: true },
    { name: 'devices', description: 'list of {name, id, active}: the devices to collect', required: true },
    { name: 'startTime', description: 'collect from this time on the first run' },
    { name: 'maxPointsPerRun', description: 'stop a run after this many readings (the next run continues)' },
    { name: 'output', description: 'folder of devices/{id}/{Name}.series (default: the node\'s folder)' },
  ],
  takesSecret: true,
  parse: parseHydroVuNodeConfig,
  inputs: () => [],
  describe: (config) => ({ activeDevices: config.devices.filter((d) => d.active).length, baseUrl: config.baseUrl }),
  readyToRun: (node) => !!node.hasSecret && (node.activeDevices ?? 0) > 0,
  run: (ctx, config) => runHydroVu(ctx.tx, ctx.path, config, ctx.secret, { signal: ctx.signal, onProgress: ctx.onProgress, ...(ctx.fetch ? { fetch: ctx.fetch } : {}) }),
};
