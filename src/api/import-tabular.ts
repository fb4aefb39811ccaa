// Host CSV or Parquet → a Parquet version with its event-time range, ready to become a table or series version.
import { PondError } from '../core/errors';
import type { FileEntryType } from '../core/entry';
import type { Transaction } from '../pond/transaction';
import { importCsv } from '../formats/csv';
import { hasParquetMagic } from '../formats/parquet';
import { importParquet } from '../formats/parquet-import';
import type { ImportResult } from '../formats/types';
import { getDuckDb } from '../query/duckdb';
import { checkSchemaCompatible } from '../query/schema';
import { loadParquetWasm } from '../core/parquet-wasm';
import { loadContent } from '../pond/blobs';
import { tableFromIPC, type Schema } from 'apache-arrow';
import { parsePath } from '../tinyfs/paths';
import { tryResolve } from '../tinyfs/resolve';
import type { VersionMeta } from '../tinyfs/wd';

export interface TabularVersion {
  parquet: Uint8Array;
  meta: VersionMeta;
  result: ImportResult;
}

const PAR1 = [0x50, 0x41, 0x52, 0x31];

export async function importTabular(
  tx: Transaction, file: { name: string; data: Blob }, target: string, type: FileEntryType,
  opts: { signal: AbortSignal; onProgress: (done: number, total: number | undefined) => void; timestampColumn?: string; timezone?: string; skipBadLines?: boolean },
): Promise<TabularVersion> {
  const head = new Uint8Array(await file.data.slice(0, 4).arrayBuffer());
  const isParquet = head.length === 4 && PAR1.every((b, i) => head[i] === b);
  if (type === 'file:table' && !isParquet) {
    throw new PondError('BAD_PARQUET', `${file.name}: a table must be a Parquet file, and this one does not begin with the PAR1 magic; copy it with --format data to keep it as raw bytes (or --format series to import a CSV)`, { detail: { name: file.name } });
  }
  const common = { signal: opts.signal, onProgress: opts.onProgress, timestampColumn: opts.timestampColumn, timezone: opts.timezone };
  const result = isParquet ? await importParquet(file.data, file.name, common) : await importCsv(await getDuckDb(), file.data, file.name, common);
  if (result.rejectedLines > 0 && !opts.skipBadLines) {
    const shown = result.rejects.slice(0, 5).map((r) => `line ${r.line}: ${r.errors.map((e) => e.type.toLowerCase() + (e.column ? ` (${e.column})` : '')).join(', ')}`);
    throw new PondError('BAD_CSV', `${file.name}: ${result.rejectedLines} bad line${result.rejectedLines === 1 ? '' : 's'}, nothing imported: ${shown.join('; ')}${result.rejectedLines > 5 ? '; …' : ''}`, { detail: { name: file.name, rejects: result.rejects.slice(0, 100) } });
  }
  const parquet = result.parquet;
  if (!parquet || !hasParquetMagic(parquet)) throw new PondError('INTERNAL', `${file.name}: the import produced no Parquet`);
  if (type === 'file:series') await checkAppend(tx, target, result, file.name);
  const attrs: Record<string, string> = {
    rows: String(result.rows),
    columns: JSON.stringify(result.columns.map((c) => ({ name: c.name, type: c.type }))),
    source: file.name,
  };
  if (result.timestampColumn) attrs.timestamp_column = result.timestampColumn;
  if (result.rejectedLines > 0) {
    // Skipped on request: the version remembers which lines it lacks, so `describe` can say so later.
    attrs.rejected_lines = String(result.rejectedLines);
    attrs.rejects = JSON.stringify(result.rejects.slice(0, 20).map((r) => ({ line: r.line, errors: r.errors.map((e) => e.type) })));
  }
  return { parquet, meta: { minEventTime: result.minEventTime, maxEventTime: result.maxEventTime, attrs }, result };
}

/** A series' new version may add columns but not change a column's type. */
async function checkAppend(tx: Transaction, target: string, result: ImportResult, name: string): Promise<void> {
  const existing = tryResolve(tx.state, parsePath(target))?.node;
  const last = existing?.versions[existing.versions.length - 1];
  if (!existing || !last) return;
  const bytes = await loadContent(tx.store, last, `${target} v${last.version}`);
  checkSchemaCompatible(await parquetSchema(bytes), result.schema, name);
}

/** The Arrow schema of a stored version (footer only: no row is decoded). */
async function parquetSchema(bytes: Uint8Array): Promise<Schema> {
  const pw = await loadParquetWasm();
  return tableFromIPC(pw.readSchema(bytes).intoIPCStream()).schema;
}
