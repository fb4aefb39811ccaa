// The baseline of the first-screen benchmark (bench/ui.bench.mjs, ui/start-offline-chart): reading the demo
// series' Parquet from OPFS and M4-ing it in a bare worker — parquet-wasm started in this fresh worker, the file read,
// decoded and bucketed with the JS M4 (m4-fast.ts), nothing of the app around it. The UI benchmark writes the
// demo pond's own stored version to OPFS as `firstscreen-demo.parquet` first; run alone, this builds an equivalent
// file from the demo CSV. Figure: that cold first pass; baseline: the same pass again, warm, in the same worker.
import { makeData, makeVector, Table, TimestampMicrosecond } from 'apache-arrow';
import { arrowToParquet } from '../src/formats/parquet';
import { demoCsv } from '../src/ui/demo-pond';
import { DEMO_COLUMNS, DEMO_PARQUET, m4OfDemo } from './bare-chart/read-m4';
import { median, round, timed, type Benchmark } from './types';

/** The demo series as the pond stores it, when the UI benchmark did not leave its own copy. */
async function demoParquet(): Promise<Uint8Array> {
  const lines = demoCsv(new Date(Date.UTC(2026, 0, 8))).trim().split('\n').slice(1).map((l) => l.split(','));
  const ts = BigInt64Array.from(lines, (l) => BigInt(Date.parse(`${l[0]!.replace(' ', 'T')}Z`)) * 1000n);
  const cols = Object.fromEntries(DEMO_COLUMNS.map((c, i) => [c, makeVector(Float64Array.from(lines, (l) => Number(l[i + 1])))]));
  const time = makeVector(makeData({ type: new TimestampMicrosecond('UTC'), length: ts.length, nullCount: 0, data: ts } as never));
  return arrowToParquet(new Table({ timestamp: time, ...cols }));
}

async function readDemo(): Promise<Uint8Array> {
  const root = await navigator.storage.getDirectory();
  const handle = await root.getFileHandle(DEMO_PARQUET).catch((e: unknown) => {
    if ((e as DOMException)?.name === 'NotFoundError') return undefined; // run alone: build one below
    throw e;
  });
  if (!handle) {
    const bytes = await demoParquet();
    const w = await (await root.getFileHandle(DEMO_PARQUET, { create: true })).createWritable();
    await w.write(bytes as Uint8Array<ArrayBuffer>);
    await w.close();
    return bytes;
  }
  return new Uint8Array(await (await handle.getFile()).arrayBuffer());
}

/** Read from OPFS, decode the time and value columns, M4 over the whole span. */
async function readAndM4(): Promise<number> {
  return (await m4OfDemo(await readDemo())).x.length;
}

export const benchmarks: Benchmark[] = [
  {
    name: 'firstscreen/bare-read-m4',
    goal: 'baseline for ui/start-offline-chart (no goal of its own)',
    async run(ctx) {
      const [cold, points] = await timed(readAndM4);
      const warm: number[] = [];
      for (let i = 0; i < (ctx.quick ? 3 : 10); i++) warm.push((await timed(readAndM4))[0]);
      return {
        figure: round(cold), unit: 'ms', baseline: round(median(warm)), baselineLabel: 'the same pass warm (median)',
        notes: `${points} points; cold = parquet-wasm started in this fresh worker + OPFS read + decode + JS M4`,
      };
    },
  },
];
