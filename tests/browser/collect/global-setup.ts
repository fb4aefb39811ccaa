// Starts the HydroVu-shaped test server in node for the browser tests and hands its URL to them.
import type { TestProject } from 'vitest/node';
import { startHydroVuServer } from '../../unit/collect/hydrovu-test-server';

declare module 'vitest' {
  export interface ProvidedContext {
    hydrovuUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startHydroVuServer({ retryAfterS: 1 });
  project.provide('hydrovuUrl', server.url);
  return () => server.close();
}
