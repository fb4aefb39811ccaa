// The imported ponds on this device, as import mounts read them: each an ordinary local pond (a replica made by
// restore, or the pond itself when it was made here), opened read-only as of the version a mount records. A pond as
// of a version never changes, so an opened one is kept (a few, most recent first) and shared by every view.
import { PondError, isPondError } from '../../core/errors';
import { Pond } from '../../pond/pond';
import type { PondHost } from '../../storage/pond-host';
import type { PondImportConfig } from './import-config';
import type { ImportedPonds } from './import-view';

/** Opened ponds kept: one per (pond, version) a view showed lately. */
const KEEP = 8;

/** What to type to fetch what a mount lacks. */
export function pullHint(mountPath: string): string {
  return `fetch it with: remote import-pull ${mountPath}`;
}

export class DeviceImportedPonds implements ImportedPonds {
  private readonly opened = new Map<string, Promise<Pond>>();
  generation = 0;

  constructor(private readonly host: PondHost) {}

  open(config: PondImportConfig, mountPath: string): Promise<Pond> {
    const key = `${config.pondId}@${config.version}`;
    let pond = this.opened.get(key);
    if (pond) {
      this.opened.delete(key); // re-inserted: the Map's order is the order of use
    } else {
      pond = this.load(config, mountPath);
      pond.catch(() => this.opened.delete(key)); // a failure is not kept: the next read (after a pull) tries again
    }
    this.opened.set(key, pond);
    while (this.opened.size > KEEP) this.opened.delete(this.opened.keys().next().value!);
    return pond;
  }

  /** Forgets the opened versions of `pondId` (fetched, replaced or deleted on this device); views are made again. */
  forget(pondId: string): void {
    this.generation++;
    for (const key of [...this.opened.keys()]) if (key.startsWith(`${pondId}@`)) this.opened.delete(key);
  }

  private async load(config: PondImportConfig, mountPath: string): Promise<Pond> {
    const { pondId, version, remote } = config;
    if (!(await this.host.listPondIds()).includes(pondId)) {
      throw new PondError('NOT_FOUND', `${mountPath}: pond ${pondId} (imported from remote ${remote}) is not on this device; ${pullHint(mountPath)}`, { detail: { path: mountPath, pondId, reason: 'pull' } });
    }
    try {
      return await Pond.open(await this.host.openStore(pondId), { readOnly: true, asOf: version });
    } catch (e) {
      // readLog's NOT_FOUND for a version past the pond's head: this device has an older copy than the mount records.
      if (!isPondError(e, 'NOT_FOUND')) throw e;
      throw new PondError('NOT_FOUND', `${mountPath}: this device has pond ${pondId} only up to an older version, not version ${version} that the import records; ${pullHint(mountPath)}`, { cause: e, detail: { path: mountPath, pondId, version, reason: 'pull' } });
    }
  }
}
