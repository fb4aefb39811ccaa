/**
 * What an import of a host CSV or Parquet would do, before it does it: the first rows, every column with whether it
 * can hold the event times (and in which form), and the column the import would take. The same sampling and
 * detection as the imports (csv-dialect.ts, parquet-sample.ts, time-detect.ts), so the preview never promises
 * another column or form than the import then uses.
 *
 * API: previewCsv(db, source, name, opts) and previewParquet(source, name, opts) -> Preview
 */
import { DuckDBDataProtocol, type AsyncDuckDB } from '@duckdb/duckdb-wasm';
import { tableFromIPC } from 'apache-arrow';
import { PondError } from '../core/errors';
import { loadParquetWasm } from '../core/parquet-wasm';
import { checkStart } from './csv';
import { sampleCsv, sniff } from './csv-dialect';
import { hasParquetMagic } from './parquet';
import { sampleParquet } from './parquet-sample';
import { detectTime, timeChoice, type ColumnSample, type DetectOptions, type TimeChoice } from './time-detect';
import { assertTimeZone } from './timestamps';

export interface Preview {
  kind: 'csv' | 'parquet';
  columns: { name: string; type: string; timeCandidate: boolean; format?: string; zone?: string; why?: string }[];
  rows: (string | null)[][];
  timestampColumn: string | null;
  time: TimeChoice | null;
  tried: string[];
}

export type PreviewOptions = Pick<DetectOptions, 'timestampColumn' | 'dayFirst' | 'timezone'>;

const SAMPLE_ROWS = 5000; // as the CSV import: the preview must choose what the import chooses
const SHOWN_ROWS = 10;

function preview(kind: Preview['kind'], samples: ColumnSample[], rows: (string | null)[][], name: string, opts: PreviewOptions): Preview {
  if (opts.timezone) assertTimeZone(opts.timezone);
  const d = detectTime(samples, { ...opts, source: name });
  return {
    kind,
    columns: d.columns.map((c) => ({
      name: c.name, type: c.type, timeCandidate: !!c.candidate,
      ...(c.candidate ? { format: c.candidate.label, zone: c.candidate.zone } : {}), ...(c.why ? { why: c.why } : {}),
    })),
    rows: rows.slice(0, SHOWN_ROWS), timestampColumn: d.chosen, time: timeChoice(d), tried: d.tried,
  };
}

/** A CSV's preview, read by DuckDB (sniffer and a sample of the raw text). */
export async function previewCsv(db: AsyncDuckDB, source: Blob, name: string, opts: PreviewOptions = {}): Promise<Preview> {
  await checkStart(source, name);
  const file = `csv_preview_${crypto.randomUUID().replace(/-/g, '')}.csv`;
  await db.registerFileHandle(file, source, DuckDBDataProtocol.BROWSER_FILEREADER, true);
  const conn = await db.connect();
  try {
    const bad = (e: unknown) => new PondError('BAD_CSV', `${name}: cannot read it as CSV: ${String((e as Error)?.message ?? e).split(file).join(name)}`, { cause: e, detail: { name } });
    const dialect = await sniff(conn, file, undefined).catch((e) => { throw bad(e); });
    if (dialect.columns.length === 0) throw new PondError('BAD_CSV', `${name}: no columns found`, { detail: { name } });
    const { samples, rows } = await sampleCsv(conn, file, dialect, SAMPLE_ROWS).catch((e) => { throw bad(e); });
    return preview('csv', samples, rows, name, opts);
  } finally {
    await conn.close().catch(() => undefined); // closing after a failure: the failure is the one to report
    await db.dropFile(file).catch(() => undefined);
  }
}

/** A Parquet file's preview, read by parquet-wasm alone (no DuckDB). */
export async function previewParquet(source: Blob, name: string, opts: PreviewOptions = {}): Promise<Preview> {
  const bytes = new Uint8Array(await source.arrayBuffer());
  if (!hasParquetMagic(bytes)) throw new PondError('BAD_PARQUET', `${name}: not a Parquet file (it lacks the PAR1 magic at its start and end)`, { detail: { name } });
  const pw = await loadParquetWasm();
  let schema;
  try {
    schema = tableFromIPC(pw.readSchema(bytes).intoIPCStream()).schema;
  } catch (e) {
    throw new PondError('BAD_PARQUET', `${name}: cannot read its schema: ${String((e as Error)?.message ?? e)}`, { cause: e, detail: { name } });
  }
  const { samples, rows } = sampleParquet(pw, bytes, schema, SAMPLE_ROWS, name);
  return preview('parquet', samples, rows, name, opts);
}
