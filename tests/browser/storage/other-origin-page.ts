// Runs the store worker in this page's origin and relays its comlink messages to the test page that opened it.
const worker = new Worker(new URL('./opfs-store.worker.ts', import.meta.url), { type: 'module' });
const { port1, port2 } = new MessageChannel();
port1.onmessage = (e) => worker.postMessage(e.data);
worker.onmessage = (e) => port1.postMessage(e.data);
(opener ?? parent).postMessage('opfs-store-worker', '*', [port2]);
