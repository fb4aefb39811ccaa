// Boots the app: connects to the pond worker, offers `window.pond` for scripting, and mounts the UI.
import { connectPond } from './ui/pond-client';
import type { ExecResult } from './api/pond-api';

const client = connectPond();

/** Scripting: `await pond.exec('list -l')` → {stdout, stderr, exitCode}; `pond.api` is the whole PondApi. */
const scripting = {
  api: client.api,
  exec: (line: string, files: { name: string; data: Blob }[] = []): Promise<ExecResult> => client.api.exec(line, { files }),
};
declare global {
  interface Window { pond: typeof scripting }
}
window.pond = scripting;

void import('./ui/app').then(({ mountApp }) => mountApp(document.body, client));
