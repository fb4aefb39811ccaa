// The pond worker: the only owner of the ponds' OPFS files. It exposes PondService's PondApi methods, and only
// those, through comlink.
import * as Comlink from 'comlink';
import { IdbConnectOrigins } from '../src/service/settings/connect-origins';
import { installErrorTransfer } from '../src/api/error-transfer';
import { NetFetch } from '../src/service/net-fetch';
import { IdbSecretStore } from '../src/service/settings/collect-secrets';
import { IdbPondNames } from '../src/service/settings/pond-names';
import { IdbRemoteConfigs } from '../src/service/backup/remotes';
import { IdbFollowSettings } from '../src/service/settings/follow-settings';
import { IdbAutoPushSettings } from '../src/service/settings/auto-push-settings';
import { apiOf } from '../src/service/expose';
import { PondService } from '../src/service/service';
import { BrowserCoordinator } from '../src/pond/coordination';
import { runCommandLine } from '../src/shell/run';
import { OpfsPondHost } from '../src/storage/pond-host';
import { loadParquetWasm } from '../src/core/parquet-wasm';

installErrorTransfer();
// Opening a pond decodes its oplog with parquet-wasm, and the first chart reads Parquet with it: its 5 MB of wasm are
// fetched and compiled now, while the page is still asking which pond to open, not once the open needs them.
loadParquetWasm().catch(() => undefined); // a failed load is cached and rejects again, with its cause, where it is used
// Other origins are reached only from the network worker, whose policy lists the ones configured here.
const connectOrigins = new IdbConnectOrigins();
const service = new PondService({
  host: new OpfsPondHost(),
  names: new IdbPondNames(),
  coordinator: new BrowserCoordinator(),
  exec: runCommandLine,
  secrets: new IdbSecretStore(),
  remotes: new IdbRemoteConfigs(),
  follows: new IdbFollowSettings(),
  autoPush: new IdbAutoPushSettings(),
  connectOrigins,
  fetch: new NetFetch(connectOrigins).fetch,
});
Comlink.expose(apiOf(service));
