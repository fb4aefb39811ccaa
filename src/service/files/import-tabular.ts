// Host CSV or Parquet → a Parquet version with its event-time range, ready to become a table or series version.
import { PondError } from '../../core/errors';
import type { FileEntryType } from '../../core/entry';
import type { Transaction } from '../../pond/transaction';
import { importCsv } from '../../formats/csv';
import { importSmallCsv, SMALL_CSV_BYTES } from '../../formats/csv-small';
import { importParquet } from '../../formats/parquet-import';
import type { ImportResult } from '../../formats/types';
import { duckDbReady, getDuckDb } from '../../query/duckdb';
import { checkSchemaCompatible } from '../../query/schema';
import { loadParquetWasm } from '../../core/parquet-wasm';
import { ContentSink, loadContent } from '../../pond/blobs';
import { uuidv7 } from 'uuidv7';
import { tableFromIPC, type Schema } from 'apache-arrow';
import { parsePath } from '../../tinyfs/paths';
import { tryResolve } from '../../tinyfs/resolve';
import type { PreparedContent, VersionMeta } from '../../tinyfs/wd';

export interface TabularVersion {
  /** The Parquet version, already stored (inline or as a blob) while it was produced. */
  content: PreparedContent;
  meta: VersionMeta;
  result: ImportResult;
}

const PAR1 = [0x50, 0x41, 0x52, 0x31];

export async function importTabular(
  tx: Transaction, file: { name: string; data: Blob }, target: string, type: FileEntryType,
  opts: {
    signal: AbortSignal; onProgress: (done: number, total: number | undefined) => void; timestampColumn?: string; timezone?: string; dayFirst?: boolean; skipBadLines?: boolean;
    /** Told each stage as it begins: 'starting the query engine' (a CSV before DuckDB is up), 'reading'. */
    onStage?: (stage: string) => void;
  },
): Promise<TabularVersion> {
  const head = new Uint8Array(await file.data.slice(0, 4).arrayBuffer());
  const isParquet = head.length === 4 && PAR1.every((b, i) => head[i] === b);
  // A small plain CSV before DuckDB is up is read in JS (csv-small.ts), so the first import after start-up does not
  // wait for DuckDB's start; any other CSV is read by DuckDB, whose start begins now, beside opening the sink.
  const tryJs = !isParquet && !duckDbReady() && file.data.size <= SMALL_CSV_BYTES;
  const engine = isParquet || tryJs ? undefined : getDuckDb('import');
  engine?.catch(() => undefined); // awaited below; this only marks it observed should the sink fail first
  // The Parquet output streams into the pond's content store as it is produced: a 1 GB CSV is never held whole.
  const sink = await ContentSink.open(tx.store, uuidv7);
  // A table is any CSV or Parquet (a CSV goes through the same CSV → Parquet path, a time column optional); a series
  // needs event times: without a time column it is refused before the file is read, naming the columns tried.
  const common = {
    signal: opts.signal, onProgress: opts.onProgress, timestampColumn: opts.timestampColumn, timezone: opts.timezone, dayFirst: opts.dayFirst,
    requireTime: type === 'file:series', sink: (chunk: Uint8Array) => sink.write(chunk),
  };
  let result: ImportResult;
  try {
    // The JS read takes milliseconds, so it names no stage of its own until it has taken the file (when it leaves
    // the file to DuckDB, the stages are DuckDB's).
    const js = tryJs ? await importSmallCsv(file.data, file.name, common) : undefined;
    if (js) {
      opts.onStage?.('reading');
      result = js;
    }
    else if (isParquet) {
      opts.onStage?.('reading');
      result = await importParquet(file.data, file.name, common);
    } else {
      if (!duckDbReady()) opts.onStage?.('starting the query engine');
      const db = await (engine ?? getDuckDb('import'));
      opts.onStage?.('reading');
      result = await importCsv(db, file.data, file.name, common);
    }
  } catch (e) {
    await sink.abort().catch(() => undefined); // the import's own error is the one to report
    throw e;
  }
  const content = await sink.finish();
  if (result.rejectedLines > 0 && !opts.skipBadLines) {
    const shown = result.rejects.slice(0, 5).map((r) => `line ${r.line}: ${r.errors.map((e) => e.type.toLowerCase() + (e.column ? ` (${e.column})` : '')).join(', ')}`);
    throw new PondError('BAD_CSV', `${file.name}: ${result.rejectedLines} bad line${result.rejectedLines === 1 ? '' : 's'}, nothing imported: ${shown.join('; ')}${result.rejectedLines > 5 ? '; …' : ''}`, { detail: { name: file.name, rejects: result.rejects.slice(0, 100) } });
  }
  if (content.size === 0) throw new PondError('INTERNAL', `${file.name}: the import produced no Parquet`);
  if (type === 'file:series' && !result.timestampColumn) {
    throw new PondError('INTERNAL', `${file.name}: imported as a series without a time column`, { detail: { name: file.name } }); // requireTime refuses first
  }
  if (type === 'file:series') await checkAppend(tx, target, result, file.name);
  const attrs: Record<string, string> = {
    rows: String(result.rows),
    columns: JSON.stringify(result.columns.map((c) => ({ name: c.name, type: c.type }))),
    source: file.name,
  };
  if (result.timestampColumn) attrs.timestamp_column = result.timestampColumn;
  if (result.time) {
    // How the times were read, so `describe` and the import result can say it (an assumed day/month order above all).
    attrs.time_format = result.time.format;
    if (result.time.dayOrder) attrs.day_order = `${result.time.dayFirst ? 'day first' : 'month first'} (${result.time.dayOrder})`;
  }
  if (result.rejectedLines > 0) {
    // Skipped on request: the version remembers which lines it lacks, so `describe` can say so later.
    attrs.rejected_lines = String(result.rejectedLines);
    attrs.rejects = JSON.stringify(result.rejects.slice(0, 20).map((r) => ({ line: r.line, errors: r.errors.map((e) => e.type) })));
  }
  if (result.outOfOrder > 0) attrs.out_of_order = String(result.outOfOrder);
  if (result.duplicateTimes > 0) attrs.duplicate_times = String(result.duplicateTimes);
  return { content, meta: { minEventTime: result.minEventTime, maxEventTime: result.maxEventTime, attrs }, result };
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
