// Public surface of the HydroVu collector.
export { HydroVuClient, retryAfterMs, type HydroVuClientOptions, type ClientStats, type Paged } from './client';
export { collectDevice, columnName, resumeStartSeconds, DEFAULT_WINDOW_DAYS, type CollectOptions, type CollectProgress, type CollectResult } from './collect';
export {
  parseHydroVuConfig,
  toHydroVuConfig,
  validateBaseUrl,
  parseStartTime,
  DEFAULT_HYDROVU_BASE_URL,
  DEFAULT_MAX_POINTS_PER_RUN,
  type HydroVuConfig,
  type HydroVuDevice,
} from './config';
export { parseJsonKeepingIds, quoteIds } from './json';
export type { FriendlyNames, HydroVuLocation, HydroVuDataPage, HydroVuParameter } from './types';
