// Collect and reduce, as the pond service delegates it: configured nodes (mknod / run), the interval scheduler,
// plots from derived tables, LakeTech imports and Hive-partitioned exports. Owns a QueryEngine of its own (its
// own DuckDB connection and version cache), so reduce runs never disturb the views the UI has bound.
import { isPondError, PondError } from '../../core/errors';
import type { Pond } from '../../pond/pond';
import type { Transaction } from '../../pond/transaction';
import { QueryEngine } from '../../query/engine';
import { parseResolution } from '../../query/reduce';
import { formatPath, parsePath } from '../../tinyfs/paths';
import { glob, resolve, tryResolve } from '../../tinyfs/resolve';
import { outputFolder, resolutionTable, type TemporalReduceConfig } from './factories/temporal-reduce-config';
import { anySource, isDerivedNode, pondView } from './derived-read';
import { writeNodeConfig } from './write-node';
import { factoryInfos, factoryNamed, parseNodeConfig, type NodeConfig } from './registry';
import { exportSeries, importLaketechFiles } from './collect-files';
import type { ImportedPonds } from '../imports/import-view';
import { CollectScheduler } from './collect-scheduler';
import type { SecretStore } from '../settings/collect-secrets';
import type { AutoPlotData, CollectorStatus, ConfiguredNode, ExportResult, FactoryInfo, FactoryKind, NodeInfo, PlotData, RunResult } from '../../api/pond-api';
import type { Progress } from '../operations';
import { nodeInfo } from '../node-info';
import { eventExtent } from '../queries';

export interface CollectorsDeps {
  /** The open pond (throws when none is open). */
  pond(): Pond;
  /** The service's transaction: commits, then tells this tab's views and the other tabs. */
  transact<T>(command: string, fn: (tx: Transaction) => Promise<T>, signal?: AbortSignal): Promise<T>;
  secrets: SecretStore;
  /** The service's M4 plot of a table or series. */
  plot(path: string, columns: string[], width: number, range?: [number, number]): Promise<PlotData>;
  fetch?: typeof fetch;
  online?: () => boolean;
  /** Where import mounts find their ponds (imports/), so runs and exports read imported series like the pond's own. */
  imports?: () => ImportedPonds;
}

const utf8 = new TextDecoder();
/** Collectors first, then what reduces the pond (so it folds in what was just collected). */
const RUN_ORDER: Record<FactoryKind, number> = { collect: 0, reduce: 1, derived: 2, transform: 2, directory: 2 };
const FACTORIES_WITH_SECRETS = () => factoryInfos().filter((f) => f.takesSecret).map((f) => f.name).join(', ');
const noProgress: Progress = () => undefined;

export class Collectors {
  readonly scheduler: CollectScheduler;
  private engineInstance: QueryEngine | undefined;
  private statusPond: string | undefined;

  constructor(private readonly deps: CollectorsDeps) {
    this.scheduler = new CollectScheduler({
      runAll: () => this.runAll(),
      online: deps.online ?? (() => (typeof navigator === 'undefined' ? true : navigator.onLine)),
      now: Date.now,
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    });
  }

  /** DuckDB starts with the first reduce or export, not with the worker. */
  private get engine(): QueryEngine {
    return (this.engineInstance ??= new QueryEngine());
  }

  /** The registry, as the API lists it. */
  listFactories(): FactoryInfo[] {
    return factoryInfos();
  }

  /** Stores a node's YAML config (new node, or a new version of it) and, for HydroVu, its secret in IndexedDB. */
  async mknod(factoryName: string, path: string, yaml: string, opts: { secret?: string } = {}): Promise<NodeInfo> {
    const { factory: f } = parseNodeConfig(factoryName, yaml); // a bad config fails before anything else is looked at
    const factory = f.name;
    const segments = parsePath(path);
    const shown = formatPath(segments);
    if (opts.secret !== undefined && !f.takesSecret) {
      throw new PondError('USAGE', `mknod: --secret is only for ${FACTORIES_WITH_SECRETS()} nodes`);
    }
    if (opts.secret !== undefined && (opts.secret === '' || yaml.includes(opts.secret))) {
      throw new PondError('INVALID_INPUT', 'mknod: the secret must be non-empty and must not appear in the config');
    }
    // The command recorded in the log names no secret: the log travels with backups.
    const info = await this.deps.transact(`mknod ${factory} ${shown}`, async (tx) => {
      await writeNodeConfig(tx, this.deps.pond(), factory, shown, yaml);
      return nodeInfo(segments, resolve(tx.state, segments).node);
    });
    if (opts.secret !== undefined) await this.deps.secrets.set(this.deps.pond().id, shown, opts.secret);
    return info;
  }

  /** The configured nodes of the open pond (file:data whose latest version names a factory). */
  async configuredNodes(): Promise<ConfiguredNode[]> {
    const pond = this.deps.pond();
    const out: ConfiguredNode[] = [];
    for (const m of glob(pond.fs, '/**')) {
      const last = m.node.versions[m.node.versions.length - 1];
      if (m.node.type !== 'file:data' || !last?.attrs.factory) continue;
      const path = formatPath(m.segments);
      const config = utf8.decode(await pond.readVersion(m.node.id, undefined, path));
      const factory = factoryNamed(last.attrs.factory);
      const node: ConfiguredNode = { path, factory: factory.name, version: last.version, config };
      if (factory.takesSecret) node.hasSecret = (await this.deps.secrets.get(pond.id, path)) !== undefined;
      if (factory.describe) {
        let facts: ReturnType<NonNullable<typeof factory.describe>> | undefined;
        try {
          facts = factory.describe(factory.parse(config));
        } catch (e) {
          if (!isPondError(e, 'INVALID_INPUT')) throw e;
          facts = undefined; // listed as is, with no facts; running it reports the config error
        }
        Object.assign(node, facts ?? {});
      }
      out.push(node);
    }
    return out;
  }

  private async load(path: string): Promise<{ path: string; config: NodeConfig }> {
    const pond = this.deps.pond();
    const segments = parsePath(path);
    const shown = formatPath(segments);
    const node = resolve(pond.fs, segments).node;
    const factory = node.type === 'file:data' ? node.versions[node.versions.length - 1]?.attrs.factory : undefined;
    if (!factory) throw new PondError('WRONG_TYPE', `${shown} is not a configured node (make one with mknod FACTORY ${shown} --config FILE)`);
    return { path: shown, config: parseNodeConfig(factory, utf8.decode(await pond.readVersion(node.id, undefined, shown))) };
  }

  /** Runs a node once, as one transaction, never at the same time as another run; records its status. */
  async runNode(path: string, signal: AbortSignal, onProgress: Progress = noProgress): Promise<RunResult> {
    const { path: shown, config } = await this.load(path);
    return this.scheduler.exclusive(() => this.record(shown, () => this.runOnce(shown, config, signal, onProgress)));
  }

  private record(path: string, fn: () => Promise<RunResult>): Promise<RunResult> {
    const pondId = this.deps.pond().id;
    if (this.statusPond !== pondId) this.scheduler.statuses.clear(); // statuses belong to one pond
    this.statusPond = pondId;
    return this.scheduler.record(path, fn, (r) => r.summary);
  }

  private async runOnce(path: string, node: NodeConfig, signal: AbortSignal, onProgress: Progress): Promise<RunResult> {
    const pond = this.deps.pond();
    const { factory } = node;
    if (!factory.run) throw new PondError('USAGE', `${path} is a ${factory.name} node: it is computed when read, there is nothing to run`);
    const run = factory.run;
    const secret = factory.takesSecret ? await this.deps.secrets.get(pond.id, path) : undefined;
    const view = await pondView(pond, this.deps.imports?.());
    const reads = { view, source: (p: string) => anySource(view, pond, p), isDerived: isDerivedNode };
    const r = await this.deps.transact(`run ${path}`, (tx) => run({
      tx, pond, path, signal, onProgress, secret, engine: this.engine, reads, ...(this.deps.fetch ? { fetch: this.deps.fetch } : {}),
    }, node.config), signal);
    return { ...r, pondVersion: this.deps.pond().version };
  }

  /** A scheduled run: collectors first, then derived tables (so they fold in what was just collected). */
  private async runAll(): Promise<void> {
    const pond = this.deps.pond();
    if (pond.readOnly) return;
    const nodes = (await this.configuredNodes()).filter((n) => {
      const f = factoryNamed(n.factory);
      return f.run !== undefined && (f.readyToRun?.(n) ?? true);
    });
    nodes.sort((a, b) => RUN_ORDER[factoryNamed(a.factory).kind] - RUN_ORDER[factoryNamed(b.factory).kind]);
    for (const n of nodes) {
      const run = this.record(n.path, async () => {
        const { config } = await this.load(n.path); // a config that no longer parses fails this node's run, visibly
        return this.runOnce(n.path, config, new AbortController().signal, noProgress);
      });
      // Any failure, loading included, is now in the node's status (record); it must not keep the others from running.
      await run.catch(() => undefined);
    }
  }

  /** Turns interval runs on (every `everyMinutes`) or off (null). */
  schedule(everyMinutes: number | null): CollectorStatus {
    if (everyMinutes === null) this.scheduler.stop();
    else {
      if (!(Number.isFinite(everyMinutes) && everyMinutes >= 1)) throw new PondError('INVALID_INPUT', `the interval must be at least 1 minute, got ${everyMinutes}`);
      this.scheduler.start(everyMinutes);
    }
    return this.status();
  }

  status(): CollectorStatus {
    const s = this.scheduler;
    let pondId: string | undefined;
    try {
      pondId = this.deps.pond().id;
    } catch {
      pondId = undefined; // no pond open: no node statuses to show
    }
    // Statuses are kept for the pond that ran last; another pond's would name paths that do not exist here.
    const nodes = pondId !== undefined && pondId === this.statusPond ? [...s.statuses.values()].map((x) => ({ ...x })) : [];
    return { everyMinutes: s.everyMinutes, nextRunAt: s.nextRunAt, running: s.running, skipped: s.skipped, nodes };
  }

  /**
   * The pond's temporal-reduce nodes (path and config), parsed once per pond version: plotAuto asks on every chart
   * redraw, and the configs change only with a commit.
   */
  private async reduceConfigs(): Promise<{ path: string; config: TemporalReduceConfig }[]> {
    const pond = this.deps.pond();
    const key = `${pond.id}@${pond.version}`;
    if (this.reduceConfigCache?.key === key) return this.reduceConfigCache.configs;
    const configs: { path: string; config: TemporalReduceConfig }[] = [];
    for (const m of glob(pond.fs, '/**')) {
      const last = m.node.versions[m.node.versions.length - 1];
      if (m.node.type !== 'file:data' || last?.attrs.factory !== 'temporal-reduce') continue;
      const path = formatPath(m.segments);
      const { config } = await this.load(path).catch(() => ({ config: undefined })); // a bad config plots raw
      if (config?.factory.name === 'temporal-reduce') configs.push({ path, config: config.config as TemporalReduceConfig });
    }
    this.reduceConfigCache = { key, configs };
    return configs;
  }

  private reduceConfigCache: { key: string; configs: { path: string; config: TemporalReduceConfig }[] } | undefined;

  /** The temporal-reduce nodes that read `path`, each with the folder its tables of `path` are in. */
  private async reducersOf(path: string): Promise<{ config: TemporalReduceConfig; folder: string }[]> {
    const fs = this.deps.pond().fs;
    const out: { config: TemporalReduceConfig; folder: string }[] = [];
    for (const c of await this.reduceConfigs()) {
      if (!glob(fs, c.config.input).some((m) => formatPath(m.segments) === path)) continue;
      const folder = outputFolder(c.config, c.path, path);
      if (folder) out.push({ config: c.config, folder });
    }
    return out;
  }

  /**
   * Plots `columns` of a series from the coarsest derived table that still has at least one bucket per pixel over
   * the range (its `col.avg` columns), else from the series itself. The extent is always the raw series'.
   */
  async plotAuto(path: string, columns: string[], width: number, range?: [number, number]): Promise<AutoPlotData> {
    const shown = formatPath(parsePath(path));
    // The extent from version metadata: the raw series is read only when it is what gets drawn.
    // (A dynamic directory's entry is not in the committed tree: it has no versions of its own, so no extent here.)
    const extent = eventExtent(tryResolve(this.deps.pond().fs, parsePath(shown))?.node.versions ?? []);
    const span = range ? range[1] - range[0] : extent ? extent[1] - extent[0] + 1 : 0;
    const rawPlot = async (): Promise<AutoPlotData> => ({ ...(await this.deps.plot(shown, columns, width, range)), source: shown, resolution: null });
    if (span <= 0) return rawPlot();
    let best: { path: string; resolution: string; width: number } | undefined;
    const avgs = columns.map((c) => `${c}.avg`);
    for (const { config, folder } of await this.reducersOf(shown)) {
      for (const r of config.resolutions) {
        const w = parseResolution(r);
        const p = resolutionTable(folder, r);
        const node = tryResolve(this.deps.pond().fs, parsePath(p))?.node;
        if (!node || node.type !== 'file:table') continue;
        // Only a table of this series alone (not a union of several) that has the averages asked for.
        const attrs = node.versions[node.versions.length - 1]!.attrs;
        const have = new Set((JSON.parse(attrs.columns ?? '[]') as { name: string }[]).map((c) => c.name));
        if (attrs.source !== shown || !avgs.every((a) => have.has(a))) continue;
        if (span / w >= width && (!best || w > best.width)) best = { path: p, resolution: r, width: w };
      }
    }
    if (!best) return rawPlot();
    // Bucket starts cover [start - width, end): widen the range so the first partial bucket is not lost.
    const reduced = await this.deps.plot(best.path, avgs, width, range ? [range[0] - best.width + 1, range[1]] : undefined);
    const y = Object.fromEntries(columns.map((c) => [c, reduced.y[`${c}.avg`] ?? []]));
    return { x: reduced.x, y, extent, source: best.path, resolution: best.resolution };
  }

  async importLaketech(files: { name: string; data: Blob }[], dest: string, opts: { zone: string; scope?: string }, signal: AbortSignal, onProgress: Progress): Promise<NodeInfo[]> {
    const command = `import-laketech ${files.map((f) => f.name).join(' ')} ${dest} --zone ${opts.zone}`;
    return this.deps.transact(command, (tx) => importLaketechFiles(tx, files, dest, { ...opts, signal, onProgress }), signal);
  }

  async exportSeries(pattern: string, temporal: readonly string[], signal: AbortSignal, onProgress: Progress): Promise<ExportResult> {
    const imports = this.deps.imports?.();
    return exportSeries(this.deps.pond(), this.engine, pattern, temporal, { signal, onProgress, ...(imports ? { imports } : {}) });
  }
}

