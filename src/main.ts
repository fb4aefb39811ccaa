// Boots the app: connects to the pond worker, offers `window.pond` for scripting, and mounts the UI.
import { connectPond } from './ui/pond-client';
import type { ExecResult } from './api/pond-api';

const client = connectPond();

const app = import('./ui/app').then(({ mountApp }) => mountApp(document.body, client));

/**
 * Scripting: `await pond.exec('list -l')` → {stdout, stderr, exitCode}; `pond.api` is the whole PondApi.
 * The tab has one open pond shared with the UI: await `pond.ready` (the UI's start-up, e.g. the first-run demo)
 * before switching ponds from a script, or the two would interleave.
 */
const scripting = {
  api: client.api,
  exec: (line: string, files: { name: string; data: Blob }[] = []): Promise<ExecResult> => client.api.exec(line, { files }),
  ready: app.then((a) => a.ready).then(() => undefined),
};
declare global {
  interface Window { pond: typeof scripting }
}
window.pond = scripting;

