// PondService: the PondApi implementation the pond worker exposes. It owns the open pond, its writer lock
// and change notices, and composes the layers (TinyFS/pond for files, formats for imports, shell for exec).
import { uuidv7 } from 'uuidv7';
import { PondError } from '../core/errors';
import type { Coordinator, Release } from '../pond/coordination';
import { Pond } from '../pond/pond';
import type { Transaction } from '../pond/transaction';
import type { PondHost } from '../storage/pond-host';
import { latestVersion } from '../tinyfs/node';
import { formatPath, parsePath } from '../tinyfs/paths';
import { glob, resolve } from '../tinyfs/resolve';
import { copyIntoPond } from './files/copy-in';
import { previewImport } from './files/preview-import';
import { nodeInfo, versionInfos } from './node-info';
import type { PondNames } from './settings/pond-names';
import { fsckPond } from '../pond/validate/fsck';
import { Operations } from './operations';
import { Queries } from './queries';
import { duckDbStatus, forgetDecodedVersions, startDuckDbInBackground } from '../query/duckdb';
import { MemorySecretStore, type SecretStore } from './settings/collect-secrets';
import type {
  QueryEngineStatus,
  ApplyResult, AutoPlotData, BackupReport, Bindings, CollectorStatus, ConfiguredNode, CopyOptions, DescribeInfo, ExecResult, ExportResult, FactoryInfo, FsckReport, ImportPreview, LongOp, NodeFactory, NodeInfo,
  PlotData, PondApi, PondInfo, PondSummary, PreviewOptions, PushSummary, QueryResult, RemoteInput, RemoteSummary, RestoreSummary, RunResult, TemporalPart, TxnInfo, VersionInfo, ZipExport,
} from '../api/pond-api';
import { Collectors } from './nodes/collectors';
import { factoryNamed } from './nodes/registry';
import { pondView, type PondView } from './nodes/derived-read';
import { applyOperations, planApply } from './nodes/apply';
import { MemoryConnectOrigins, originsOf, type ConnectOrigins } from './settings/connect-origins';
import { MemoryRemoteConfigs, RemoteOps, zipBlob, zipStoreBlob, type RemoteConfigStore } from './backup/remotes';
import { DEFAULT_FOLLOW_SECONDS, FollowLoop } from './backup/follow-loop';
import { MemoryFollowSettings, type FollowSetting, type FollowSettings } from './settings/follow-settings';
import { SerialQueue } from '../core/serial-queue';
import { withPushLock, type AutoPushTimings } from './backup/auto-push';
import { PondAutoPush } from './backup/pond-auto-push';
import { MemoryAutoPushSettings, type AutoPushSettings } from './settings/auto-push-settings';
import type { ForkSummary, ProgressCallback, PullSummary, RebaseSummary } from '../api/pond-api';
import { defaultLinkCache, keepCopy, linkInfo, openLinkPond, publicShareLink, signedShareLink, type OpenedLink } from './link/open-link';
import type { ObjectCache } from '../storage/object-cache';
import type { ShareLink } from '../api/pond-api';
import { parquetRangeAttrs } from '../formats/parquet-ranges';
import type { ImportInfo, ImportSummary, StartHint } from '../api/pond-api';
import { PreparedStart } from './prepared-start';
import { DeviceImportedPonds } from './imports/imported-ponds';
import { PondImports, refuseUnderImport } from './imports/pond-imports';
import { unreadableMount } from './imports/import-view';

export interface ServiceDeps {
  host: PondHost;
  names: PondNames;
  coordinator: Coordinator;
  /** Runs shell command lines against this service (injected: the shell layer sits above the API). */
  exec?: (api: PondApi, line: string, files: { name: string; data: Blob }[]) => Promise<ExecResult>;
  compactEvery?: number;
  /** Where remote (backup) configurations are kept; in memory for the session when absent. */
  remotes?: RemoteConfigStore;
  /** Where collector secrets live (IndexedDB in the worker); in memory when absent. */
  secrets?: SecretStore;
  /** The fetch for other origins (S3, presign endpoints, HydroVu): the network worker's in the app; global fetch when absent. */
  fetch?: typeof fetch;
  /** Where the origins the user configured are recorded for the app's connect-src; in memory when absent. */
  connectOrigins?: ConnectOrigins;
  /** Which ponds follow a remote (IndexedDB in the worker); in memory when absent. */
  follows?: FollowSettings;
  /** Which remotes push which pond by themselves (IndexedDB in the worker); in memory when absent. */
  autoPush?: AutoPushSettings;
  /** Auto-push's debounce and retry delays (tests); the defaults of backup/auto-push.ts when absent. */
  autoPushTimings?: AutoPushTimings;
  /** Where ponds opened from links keep what they fetched: Cache Storage in the browser when absent (none in node). */
  linkCache?: ObjectCache;
}

interface OpenPond {
  pond: Pond;
  name: string;
  release?: Release;
  readOnlyReason?: string;
  unsubscribe: () => void;
  closed: boolean;
  /** The remote this pond follows (a read-only replica), and the timer pulling while this tab holds the writer lock. */
  follow?: FollowSetting;
  followLoop?: FollowLoop;
  /** Pulls into this pond run one at a time, each from the pond as the previous one left it. */
  pulls: SerialQueue;
  /** The remotes pushing this pond by themselves (pushing only while this tab holds the writer lock). */
  autoPush?: PondAutoPush;
  /** Set for a pond opened from a link: not one of this device's ponds. */
  link?: OpenedLink;
}

export class PondService implements PondApi {
  private current: OpenPond | undefined;
  private readonly listeners = new Set<(info: PondInfo) => void>();
  private readonly ops = new Operations();
  private readonly queries = new Queries(() => this.importedPonds);
  private readonly prepared = new PreparedStart();

  private readonly connectOrigins: ConnectOrigins;
  private remoteOriginsSynced: Promise<void> | undefined;

  constructor(private readonly deps: ServiceDeps) {
    this.connectOrigins = deps.connectOrigins ?? new MemoryConnectOrigins();
    // The worker hears the browser come back online: a push waiting for the network (or a retry) goes at once.
    if (typeof globalThis.addEventListener === 'function') globalThis.addEventListener('online', () => this.current?.autoPush?.retryNow());
  }

  async prepareStart(hint: StartHint): Promise<void> {
    this.prepared.start(hint, {
      opened: () => this.current !== undefined,
      ponds: () => this.deps.host.listPondIds(), // no sweep: the UI's listPonds runs one
      openPond: (id) => this.openPondNow(id, {}),
      plot: (c) => this.collectors.plotAuto(c.path, c.columns, c.width),
    });
  }

  async listPonds(): Promise<PondSummary[]> {
    await this.sweepIncompletePonds();
    const [ids, names] = await Promise.all([this.deps.host.listPondIds(), this.deps.names.all()]);
    return ids.map((id) => ({ id, name: names.get(id) ?? defaultPondName(id) }));
  }

  /**
   * Removes pond folders without a first commit that no tab is making: what an import, restore or create left when
   * its tab died. A folder whose writer lock is held is being made right now and stays (its maker holds the lock
   * from before the folder exists until the pond is whole or removed).
   */
  private async sweepIncompletePonds(): Promise<void> {
    for (const id of await this.deps.host.listIncompletePondIds()) {
      const release = await this.deps.coordinator.requestWriter(id, false);
      if (!release) continue;
      try {
        await this.deps.host.removePond(id);
        await this.deps.names.delete(id);
      } finally {
        await release();
      }
    }
  }

  async createPond(name: string): Promise<PondInfo> {
    const clean = checkPondName(name);
    const id = uuidv7();
    // Held while the folder has no first commit yet, so another tab's sweep leaves it alone.
    const release = await this.deps.coordinator.requestWriter(id, false);
    try {
      await Pond.create(await this.deps.host.openStore(id), { pondId: id, name: clean });
    } finally {
      await release?.();
    }
    await this.deps.names.set(id, clean);
    return this.openPond(id);
  }

  async openPond(id: string, opts: { asOf?: number } = {}): Promise<PondInfo> {
    // The start-up hint's open, when it is this one (prepared-start.ts); any other waits for it to be done first.
    const prepared = await this.prepared.takeOpen(id);
    if (prepared && opts.asOf === undefined && this.current && !this.current.closed && this.current.pond.id === id && !this.current.link) return this.info();
    return this.openPondNow(id, opts);
  }

  private async openPondNow(id: string, opts: { asOf?: number }): Promise<PondInfo> {
    await this.close();
    const store = await this.deps.host.openStore(id);
    const localName = (await this.deps.names.all()).get(id);
    let release: Release | undefined;
    let pond: Pond;
    let readOnlyReason: string | undefined;
    if (opts.asOf !== undefined) {
      pond = await Pond.open(store, { asOf: opts.asOf });
      readOnlyReason = `viewing version ${opts.asOf} (time travel)`;
    } else {
      release = (await this.deps.coordinator.requestWriter(id, false)) ?? undefined;
      try {
        pond = await Pond.open(store, { readOnly: !release, compactEvery: this.deps.compactEvery });
      } catch (e) {
        await release?.();
        throw e;
      }
      if (!release) readOnlyReason = 'another tab is writing to this pond';
    }
    // This device's name wins (it may be newer: a rename while read-only); else the one the pond's log records.
    const name = localName ?? pond.name ?? defaultPondName(id);
    const open: OpenPond = { pond, name, release, readOnlyReason, closed: false, unsubscribe: () => undefined, pulls: new SerialQueue() };
    open.unsubscribe = this.deps.coordinator.subscribe(id, (version) => void this.onRemoteCommit(open, version));
    this.current = open;
    if (opts.asOf === undefined) {
      const follow = await this.follows.get(id);
      if (follow) await this.startFollowing(open, follow);
      open.autoPush = await this.loadAutoPush(open);
      if (release) open.autoPush.start(); // pushes now what an earlier session left unpushed
    }
    if (!release && opts.asOf === undefined) void this.awaitWriterLock(open);
    if (opts.asOf === undefined) {
      this.remoteOriginsSynced ??= this.remotes.syncOrigins();
      await Promise.all([this.remoteOriginsSynced, this.recordHydroVuOrigins()]);
    }
    return this.info();
  }

  /** A read-only tab queues for the lock and becomes the writer when the writing tab goes away. */
  private async awaitWriterLock(open: OpenPond): Promise<void> {
    const release = await this.deps.coordinator.requestWriter(open.pond.id, true);
    if (!release) return;
    if (open.closed) return void (await release());
    try {
      open.pond = await Pond.open(open.pond.store, { compactEvery: this.deps.compactEvery });
      open.release = release;
      open.readOnlyReason = undefined;
      if (open.follow) await this.startFollowing(open, open.follow); // this tab now does the following
      open.autoPush?.start(); // and the pushing
      this.notify();
    } catch (e) {
      await release();
      console.error('could not reopen the pond as writer', e); // the tab stays read-only and says why
      open.readOnlyReason = `cannot write: ${(e as Error).message}`;
      this.notify();
    }
  }

  private async onRemoteCommit(open: OpenPond, version: number): Promise<void> {
    if (open.closed || !open.pond.readOnly || open.pond.asOf !== undefined || version <= open.pond.version) return;
    open.pond = await Pond.open(open.pond.store, { readOnly: true });
    await open.autoPush?.reload(); // what the writing tab's pushes recorded
    this.notify();
  }

  /** Closes the open pond; resolves once its writer lock is really free (so it can be taken again at once). */
  private async close(): Promise<void> {
    const open = this.current;
    if (!open) return;
    open.closed = true;
    open.unsubscribe();
    this.current = undefined;
    await this.stopFollowing(open);
    await open.autoPush?.stop();
    await open.release?.();
  }

  async renamePond(id: string, name: string): Promise<void> {
    const clean = checkPondName(name);
    await this.deps.names.set(id, clean);
    const o = this.current;
    if (o?.pond.id === id) {
      o.name = clean;
      // Writable here: the name goes into the pond's log too, so backups and zips made from now on carry it.
      // Read-only (another tab writes, or time travel): it stays this device's name until a writer renames it.
      if (!o.pond.readOnly) {
        const before = o.pond.version;
        await o.pond.rename(clean);
        if (o.pond.version !== before) {
          this.deps.coordinator.publish(o.pond.id, o.pond.version);
          o.autoPush?.committed();
        }
      }
      this.notify();
    }
  }

  async deletePond(id: string): Promise<void> {
    if (this.current?.pond.id === id) await this.close();
    const release = await this.deps.coordinator.requestWriter(id, false);
    if (!release) throw new PondError('LOCKED', 'another tab has this pond open for writing; close it there first');
    try {
      await this.deps.host.removePond(id);
      this.importedPondsOnDevice?.forget(id); // an import of it now says to pull it again
      await forgetDecodedVersions(); // DuckDB's cache files may hold the deleted pond's rows, decoded
      await this.deps.names.delete(id);
      await this.connectOrigins.set(`pond:${id}`, []);
      await this.follows.set(id, undefined);
      await this.autoPushSettings.deletePond(id);
    } finally {
      await release();
    }
  }

  private get open(): OpenPond {
    if (!this.current) throw new PondError('NOT_FOUND', 'no pond is open');
    return this.current;
  }

  /** The open pond (for layers composed in the worker, e.g. query and remote). */
  get pond(): Pond {
    return this.open.pond;
  }

  async info(): Promise<PondInfo> {
    const o = this.open;
    const m = o.pond.maintenanceError;
    return {
      id: o.pond.id, name: o.name, version: o.pond.version, readOnly: o.pond.readOnly,
      ...(o.readOnlyReason ? { readOnlyReason: o.readOnlyReason } : {}),
      ...(o.pond.asOf !== undefined ? { asOf: o.pond.asOf } : {}),
      ...(m ? { maintenanceError: String((m as Error).message ?? m) } : {}),
      ...(o.follow ? { follow: { ...o.follow } } : {}),
      ...(o.autoPush?.remotes.length ? { autoPush: o.autoPush.info() } : {}),
      ...(o.link ? { link: linkInfo(o.link) } : {}),
    };
  }

  // --- ponds opened from a link (delegates to link/open-link.ts) ---
  async openLink(url: string, opts: { asOf?: number } = {}): Promise<PondInfo> {
    // The link's server joins the network worker's connect-src: the user asked to open it. The next link replaces it.
    await this.connectOrigins.set('link:open', originsOf([String(url ?? '')]));
    const same = this.current?.link?.url === url ? this.current.link : undefined;
    const link: OpenedLink = same
      ? { ...same, pond: await Pond.open(same.store, { readOnly: true, ...(opts.asOf !== undefined ? { asOf: opts.asOf } : {}) }) }
      : await openLinkPond(url, { ...opts, ...(this.deps.fetch ? { fetch: this.deps.fetch } : {}), cache: this.deps.linkCache ?? defaultLinkCache() });
    // Opened before the pond open now is closed: a link that fails leaves the user where they were.
    await this.close();
    const host = new URL(link.store.base).host;
    this.current = {
      pond: link.pond, name: link.pond.name ?? defaultPondName(link.pond.id), closed: false, unsubscribe: () => undefined, link, pulls: new SerialQueue(),
      readOnlyReason: opts.asOf !== undefined ? `viewing version ${opts.asOf} of the pond at ${host} (time travel)` : `opened from ${host}`,
    };
    return this.info();
  }

  async checkLink(): Promise<number | null> {
    const o = this.open;
    if (!o.link) throw new PondError('INVALID_INPUT', 'the open pond was not opened from a link');
    // Time travel shows an older version on purpose: what counts is the newest one this view has seen.
    const seen = o.pond.asOf === undefined ? o.pond.version : await o.link.store.findHead();
    return (await o.link.store.newerThan(seen)) ?? null;
  }

  async keepLinkCopy(opts: { name?: string } & LongOp = {}): Promise<PondInfo> {
    const link = this.open.link;
    if (!link) throw new PondError('INVALID_INPUT', 'the open pond is on this device already: only a pond opened from a link can be kept as a copy');
    const { host, names, coordinator } = this.deps;
    await this.ops.run(opts, (signal, onProgress) => keepCopy({ host, names, coordinator }, link, opts.name, { signal, onProgress }));
    return this.openPond(link.pond.id);
  }

  async shareLink(remoteName: string, appUrl: string, opts: { signedForSeconds?: number } & LongOp = {}): Promise<ShareLink> {
    const pond = this.open.pond;
    if (opts.signedForSeconds !== undefined) {
      const remote = await this.remotes.client(remoteName);
      const seconds = opts.signedForSeconds;
      return this.ops.run(opts, (signal) => signedShareLink(remote, pond.store, pond.id, seconds, appUrl, signal));
    }
    const remote = (await this.remotes.list()).find((r) => r.name === remoteName);
    if (!remote) throw new PondError('NOT_FOUND', `no remote named ${JSON.stringify(remoteName)}`, { detail: { name: remoteName } });
    return publicShareLink(remote.bucketUrl, remote.prefix, pond.id, appUrl);
  }

  async subscribe(listener: (info: PondInfo) => void): Promise<void> {
    this.listeners.add(listener);
  }

  private notify(): void {
    if (!this.current) return;
    void this.info().then((info) => { for (const l of this.listeners) l(info); });
  }

  /** Runs a change as one transaction, then tells this tab's views and the other tabs. */
  async transact<T>(command: string, fn: (tx: Transaction) => Promise<T> | T, signal?: AbortSignal): Promise<T> {
    const o = this.open;
    if (o.pond.readOnly) throw new PondError('READ_ONLY', `cannot ${command.split(' ')[0]}: ${o.readOnlyReason ?? 'the pond is read-only'}`);
    const before = o.pond.version;
    const result = await o.pond.transact(command, fn, { signal, contentAttrs: parquetRangeAttrs });
    if (o.pond.version !== before) {
      this.deps.coordinator.publish(o.pond.id, o.pond.version);
      o.autoPush?.committed();
      this.notify();
    }
    return result;
  }

  /** The tree as reads see it: dynamic directories laid out (writes go to the pond itself). */
  private async readView(): Promise<PondView> {
    return pondView(this.open.pond, this.importedPonds);
  }

  /** The view, after refusing a path (or glob) under an import mount that cannot be read with that mount's error. */
  private async readViewAt(path: string): Promise<PondView> {
    const view = await this.readView();
    const problem = view.mounts?.length ? unreadableMount(view.mounts, String(path ?? '').split('/').filter((s) => s !== '' && s !== '.')) : undefined;
    if (problem) throw problem;
    return view;
  }

  async list(pattern: string): Promise<NodeInfo[]> {
    return glob((await this.readViewAt(pattern)).fs, pattern).map((m) => nodeInfo(m.segments, m.node));
  }

  async stat(path: string): Promise<NodeInfo> {
    const segments = parsePath(path);
    return nodeInfo(segments, resolve((await this.readViewAt(path)).fs, segments, false).node);
  }

  async versions(path: string): Promise<VersionInfo[]> {
    return versionInfos(resolve((await this.readViewAt(path)).fs, parsePath(path)).node);
  }

  async readFile(path: string, opts: { version?: number } = {}): Promise<Uint8Array> {
    const segments = parsePath(path);
    const view = await this.readViewAt(path);
    const node = resolve(view.fs, segments).node;
    if (node.type === 'directory') throw new PondError('IS_A_DIRECTORY', `${formatPath(segments)} is a directory`);
    return view.read(node.id, opts.version, formatPath(segments));
  }

  async readRows(path: string, opts: LongOp = {}): Promise<Uint8Array> {
    const node = resolve((await this.readView()).fs, parsePath(path)).node;
    // One stored version is already the Parquet asked for: no need to start DuckDB.
    if (node.type === 'file:table' || (node.type === 'file:series' && node.versions.length === 1)) return this.readFile(path);
    return this.ops.run(opts, (signal) => this.queries.rowsParquet(this.open.pond, path, signal));
  }

  async mkdir(path: string, opts: { parents?: boolean } = {}): Promise<void> {
    refuseUnderImport(this.open.pond.fs, path);
    await this.transact(`mkdir ${opts.parents ? '-p ' : ''}${path}`, (tx) => void tx.wd.mkdir(path, opts));
  }

  async writeFile(path: string, data: Uint8Array | Blob, opts: { parents?: boolean } & LongOp = {}): Promise<NodeInfo> {
    refuseUnderImport(this.open.pond.fs, path);
    return this.ops.run(opts, async (signal, onProgress) => {
      const written = await this.transact(`write ${path}`, async (tx) => {
        const node = await tx.writeFile(path, 'file:data', data, {}, { parents: opts.parents, signal, onProgress: (d, t) => onProgress(d, t, path) });
        return { id: node.id, version: latestVersion(node).version };
      }, signal);
      // The answer is the version this call committed, as committed (its commit time), even if another write has
      // already followed it.
      const node = this.open.pond.fs.get(written.id)!;
      return nodeInfo(parsePath(path), node, written.version);
    });
  }

  async symlink(target: string, path: string): Promise<void> {
    refuseUnderImport(this.open.pond.fs, path);
    await this.transact(`ln -s ${target} ${path}`, (tx) => void tx.wd.symlink(target, path));
  }

  async remove(path: string, opts: { recursive?: boolean } = {}): Promise<void> {
    refuseUnderImport(this.open.pond.fs, path); // the mount itself may go (that removes the import), not what it shows
    await this.transact(`rm ${opts.recursive ? '-r ' : ''}${path}`, (tx) => tx.wd.remove(path, opts));
  }

  async rename(from: string, to: string): Promise<void> {
    refuseUnderImport(this.open.pond.fs, from);
    refuseUnderImport(this.open.pond.fs, to);
    await this.transact(`mv ${from} ${to}`, (tx) => tx.wd.rename(from, to));
  }

  async log(opts: { limit?: number } = {}): Promise<TxnInfo[]> {
    return (await this.open.pond.log(opts)).map(({ seq, timestamp, command, entries }) => ({ seq, timestamp, command, entries }));
  }

  async copyIn(files: { name: string; data: Blob }[], dest: string, opts: CopyOptions & LongOp): Promise<NodeInfo[]> {
    refuseUnderImport(this.open.pond.fs, dest);
    return this.ops.run(opts, async (signal, onProgress) => {
      const command = `copy ${files.map((f) => f.name).join(' ')} ${dest} --format ${opts.format}${opts.force ? ' --force' : ''}${opts.dayFirst !== undefined ? (opts.dayFirst ? ' --day-first' : ' --month-first') : ''}`;
      const made = await this.transact(command, (tx) => copyIntoPond(tx, files, dest, opts, { signal, onProgress }), signal);
      // Built inside the transaction, the answers lack their commit time: take each version as committed.
      return made.map((n) => ({ ...nodeInfo(parsePath(n.path), this.open.pond.fs.get(n.nodeId)!, n.version), ...(n.overlaps ? { overlaps: n.overlaps } : {}), ...(n.time ? { time: n.time } : {}) }));
    });
  }

  async previewImport(file: { name: string; data: Blob }, opts: PreviewOptions = {}): Promise<ImportPreview> {
    return previewImport(file, opts); // needs no open pond: the file is the host's
  }

  async query(sql: string, bindings: Bindings, opts: { limit?: number } & LongOp = {}): Promise<QueryResult> {
    return this.ops.run(opts, (signal, onProgress) => this.queries.query(this.open.pond, sql, bindings, { limit: opts.limit, signal, onProgress }));
  }

  async describe(path: string): Promise<DescribeInfo> {
    return this.queries.describe(this.open.pond, path);
  }

  async plot(path: string, columns: string[], width: number, range?: [number, number]): Promise<PlotData> {
    return this.queries.plot(this.open.pond, path, columns, width, range);
  }

  async exec(commandLine: string, opts: { files?: { name: string; data: Blob }[] } = {}): Promise<ExecResult> {
    if (!this.deps.exec) throw new PondError('UNSUPPORTED', 'this service has no shell');
    return this.deps.exec(this, commandLine, opts.files ?? []);
  }

  async cancel(opId: string): Promise<void> {
    this.ops.cancel(opId);
  }

  async watch(opId: string, onProgress: (done: number, total: number | undefined, what: string) => void): Promise<void> {
    this.ops.watch(opId, onProgress);
  }
  // --- remote: S3 backup and restore, zip snapshots (delegates to backup/remotes.ts) ---
  private remoteOps?: RemoteOps;
  private get remotes(): RemoteOps {
    this.remoteOps ??= new RemoteOps({
      host: this.deps.host, names: this.deps.names, coordinator: this.deps.coordinator, configs: this.deps.remotes ?? new MemoryRemoteConfigs(),
      origins: this.connectOrigins, ...(this.deps.fetch ? { fetch: this.deps.fetch } : {}),
    });
    return this.remoteOps;
  }

  async remoteAdd(config: RemoteInput): Promise<RemoteSummary> {
    return this.remotes.add(config);
  }

  async remoteList(): Promise<RemoteSummary[]> {
    return this.remotes.list();
  }

  async remoteSecret(name: string, secret: string, opts: { remember?: boolean } = {}): Promise<RemoteSummary> {
    const r = await this.remotes.secret(name, secret, opts);
    this.current?.autoPush?.retryNow(name); // an auto-push that failed for want of it goes now
    return r;
  }

  async remoteRemove(name: string): Promise<void> {
    await this.remotes.remove(name);
    await this.autoPushSettings.deleteRemote(name);
    await this.current?.autoPush?.disable(name, { persist: false });
  }

  async remotePonds(name: string, opts: LongOp = {}): Promise<string[]> {
    const r = this.remotes;
    return this.ops.run(opts, (signal) => r.ponds(name, signal));
  }

  async push(remoteName: string, opts: LongOp = {}): Promise<PushSummary> {
    const r = this.remotes;
    const open = this.open;
    const pond = open.pond;
    // Through the auto-push of the pond when it has one: the same push lock, and what it sends counts as backed up.
    if (open.autoPush) return this.ops.run(opts, (signal, onProgress) => open.autoPush!.push(remoteName, signal, onProgress));
    return this.ops.run(opts, (signal, onProgress) => withPushLock(pond.id, remoteName, () => r.push(pond, remoteName, { signal, onProgress }), signal));
  }

  // --- push by itself (backup/pond-auto-push.ts) ---
  private get autoPushSettings(): AutoPushSettings {
    this.deps.autoPush ??= new MemoryAutoPushSettings();
    return this.deps.autoPush;
  }

  private loadAutoPush(open: OpenPond): Promise<PondAutoPush> {
    return PondAutoPush.load({
      pondId: open.pond.id, settings: this.autoPushSettings, version: () => open.pond.version,
      push: (remote, signal, onProgress) => this.remotes.push(open.pond, remote, { signal, onProgress }),
      onChange: () => { if (this.current === open) this.notify(); },
      ...(this.deps.autoPushTimings ? { timings: this.deps.autoPushTimings } : {}),
    });
  }

  async autoPush(remoteName: string, on: boolean): Promise<PondInfo> {
    const open = this.open;
    if (open.pond.asOf !== undefined || !open.autoPush) throw new PondError('READ_ONLY', `cannot change auto-push while viewing version ${open.pond.asOf} (time travel)`);
    if (on) {
      await this.remotes.assertExists(remoteName);
      await open.autoPush.enable(remoteName);
    } else {
      if (!open.autoPush.remotes.includes(remoteName)) throw new PondError('NOT_FOUND', `remote ${remoteName} does not auto-push this pond`, { detail: { name: remoteName } });
      await open.autoPush.disable(remoteName);
    }
    return this.info();
  }

  async verify(remoteName: string, opts: LongOp = {}): Promise<BackupReport> {
    const r = this.remotes;
    const pond = this.open.pond;
    return this.ops.run(opts, (signal, onProgress) => r.verify(pond, remoteName, { signal, onProgress }));
  }

  async restore(remoteName: string, pondId: string, opts: { name?: string } & LongOp = {}): Promise<RestoreSummary> {
    const r = this.remotes;
    return this.ops.run(opts, (signal, onProgress) => r.restore(remoteName, pondId, opts, { signal, onProgress }));
  }

  // --- pull into a replica, and follow a remote (a replica that pulls by itself) ---
  private get follows(): FollowSettings {
    this.deps.follows ??= new MemoryFollowSettings();
    return this.deps.follows;
  }

  async pull(remoteName: string, opts: LongOp = {}): Promise<PullSummary> {
    const open = this.open;
    return this.ops.run(opts, (signal, onProgress) => this.pullInto(open, remoteName, signal, onProgress));
  }

  /** One pull at a time per pond; a pull that changed the pond reopens it and tells this tab's views and the others. */
  private pullInto(open: OpenPond, remoteName: string, signal: AbortSignal, onProgress: ProgressCallback): Promise<PullSummary> {
    return open.pulls.run(async () => {
      if (open.closed) throw new PondError('NOT_FOUND', 'the pond was closed before the pull started');
      if (open.pond.asOf !== undefined) throw new PondError('READ_ONLY', `cannot pull: viewing version ${open.pond.asOf} (time travel); go back to the latest version first`);
      if (!open.release) throw new PondError('LOCKED', 'cannot pull: another tab is writing to this pond; pull there (this tab shows what it pulls)');
      const r = await this.remotes.pull(open.pond, remoteName, { signal, onProgress });
      if (r.after !== r.before && !open.closed) {
        open.pond = await Pond.open(open.pond.store, { readOnly: open.followLoop !== undefined, compactEvery: this.deps.compactEvery });
        this.deps.coordinator.publish(open.pond.id, open.pond.version);
        open.autoPush?.committed(); // pulled commits go on to a remote that auto-pushes (a mirror)
        this.notify();
      }
      return r;
    });
  }

  /** Rebases the open pond onto the remote's history (one at a time with pulls); reopens it and tells the other tabs. */
  async rebase(remoteName: string, opts: LongOp = {}): Promise<RebaseSummary> {
    const open = this.open;
    return this.ops.run(opts, (signal, onProgress) => open.pulls.run(async () => {
      if (open.pond.readOnly) throw new PondError('READ_ONLY', `cannot rebase: ${open.readOnlyReason ?? 'the pond is open read-only'}`);
      const r = await this.remotes.rebase(open.pond, remoteName, { signal, onProgress });
      if ((r.after !== r.before || r.replayed.length > 0) && !open.closed) {
        open.pond = await Pond.open(open.pond.store, { compactEvery: this.deps.compactEvery });
        this.deps.coordinator.publish(open.pond.id, open.pond.version);
        this.notify();
      }
      return r;
    }));
  }

  /** Copies the open pond under a new pond id ("<name> (fork)") and pushes the copy; the open pond stays as it was. */
  async pushAsNewPond(remoteName: string, opts: { name?: string } & LongOp = {}): Promise<ForkSummary> {
    const open = this.open;
    const forkName = checkPondName(opts.name?.trim() || `${open.name} (fork)`);
    return this.ops.run(opts, (signal, onProgress) => this.remotes.pushAsNewPond(open.pond, remoteName, forkName, { signal, onProgress }));
  }

  async follow(remoteName: string | null, opts: { everySeconds?: number } = {}): Promise<PondInfo> {
    const open = this.open;
    if (open.pond.asOf !== undefined) throw new PondError('READ_ONLY', `cannot change following while viewing version ${open.pond.asOf} (time travel)`);
    if (remoteName === null) {
      await this.follows.set(open.pond.id, undefined);
      await this.stopFollowing(open);
      if (open.release && open.pond.readOnly) {
        open.pond = await Pond.open(open.pond.store, { compactEvery: this.deps.compactEvery });
        open.readOnlyReason = undefined;
      }
      this.notify();
      return this.info();
    }
    await this.remotes.assertExists(remoteName);
    const everySeconds = opts.everySeconds ?? DEFAULT_FOLLOW_SECONDS;
    if (!Number.isFinite(everySeconds) || everySeconds < 1 || everySeconds > 86_400) {
      throw new PondError('INVALID_INPUT', `follow interval ${everySeconds} s: give 1 to 86400 seconds`, { detail: { field: 'everySeconds' } });
    }
    const setting: FollowSetting = { remote: remoteName, everySeconds };
    await this.follows.set(open.pond.id, setting);
    await this.startFollowing(open, setting);
    return this.info();
  }

  /** Read-only from now on; the writer tab (this one, when it holds the lock) pulls now and every N seconds. */
  private async startFollowing(open: OpenPond, setting: FollowSetting): Promise<void> {
    await this.stopFollowing(open);
    open.follow = setting;
    if (!open.release) return; // the tab holding the writer lock follows; this one refreshes on its pulls
    if (!open.pond.readOnly) open.pond = await Pond.open(open.pond.store, { readOnly: true });
    open.readOnlyReason = `following remote ${setting.remote}: this replica changes only by pull (stop following to write here)`;
    const loop = new FollowLoop(setting.everySeconds, (signal) => this.followTick(open, setting, signal));
    open.followLoop = loop;
    loop.start();
    this.notify();
  }

  private async followTick(open: OpenPond, setting: FollowSetting, signal: AbortSignal): Promise<void> {
    try {
      await this.pullInto(open, setting.remote, signal, () => undefined);
      await this.fetchLackingImports(open, signal);
      setting.lastPulled = Date.now();
      delete setting.lastError;
    } catch (e) {
      if (signal.aborted) return; // stopped following (or closed): not a failure of the remote
      setting.lastError = (e as Error).message ?? String(e);
    }
    if (open.follow !== setting) return;
    await this.follows.set(open.pond.id, setting);
    this.notify();
  }

  private async stopFollowing(open: OpenPond): Promise<void> {
    const loop = open.followLoop;
    open.followLoop = undefined;
    open.follow = undefined;
    if (open.readOnlyReason?.startsWith('following remote ')) open.readOnlyReason = undefined;
    await loop?.stop();
  }

  async exportZip(opts: { asOf?: number } & LongOp = {}): Promise<ZipExport> {
    const { pond, name } = this.open;
    return this.ops.run(opts, (signal, onProgress) => zipBlob(pond, name, opts.asOf, { signal, onProgress }));
  }

  async exportPondFiles(id: string, opts: LongOp = {}): Promise<ZipExport> {
    // Checked first: opening a store makes its folder.
    if (!(await this.deps.host.listPondIds()).includes(id)) throw new PondError('NOT_FOUND', `no pond ${id} on this device`, { detail: { pondId: id } });
    const store = await this.deps.host.openStore(id);
    const name = (await this.deps.names.all()).get(id) ?? defaultPondName(id);
    return this.ops.run(opts, (signal, onProgress) => zipStoreBlob(store, id, name, undefined, { signal, onProgress }));
  }

  async importZip(zip: Blob, opts: { name?: string } & LongOp = {}): Promise<RestoreSummary> {
    const r = this.remotes;
    return this.ops.run(opts, (signal, onProgress) => r.importZip(zip, opts, { signal, onProgress }));
  }

  async fsck(opts: { quick?: boolean } & LongOp = {}): Promise<FsckReport> {
    const pond = this.open.pond;
    return this.ops.run(opts, async (signal, onProgress) => {
      const r = await fsckPond(pond, { quick: opts.quick === true, signal, onProgress: (p) => {
        // Bytes only while blobs are hashed; before that the counts go into the words (commits 120/600 …).
        const bytes = p.phase === 'blobs';
        onProgress(bytes ? p.done : 0, bytes ? p.total : undefined, `checking ${p.phase}${bytes ? '' : ` ${p.done}/${p.total}`}${p.path ? `: ${p.path}` : ''}`);
      } });
      // The imports as recorded; a config that does not parse is a problem of this pond (its node is in the tree).
      const imports = await this.imports.list(pond);
      const bad = imports.filter((i) => i.problem !== undefined).map((i) => ({ rule: 'import-config', file: '', where: i.path, message: i.problem! }));
      const problems = [...r.problems, ...bad];
      return {
        ok: problems.length + r.moreProblems === 0, quick: opts.quick === true, version: r.version, root: r.root, problems, moreProblems: r.moreProblems,
        checked: { commits: r.commits, oplogFiles: r.oplogFiles, rows: r.rows, nodes: r.nodes, blobs: r.blobs, blobBytesHashed: r.blobBytesHashed },
        ...(imports.length ? { imports } : {}),
      };
    });
  }


  // --- imports: another pond read in place (delegates to imports/pond-imports.ts) ---
  private importedPondsOnDevice?: DeviceImportedPonds;
  private importOps?: PondImports;
  /** This device's imported ponds, as import mounts in the read view open them. */
  private get importedPonds(): DeviceImportedPonds {
    return (this.importedPondsOnDevice ??= new DeviceImportedPonds(this.deps.host));
  }
  private get imports(): PondImports {
    return (this.importOps ??= new PondImports({ host: this.deps.host, coordinator: this.deps.coordinator, remotes: this.remotes, ponds: this.importedPonds }));
  }
  /** The open pond for an import operation; its commit is refused if another pond was opened meanwhile. */
  private get importing() {
    const open = this.open;
    return {
      pond: open.pond,
      transact: <T>(command: string, fn: (tx: Transaction) => Promise<T> | T, signal?: AbortSignal): Promise<T> => {
        if (this.current !== open) throw new PondError('NOT_FOUND', `the pond was closed before "${command}" could commit; nothing was recorded in it`);
        return this.transact(command, fn, signal);
      },
    };
  }

  async importPond(remoteName: string, pondId: string, mountPath: string, opts: LongOp = {}): Promise<ImportSummary> {
    const b = this.importing;
    return this.ops.run(opts, (signal, onProgress) => this.imports.create(b, remoteName, pondId, mountPath, { signal, onProgress }));
  }

  async refreshImports(opts: { path?: string } & LongOp = {}): Promise<ImportSummary[]> {
    const b = this.importing;
    const r = await this.ops.run(opts, (signal, onProgress) => this.imports.refresh(b, opts.path, { signal, onProgress }));
    if (r.length > 0 && b.pond.readOnly) this.notify(); // nothing committed, but mounts that lacked their pond now read
    return r;
  }

  async removeImport(path: string): Promise<void> {
    await this.imports.remove(this.importing, path);
  }

  /**
   * A following (read-only) replica fetches the imported ponds its version records but this device lacks, so its
   * mounts read; nothing is committed. Mounts that read already are left alone (no listing of their remote each tick).
   */
  private async fetchLackingImports(open: OpenPond, signal: AbortSignal): Promise<void> {
    const view = await pondView(open.pond, this.importedPonds);
    const lacking = (view.mounts ?? []).filter((m) => (m.error?.detail as { reason?: string } | undefined)?.reason === 'pull');
    const b = { pond: open.pond, transact: this.transact.bind(this) };
    for (const m of lacking) await this.imports.refresh(b, m.path, { signal, onProgress: () => undefined });
    if (lacking.length > 0) this.notify();
  }

  async listImports(): Promise<ImportInfo[]> {
    return this.imports.list(this.open.pond);
  }

  // --- collect and reduce (delegates to nodes/collectors.ts) ---
  private collectorOps: Collectors | undefined;
  private get collectors(): Collectors {
    this.collectorOps ??= new Collectors({
      pond: () => this.open.pond,
      transact: (command, fn, signal) => this.transact(command, fn, signal),
      secrets: this.deps.secrets ?? new MemorySecretStore(),
      plot: (path, columns, width, range) => this.queries.plot(this.open.pond, path, columns, width, range),
      imports: () => this.importedPonds,
      ...(this.deps.fetch ? { fetch: this.deps.fetch } : {}),
    });
    return this.collectorOps;
  }

  async apply(yaml: string, opts: { files?: { name: string; data: Blob }[] } & LongOp = {}): Promise<ApplyResult> {
    const files = opts.files ?? [];
    const ops = planApply(String(yaml ?? ''), files); // the whole file is checked before the transaction starts
    for (const o of ops) refuseUnderImport(this.open.pond.fs, o.path);
    const result = await this.ops.run(opts, async (signal, onProgress) => {
      const before = this.open.pond.version;
      const operations = await this.transact(`apply ${ops.map((o) => `${o.kind} ${o.path}`).join(', ')}`, (tx) => applyOperations(tx, this.open.pond, ops, files, { signal, onProgress }), signal);
      return { version: this.open.pond.version, committed: this.open.pond.version !== before, operations };
    });
    if (ops.some((o) => o.kind === 'mknod' && factoryNamed(o.factory).kind === 'collect')) await this.recordHydroVuOrigins();
    return result;
  }

  async listFactories(): Promise<FactoryInfo[]> {
    return this.collectors.listFactories();
  }

  async mknod(factory: NodeFactory, path: string, configYaml: string, opts: { secret?: string } = {}): Promise<NodeInfo> {
    refuseUnderImport(this.open.pond.fs, path);
    const info = await this.collectors.mknod(factory, path, configYaml, opts);
    if (factoryNamed(factory).kind === 'collect') await this.recordHydroVuOrigins(); // a collector names a server to reach
    return info;
  }

  /**
   * Records the HydroVu servers the open pond's nodes use, for the app's connect-src. On open and on mknod; a node
   * removed keeps its server allowed until the pond is next opened in this browser.
   */
  private async recordHydroVuOrigins(): Promise<void> {
    const id = this.open.pond.id;
    const urls = (await this.collectors.configuredNodes()).flatMap((n) => (n.baseUrl ? [n.baseUrl] : []));
    await this.connectOrigins.set(`pond:${id}`, originsOf(urls));
  }

  async configuredNodes(): Promise<ConfiguredNode[]> {
    return this.collectors.configuredNodes();
  }

  async runNode(path: string, opts: LongOp = {}): Promise<RunResult> {
    const c = this.collectors;
    return this.ops.run(opts, (signal, onProgress) => c.runNode(path, signal, onProgress));
  }

  async scheduleCollectors(everyMinutes: number | null): Promise<CollectorStatus> {
    return this.collectors.schedule(everyMinutes);
  }

  async collectorStatus(): Promise<CollectorStatus> {
    return this.collectors.status();
  }

  async startQueryEngine(): Promise<QueryEngineStatus> {
    startDuckDbInBackground();
    return duckDbStatus();
  }

  async queryEngineStatus(): Promise<QueryEngineStatus> {
    return duckDbStatus();
  }

  async plotAuto(path: string, columns: string[], width: number, range?: [number, number]): Promise<AutoPlotData> {
    const open = this.current;
    const prepared = open && !range ? await this.prepared.takeChart(open.pond.id, open.pond.version, { path, columns, width }) : undefined;
    if (prepared && this.current === open) return prepared;
    return this.collectors.plotAuto(path, columns, width, range);
  }

  async importLaketech(files: { name: string; data: Blob }[], dest: string, opts: { zone: string; scope?: string } & LongOp): Promise<NodeInfo[]> {
    const c = this.collectors;
    return this.ops.run(opts, (signal, onProgress) => c.importLaketech(files, dest, { zone: opts.zone, ...(opts.scope ? { scope: opts.scope } : {}) }, signal, onProgress));
  }

  async exportSeries(pattern: string, opts: { temporal: TemporalPart[] } & LongOp): Promise<ExportResult> {
    const c = this.collectors;
    return this.ops.run(opts, (signal, onProgress) => c.exportSeries(pattern, opts.temporal, signal, onProgress));
  }

}

/** What a pond is called before the user names it (or when its name was lost with the browser's settings). */
function defaultPondName(id: string): string {
  return `pond ${id.slice(-6)}`;
}

function checkPondName(name: string): string {
  const clean = String(name ?? '').trim();
  if (!clean) throw new PondError('INVALID_INPUT', 'a pond needs a name');
  if (clean.length > 100) throw new PondError('INVALID_INPUT', `pond name is ${clean.length} characters; the limit is 100`);
  if (/[\u0000-\u001f\u007f]/.test(clean)) throw new PondError('INVALID_INPUT', 'a pond name cannot contain control characters');
  return clean;
}
