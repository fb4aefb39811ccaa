// Cross-pond imports (issue 13, "read another pond in place"): `remote import NAME POND-ID PATH` mounts another pond's
// backup read-only at PATH. The imported pond's data lives on this device as an ordinary local pond (made by the
// backup's restore when absent, brought up to date by its incremental pull when present: no second fetch path), and
// this pond records only a pond-import node (import-config.ts) naming the remote, the pond and the version shown.
// Making the import and each refresh is one commit here, so this pond's history, backups and zips say which version
// of the other pond it saw, and never hold a copy of its data.
import { PondError, isPondError, throwIfAborted } from '../../core/errors';
import type { Coordinator } from '../../pond/coordination';
import { Pond } from '../../pond/pond';
import type { Transaction } from '../../pond/transaction';
import type { PondHost } from '../../storage/pond-host';
import { formatPath, parsePath } from '../../tinyfs/paths';
import { tryResolve } from '../../tinyfs/resolve';
import type { FsState } from '../../tinyfs/state';
import type { ImportInfo, ImportSummary, ProgressCallback, RemoteSummary } from '../../api/pond-api';
import type { RemoteOps } from '../backup/remotes';
import { writeNodeConfig } from '../nodes/write-node';
import { IMPORT_FACTORY, formatImportConfig, parseImportConfig, type PondImportConfig } from './import-config';
import { importNodes, isImportNode } from './import-view';
import type { DeviceImportedPonds } from './imported-ponds';

interface Work { signal: AbortSignal; onProgress: ProgressCallback }

/** The importing pond as these operations need it: the pond, and the service's commit (which tells other tabs). */
export interface ImportingPond {
  pond: Pond;
  transact<T>(command: string, fn: (tx: Transaction) => Promise<T> | T, signal?: AbortSignal): Promise<T>;
}

export class PondImports {
  constructor(private readonly deps: { host: PondHost; coordinator: Coordinator; remotes: RemoteOps; ponds: DeviceImportedPonds }) {}

  /** Mounts pond `pondId` of remote `remoteName` at `mountPath`: fetched (restored or pulled) first, then one commit. */
  async create(b: ImportingPond, remoteName: string, pondId: string, mountPath: string, w: Work): Promise<ImportSummary> {
    const path = formatPath(parsePath(String(mountPath ?? '')));
    if (path === '/') throw new PondError('INVALID_INPUT', 'an import needs a path of its own (e.g. /imports/NAME), not the root', { detail: { path } });
    if (pondId === b.pond.id) throw new PondError('INVALID_INPUT', `pond ${pondId} is the open pond: a pond cannot import itself`, { detail: { pondId } });
    const remote = await this.remote(remoteName);
    // Checked before anything is fetched: a bad pond id (or remote) is refused by the same parser a stored config meets.
    parseImportConfig(formatImportConfig({ remote: remote.name, bucketUrl: remote.bucketUrl, prefix: remote.prefix, pondId, version: 0 }));
    if (b.pond.readOnly) throw new PondError('READ_ONLY', `cannot import into this pond: it is open read-only`);
    if (tryResolve(b.pond.fs, parsePath(path))) throw new PondError('ALREADY_EXISTS', `${path} exists; choose another path for the import`, { detail: { path } });
    refuseUnderImport(b.pond.fs, path);
    const fetched = await this.fetch(remote.name, pondId, w);
    const config: PondImportConfig = { remote: remote.name, bucketUrl: remote.bucketUrl, prefix: remote.prefix, pondId, version: fetched.version };
    await b.transact(`remote import ${remote.name} ${pondId} ${path}`, async (tx) => {
      await writeNodeConfig(tx, b.pond, IMPORT_FACTORY, path, formatImportConfig(config));
    }, w.signal);
    return { path, remote: remote.name, pondId, before: null, version: fetched.version, fetched: fetched.fetched, committed: true };
  }

  /**
   * Brings every import (or the one at `only`) up to its remote: the imported pond is pulled on this device, and the
   * new versions are recorded in one commit. A read-only pond (a replica of this one, time travel) records nothing:
   * its imported ponds are fetched up to what it already records, so its mounts read.
   */
  async refresh(b: ImportingPond, only: string | undefined, w: Work): Promise<ImportSummary[]> {
    const mounts = await this.mounts(b.pond, only);
    const out: ImportSummary[] = [];
    const changed: { path: string; config: PondImportConfig }[] = [];
    for (const [i, m] of mounts.entries()) {
      throwIfAborted(w.signal, 'import-pull');
      const remoteName = await this.remoteFor(m.config);
      const step: Work = { signal: w.signal, onProgress: (d, t, what) => w.onProgress(d, t, `${m.path} (${i + 1}/${mounts.length}): ${what}`) };
      const fetched = await this.fetch(remoteName, m.config.pondId, step);
      if (fetched.version < m.config.version) {
        throw new PondError('NOT_FOUND', `${m.path}: remote ${remoteName} has pond ${m.config.pondId} only up to version ${fetched.version}, not version ${m.config.version} that the import records`, { detail: { path: m.path, version: m.config.version } });
      }
      const record = !b.pond.readOnly && fetched.version !== m.config.version;
      if (record) changed.push({ path: m.path, config: { ...m.config, remote: remoteName, version: fetched.version } });
      out.push({ path: m.path, remote: remoteName, pondId: m.config.pondId, before: m.config.version, version: record ? fetched.version : m.config.version, fetched: fetched.fetched, committed: record });
    }
    if (changed.length > 0) {
      await b.transact(`remote import-pull${only ? ` ${only}` : ''}`, async (tx) => {
        for (const c of changed) await writeNodeConfig(tx, b.pond, IMPORT_FACTORY, c.path, formatImportConfig(c.config));
      }, w.signal);
    }
    return out;
  }

  /** Removes the import at `path` (its node only, in one commit); the imported pond stays on this device. */
  async remove(b: ImportingPond, path: string): Promise<void> {
    const shown = formatPath(parsePath(String(path ?? '')));
    const node = tryResolve(b.pond.fs, parsePath(shown))?.node;
    if (!node || !isImportNode(node)) throw new PondError('NOT_FOUND', `${shown} is not an import (list them with: remote imports)`, { detail: { path: shown } });
    await b.transact(`remote import-remove ${shown}`, (tx) => tx.wd.remove(shown));
  }

  /** The imports of `pond` as recorded (the configs parsed; one that does not parse is listed with its problem). */
  async list(pond: Pond): Promise<ImportInfo[]> {
    const out: ImportInfo[] = [];
    for (const m of importNodes(pond.fs)) {
      try {
        const c = parseImportConfig(new TextDecoder().decode(await pond.readVersion(m.node.id, undefined, m.path)));
        out.push({ path: m.path, remote: c.remote, bucketUrl: c.bucketUrl, prefix: c.prefix, pondId: c.pondId, version: c.version });
      } catch (e) {
        // A config that does not parse (INVALID_INPUT, e.g. from a crafted zip) is listed with its problem, not thrown.
        if (!isPondError(e, 'INVALID_INPUT')) throw e;
        out.push({ path: m.path, problem: e.message });
      }
    }
    return out;
  }

  private async mounts(pond: Pond, only: string | undefined): Promise<{ path: string; config: PondImportConfig }[]> {
    const shown = only === undefined ? undefined : formatPath(parsePath(only));
    const all = await this.list(pond);
    const chosen = shown === undefined ? all : all.filter((m) => m.path === shown);
    if (shown !== undefined && chosen.length === 0) throw new PondError('NOT_FOUND', `${shown} is not an import (list them with: remote imports)`, { detail: { path: shown } });
    return chosen.map((m) => {
      if (m.problem !== undefined) throw new PondError('INVALID_INPUT', `${m.path}: ${m.problem}`, { detail: { path: m.path } });
      return { path: m.path, config: { remote: m.remote!, bucketUrl: m.bucketUrl!, prefix: m.prefix ?? '', pondId: m.pondId!, version: m.version! } };
    });
  }

  private async remote(name: string): Promise<RemoteSummary> {
    const r = (await this.deps.remotes.list()).find((x) => x.name === name);
    if (!r) throw new PondError('NOT_FOUND', `no remote named ${JSON.stringify(name)}; add one with: remote add NAME URL …`, { detail: { name } });
    return r;
  }

  /**
   * The remote on this device for an import: the one it names when that one has the recorded bucket and prefix, else
   * one that has them (another device may call the same bucket by another name).
   */
  private async remoteFor(c: PondImportConfig): Promise<string> {
    const all = await this.deps.remotes.list();
    const same = (r: RemoteSummary) => r.bucketUrl === c.bucketUrl && r.prefix === c.prefix;
    const r = all.find((x) => x.name === c.remote && same(x)) ?? all.find(same);
    if (!r) {
      throw new PondError('NOT_FOUND', `no remote on this device has bucket ${c.bucketUrl}${c.prefix ? ` prefix ${c.prefix}` : ''} (the import names remote ${c.remote}); add it with: remote add ${c.remote} ${c.bucketUrl} …`, { detail: { name: c.remote } });
    }
    return r.name;
  }

  /**
   * Brings this device's copy of `pondId` up to remote `remoteName`: restored as a new local pond when absent, pulled
   * when present. When another tab is writing to it, or it has commits of its own the backup lacks (it was made on
   * this device), it is read as it is here: its head is the newest version this device knows.
   */
  private async fetch(remoteName: string, pondId: string, w: Work): Promise<{ version: number; fetched: number }> {
    const { host, coordinator, remotes, ponds } = this.deps;
    if (!(await host.listPondIds()).includes(pondId)) {
      const r = await remotes.restore(remoteName, pondId, {}, w);
      return { version: r.version, fetched: r.files };
    }
    const release = await coordinator.requestWriter(pondId, false);
    const store = await host.openStore(pondId);
    if (!release) return { version: (await Pond.open(store, { readOnly: true })).version, fetched: 0 };
    try {
      const local = await Pond.open(store);
      try {
        const r = await remotes.pull(local, remoteName, w);
        if (r.after !== r.before) coordinator.publish(pondId, r.after); // tabs showing that pond refresh
        return { version: r.after, fetched: r.fetched.length };
      } catch (e) {
        // CONFLICT 'diverged': the local pond has commits the backup lacks (it is the pond itself, made here).
        if (!isPondError(e, 'CONFLICT') || (e.detail as { reason?: string } | undefined)?.reason !== 'diverged') throw e;
        return { version: local.version, fetched: 0 };
      }
    } finally {
      ponds.forget(pondId); // versions never change meaning; this only drops a failed or stale open of a replaced pond
      await release();
    }
  }
}

/** READ_ONLY when `path` lies inside an import mount of `fs` (the importing pond's committed tree): mounts are read-only. */
export function refuseUnderImport(fs: FsState, path: string): void {
  let segments: string[];
  try {
    segments = parsePath(path);
  } catch (e) {
    // A bad path (INVALID_PATH) is refused by the write itself, with its own message.
    if (!isPondError(e, 'INVALID_PATH')) throw e;
    return;
  }
  for (let i = 1; i < segments.length; i++) {
    const node = tryResolve(fs, segments.slice(0, i))?.node;
    if (node && isImportNode(node)) {
      const mount = formatPath(segments.slice(0, i));
      throw new PondError('READ_ONLY', `${formatPath(segments)} is inside the import ${mount}: an imported pond is read-only here (change it in its own pond, then: remote import-pull ${mount})`, { detail: { path: formatPath(segments), mount } });
    }
    if (!node || node.type !== 'directory') return;
  }
}
