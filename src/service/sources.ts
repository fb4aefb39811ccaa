// The one home of "a pond node as something the query layer can bind": a table reads as its latest version, a
// series as all its versions (each loaded lazily from the pond when the engine needs it).
import { PondError } from '../core/errors';
import type { Pond } from '../pond/pond';
import type { BindSource } from '../query/engine';
import type { NodeRecord } from '../tinyfs/node';
import { linkRanges } from './link/ranged-versions';

/** What a stored source reads its versions through: the pond as reads see it (imported nodes included). */
export interface VersionReader {
  read(nodeId: string, version?: number, what?: string): Promise<Uint8Array>;
  /** The pond whose own node `nodeId` is (not an imported one): a link pond's large versions are read by ranges. */
  ownerOf?(nodeId: string): Pond | undefined;
}

/**
 * The bindable form of the table or series `node` found at `path` (shown in errors and version names), its versions
 * read through `reader`: a PondView (an imported node's id routes to its own pond), or a pond itself (its own nodes).
 */
export function storedSource(reader: VersionReader | Pond, path: string, node: NodeRecord): BindSource & { path: string } {
  if (node.type !== 'file:table' && node.type !== 'file:series') {
    throw new PondError('WRONG_TYPE', `${path} is a ${node.type}; only tables and series can be queried (copy data in with --format table or series)`, { detail: { path } });
  }
  const last = node.versions[node.versions.length - 1]!;
  const own = 'readVersion' in reader;
  const owner = own ? reader : reader.ownerOf?.(node.id);
  const read = (version: number, what: string) => (own ? reader.readVersion(node.id, version, what) : reader.read(node.id, version, what));
  return {
    path,
    fileKey: node.id,
    kind: node.type === 'file:table' ? 'table' : 'series',
    timestampColumn: last.attrs.timestamp_column,
    versions: node.versions.map((v) => ({
      version: v.version, minEventTime: v.minEventTime, maxEventTime: v.maxEventTime,
      ...(v.sha256 ? { contentId: v.sha256 } : {}),
      ...withRanges(owner ? linkRanges(owner, v, `${path} v${v.version}`) : undefined),
      load: () => read(v.version, `${path} v${v.version}`),
    })),
  };
}

/** A link's large versions are read by checked ranges (link/ranged-versions.ts); others whole. */
function withRanges(ranges: ReturnType<typeof linkRanges>) {
  return ranges ? { ranges } : {};
}
