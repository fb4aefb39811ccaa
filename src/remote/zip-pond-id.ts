// Which pond a zip snapshot is, read before anything of it is written: its manifest's pond id, or else the metaData
// of its first commit (snapshots made before manifests named it).
import { decodeCommit, logPath, type Commit } from '../oplog/delta-log';
import { MANIFEST_MAX_BYTES, MANIFEST_NAME, parseManifest } from './zip-manifest';
import { badZip, extractEntry, readCentralDirectory, type ZipEntry } from './zip-reader';

/** The pond id a snapshot carries: its manifest's, or else the metaData of its first commit. */
export async function zipPondId(zip: Blob, signal?: AbortSignal): Promise<string> {
  const { entries, cdOffset } = await readCentralDirectory(zip);
  const read = async (e: ZipEntry, limit: number): Promise<Uint8Array> => {
    const parts: Uint8Array[] = [];
    await extractEntry(zip, e, cdOffset, limit, async (c) => void parts.push(c), signal);
    return new Uint8Array(await new Blob(parts as Uint8Array<ArrayBuffer>[]).arrayBuffer());
  };
  const m = entries.find((e) => e.name === MANIFEST_NAME);
  if (!m) throw badZip('', `has no ${MANIFEST_NAME}: not a DuckPond snapshot`);
  const manifest = parseManifest(await read(m, Math.min(m.size, MANIFEST_MAX_BYTES)));
  if (manifest.pondId) return manifest.pondId;
  const first = entries.find((e) => e.name === logPath(0));
  if (!first) throw badZip(logPath(0), 'is missing: the snapshot has no first commit');
  let commit: Commit;
  try {
    commit = decodeCommit(0, await read(first, 1 << 20));
  } catch (e) {
    throw badZip(logPath(0), `is not a commit (${(e as Error).message})`);
  }
  if (!commit.metaData) throw badZip(logPath(0), 'has no pond id (metaData)');
  return commit.metaData.id;
}
