// The first-run demo: a pond with a week of 10-minute lake readings (water temperature, dissolved oxygen,
// conductivity) generated here, imported as a series like any user CSV, plus a README. A newcomer sees a tree,
// versions, a chart and history within seconds, and the data goes through the real import path.
import type { PondInfo } from '../api/pond-api';
import type { PondClient } from './pond-client';

export const DEMO_POND_NAME = 'Demo pond';
export const DEMO_SERIES = '/sensors/lake-station/water.series';

const README = `# Demo pond

This pond was made for you on first start. It holds one week of made-up readings from a lake station,
every 10 minutes: water temperature (°C), dissolved oxygen (mg/L) and specific conductivity (µS/cm).

- ${DEMO_SERIES} is a series: every import of a CSV with the same columns adds a version.
- Try the shell: \`list -l\`, \`describe /sensors/**\`, \`show\`.
- Drop your own CSV anywhere on the window to import it.

Delete this pond from the header when you no longer need it.
`;

/** A small deterministic PRNG (mulberry32): the same demo every time, so screenshots and tests are stable. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number) => String(n).padStart(2, '0');
/** Zone-less `YYYY-MM-DD HH:MM:SS`: the import reads times without an offset as UTC. */
const stamp = (d: Date) =>
  `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:00`;

/** One week of 10-minute readings ending at the last UTC midnight before `now`. */
export function demoCsv(now = new Date()): string {
  const end = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const step = 10 * 60 * 1000;
  const start = end - 7 * 24 * 3600 * 1000;
  const rand = rng(42);
  const lines = ['timestamp,water_temp_c,dissolved_oxygen_mg_l,conductivity_us_cm'];
  let drift = 0;
  for (let t = start; t < end; t += step) {
    const day = ((t / 3600_000) % 24) / 24; // fraction of the UTC day: warmest mid-afternoon
    const temp = 14 + 2.2 * Math.sin(2 * Math.PI * (day - 0.375)) + (t - start) / (7 * 24 * 3600_000) + (rand() - 0.5) * 0.3;
    // Oxygen dissolves less in warmer water, and photosynthesis lifts it by day.
    const oxygen = 9.6 - 0.25 * (temp - 14) + 0.6 * Math.sin(2 * Math.PI * (day - 0.3)) + (rand() - 0.5) * 0.2;
    drift += (rand() - 0.5) * 1.5;
    const cond = 420 + drift + (rand() - 0.5) * 4;
    lines.push(`${stamp(new Date(t))},${temp.toFixed(2)},${oxygen.toFixed(2)},${cond.toFixed(1)}`);
  }
  return lines.join('\n') + '\n';
}

/** Creates and opens the demo pond; reports what it is doing for the splash screen. */
export async function createDemoPond(client: PondClient, say: (what: string) => void = () => undefined): Promise<PondInfo> {
  const { api } = client;
  say('Creating the demo pond…');
  const info = await api.createPond(DEMO_POND_NAME);
  await api.mkdir('/sensors/lake-station', { parents: true });
  say('Importing a week of sample sensor readings…');
  const csv = new Blob([demoCsv()], { type: 'text/csv' });
  await client.longOp((op) => api.copyIn([{ name: 'lake-station.csv', data: csv }], DEMO_SERIES, { format: 'series', ...op }));
  await api.writeFile('/README.md', new TextEncoder().encode(README));
  return { ...info, ...(await api.info()) };
}
