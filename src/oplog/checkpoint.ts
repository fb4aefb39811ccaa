// Delta checkpoints (PROTOCOL.md, "Checkpoints"): every CHECKPOINT_INTERVAL versions, the table's state at that
// version in one Parquet file, `_delta_log/<20-digit version>.checkpoint.parquet` (the classic single-file form), and
// `_delta_log/_last_checkpoint` naming the newest one. A reader (this app's open, a pull, DuckDB or delta-rs reading a
// backup) then reads one file plus the JSON commits after it instead of every commit since the last compaction.
//
// One row per action: the protocol, the metaData and one add per live oplog file; the columns txn, add, remove,
// metaData and protocol are structs with the protocol's field names and types, each row filling exactly one of them.
// The pond writes no remove tombstones (optional in a checkpoint: nothing here vacuums) and no txn rows.
//
// A checkpoint is an optimisation: it is written after its commit is durable, through tmp/ and a move, and a
// missing, torn or disagreeing one is ignored (the JSON commits say the same). The pond's display name, which the
// JSON log keeps in commitInfo (not part of a checkpoint), is carried in metaData.configuration["duckpond.pondName"];
// Delta readers ignore configuration keys they do not know.
import { Field, Schema, Struct, Table, makeVector, tableFromIPC, tableToIPC, type Data } from 'apache-arrow';
import { PondError } from '../core/errors';
import { loadParquetWasm } from '../core/parquet-wasm';
import { LOG_DIR, OPLOG_SCHEMA_STRING, type AddAction } from './delta-log';
import {
  structBoolData, int32Data, int64Data, stringListData, stringMapData, structData, utf8Data,
} from './arrow-nested';

/** A checkpoint every this many versions (versions 100, 200 …), as Spark and delta-rs do by default. */
export const CHECKPOINT_INTERVAL = 100;
export const LAST_CHECKPOINT_PATH = `${LOG_DIR}/_last_checkpoint`;
export const POND_NAME_KEY = 'duckpond.pondName';

export function checkpointFileName(version: number): string {
  return `${String(version).padStart(20, '0')}.checkpoint.parquet`;
}

export function checkpointPath(version: number): string {
  return `${LOG_DIR}/${checkpointFileName(version)}`;
}

export function isCheckpointVersion(version: number): boolean {
  return version > 0 && version % CHECKPOINT_INTERVAL === 0;
}

/** The table's state at `version`, as a checkpoint records it. */
export interface CheckpointState {
  version: number;
  pondId: string;
  createdTime: number;
  /** The pond's display name as of `version`, if the log records one. */
  name?: string;
  /** The live oplog files, oldest first. */
  adds: AddAction[];
}

/** `_last_checkpoint` (PROTOCOL.md "Last Checkpoint File"): version and rows required, the rest informative. */
export interface LastCheckpoint {
  version: number;
  size: number;
  sizeInBytes?: number;
  numOfAddFiles?: number;
}

/** A struct column: `children` name → data, every field nullable (a row is null where another action fills it). */
function struct(valid: boolean[], children: [string, Data][]): Data {
  return structData(new Struct(children.map(([n, d]) => new Field(n, d.type, true))), valid, children.map(([, d]) => d));
}

/** The checkpoint as an Arrow table: [protocol, metaData, ...adds]. */
export function checkpointTable(s: CheckpointState): Table {
  const n = 2 + s.adds.length;
  const rows = [...Array(n).keys()];
  const isAdd = rows.map((i) => i >= 2);
  const add = (f: (a: AddAction) => unknown) => rows.map((i) => (i >= 2 ? f(s.adds[i - 2]!) : null));
  const nulls = rows.map(() => null);
  const only = (k: number) => rows.map((i) => i === k);
  const columns: Record<string, Data> = {
    txn: struct(rows.map(() => false), [['appId', utf8Data(nulls)], ['version', int64Data(nulls)], ['lastUpdated', int64Data(nulls)]]),
    add: struct(isAdd, [
      ['path', utf8Data(add((a) => a.path) as (string | null)[])],
      ['partitionValues', stringMapData(add(() => ({})) as (Record<string, string> | null)[])],
      ['size', int64Data(add((a) => a.size) as (number | null)[])],
      ['modificationTime', int64Data(add((a) => a.modificationTime) as (number | null)[])],
      ['dataChange', structBoolData(add((a) => a.dataChange) as (boolean | null)[])],
      ['stats', utf8Data(add((a) => JSON.stringify({ numRecords: Number(a.tags.rows) })) as (string | null)[])],
      ['tags', stringMapData(add((a) => ({ sha256: a.tags.sha256, rows: a.tags.rows })) as (Record<string, string> | null)[])],
    ]),
    remove: struct(rows.map(() => false), [['path', utf8Data(nulls)], ['deletionTimestamp', int64Data(nulls)], ['dataChange', structBoolData(nulls)]]),
    metaData: struct(only(1), [
      ['id', utf8Data(rows.map((i) => (i === 1 ? s.pondId : null)))],
      ['name', utf8Data(rows.map((i) => (i === 1 ? 'duckpond oplog' : null)))],
      ['description', utf8Data(nulls)],
      ['format', struct(only(1), [['provider', utf8Data(rows.map((i) => (i === 1 ? 'parquet' : null)))], ['options', stringMapData(rows.map((i) => (i === 1 ? {} : null)))]])],
      ['schemaString', utf8Data(rows.map((i) => (i === 1 ? OPLOG_SCHEMA_STRING : null)))],
      ['partitionColumns', stringListData(rows.map((i) => (i === 1 ? [] : null)))],
      ['configuration', stringMapData(rows.map((i): Record<string, string> | null => (i === 1 ? (s.name !== undefined ? { [POND_NAME_KEY]: s.name } : {}) : null)))],
      ['createdTime', int64Data(rows.map((i) => (i === 1 ? s.createdTime : null)))],
    ]),
    protocol: struct(only(0), [['minReaderVersion', int32Data(rows.map((i) => (i === 0 ? 1 : null)))], ['minWriterVersion', int32Data(rows.map((i) => (i === 0 ? 2 : null)))]]),
  };
  const schema = new Schema(Object.entries(columns).map(([name, d]) => new Field(name, d.type, true)));
  return new Table(schema, Object.fromEntries(Object.entries(columns).map(([k, d]) => [k, makeVector(d)])));
}

/** The checkpoint Parquet file (ZSTD, like the oplog) and its row count. */
export async function encodeCheckpoint(s: CheckpointState): Promise<{ bytes: Uint8Array; rows: number }> {
  const pw = await loadParquetWasm();
  const props = new pw.WriterPropertiesBuilder().setCompression(pw.Compression.ZSTD).setCreatedBy('duckpond-web checkpoint').build();
  const table = checkpointTable(s);
  return { bytes: pw.writeParquet(pw.Table.fromIPCStream(tableToIPC(table, 'stream')), props), rows: table.numRows };
}

type Row = Record<string, unknown>;

/** An Arrow struct/map value as plain JS (MapRow and StructRow both have toJSON; int64 comes as bigint). */
function plain(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function' && !(v instanceof Uint8Array)) {
    const j = (v as { toJSON(): unknown }).toJSON();
    if (Array.isArray(j)) return j.map(plain);
    if (j && typeof j === 'object') return Object.fromEntries(Object.entries(j).map(([k, x]) => [k, plain(x)]));
    return j;
  }
  return v;
}

const isSafeCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

/**
 * Reads a checkpoint file; CORRUPT (naming the file and what is wrong) when it is not a whole checkpoint of this
 * pond's shape. Callers that only use checkpoints to go faster catch that and replay the JSON commits instead.
 */
export async function decodeCheckpoint(version: number, bytes: Uint8Array): Promise<CheckpointState> {
  const where = checkpointPath(version);
  const bad = (why: string, cause?: unknown) => new PondError('CORRUPT', `${where} ${why}`, { ...(cause ? { cause } : {}), detail: { path: where } });
  const pw = await loadParquetWasm();
  let table: Table;
  try {
    table = tableFromIPC(pw.readParquet(bytes).intoIPCStream());
  } catch (e) {
    throw bad(`cannot be read as Parquet: ${(e as Error)?.message ?? e}`, e);
  }
  const col = (name: string) => table.getChild(name);
  const [addCol, metaCol, protoCol, removeCol] = [col('add'), col('metaData'), col('protocol'), col('remove')];
  if (!addCol || !metaCol || !protoCol) throw bad('lacks the add, metaData or protocol column');
  const adds: AddAction[] = [];
  let meta: Row | undefined;
  let protocol: Row | undefined;
  for (let i = 0; i < table.numRows; i++) {
    const a = plain(addCol.get(i)) as Row | null;
    const m = plain(metaCol.get(i)) as Row | null;
    const p = plain(protoCol.get(i)) as Row | null;
    if (removeCol && removeCol.get(i) !== null) throw bad(`row ${i} is a remove: the pond writes none`);
    if ([a, m, p].filter((x) => x !== null).length !== 1) throw bad(`row ${i} is not exactly one add, metaData or protocol action`);
    if (a) {
      const tags = a.tags as Row | null;
      if (typeof a.path !== 'string' || !isSafeCount(a.size) || !isSafeCount(a.modificationTime) || typeof a.dataChange !== 'boolean'
        || typeof tags?.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(tags.sha256) || typeof tags.rows !== 'string' || !/^\d{1,15}$/.test(tags.rows)) {
        throw bad(`row ${i}: an add lacks path, size, modificationTime, dataChange or its tags (sha256, rows)`);
      }
      adds.push({ path: a.path, size: a.size, modificationTime: a.modificationTime, dataChange: a.dataChange, tags: { sha256: tags.sha256, rows: tags.rows } });
    } else if (m) {
      if (meta) throw bad('has two metaData rows');
      meta = m;
    } else {
      if (protocol) throw bad('has two protocol rows');
      protocol = p!;
    }
  }
  if (!protocol || protocol.minReaderVersion !== 1 || protocol.minWriterVersion !== 2) throw bad('lacks the protocol (minReaderVersion 1, minWriterVersion 2)');
  if (!meta || typeof meta.id !== 'string' || !isSafeCount(meta.createdTime) || meta.schemaString !== OPLOG_SCHEMA_STRING || (meta.format as Row | null)?.provider !== 'parquet') {
    throw bad('lacks a metaData row with the pond id, createdTime, Parquet format and the oplog schema');
  }
  const name = (meta.configuration as Row | null)?.[POND_NAME_KEY];
  if (name !== undefined && typeof name !== 'string') throw bad(`records a pond name that is not a string`);
  if (new Set(adds.map((a) => a.path)).size !== adds.length) throw bad('adds one file twice');
  return { version, pondId: meta.id, createdTime: meta.createdTime, adds, ...(typeof name === 'string' ? { name } : {}) };
}

export function encodeLastCheckpoint(l: LastCheckpoint): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(l));
}

/** `_last_checkpoint`'s content, or undefined when it is not a whole one (the reader then ignores it). */
export function parseLastCheckpoint(bytes: Uint8Array): LastCheckpoint | undefined {
  try {
    const j = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as Partial<LastCheckpoint>;
    if (!isSafeCount(j.version) || !isCheckpointVersion(j.version) || !isSafeCount(j.size)) return undefined;
    return { version: j.version, size: j.size, ...(isSafeCount(j.sizeInBytes) ? { sizeInBytes: j.sizeInBytes } : {}), ...(isSafeCount(j.numOfAddFiles) ? { numOfAddFiles: j.numOfAddFiles } : {}) };
  } catch {
    return undefined; // a torn or foreign file: not a checkpoint pointer this app wrote
  }
}
