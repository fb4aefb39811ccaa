// What the network worker costs (src/service/net-fetch.ts + workers/net.worker.ts): every request to S3 or HydroVu
// crosses from the pond worker to it and back, so uploads, downloads and small requests are timed through it beside
// the same requests made with fetch directly in the same worker, interleaved, against a local echo server.
import { MemoryConnectOrigins } from '../src/service/settings/connect-origins';
import { NetFetch } from '../src/service/net-fetch';
import { median, quantile, round, timed, type Benchmark } from './types';

const MiB = 1024 * 1024;

function echoUrl(): string {
  const url = import.meta.env.VITE_BENCH_ECHO_URL as string | undefined;
  if (!url) throw new Error('no echo server: run through `npm run bench` (tools/bench.mjs starts it and sets VITE_BENCH_ECHO_URL)');
  return url;
}

const direct: typeof fetch = (input, init) => fetch(input, init);

/** `total` bytes uploaded as 4 MiB PUTs, four in flight (as a multipart push sends them); MiB/s. */
async function uploads(f: typeof fetch, total: number): Promise<number> {
  const part = new Uint8Array(4 * MiB).map((_, i) => i & 0xff);
  const count = total / part.byteLength;
  let next = 0;
  const [ms] = await timed(() => Promise.all(Array.from({ length: 4 }, async () => {
    while (next < count) {
      next++;
      const res = await f(`${echoUrl()}/part?sum=no`, { method: 'PUT', body: part });
      if ((await res.json()).size !== part.byteLength) throw new Error('short upload');
    }
  })));
  return total / MiB / (ms / 1000);
}

/** One `total`-byte download read to the end as a stream (as a restore reads), nothing kept; MiB/s. */
async function download(f: typeof fetch, total: number): Promise<number> {
  const [ms, bytes] = await timed(async () => {
    const reader = (await f(`${echoUrl()}/stream?chunks=${total / (64 * 1024)}`)).body!.getReader();
    let n = 0;
    for (let r = await reader.read(); !r.done; r = await reader.read()) n += r.value.byteLength;
    return n;
  });
  if (bytes !== total) throw new Error(`short download: ${bytes}`);
  return total / MiB / (ms / 1000);
}

/** Latencies (ms) of `n` small sequential requests. */
async function smallRequests(f: typeof fetch, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const [ms] = await timed(async () => (await f(`${echoUrl()}/small?i=${i}`)).json());
    out.push(ms);
  }
  return out;
}

/** Runs figure and baseline alternately `rounds` times (after one warm-up each) and returns their medians. */
async function interleaved(rounds: number, viaWorker: () => Promise<number>, viaFetch: () => Promise<number>): Promise<{ figure: number; baseline: number; samples: number[][] }> {
  await viaWorker();
  await viaFetch();
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < rounds; i++) {
    a.push(await viaWorker());
    b.push(await viaFetch());
  }
  return { figure: median(a), baseline: median(b), samples: [a, b] };
}

/** A throughput benchmark: `op` through the network worker beside `op` with fetch, `rounds` interleaved pairs. */
function throughput(name: string, mib: { full: number; quick: number }, rounds: number, what: string, op: (f: typeof fetch, total: number) => Promise<number>): Benchmark {
  return {
    name,
    goal: '≥ 0.8x direct fetch',
    met: (r) => r.figure / r.baseline >= 0.8,
    async run(ctx) {
      const net = new NetFetch(new MemoryConnectOrigins());
      const total = (ctx.quick ? mib.quick : mib.full) * MiB;
      const n = ctx.quick ? 1 : rounds;
      const r = await interleaved(n, () => op(net.fetch, total), () => op(direct, total));
      return { figure: round(r.figure), unit: 'MiB/s', baseline: round(r.baseline), baselineLabel: `the same ${total / MiB} MiB ${what} with fetch in this worker, median of ${n}`, details: { samples: r.samples } };
    },
  };
}

export const benchmarks: Benchmark[] = [
  throughput('net/upload', { full: 64, quick: 16 }, 3, 'as 4 MiB PUTs', uploads),
  throughput('net/download', { full: 128, quick: 16 }, 5, 'GET', download),
  {
    name: 'net/small-request',
    goal: 'p50 overhead < 2 ms',
    met: (r) => r.figure - r.baseline < 2,
    async run(ctx) {
      const net = new NetFetch(new MemoryConnectOrigins());
      const n = ctx.quick ? 50 : 300;
      await smallRequests(net.fetch, 20);
      await smallRequests(direct, 20);
      const viaWorker: number[] = [];
      const viaFetch: number[] = [];
      for (let i = 0; i < 3; i++) {
        viaWorker.push(...(await smallRequests(net.fetch, n / 3)));
        viaFetch.push(...(await smallRequests(direct, n / 3)));
      }
      return {
        figure: round(median(viaWorker)), unit: 'ms p50', baseline: round(median(viaFetch)), baselineLabel: `${n} small GETs with fetch in this worker (p50)`,
        notes: `p95 ${round(quantile(viaWorker, 0.95))} vs ${round(quantile(viaFetch, 0.95))} ms`,
      };
    },
  },
];
