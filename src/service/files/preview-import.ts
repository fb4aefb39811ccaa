// `previewImport`: what an import of one host CSV or Parquet would take as its time column, with its first rows.
// Parquet is read by parquet-wasm alone; a CSV needs DuckDB's sniffer, as its import does.
import type { ImportPreview, PreviewOptions } from '../../api/pond-api';
import { previewCsv, previewParquet } from '../../formats/import-preview';
import { getDuckDb } from '../../query/duckdb';

const PAR1 = [0x50, 0x41, 0x52, 0x31];

export async function previewImport(file: { name: string; data: Blob }, opts: PreviewOptions = {}): Promise<ImportPreview> {
  const head = new Uint8Array(await file.data.slice(0, 4).arrayBuffer());
  const isParquet = head.length === 4 && PAR1.every((b, i) => head[i] === b);
  return isParquet ? previewParquet(file.data, file.name, opts) : previewCsv(await getDuckDb(), file.data, file.name, opts);
}
