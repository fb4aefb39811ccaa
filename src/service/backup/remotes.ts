// Backups from the app: remote (S3 bucket) configurations kept in IndexedDB, and the pond worker's side of push,
// verify, restore and zip snapshots. The transfer logic lives in src/remote/; this file decides which store, which
// pond id and which keys, and makes "restore" and "import" create a NEW local pond or nothing at all.
import { openDB, type IDBPDatabase } from 'idb';
import { PondError } from '../../core/errors';
import type { Store } from '../../core/store';
import type { Coordinator } from '../../pond/coordination';
import { Pond } from '../../pond/pond';
import { storeAsOf } from '../../pond/store-as-of';
import { zipPondId } from '../../remote/zip-pond-id';
import { uuidv7 } from 'uuidv7';
import { S3Remote, copyAsNewPond, exportZip, importZip, pull, push, rebase, restore, validateRemoteConfig, verify, type RemoteConfig, type TransferProgress } from '../../remote/index';
import type { PondHost } from '../../storage/pond-host';
import { originsOf, type ConnectOrigins } from '../settings/connect-origins';
import type { PondNames } from '../settings/pond-names';
import type { BackupReport, ForkSummary, ProgressCallback, PullSummary, RebaseSummary, PushSummary, RemoteInput, RemoteSummary, RestoreSummary, ZipExport } from '../../api/pond-api';

/** A stored configuration: `secretAccessKey` is present only when the user asked to remember it. */
export interface StoredRemote {
  name: string;
  bucketUrl: string;
  prefix: string;
  signing: { kind: 'keys'; accessKeyId: string; region: string; secretAccessKey?: string } | { kind: 'endpoint'; url: string };
}


/** Where configurations are kept: IndexedDB in the worker, memory in node tests. */
export interface RemoteConfigStore {
  all(): Promise<StoredRemote[]>;
  put(remote: StoredRemote): Promise<void>;
  delete(name: string): Promise<void>;
}

export class IdbRemoteConfigs implements RemoteConfigStore {
  private db: Promise<IDBPDatabase> | undefined;
  // Its own database: 'duckpond-settings' belongs to pond-names.ts, and sharing it would need coordinated upgrades.
  private open(): Promise<IDBPDatabase> {
    this.db ??= openDB('duckpond-remotes', 1, { upgrade: (db) => void db.createObjectStore('remotes', { keyPath: 'name' }) });
    return this.db;
  }
  async all(): Promise<StoredRemote[]> { return (await (await this.open()).getAll('remotes')) as StoredRemote[]; }
  async put(remote: StoredRemote): Promise<void> { await (await this.open()).put('remotes', remote); }
  async delete(name: string): Promise<void> { await (await this.open()).delete('remotes', name); }
}

export class MemoryRemoteConfigs implements RemoteConfigStore {
  readonly saved = new Map<string, StoredRemote>();
  async all() { return [...this.saved.values()].map((r) => structuredClone(r)); }
  async put(remote: StoredRemote) { this.saved.set(remote.name, structuredClone(remote)); }
  async delete(name: string) { this.saved.delete(name); }
}

const REMOTE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const bad = (message: string, field?: string) => new PondError('INVALID_INPUT', message, field ? { detail: { field } } : {});

/** Checks what the user typed; returns the stored form and the secret (kept apart so it is saved only on request). */
export function checkRemoteInput(input: RemoteInput): { stored: StoredRemote; secret?: string } {
  const name = String(input?.name ?? '').trim();
  if (!REMOTE_NAME.test(name)) throw bad(`remote name ${JSON.stringify(name)}: use 1 to 64 letters, digits, '.', '_' or '-'`, 'name');
  const hasKeys = !!(input.accessKeyId || input.secretAccessKey);
  if (hasKeys && input.presignUrl) throw bad('give either keys (access key id and secret) or a presign endpoint, not both', 'signing');
  if (!hasKeys && !input.presignUrl) throw bad('a remote needs keys (access key id and secret) or a presign endpoint URL to sign requests', 'signing');
  const signing: RemoteConfig['signing'] = input.presignUrl
    ? { kind: 'endpoint', url: input.presignUrl }
    : { kind: 'keys', accessKeyId: input.accessKeyId ?? '', secretAccessKey: input.secretAccessKey ?? '', region: input.region?.trim() || 'us-east-1' };
  const valid = validateRemoteConfig({ bucketUrl: input.bucketUrl, prefix: input.prefix, signing });
  const s = valid.signing;
  return s.kind === 'keys'
    ? { stored: { name, bucketUrl: valid.bucketUrl, prefix: valid.prefix, signing: { kind: 'keys', accessKeyId: s.accessKeyId, region: s.region, ...(input.rememberSecret ? { secretAccessKey: s.secretAccessKey } : {}) } }, secret: s.secretAccessKey }
    : { stored: { name, bucketUrl: valid.bucketUrl, prefix: valid.prefix, signing: { kind: 'endpoint', url: s.url } } };
}

/** The origins a remote connects to: its bucket, and its presign endpoint when it has one. */
export function remoteOrigins(r: StoredRemote): string[] {
  return originsOf(r.signing.kind === 'endpoint' ? [r.bucketUrl, r.signing.url] : [r.bucketUrl]);
}

/** Adapts the remote layer's transfer report to the API's (done, total, what) progress. */
export function transferProgress(onProgress: ProgressCallback): (p: TransferProgress) => void {
  return (p) => onProgress(p.bytesDone, p.bytesTotal || undefined, `${p.phase}: ${p.filesDone}/${p.filesTotal} files${p.path ? ` (${p.path})` : ''}`);
}

interface Work { signal: AbortSignal; onProgress: ProgressCallback }

/**
 * The worker-side remote operations. One per PondService (so per tab): the secrets not remembered live here
 * and die with the worker. Restore and import take the new pond's writer lock, so no tab opens it half-made.
 */
export class RemoteOps {
  private readonly sessionSecrets = new Map<string, string>();

  constructor(private readonly deps: {
    host: PondHost; names: PondNames; coordinator: Coordinator; configs: RemoteConfigStore; fetch?: typeof fetch;
    /** Where the app's connect-src learns of the remote's bucket and presign endpoint. */
    origins?: ConnectOrigins;
  }) {}

  async add(input: RemoteInput): Promise<RemoteSummary> {
    const { stored, secret } = checkRemoteInput(input);
    if ((await this.deps.configs.all()).some((r) => r.name === stored.name)) {
      throw new PondError('ALREADY_EXISTS', `a remote named ${stored.name} exists; remove it first to change it`, { detail: { name: stored.name } });
    }
    await this.deps.configs.put(stored);
    await this.deps.origins?.set(`remote:${stored.name}`, remoteOrigins(stored));
    if (secret !== undefined && !input.rememberSecret) this.sessionSecrets.set(stored.name, secret);
    return this.summary(stored);
  }

  /** Records every stored remote's origins (remotes configured before the registry existed, or with it cleared). */
  async syncOrigins(): Promise<void> {
    for (const r of await this.deps.configs.all()) await this.deps.origins?.set(`remote:${r.name}`, remoteOrigins(r));
  }

  async list(): Promise<RemoteSummary[]> {
    return (await this.deps.configs.all()).sort((a, b) => (a.name < b.name ? -1 : 1)).map((r) => this.summary(r));
  }

  async remove(name: string): Promise<void> {
    await this.find(name);
    await this.deps.configs.delete(name);
    await this.deps.origins?.set(`remote:${name}`, []);
    this.sessionSecrets.delete(name);
  }

  /**
   * Sets a keys remote's secret: remembered on this device (stored with the configuration) or for this session
   * only (then a remembered one is dropped: the user chose not to keep it). The configuration is not re-checked
   * against the bucket here; the next push, verify or restore does that.
   */
  async secret(name: string, secret: string, opts: { remember?: boolean } = {}): Promise<RemoteSummary> {
    const r = await this.find(name);
    if (r.signing.kind !== 'keys') throw bad(`remote ${name} signs through a presign endpoint; it has no secret key`, 'secret');
    const key = String(secret ?? '');
    if (!key.trim()) throw bad(`remote ${name}: the secret key is empty`, 'secret');
    const { secretAccessKey: _old, ...signing } = r.signing;
    const stored: StoredRemote = { ...r, signing: opts.remember ? { ...signing, secretAccessKey: key } : signing };
    await this.deps.configs.put(stored);
    if (opts.remember) this.sessionSecrets.delete(name);
    else this.sessionSecrets.set(name, key);
    return this.summary(stored);
  }

  private summary(r: StoredRemote): RemoteSummary {
    const base = { name: r.name, bucketUrl: r.bucketUrl, prefix: r.prefix };
    if (r.signing.kind === 'endpoint') return { ...base, signing: 'presign', presignUrl: r.signing.url, secret: 'none' };
    const secret = r.signing.secretAccessKey ? 'remembered' : this.sessionSecrets.has(r.name) ? 'session' : 'missing';
    return { ...base, signing: 'keys', accessKeyId: r.signing.accessKeyId, region: r.signing.region, secret };
  }

  private async find(name: string): Promise<StoredRemote> {
    const r = (await this.deps.configs.all()).find((x) => x.name === name);
    if (!r) throw new PondError('NOT_FOUND', `no remote named ${JSON.stringify(name)}; add one with: remote add NAME URL …`, { detail: { name } });
    return r;
  }

  /** An S3 client for a configured remote; a forgotten session secret is an error that says what to do. */
  async client(name: string): Promise<S3Remote> {
    const r = await this.find(name);
    const s = r.signing;
    if (s.kind === 'endpoint') return new S3Remote({ bucketUrl: r.bucketUrl, prefix: r.prefix, signing: s }, this.fetchOpt());
    const secretAccessKey = s.secretAccessKey ?? this.sessionSecrets.get(name);
    if (!secretAccessKey) {
      // detail.missing lets the Backup tab ask for the secret and retry instead of showing this text.
      throw new PondError('INVALID_INPUT', `remote ${name}: the secret key was not remembered and this tab no longer has it; give it with: remote secret ${name} SECRET [--remember]`, { detail: { name, missing: 'secret' } });
    }
    return new S3Remote({ bucketUrl: r.bucketUrl, prefix: r.prefix, signing: { kind: 'keys', accessKeyId: s.accessKeyId, secretAccessKey, region: s.region } }, this.fetchOpt());
  }

  private fetchOpt() {
    return this.deps.fetch ? { fetch: this.deps.fetch } : {};
  }

  async push(pond: Pond, name: string, w: Work): Promise<PushSummary> {
    const remote = await this.client(name);
    const r = await push(pond.store, remote, pond.id, { signal: w.signal, onProgress: transferProgress(w.onProgress) });
    let bytesSent = 0;
    for (const p of r.sent) bytesSent += (await pond.store.size(p)) ?? 0;
    return { remote: name, pondId: pond.id, sent: r.sent, bytesSent, alreadyThere: r.alreadyThere, remoteAhead: r.remoteAhead };
  }

  /**
   * Pulls the backup's new commits into `pond`'s store, between its transactions. The caller holds the writer lock
   * and opens the pond again afterwards (the Pond object still shows the old version).
   */
  async pull(pond: Pond, name: string, w: Work): Promise<PullSummary> {
    const remote = await this.client(name);
    const r = await pond.exclusive(() => pull(pond.store, remote, pond.id, pond.version, { signal: w.signal, onProgress: transferProgress(w.onProgress), device: { version: pond.version, state: pond.fs, files: pond.files } }));
    return { remote: name, pondId: pond.id, before: r.before, after: r.after, fetched: r.fetched, bytesFetched: r.bytesFetched };
  }

  /**
   * Rebases `pond` onto the remote's history (remote/rebase.ts), between its transactions. As for a pull, the caller
   * holds the writer lock and opens the pond again afterwards.
   */
  async rebase(pond: Pond, name: string, w: Work): Promise<RebaseSummary> {
    const remote = await this.client(name);
    const r = await pond.exclusive(() => rebase(pond.store, remote, pond.id, pond.version, { signal: w.signal, onProgress: transferProgress(w.onProgress), remoteName: name }));
    return { remote: name, pondId: pond.id, shared: r.shared, before: r.before, after: r.after, theirs: r.theirs, replayed: r.replayed, bytesFetched: r.bytesFetched };
  }

  /**
   * "Push as a new pond": copies `pond` under a new pond id (a uuidv7, as createPond makes) into a new local pond
   * named `forkName`, records that name in its log (so a restore elsewhere shows it), and pushes the copy. `pond`
   * itself is left as it was: the user keeps both, and the Backup tab offers to open the fork. Transactions on `pond`
   * wait while it is copied.
   */
  async pushAsNewPond(pond: Pond, name: string, forkName: string, w: Work): Promise<ForkSummary> {
    const remote = await this.client(name);
    const id = uuidv7();
    const made = await this.intoNewPond(id, forkName, forkName, async (store) => {
      const files = await pond.exclusive(() => copyAsNewPond(pond.store, store, id, w.signal));
      const fork = await Pond.open(store);
      await fork.rename(forkName);
      return { files, name: forkName };
    });
    const r = await push(await this.deps.host.openStore(id), remote, id, { signal: w.signal, onProgress: transferProgress(w.onProgress) });
    return { remote: name, fromId: pond.id, id, name: made.name, version: made.version, sent: r.sent.length };
  }

  /** Throws NOT_FOUND unless a remote of that name is configured. */
  async assertExists(name: string): Promise<void> {
    await this.find(name);
  }

  async verify(pond: Pond, name: string, w: Work): Promise<BackupReport> {
    const report = await verify(pond.store, await this.client(name), pond.id, { signal: w.signal, onProgress: transferProgress(w.onProgress) });
    return { ...report, remote: name, pondId: pond.id };
  }

  /** Pond ids with a backup on the remote (first key segment under the prefix). */
  async ponds(name: string, signal?: AbortSignal): Promise<string[]> {
    const remote = await this.client(name);
    const base = remote.config.prefix ? `${remote.config.prefix}/` : '';
    const ids = new Set<string>();
    for (const o of await remote.list(base, signal)) {
      const rest = o.key.slice(base.length);
      if (rest.includes('/_delta_log/')) ids.add(rest.slice(0, rest.indexOf('/')));
    }
    return [...ids].sort();
  }

  async restore(name: string, pondId: string, opts: { name?: string }, w: Work): Promise<RestoreSummary> {
    const remote = await this.client(name);
    return this.intoNewPond(pondId, opts.name, `${name}: pond ${pondId.slice(-6)}`, async (store) => {
      return { files: (await restore(remote, pondId, store, { signal: w.signal, onProgress: transferProgress(w.onProgress) })).restored.length };
    });
  }

  async importZip(zip: Blob, opts: { name?: string }, w: Work): Promise<RestoreSummary> {
    const pondId = await zipPondId(zip, w.signal);
    return this.intoNewPond(pondId, opts.name, `imported pond ${pondId.slice(-6)}`, async (store) => {
      const r = await importZip(zip, store, { signal: w.signal, onProgress: transferProgress(w.onProgress) });
      return { files: r.files, ...(r.manifest.pondName ? { name: r.manifest.pondName } : {}) };
    });
  }

  /**
   * Creates local pond `pondId` by `fill` (which stages the files, runs the snapshot validator over them and only then
   * moves them into place, commit 0 last), checks it opens as that pond, and removes it again on any failure. The
   * writer lock is held throughout, so another tab's sweep of incomplete folders leaves this one alone.
   * Its name: the one asked for, else the one its copy carries (a zip's manifest, else the pond's own log), else
   * `fallback`; recorded on this device before the call returns, so listPonds shows it at once.
   */
  private async intoNewPond(
    pondId: string, asked: string | undefined, fallback: string, fill: (store: Store) => Promise<{ files: number; name?: string }>,
  ): Promise<RestoreSummary> {
    const { host } = this.deps;
    if ((await host.listPondIds()).includes(pondId)) {
      throw new PondError('ALREADY_EXISTS', `pond ${pondId} already exists on this device; delete it first or keep using it`, { detail: { pondId } });
    }
    const release = await this.deps.coordinator.requestWriter(pondId, false);
    if (!release) throw new PondError('LOCKED', `another tab is creating or using pond ${pondId}`, { detail: { pondId } });
    try {
      // A folder without a first commit is what a tab that died mid-import left: we hold its lock now, so it goes.
      if ((await host.listIncompletePondIds()).includes(pondId)) await host.removePond(pondId);
      const store = await host.openStore(pondId); // validates the id before anything is created
      try {
        const filled = await fill(store);
        const files = filled.files;
        const pond = await Pond.open(store, { readOnly: true });
        if (pond.id !== pondId) throw new PondError('CORRUPT', `the data names pond ${pond.id}, not ${pondId}`, { detail: { pondId } });
        const displayName = asked?.trim() || filled.name || pond.name || fallback;
        await this.deps.names.set(pondId, displayName);
        return { id: pondId, name: displayName, version: pond.version, files };
      } catch (e) {
        await host.removePond(pondId).catch(() => undefined); // never leave a half pond that would fail to open
        throw e;
      }
    } finally {
      release();
    }
  }
}

/** The zip of the pond (as of `asOf` when given) as one Blob, built in pieces so the JS heap holds one piece at a time. */
export async function zipBlob(pond: Pond, displayName: string, asOf: number | undefined, w: Work): Promise<ZipExport> {
  // A pond open in time travel exports the version it shows; its store holds every later commit too.
  const at = asOf ?? pond.asOf;
  const version = at ?? pond.version;
  const store = at === undefined ? pond.store : await storeAsOf(pond.store, at);
  return zipStoreBlob(store, pond.id, displayName, version, w);
}

/**
 * The zip of a pond's files as they lie in `store`, whole commits only; `version` names the file (a pond that does
 * not open has none known: "what can be read" of it is its files, for a backup or a repair elsewhere).
 */
export async function zipStoreBlob(store: Store, pondId: string, displayName: string, version: number | undefined, w: Work): Promise<ZipExport> {
  let files = 0;
  const report = transferProgress(w.onProgress);
  const reader = exportZip(store, {
    pondId, pondName: displayName, signal: w.signal,
    onProgress: (p) => { files = p.filesTotal; report(p); },
  }).getReader();
  // Folding pieces into a Blob hands their bytes to the browser's blob storage (which may spill to disk).
  let blob = new Blob([], { type: 'application/zip' });
  let piece: Uint8Array[] = [];
  let pieceBytes = 0;
  const fold = () => {
    blob = new Blob([blob, ...(piece as Uint8Array<ArrayBuffer>[])], { type: 'application/zip' });
    piece = [];
    pieceBytes = 0;
  };
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    piece.push(value);
    pieceBytes += value.length;
    if (pieceBytes >= 8 << 20) fold();
  }
  fold();
  const slug = displayName.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'pond';
  return { name: `${slug}-${version === undefined ? 'files' : `v${version}`}.zip`, blob, files, version: version ?? -1 };
}
