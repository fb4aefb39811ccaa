// "Another device" for the pull and follow tests: a real PondService in a worker, with its own OPFS folder
// (ponds-producer/), its own names and remotes, and a coordinator of its own, so it shares nothing with the app's pond
// worker in the same browser profile but the bucket, as a second tablet would.
import * as Comlink from 'comlink';
import { installErrorTransfer } from '../../../src/api/error-transfer';
import { MemoryCoordinator } from '../../../src/pond/coordination';
import { MemoryRemoteConfigs } from '../../../src/service/backup/remotes';
import { apiOf } from '../../../src/service/expose';
import { PondService } from '../../../src/service/service';
import { MemoryPondNames } from '../../../src/service/settings/pond-names';
import { runCommandLine } from '../../../src/shell/run';
import { OpfsPondHost } from '../../../src/storage/pond-host';

installErrorTransfer();
const service = new PondService({
  host: new OpfsPondHost('ponds-producer'), names: new MemoryPondNames(), coordinator: new MemoryCoordinator(),
  remotes: new MemoryRemoteConfigs(), exec: runCommandLine,
});
Comlink.expose(apiOf(service));
