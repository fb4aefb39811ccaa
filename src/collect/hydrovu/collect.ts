import type { Table } from 'apache-arrow';
import { PondError, throwIfAborted } from '../../core/errors';
import { WideRows } from '../wide-table';
import type { HydroVuClient } from './client';
import type { FriendlyNames } from './types';

/** With no stored data and no configured startTime, a device starts this many days before now (never at the epoch). */
export const DEFAULT_WINDOW_DAYS = 30;

/** Progress of one device's collection, reported after every page. */
export interface CollectProgress {
  device: string;
  pages: number;
  points: number;
  requests: number;
  /** Latest reading seen so far, UTC µs. */
  lastTime: number | null;
}

export interface CollectOptions {
  /** Max event time already stored for this device, UTC µs; collection resumes 1 s after it. */
  since?: number;
  /** Start for a device with no data, UTC seconds (HydroVuConfig.startTime). */
  startTime?: number;
  maxPoints: number;
  signal?: AbortSignal;
  onProgress?: (p: CollectProgress) => void;
  /** Friendly names, when the caller collects several devices with one lookup. */
  names?: FriendlyNames;
  /** Clock in ms for the default window (tests). */
  now?: () => number;
}

export interface CollectResult {
  /** Wide table (timestamp + `{Parameter}.{Unit}` Float64 columns), or null when there was nothing new. */
  table: Table | null;
  points: number;
  requests: number;
}

/** Column name `{Parameter}.{Unit}` from the friendly names; unknown ids fall back to the id itself. */
export function columnName(names: FriendlyNames, parameterId: string, unitId: string): string {
  return `${names.parameters.get(parameterId) ?? parameterId}.${names.units.get(unitId) ?? unitId}`;
}

/** The first second to ask for: since + 1 s, else the configured start, else now minus the default window. */
export function resumeStartSeconds(opts: Pick<CollectOptions, 'since' | 'startTime' | 'now'>): number {
  if (opts.since !== undefined) {
    if (!Number.isFinite(opts.since) || opts.since < 0) throw new PondError('INVALID_INPUT', `since must be UTC microseconds (got ${opts.since})`);
    return Math.floor(opts.since / 1e6) + 1;
  }
  if (opts.startTime !== undefined) return Math.floor(opts.startTime);
  return Math.floor((opts.now ?? Date.now)() / 1000) - DEFAULT_WINDOW_DAYS * 86_400;
}

/**
 * Collects new readings of one HydroVu location as one wide table (to be appended as a new version of
 * `devices/{id}/{name}.series`). Pages are followed until the server has no next page or `maxPoints` is reached;
 * rows are then cut at a whole timestamp so the next run, resuming after the max time, misses nothing.
 */
export async function collectDevice(
  client: HydroVuClient,
  device: { name: string; id: string },
  opts: CollectOptions,
): Promise<CollectResult> {
  if (!Number.isSafeInteger(opts.maxPoints) || opts.maxPoints < 1) {
    throw new PondError('INVALID_INPUT', `maxPoints must be a positive integer (got ${opts.maxPoints})`);
  }
  const requestsBefore = client.stats.requests;
  const names = opts.names ?? (await client.friendlyNames(opts.signal));
  const startTime = resumeStartSeconds(opts);
  const sinceMicros = opts.since ?? -Infinity;
  const rows = new WideRows();
  const seenPages = new Set<string>();
  let page = '';
  let pages = 0;
  for (;;) {
    throwIfAborted(opts.signal, `collecting ${device.name}`);
    const got = await client.dataPage(device.id, startTime, page, opts.signal);
    if (got === null) break; // 404: nothing at or after startTime
    pages++;
    for (const p of got.value.parameters) {
      const column = columnName(names, p.parameterId, p.unitId);
      for (const r of p.readings) {
        const micros = Math.round(r.timestamp * 1e6);
        // The server may repeat the boundary second; what is stored already must not come back.
        if (r.value === null || micros <= sinceMicros || r.timestamp < startTime) continue;
        rows.set(micros, column, r.value);
      }
    }
    opts.onProgress?.({
      device: device.name,
      pages,
      points: rows.points,
      requests: client.stats.requests - requestsBefore,
      lastTime: rows.maxTime(),
    });
    if (rows.points >= opts.maxPoints || got.nextPage === null) break;
    if (seenPages.has(got.nextPage)) {
      throw new PondError('INVALID_INPUT', `HydroVu v1/locations/${device.id}/data: the next-page cursor repeats (${got.nextPage})`);
    }
    seenPages.add(got.nextPage);
    page = got.nextPage;
  }
  if (rows.points > opts.maxPoints) rows.truncateToPoints(opts.maxPoints);
  return { table: rows.toTable(), points: rows.points, requests: client.stats.requests - requestsBefore };
}
