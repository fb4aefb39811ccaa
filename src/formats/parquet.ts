// Arrow <-> Parquet through parquet-wasm. DuckDB-wasm has no Parquet reader offline (stack-notes.md), so all
// Parquet in the project goes through here.
import { tableFromIPC, tableToIPC, type Schema, type Table } from 'apache-arrow';
import { PondError } from '../core/errors';
import { loadParquetWasm } from '../core/parquet-wasm';

const MAGIC = [0x50, 0x41, 0x52, 0x31]; // "PAR1"

/** True when `bytes` starts and ends with the Parquet magic. */
export function hasParquetMagic(bytes: Uint8Array): boolean {
  if (bytes.length < 12) return false;
  const end = bytes.length - 4;
  return MAGIC.every((b, i) => bytes[i] === b && bytes[end + i] === b);
}

export interface ParquetWriteOptions {
  compression?: 'zstd' | 'snappy' | 'uncompressed';
  /** Rows per row group; bounded so readers (and parquet-wasm's heap) stay bounded. */
  rowGroupRows?: number;
}

/** The writer settings every Parquet version we store uses (one place, so stored versions look alike). */
export async function writerProperties(options: ParquetWriteOptions = {}) {
  const pw = await loadParquetWasm();
  const compression = { zstd: pw.Compression.ZSTD, snappy: pw.Compression.SNAPPY, uncompressed: pw.Compression.UNCOMPRESSED }[options.compression ?? 'zstd'];
  return new pw.WriterPropertiesBuilder()
    .setCompression(compression)
    .setMaxRowGroupSize(options.rowGroupRows ?? 128 * 1024)
    .setCreatedBy('duckpond-web')
    .build();
}

/** Encodes an Arrow table as one Parquet file. */
export async function arrowToParquet(table: Table, options: ParquetWriteOptions = {}): Promise<Uint8Array> {
  const pw = await loadParquetWasm();
  const props = await writerProperties(options);
  const wasmTable = pw.Table.fromIPCStream(tableToIPC(table, 'stream'));
  return pw.writeParquet(wasmTable, props);
}

/** Decodes a whole Parquet file (or only `rowGroups` of it) to Arrow; `name` is used in the error for bad input. */
export async function parquetToArrow(bytes: Uint8Array, name = 'parquet data', columns?: string[], rowGroups?: number[]): Promise<Table> {
  if (!hasParquetMagic(bytes)) {
    throw new PondError('BAD_PARQUET', `${name}: not a Parquet file (it lacks the PAR1 magic at its start and end)`, { detail: { name } });
  }
  const pw = await loadParquetWasm();
  try {
    const wasmTable = pw.readParquet(bytes, columns || rowGroups ? { ...(columns ? { columns } : {}), ...(rowGroups ? { rowGroups } : {}) } : undefined);
    return tableFromIPC(wasmTable.intoIPCStream());
  } catch (e) {
    throw new PondError('BAD_PARQUET', `${name}: cannot read Parquet: ${String((e as Error)?.message ?? e)}`, { cause: e, detail: { name } });
  }
}

/** The Arrow schema of a Parquet file, from its footer alone (no row is decoded); `name` is used in the error. */
export async function parquetSchema(bytes: Uint8Array, name = 'parquet data'): Promise<Schema> {
  if (!hasParquetMagic(bytes)) {
    throw new PondError('BAD_PARQUET', `${name}: not a Parquet file (it lacks the PAR1 magic at its start and end)`, { detail: { name } });
  }
  const pw = await loadParquetWasm();
  try {
    return tableFromIPC(pw.readSchema(bytes).intoIPCStream()).schema;
  } catch (e) {
    throw new PondError('BAD_PARQUET', `${name}: cannot read Parquet: ${String((e as Error)?.message ?? e)}`, { cause: e, detail: { name } });
  }
}
