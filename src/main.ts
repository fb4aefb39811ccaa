// Boots the app: connects to the pond worker, offers `window.pond` for scripting, and mounts the UI.
import { connectPond } from './ui/pond-client';
import { startHint } from './ui/remembered';
import type { ExecResult } from './api/pond-api';

const client = connectPond();
// Before the UI loads: the worker opens the pond used last and computes the chart drawn first while the page loads
// the rest (src/service/prepared-start.ts). It never fails; whatever it does not cover, the UI asks for as usual.
const hint = startHint();
if (hint) void client.api.prepareStart(hint).catch(() => undefined); // only if the worker is gone: the UI's calls say so

const app = import('./ui/app').then(({ mountApp }) => mountApp(document.body, client));

/**
 * Scripting: `await pond.exec('list -l')` → {stdout, stderr, exitCode}; `pond.api` is the whole PondApi.
 * The tab has one open pond shared with the UI: await `pond.ready` (the UI's start-up, e.g. the first-run demo)
 * before switching ponds from a script, or the two would interleave.
 */
const ready = app.then((a) => a.ready).then(() => undefined);
const scripting = {
  api: client.api,
  /**
   * Waits for start-up first: a script that runs as soon as the page loads would otherwise race the first-run demo
   * (or the reopening of the last pond) and be told "no pond is open". A start-up that failed (a pond that does not
   * open: the app shows why) still lets the command run, and the shell answers for the state the app is in.
   */
  exec: async (line: string, files: { name: string; data: Blob }[] = []): Promise<ExecResult> => {
    await ready.catch(() => undefined); // the failure is the app's to show; the command answers for what is open
    return client.api.exec(line, { files });
  },
  ready,
};
declare global {
  interface Window { pond: typeof scripting }
}
window.pond = scripting;

