// The work under the first chart of the demo series, done the way the app does it, with nothing of the app around it:
// the stored Parquet decoded with parquet-wasm (its time and value columns) and M4-ed over its whole span. Shared by
// the two baselines of ui/first-chart-offline: the bare worker (bench/firstscreen.bench.ts) and the bare page.
import { loadParquetWasm } from '../../src/core/parquet-wasm';
import { parquetToArrow } from '../../src/formats/parquet';
import { m4Compute, toColumnArray } from '../../src/query/m4-fast';
import type { M4Result } from '../../src/query/m4';
import { timeArray } from '../../src/query/parquet-plot';

/** Where the UI benchmark leaves the demo series' own stored version in OPFS. */
export const DEMO_PARQUET = 'firstscreen-demo.parquet';
export const DEMO_COLUMNS = ['water_temp_c', 'dissolved_oxygen_mg_l', 'conductivity_us_cm'];
const WIDTH = 900; // about the chart's width at 1280 px

/** `bytes` (the demo version) decoded and M4-ed at the chart's width; parquet-wasm started first if it is not yet. */
export async function m4OfDemo(bytes: Uint8Array): Promise<M4Result> {
  await loadParquetWasm();
  const table = await parquetToArrow(bytes, DEMO_PARQUET, ['timestamp', ...DEMO_COLUMNS]);
  const time = timeArray(table.getChild('timestamp')!)!;
  const columns = new Map(DEMO_COLUMNS.map((c) => [c, toColumnArray(table.getChild(c)!)]));
  const t = time.t;
  const range: [number, number] = [t[0]!, t[t.length - 1]! + 1];
  return m4Compute([{ ...time, columns }], { timestampColumn: 'timestamp', columns: DEMO_COLUMNS, range, width: WIDTH }, range);
}
