// The network worker: the one place the app's fetches to other origins (S3, presign endpoints, HydroVu) run.
// The service worker serves this script with a Content-Security-Policy whose connect-src lists exactly the origins
// the user configured (workers/sw.ts), so the pond worker and the page keep `connect-src 'self'`. The pond worker
// starts a fresh one when the configuration changes (src/service/net-fetch.ts); messages are that file's NetMessage.
import type { NetMessage, NetReply } from '../src/service/net-fetch';

/** Requests in flight, until their response body has been fully passed on (or failed, or was cancelled). */
const inflight = new Map<number, AbortController>();
let retired = false;
/** Origins this worker's policy refused, as the browser reports them (the fetch itself only says "Failed to fetch"). */
const refused = new Set<string>();
self.addEventListener('securitypolicyviolation', (e) => refused.add(new URL(e.blockedURI, location.href).origin));

// Closing is delayed a little: the last chunks of a body may still be on their way through the transferred stream.
const closeIfDone = () => { if (retired && inflight.size === 0) setTimeout(() => { if (inflight.size === 0) self.close(); }, 5_000); };

self.onmessage = async (e: MessageEvent<NetMessage>) => {
  const msg = e.data;
  if (msg.kind === 'retire') return void ((retired = true), closeIfDone());
  if (msg.kind === 'abort') return void inflight.get(msg.id)?.abort();
  const controller = new AbortController();
  inflight.set(msg.id, controller);
  const finished = () => void (inflight.delete(msg.id), closeIfDone());
  try {
    const res = await fetch(msg.url, { method: msg.method, headers: msg.headers, body: msg.body, cache: msg.cache, redirect: 'follow', signal: controller.signal });
    // The body goes to the pond worker as a stream; the request stays cancellable until that stream ends.
    let body: ReadableStream<Uint8Array> | null = null;
    if (res.body) {
      // 2 MiB of slack on each side, so the network keeps flowing while chunks wait to cross to the pond worker.
      const slack = { highWaterMark: 2 * 1024 * 1024, size: (c: Uint8Array) => c.byteLength };
      const pass = new TransformStream<Uint8Array, Uint8Array>(undefined, slack, slack);
      // Settles when the body ends, fails or is cancelled by the reader; the reader sees any failure itself.
      void res.body.pipeTo(pass.writable).catch(() => undefined).finally(finished);
      body = pass.readable;
    } else {
      finished();
    }
    const reply: NetReply = { id: msg.id, ok: true, status: res.status, statusText: res.statusText, url: res.url, headers: [...res.headers], body };
    postMessage(reply, body ? [body] : []);
  } catch (err) {
    finished();
    // The violation event is queued as a task; one turn later it has arrived if the policy was the reason.
    await new Promise((r) => setTimeout(r, 0));
    const error = err as Error;
    const reply: NetReply = { id: msg.id, ok: false, name: error?.name ?? 'Error', message: String(error?.message ?? err), refusedByPolicy: refused.has(new URL(msg.url).origin) };
    postMessage(reply);
  }
};
