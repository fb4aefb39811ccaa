// What the pond worker hands to comlink: an object with exactly the PondApi methods, each bound to the service, so the
// UI (or a script in the console) can reach nothing else of it: not the open pond, not `transact`, not its stores.
import { POND_API_METHODS, type PondApi } from '../api/pond-api';

export function apiOf(service: PondApi): PondApi {
  const api: Record<string, unknown> = {};
  for (const name of POND_API_METHODS) {
    const method = service[name] as (...args: unknown[]) => unknown;
    api[name] = (...args: unknown[]) => method.apply(service, args);
  }
  return Object.freeze(api) as unknown as PondApi;
}
