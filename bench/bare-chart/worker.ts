// The bare page's worker (bench/bare-chart/page.ts): the demo series' stored Parquet, as the UI benchmark left it in
// OPFS, read, then decoded and M4-ed as the app does (read-m4.ts); parquet-wasm starts while the file is read.
import { loadParquetWasm } from '../../src/core/parquet-wasm';
import { DEMO_COLUMNS, DEMO_PARQUET, m4OfDemo } from './read-m4';

export type BareChartAnswer = { columns: string[]; x: Float64Array; y: Record<string, (number | null)[]> } | { error: string };

async function answer(): Promise<BareChartAnswer> {
  const [, file] = await Promise.all([loadParquetWasm(), navigator.storage.getDirectory().then((d) => d.getFileHandle(DEMO_PARQUET)).then((h) => h.getFile())]);
  const m4 = await m4OfDemo(new Uint8Array(await file.arrayBuffer()));
  return { columns: DEMO_COLUMNS, x: m4.x, y: m4.y };
}

answer().then(
  (a) => postMessage(a),
  (e: unknown) => postMessage({ error: String((e as Error)?.stack ?? e) }),
);
