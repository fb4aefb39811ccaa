// Runs a HydroVu collection inside a module worker, where the pond runs it (no DOM, no DOMParser).
import { collectDevice, HydroVuClient } from '../../../src/collect/hydrovu';

self.onmessage = async (e: MessageEvent<{ url: string; id: string; startTime: number }>) => {
  try {
    const client = new HydroVuClient({ baseUrl: e.data.url, clientId: 'test-client', clientSecret: 'test-secret' });
    const r = await collectDevice(client, { name: 'w', id: e.data.id }, { startTime: e.data.startTime, maxPoints: 1e6 });
    self.postMessage({
      rows: r.table?.numRows ?? 0,
      points: r.points,
      columns: r.table?.schema.fields.map((f) => f.name) ?? [],
      hasDomParser: typeof (self as { DOMParser?: unknown }).DOMParser !== 'undefined',
    });
  } catch (err) {
    self.postMessage({ error: String(err) });
  }
};
