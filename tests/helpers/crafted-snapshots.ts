// Crafted snapshots, as an attacker would make them: a real pond (made by Pond over a MemoryStore) whose files are then
// altered — rows re-encoded with the oplog codec, commits rewritten with their add actions' sizes and hashes updated,
// and zipped with a manifest that matches the archive. One case per validation rule and per case of issue 10.
import { strToU8, zipSync } from 'fflate';
import { tableFromArrays } from 'apache-arrow';
import { uuidv7 } from 'uuidv7';
import { ROOT_ID, type EntryType, type OplogEntry } from '../../src/core/entry';
import type { Store } from '../../src/core/store';
import { encodeCommit, logPath, type Commit } from '../../src/oplog/delta-log';
import { decodeEntries, encodeEntries } from '../../src/oplog/entry-codec';
import { arrowToParquet } from '../../src/formats/parquet';
import { sha256Hex } from '../../src/pond/hash';
import { blobPath, oplogFilePath } from '../../src/pond/layout';
import { Pond } from '../../src/pond/pond';
import type { RuleName } from '../../src/pond/validate/problems';
import { MemoryStore } from '../../src/storage/memory-store';

/** A pond's layout files, path → bytes (what a zip or a bucket holds). */
export type PondFiles = Map<string, Uint8Array>;

export interface BasePond {
  pondId: string;
  files: PondFiles;
  /** Node ids of the base pond's entries, by path. */
  ids: Record<string, string>;
}

const LAYOUT = /^(?:_delta_log\/|oplog\/|blobs\/)/;

/** Every layout file of a store (no tmp/, no head hint). */
export async function pondFiles(store: Store, dir = ''): Promise<PondFiles> {
  const out: PondFiles = new Map();
  for (const name of await store.list(dir)) {
    const path = dir ? `${dir}/${name.replace(/\/$/, '')}` : name.replace(/\/$/, '');
    if (name.endsWith('/')) { if (path !== 'tmp') for (const [k, v] of await pondFiles(store, path)) out.set(k, v); }
    else if (LAYOUT.test(path)) out.set(path, await store.read(path));
  }
  return out;
}

export async function storeOf(files: PondFiles): Promise<MemoryStore> {
  const s = new MemoryStore();
  for (const [p, b] of files) await s.write(p, b);
  return s;
}

/** A small Parquet file with a timestamp column, as a series version would hold. */
export async function seriesParquet(startUs: number, rows: number): Promise<Uint8Array> {
  const ts = BigInt64Array.from({ length: rows }, (_, i) => BigInt(startUs + i * 60_000_000));
  return arrowToParquet(tableFromArrays({ t: ts, temp: Float64Array.from({ length: rows }, (_, i) => 10 + i / 10) }));
}

/** Deterministic incompressible bytes. */
export function noiseBytes(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = (seed * 2654435761 + 1) >>> 0;
  for (let i = 0; i < size; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; out[i] = x & 0xff; }
  return out;
}

/**
 * The base pond: /a/small.txt (inline), /a/big.bin (a 100 kB blob), /a/b/temps (a series, two versions), /link (a
 * symlink), over three commits. `store` lets a browser test build it in OPFS instead.
 */
export async function basePond(store: Store = new MemoryStore(), blobBytes = 100_000): Promise<BasePond & { pond: Pond }> {
  const pond = await Pond.create(store);
  const t0 = Date.UTC(2024, 0, 1) * 1000;
  await pond.transact('setup', async (tx) => {
    tx.wd.mkdir('/a/b', { parents: true });
    await tx.writeFile('/a/small.txt', 'file:data', strToU8('hello, pond\n'));
    await tx.writeFile('/a/big.bin', 'file:data', noiseBytes(blobBytes, 7));
    await tx.writeFile('/a/b/temps', 'file:series', await seriesParquet(t0, 50), { minEventTime: t0, maxEventTime: t0 + 49 * 60_000_000, attrs: { timestamp_column: 't' } });
    tx.wd.symlink('/a/small.txt', '/link');
  });
  const t1 = t0 + 50 * 60_000_000;
  await pond.transact('append', async (tx) => {
    await tx.writeFile('/a/b/temps', 'file:series', await seriesParquet(t1, 50), { minEventTime: t1, maxEventTime: t1 + 49 * 60_000_000, attrs: { timestamp_column: 't' } });
  });
  const ids: Record<string, string> = {};
  const stack: [string, string][] = [['/', ROOT_ID]];
  while (stack.length) {
    const [path, id] = stack.pop()!;
    ids[path] = id;
    for (const [name, c] of pond.fs.get(id)?.children ?? []) stack.push([path === '/' ? `/${name}` : `${path}/${name}`, c.node_id]);
  }
  return { pond, pondId: pond.id, files: await pondFiles(store), ids };
}

// --- editing a snapshot's files ---------------------------------------------------------------------------------

export function commitCount(files: PondFiles): number {
  let n = 0;
  while (files.has(logPath(n))) n++;
  return n;
}

/** The commit's actions as JSON objects (one a line). */
export function commitLines(files: PondFiles, v: number): Record<string, any>[] {
  return new TextDecoder().decode(files.get(logPath(v))!).trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
}

export function setCommitLines(files: PondFiles, v: number, lines: unknown[]): void {
  files.set(logPath(v), strToU8(lines.map((l) => JSON.stringify(l)).join('\n') + '\n'));
}

/** Rewrites the rows of the oplog file commit `v` adds, and updates the add's size, hash and row count. */
export async function editRows(files: PondFiles, v: number, edit: (rows: OplogEntry[]) => OplogEntry[] | void): Promise<void> {
  const lines = commitLines(files, v);
  const add = lines.find((l) => l.add)!.add;
  const rows = await decodeEntries(files.get(add.path)!, add.path);
  const edited = edit(rows) ?? rows;
  await replaceFile(files, v, await encodeEntries(edited), String(edited.length));
}

/** Replaces the bytes of the oplog file commit `v` adds, keeping its add action consistent (an attacker's care). */
export async function replaceFile(files: PondFiles, v: number, bytes: Uint8Array, rows?: string): Promise<void> {
  const lines = commitLines(files, v);
  const add = lines.find((l) => l.add)!.add;
  files.set(add.path, bytes);
  add.size = bytes.length;
  add.tags = { ...add.tags, sha256: await sha256Hex(bytes), ...(rows ? { rows } : {}) };
  setCommitLines(files, v, lines);
}

export interface Ctx {
  ids: Record<string, string>;
  /** The next version number of node `id` (its rows in the snapshot so far, plus one). */
  next(id: string): number;
  /** A directory version row whose content is this delta. */
  dir(id: string, add: { name: string; node_id: string; entry_type: EntryType }[], remove?: string[]): OplogEntry;
  /** A file version row (inline content, hash computed) under directory `parent`. */
  file(id: string, parent: string, type: EntryType, content: Uint8Array): Promise<OplogEntry>;
}

/** Appends a commit made of `rows(ctx)`, encoded as the pond would encode it. */
export async function appendCommit(files: PondFiles, base: BasePond, rows: (ctx: Ctx) => Promise<OplogEntry[]> | OplogEntry[]): Promise<void> {
  const v = commitCount(files);
  const ts = Date.now() * 1000;
  const versions = new Map<string, number>();
  for (let c = 0; c < v; c++) {
    for (const l of commitLines(files, c)) {
      if (!l.add) continue;
      for (const e of await decodeEntries(files.get(l.add.path)!, l.add.path)) versions.set(e.node_id, Math.max(versions.get(e.node_id) ?? 0, e.version));
    }
  }
  const row = (id: string, type: EntryType, partId: string, content: Uint8Array, sha: string | null): OplogEntry => ({
    part_id: partId, node_id: id, entry_type: type, version: (versions.get(id) ?? 0) + 1, timestamp: ts, content, sha256: sha, size: content.length,
    min_event_time: null, max_event_time: null, extended_attributes: null, txn_seq: v,
  });
  const ctx: Ctx = {
    ids: base.ids,
    next: (id) => (versions.get(id) ?? 0) + 1,
    dir: (id, add, remove = []) => row(id, 'directory', id, strToU8(JSON.stringify({ remove, add })), null),
    file: async (id, parent, type, content) => row(id, type, parent, content, await sha256Hex(content)),
  };
  const bytes = await encodeEntries(await rows(ctx));
  const path = oplogFilePath(v, uuidv7());
  files.set(path, bytes);
  const commit: Commit = {
    version: v, adds: [{ path, size: bytes.length, modificationTime: Math.floor(ts / 1000), dataChange: true, tags: { sha256: await sha256Hex(bytes), rows: String((await decodeEntries(bytes, path)).length) } }], removes: [],
    info: { timestamp: Math.floor(ts / 1000), operation: 'WRITE', engineInfo: 'crafted', duckpond: { txnSeq: v, command: 'crafted', timestampUs: ts, entries: 1 } },
  };
  files.set(logPath(v), encodeCommit(commit));
}

/** A well-formed snapshot zip whose manifest matches its contents. */
export async function zipOf(files: PondFiles, pondId: string | undefined): Promise<Uint8Array> {
  const list = await Promise.all([...files].map(async ([path, b]) => ({ path, size: b.length, sha256: await sha256Hex(b) })));
  const manifest = strToU8(JSON.stringify({ format: 'duckpond-snapshot', version: 1, ...(pondId ? { pondId } : {}), created: new Date().toISOString(), files: list }));
  return zipSync({ 'manifest.json': manifest, ...Object.fromEntries(files) }, { level: 0 });
}

/** Event times of year 1 and year 9999 (data, not damage: such a snapshot must import). */
export const farEventTimes = (f: PondFiles) => editRows(f, 2, (rows) => { rows[0]!.min_event_time = Date.UTC(1, 0, 1) * 1000; rows[0]!.max_event_time = Date.UTC(9999, 0, 1) * 1000; });

// --- the cases ------------------------------------------------------------------------------------------------------

export interface CraftedCase {
  name: string;
  /** The rule the validator must name. */
  rule: RuleName;
  craft(files: PondFiles, base: BasePond): Promise<void> | void;
}

/** A new file node `name` under the root: its row, and the root's version linking it. */
const childOfRoot = (name: string) => async (files: PondFiles, base: BasePond) => appendCommit(files, base, async (c) => {
  const id = uuidv7();
  return [c.dir(ROOT_ID, [{ name, node_id: id, entry_type: 'file:data' }]), await c.file(id, ROOT_ID, 'file:data', strToU8('x'))];
});

const link = (parent: string, name: string, target: string, type: EntryType) => (files: PondFiles, base: BasePond) =>
  appendCommit(files, base, (c) => [c.dir(c.ids[parent]!, [{ name, node_id: target.startsWith('/') ? c.ids[target]! : target, entry_type: type }])]);

const lastCommit = (files: PondFiles) => commitCount(files) - 1;

export const CRAFTED: CraftedCase[] = [
  // The log
  { name: 'a commit numbered 2^54', rule: 'commit-name', craft: (f) => void f.set('_delta_log/00018014398509481984.json', f.get(logPath(lastCommit(f)))!) },
  { name: 'a commit numbered 99999999999999999999', rule: 'commit-name', craft: (f) => void f.set('_delta_log/99999999999999999999.json', f.get(logPath(lastCommit(f)))!) },
  { name: 'a gap in the commit versions', rule: 'commit-contiguous', craft: (f) => { f.set(logPath(lastCommit(f) + 2), f.get(logPath(lastCommit(f)))!); } },
  { name: 'the last commit is not JSON', rule: 'commit-json', craft: (f) => void f.set(logPath(lastCommit(f)), strToU8('{"commitInfo": {\nnot json\n')) },
  { name: 'the last commit has no final newline (torn)', rule: 'commit-json', craft: (f) => { const b = f.get(logPath(lastCommit(f)))!; f.set(logPath(lastCommit(f)), b.subarray(0, b.length - 1)); } },
  { name: 'a commit without commitInfo', rule: 'commit-info', craft: (f) => setCommitLines(f, 1, commitLines(f, 1).filter((l) => !l.commitInfo)) },
  { name: "a commit whose txnSeq is not its version", rule: 'commit-info', craft: (f) => setCommitLines(f, 1, commitLines(f, 1).map((l) => (l.commitInfo ? { commitInfo: { ...l.commitInfo, duckpond: { ...l.commitInfo.duckpond, txnSeq: 7 } } } : l))) },
  { name: 'commit 0 without protocol', rule: 'commit-protocol', craft: (f) => setCommitLines(f, 0, commitLines(f, 0).filter((l) => !l.protocol)) },
  { name: 'an add without its tags', rule: 'commit-add', craft: (f) => setCommitLines(f, lastCommit(f), commitLines(f, lastCommit(f)).map((l) => (l.add ? { add: { ...l.add, tags: undefined } } : l))) },
  { name: 'an add of ../../x', rule: 'add-path', craft: (f) => setCommitLines(f, 1, commitLines(f, 1).map((l) => (l.add ? { add: { ...l.add, path: '../../x' } } : l))) },
  { name: 'an add of a file that is absent', rule: 'add-present', craft: (f) => { const add = commitLines(f, 1).find((l) => l.add)!.add; f.delete(add.path); } },
  { name: 'an add whose size is wrong', rule: 'add-size', craft: (f) => setCommitLines(f, 1, commitLines(f, 1).map((l) => (l.add ? { add: { ...l.add, size: l.add.size + 1 } } : l))) },
  { name: 'an add whose hash is wrong', rule: 'add-hash', craft: (f) => setCommitLines(f, 1, commitLines(f, 1).map((l) => (l.add ? { add: { ...l.add, tags: { ...l.add.tags, sha256: '0'.repeat(64) } } } : l))) },
  { name: 'a commit timestamp of 9.2e18 µs', rule: 'timestamp-range', craft: (f) => setCommitLines(f, 1, commitLines(f, 1).map((l) => (l.commitInfo ? { commitInfo: { ...l.commitInfo, duckpond: { ...l.commitInfo.duckpond, timestampUs: 9.2e18 } } } : l))) },
  { name: 'the pond id of commit 0 differs from the manifest', rule: 'pond-id', craft: (f) => setCommitLines(f, 0, commitLines(f, 0).map((l) => (l.metaData ? { metaData: { ...l.metaData, id: '0190f0d2-7a3c-7c1e-9f00-00000000beef' } } : l))) },
  // Checkpoints (a pond's own are checked against its commits in tests/unit/pond/validate-checkpoints.test.ts)
  { name: 'a checkpoint past the newest commit', rule: 'checkpoint', craft: (f) => void f.set('_delta_log/00000000000000000100.checkpoint.parquet', noiseBytes(300, 9)) },
  { name: 'a _last_checkpoint that is not JSON', rule: 'checkpoint', craft: (f) => void f.set('_delta_log/_last_checkpoint', strToU8('{"version": 1')) },
  // Rows
  { name: 'garbage oplog Parquet', rule: 'oplog-parquet', craft: (f) => replaceFile(f, 1, noiseBytes(3000, 3)) },
  { name: 'oplog Parquet of the wrong schema', rule: 'oplog-parquet', craft: async (f) => replaceFile(f, 1, await seriesParquet(0, 3)) },
  { name: 'an unknown entry type', rule: 'entry-type', craft: (f) => editRows(f, 1, (rows) => void ((rows[rows.length - 1] as { entry_type: string }).entry_type = 'file:evil')) },
  { name: 'a size of -5', rule: 'row-field', craft: (f) => editRows(f, 1, (rows) => void (rows.find((r) => r.entry_type === 'file:data' && r.content)!.size = -5)) },
  { name: 'a row timestamp of 9.2e18 µs', rule: 'timestamp-range', craft: (f) => editRows(f, 1, (rows) => void (rows[0]!.timestamp = 9.2e18)) },
  { name: 'min event time after max', rule: 'timestamp-range', craft: (f) => editRows(f, 2, (rows) => { rows[0]!.min_event_time = rows[0]!.max_event_time! + 1; }) },
  { name: "a row whose txn_seq is not its commit's", rule: 'row-txn', craft: (f) => editRows(f, 2, (rows) => void (rows[0]!.txn_seq = 1)) },
  { name: 'a version that does not increase', rule: 'row-version', craft: (f) => editRows(f, 2, (rows) => void (rows[0]!.version = 1)) },
  { name: 'inline content longer than its size', rule: 'inline-size', craft: (f) => editRows(f, 1, (rows) => void (rows.find((r) => r.entry_type === 'file:data' && r.content)!.size += 1)) },
  { name: 'inline content not matching its sha256', rule: 'inline-hash', craft: (f) => editRows(f, 1, (rows) => void rows.find((r) => r.entry_type === 'file:data' && r.content)!.content!.set(strToU8('HELLO'))) },
  { name: 'directory content that is not JSON', rule: 'directory-content', craft: (f) => editRows(f, 1, (rows) => { const d = rows.find((r) => r.entry_type === 'directory')!; d.content = strToU8('not json'); d.size = 8; }) },
  // Names
  ...([['with "/"', 'a/b'], ['".."', '..'], ['"."', '.'], ['empty', ''], ['with NUL', 'a\u0000b'], ['with a newline', 'evil\nFILE 0 B fake passwd'], ['of 10 000 characters', 'n'.repeat(10_000)]] as const)
    .map(([what, name]): CraftedCase => ({ name: `a name ${what}`, rule: 'name', craft: childOfRoot(name) })),
  // The tree
  {
    name: 'no root directory', rule: 'tree-root', craft: async (f) => {
      // The root's rows moved to another id: a tree of directories, but none is the root.
      const other = '0190f0d2-7a3c-7c1e-9f00-0000000000f0';
      for (const v of [0, 1]) await editRows(f, v, (rows) => rows.map((r) => (r.node_id === ROOT_ID ? { ...r, node_id: other, part_id: other } : r.part_id === ROOT_ID ? { ...r, part_id: other } : r)));
    },
  },
  { name: 'a directory that contains itself', rule: 'tree-cycle', craft: link('/a', 'self', '/a', 'directory') },
  { name: 'a directory that contains its parent', rule: 'tree-cycle', craft: link('/a/b', 'up', '/a', 'directory') },
  { name: 'a directory that contains the root', rule: 'tree-cycle', craft: link('/a/b', 'root', ROOT_ID, 'directory') },
  { name: 'two names for one node', rule: 'tree-parent', craft: link('/', 'alias', '/a/small.txt', 'file:data') },
  { name: "a child whose type contradicts its node", rule: 'tree-type', craft: link('/', 'x', '/a/small.txt', 'directory') },
  { name: 'a child name added twice', rule: 'tree-duplicate-name', craft: link('/', 'a', '/a/b', 'directory') },
  { name: 'a reference to a node that does not exist', rule: 'tree-dangling', craft: link('/', 'ghost', '0190f0d2-7a3c-7c1e-9f00-00000000dead', 'file:data') },
  {
    name: 'a 5000-deep chain', rule: 'tree-depth', craft: (f, base) => appendCommit(f, base, (c) => {
      const ids = Array.from({ length: 5000 }, () => uuidv7());
      return [c.dir(ROOT_ID, [{ name: 'deep', node_id: ids[0]!, entry_type: 'directory' }]), ...ids.map((id, i) => c.dir(id, i + 1 < ids.length ? [{ name: 'd', node_id: ids[i + 1]!, entry_type: 'directory' }] : []))];
    }),
  },
  // Content
  { name: 'an absent blob', rule: 'blob-present', craft: (f) => { for (const p of [...f.keys()]) if (p.startsWith('blobs/')) f.delete(p); } },
  { name: 'a blob with a flipped byte', rule: 'blob-hash', craft: (f) => { for (const [p, b] of f) if (p.startsWith('blobs/')) { const c = b.slice(); c[c.length >> 1]! ^= 1; f.set(p, c); } } },
  { name: 'series content that is not Parquet', rule: 'parquet-magic', craft: (f, base) => appendCommit(f, base, async (c) => [await c.file(c.ids['/a/b/temps']!, c.ids['/a/b']!, 'file:series', strToU8('time,temp\n1,2\n'))]) },
  {
    name: 'a series blob that is not Parquet', rule: 'parquet-magic', craft: async (f, base) => {
      const bytes = noiseBytes(70_000, 11);
      const sha = await sha256Hex(bytes);
      f.set(blobPath(sha), bytes);
      await appendCommit(f, base, (c) => [{ ...c.dir(c.ids['/a/b/temps']!, []), entry_type: 'file:series', part_id: c.ids['/a/b']!, content: null, sha256: sha, size: bytes.length }]);
    },
  },
  {
    name: 'a series whose recorded row-group range does not hash to what it records', rule: 'blob-ranges', craft: async (f, base) => {
      const bytes = noiseBytes(70_000, 12);
      bytes.set(strToU8('PAR1'), 0);
      bytes.set(strToU8('PAR1'), bytes.length - 4);
      const sha = await sha256Hex(bytes);
      f.set(blobPath(sha), bytes);
      const footer = [bytes.length - 100, 100, await sha256Hex(bytes.subarray(bytes.length - 100))];
      const ranges = JSON.stringify([footer, [4, 1000, '0'.repeat(64)]]);
      await appendCommit(f, base, (c) => [{
        ...c.dir(c.ids['/a/b/temps']!, []), entry_type: 'file:series', part_id: c.ids['/a/b']!, content: null, sha256: sha, size: bytes.length,
        extended_attributes: JSON.stringify({ parquet_ranges: ranges }),
      }]);
    },
  },
];
