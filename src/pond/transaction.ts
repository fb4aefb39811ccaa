// A transaction: TinyFS changes recorded as oplog rows. It works on a fork of the pond's state (so its own
// reads see its writes) and turns into rows only at commit; a directory changed several times in one
// transaction becomes one directory version.
import { uuidv7 } from 'uuidv7';
import { INLINE_LIMIT, type EntryType, type OplogEntry } from '../core/entry';
import type { Store } from '../core/store';
import { deltaAdd, deltaRemove, emptyDelta, encodeDelta, type DirectoryDelta } from '../oplog/directory';
import type { ChildRef, NodeRecord } from '../tinyfs/node';
import { deleteChild, setChild, type FsState } from '../tinyfs/state';
import { WorkingDirectory, type FsMutator, type PreparedContent, type VersionMeta } from '../tinyfs/wd';
import { storeContent, type ContentSource } from './blobs';
import type { FileEntryType } from '../core/entry';

interface PendingFile {
  entry: Omit<OplogEntry, 'timestamp' | 'txn_seq'>;
}

/**
 * The attribute holding the checked byte ranges of a large Parquet version (formats/parquet-ranges.ts): computed from
 * the content when the transaction commits, never taken from a caller, so a version's ranges are always its own (an
 * attribute copied from an earlier version would name another file's bytes).
 */
export const RANGES_ATTR = 'parquet_ranges';

/** Attributes computed from a file version's stored content at commit (see ContentAttrs in pond.ts). */
export type ContentAttrs = (entry: { type: EntryType; size: number; sha256: string | null; inline: Uint8Array | null }, store: Store) => Promise<Record<string, string> | undefined>;

export class Transaction implements FsMutator {
  readonly state: FsState;
  /** The working-directory API over this transaction. */
  readonly wd: WorkingDirectory;
  private readonly files: PendingFile[] = [];
  private readonly dirs = new Map<string, { partId: string; delta: DirectoryDelta }>();

  constructor(private readonly base: FsState, readonly store: Store, cwd: readonly string[] = []) {
    this.state = base.fork();
    this.wd = new WorkingDirectory(this, cwd);
  }

  get isEmpty(): boolean {
    return this.files.length === 0 && this.dirs.size === 0;
  }

  /**
   * Writes a new version of a file from any source. The path is checked before any byte is stored, so a bad path
   * fails fast; large content streams to a blob with progress and cancellation.
   */
  async writeFile(
    path: string, type: FileEntryType, source: ContentSource, meta: VersionMeta = {},
    opts: { parents?: boolean; signal?: AbortSignal; onProgress?: (done: number, total: number | undefined) => void } = {},
  ): Promise<NodeRecord> {
    this.wd.planFileWrite(path, type, opts);
    const content = await storeContent(this.store, source, { signal: opts.signal, onProgress: opts.onProgress, newId: uuidv7 });
    return this.wd.writeFile(path, type, content, meta, opts);
  }

  /** Writes a version whose content was already stored (e.g. streamed through a ContentSink). */
  writePrepared(path: string, type: FileEntryType, content: PreparedContent, meta: VersionMeta = {}, opts: { parents?: boolean } = {}): NodeRecord {
    return this.wd.writeFile(path, type, content, meta, opts);
  }

  newNodeId(): string {
    return uuidv7();
  }

  addVersion(node: { id: string; type: EntryType; partId: string }, content: PreparedContent, meta: VersionMeta = {}): NodeRecord {
    let rec = this.state.mutable(node.id);
    if (!rec) {
      rec = this.state.create({ id: node.id, type: node.type, partId: node.partId, versions: [] });
      if (node.type === 'directory') rec.children = new Map();
    }
    const version = (rec.versions[rec.versions.length - 1]?.version ?? 0) + 1;
    const { [RANGES_ATTR]: _stale, ...attrs } = meta.attrs ?? {};
    // A provisional version so reads inside the transaction see it; replay rebuilds it after the commit.
    rec.versions.push({
      version, txnSeq: -1, timestamp: 0, size: content.size, sha256: content.sha256, inline: content.inline,
      minEventTime: meta.minEventTime ?? null, maxEventTime: meta.maxEventTime ?? null, attrs,
    });
    rec.partId = node.partId;
    if (node.type === 'directory') {
      this.dirDelta(rec);
    } else {
      this.files.push({
        entry: {
          part_id: node.partId, node_id: node.id, entry_type: node.type, version, content: content.inline, sha256: content.sha256,
          size: content.size, min_event_time: meta.minEventTime ?? null, max_event_time: meta.maxEventTime ?? null,
          extended_attributes: Object.keys(attrs).length ? JSON.stringify(attrs) : null,
        },
      });
    }
    return rec;
  }

  linkChild(dir: NodeRecord, name: string, child: ChildRef): void {
    const rec = this.state.mutable(dir.id)!;
    setChild(rec, name, child);
    deltaAdd(this.dirDelta(rec), name, child);
  }

  unlinkChild(dir: NodeRecord, name: string): void {
    const rec = this.state.mutable(dir.id)!;
    deleteChild(rec, name);
    deltaRemove(this.dirDelta(rec), name);
  }

  private dirDelta(dir: NodeRecord): DirectoryDelta {
    let d = this.dirs.get(dir.id);
    if (!d) this.dirs.set(dir.id, (d = { partId: dir.id, delta: emptyDelta() }));
    return d.delta;
  }

  /** The transaction's rows: directory versions first, then files in the order they were written. */
  async rows(txnSeq: number, timestamp: number, contentAttrs?: ContentAttrs): Promise<OplogEntry[]> {
    const out: OplogEntry[] = [];
    for (const [id, { partId, delta }] of this.dirs) {
      const before = this.base.get(id);
      const version = (before?.versions[before.versions.length - 1]?.version ?? 0) + 1;
      const bytes = encodeDelta(delta);
      // A huge delta (thousands of names in one transaction) becomes a blob like any large content.
      const content = bytes.length < INLINE_LIMIT ? { inline: bytes, sha256: null, size: bytes.length } : await storeContent(this.store, bytes, { newId: uuidv7 });
      out.push({
        part_id: partId, node_id: id, entry_type: 'directory', version, timestamp, content: content.inline, sha256: content.sha256,
        size: content.size, min_event_time: null, max_event_time: null, extended_attributes: null, txn_seq: txnSeq,
      });
    }
    for (const f of this.files) {
      const e = f.entry;
      const extra = contentAttrs && e.entry_type !== 'directory' ? await contentAttrs({ type: e.entry_type, size: e.size, sha256: e.sha256, inline: e.content }, this.store) : undefined;
      const attrs = extra && Object.keys(extra).length ? JSON.stringify({ ...(e.extended_attributes ? JSON.parse(e.extended_attributes) as Record<string, string> : {}), ...extra }) : e.extended_attributes;
      out.push({ ...e, extended_attributes: attrs, timestamp, txn_seq: txnSeq });
    }
    return out;
  }
}
