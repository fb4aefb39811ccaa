// PondServices over memory stores, sharing one host and coordinator like tabs of one browser.
import { MemoryPondNames } from '../../src/service/settings/pond-names';
import { PondService } from '../../src/service/service';
import { MemoryCoordinator } from '../../src/pond/coordination';
import { runCommandLine } from '../../src/shell/run';
import { MemoryPondHost } from '../../src/storage/pond-host';

export function memoryBrowser() {
  const host = new MemoryPondHost();
  const names = new MemoryPondNames();
  const coordinator = new MemoryCoordinator();
  return { host, tab: () => new PondService({ host, names, coordinator, exec: runCommandLine }) };
}

export const blobOf = (text: string) => new Blob([text]);
