// Typed face of tests/servers/hydrovu-server.mjs (plain JS so it also runs standalone and from globalSetup).
// @ts-expect-error plain .mjs without declarations
import * as server from '../../servers/hydrovu-server.mjs';

export interface ServerStats {
  total: number;
  options: number;
  token: number;
  friendlynames: number;
  locations: number;
  data: number;
  throttled: number;
  unauthorized: number;
  notFound: number;
}

export interface TestLocation {
  id: string;
  name: string;
  start: number;
  end: number;
  intervalS: number;
  parameters: { parameterId: string; unitId: string; from?: number; until?: number; customParameter?: boolean }[];
}

export interface HydroVuTestServer {
  url: string;
  port: number;
  stats(): ServerStats;
  reset(): void;
  expireTokens(): void;
  setThrottle(dataRequestNumbers: number[]): void;
  close(): Promise<void>;
}

export interface HydroVuServerOptions {
  clientId?: string;
  clientSecret?: string;
  tokenLifetimeS?: number;
  locations?: TestLocation[];
  pageSeconds?: number;
  locationsPageSize?: number;
  throttle?: number[];
  retryAfterS?: number;
  cors?: 'full' | 'no-expose' | 'none';
}

export const startHydroVuServer: (o?: HydroVuServerOptions) => Promise<HydroVuTestServer> = server.startHydroVuServer;
export const defaultLocations: () => TestLocation[] = server.defaultLocations;
export const readingValue: (parameterId: string, t: number) => number = server.readingValue;
export const FRIENDLY_NAMES: { parameters: Record<string, string>; units: Record<string, string> } = server.FRIENDLY_NAMES;
