// Device A of the pull and follow tests (producer.worker.ts), and the rows it writes with the answers they give.
import * as Comlink from 'comlink';
import { afterEach } from 'vitest';
import type { PondApi } from '../../../src/api/pond-api';
import { installErrorTransfer } from '../../../src/api/error-transfer';

const workers: Worker[] = [];
afterEach(() => { for (const w of workers.splice(0)) w.terminate(); });

/** A producer device: its own worker, OPFS folder and coordinator (terminated after the test). */
export function producer(): Comlink.Remote<PondApi> {
  installErrorTransfer();
  const w = new Worker(new URL('./producer.worker.ts', import.meta.url), { type: 'module', name: 'producer' });
  workers.push(w);
  return Comlink.wrap<PondApi>(w);
}

/** Hourly rows of day `day`: values base, base + 0.25, … (the expected answers are computed from these). */
export function dayRows(day: number, base: number): { ts: string; temp: number }[] {
  return Array.from({ length: 24 }, (_, i) => ({ ts: `2024-01-${String(day).padStart(2, '0')}T${String(i).padStart(2, '0')}:00:00Z`, temp: base + i * 0.25 }));
}

export const csv = (day: number, base: number) => ({ name: `day${day}.csv`, data: new Blob([`timestamp,temp\n${dayRows(day, base).map((r) => `${r.ts},${r.temp}`).join('\n')}\n`]) });

/** Count, min, max and sum of the temps of the given (day, base) CSVs. */
export function expected(days: [number, number][]) {
  const all = days.flatMap(([d, b]) => dayRows(d, b).map((r) => r.temp));
  return { n: all.length, lo: Math.min(...all), hi: Math.max(...all), total: all.reduce((s, x) => s + x, 0) };
}
