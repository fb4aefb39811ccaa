// Set-up shared by the link tests: a source pond in memory, and its backup layout put on s3rver (127.0.0.1) with a
// signed link to it, as "Share link" makes one.
import { MemoryCoordinator } from '../../../src/pond/coordination';
import { objectKey } from '../../../src/remote/config';
import { signedLink } from '../../../src/remote/link-bundle';
import { PondService } from '../../../src/service/service';
import { MemoryPondNames } from '../../../src/service/settings/pond-names';
import { MemoryPondHost } from '../../../src/storage/pond-host';
import { keyRemote } from '../remote/s3-helpers';

/** A new pond named `name` in a service of its own, in memory. */
export async function sourcePond(name: string) {
  const host = new MemoryPondHost();
  const src = new PondService({ host, names: new MemoryPondNames(), coordinator: new MemoryCoordinator() });
  const { id } = await src.createPond(name);
  return { host, src, id };
}

/**
 * Pond `id`'s committed files (commits, oplog files, blobs) put under a new `prefix` on s3rver, each through `alter`
 * when given (a test's tampering), and a signed link to them valid for an hour.
 */
export async function publishToBucket(host: MemoryPondHost, id: string, prefix: string, alter?: (path: string, bytes: Uint8Array) => Uint8Array) {
  const store = host.stores.get(id)!;
  const files = [...store.snapshot()].filter(([p]) => /^(_delta_log|oplog|blobs)\//.test(p));
  const remote = keyRemote(undefined, prefix);
  for (const [p, b] of files) await remote.put(objectKey(prefix, id, p), alter ? alter(p, b) : b);
  const link = await signedLink(remote, store, id, 3600);
  return { files, remote, link: link.bundleUrl, store };
}
