// What the UI remembers between starts, per device: the pond used last, and in each pond the node selected last and
// the chart last drawn in its default view. A restart then lands where the person left off (the folders open, the
// chart asked for with the tree instead of after a click per folder), and the page can tell the pond worker, before
// the UI has even loaded, which pond to open and which chart to compute (PondApi.prepareStart). UI state, not pond
// data: localStorage is enough, and losing it loses nothing but the convenience.
import { plausibleChart, type StartChart, type StartHint } from '../api/pond-api';
import { linkFromHash, publishedPond } from './open-link';

const LAST_POND = 'duckpond.lastPond';
const SELECTED = 'duckpond.lastSelected.';
const CHART = 'duckpond.lastChart.';


function read(key: string): string | undefined {
  try {
    return localStorage.getItem(key) ?? undefined;
  } catch {
    return undefined; // a storage the browser refuses (SecurityError): nothing remembered
  }
}

function write(key: string, value: string | undefined): void {
  try {
    if (value === undefined) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // QuotaExceededError or a storage the browser refuses (private modes): the next start just remembers less
  }
}

export const lastPond = (): string | undefined => read(LAST_POND);
export const rememberPond = (pondId: string): void => write(LAST_POND, pondId);

/** The path pond `pondId` had selected, if any. */
export const rememberedSelection = (pondId: string): string | undefined => read(SELECTED + pondId);
export const rememberSelection = (pondId: string, path: string): void => write(SELECTED + pondId, path);

/** Forgets what pond `pondId` had selected and drawn (the node is gone, or the pond is). */
export function forgetSelection(pondId: string): void {
  write(SELECTED + pondId, undefined);
  write(CHART + pondId, undefined);
}

export const rememberChart = (pondId: string, chart: StartChart): void => write(CHART + pondId, JSON.stringify(chart));

/** The chart pond `pondId` last drew, if it is of the node selected there (what a restart draws first). */
export function rememberedChart(pondId: string): StartChart | undefined {
  const raw = read(CHART + pondId);
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined; // SyntaxError: not what this app wrote (edited by hand, or an older form); nothing to hint
  }
  const c = plausibleChart(parsed);
  return c && c.path === rememberedSelection(pondId) ? c : undefined;
}

/** What the page tells the pond worker as it starts: unless the address or the site names a pond to open instead. */
export function startHint(): StartHint | undefined {
  if (linkFromHash(location.hash) !== undefined || publishedPond() !== undefined) return undefined;
  const pondId = lastPond();
  if (pondId === undefined) return undefined;
  const chart = rememberedChart(pondId);
  return chart ? { pondId, chart } : { pondId };
}
