import { expect, it } from 'vitest';
import { tableFromArrays } from 'apache-arrow';
import { arrowToParquet, parquetToArrow } from '../../../src/formats/parquet';
import { getDuckDb } from '../../../src/query/duckdb';

it('parquet-wasm and duckdb-wasm work together in Chromium', async () => {
  const t = tableFromArrays({ v: Float64Array.from([1, 2, 3, 4]) });
  const back = await parquetToArrow(await arrowToParquet(t));
  const db = await getDuckDb();
  const c = await db.connect();
  await c.insertArrowTable(back, { name: 'smoke' });
  const r = await c.query('SELECT sum(v) AS s FROM smoke');
  expect(r.getChild('s')?.get(0)).toBe(10);
  await c.close();
});
