// Starts the echo server (tests/servers/echo-server.mjs) for the network-worker tests and hands its URL to them.
import type { TestProject } from 'vitest/node';
// @ts-expect-error plain .mjs without declarations
import { startEchoServer } from '../../servers/echo-server.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    echoUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = (await startEchoServer()) as { url: string; close(): Promise<void> };
  project.provide('echoUrl', server.url);
  return () => server.close();
}
