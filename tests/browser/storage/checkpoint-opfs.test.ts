// Checkpoints and the state snapshot on real OPFS in Chromium: a pond of 250 transactions has checkpoints at 100 and
// 200, and opening it from them (or from the snapshot) gives the state that replaying the JSON commits gives.
import { afterAll, describe, expect, it } from 'vitest';
import * as Comlink from 'comlink';
import type { CheckpointWorkerApi } from './checkpoint.worker';

const worker = new Worker(new URL('./checkpoint.worker.ts', import.meta.url), { type: 'module' });
const api = Comlink.wrap<CheckpointWorkerApi>(worker);
const roots: string[] = [];
afterAll(async () => {
  for (const r of roots) await api.remove(r);
  worker.terminate();
});

describe('checkpoints on OPFS', () => {
  it.each([
    // Compactions at 96 and 192: the checkpoint at 200 is the newest place to start from.
    ['compacting every 95', 95],
    ['never compacting', 1_000_000],
  ])('a pond of 250 transactions (%s) opens from its checkpoint and snapshot to the state of replaying every commit', async (_n, compactEvery) => {
    const root = `ponds/test-checkpoint-${crypto.randomUUID()}`;
    roots.push(root);
    const made = await api.make(root, 250, compactEvery);
    expect(made.names.filter((n) => n.endsWith('.checkpoint.parquet'))).toEqual(['00000000000000000100.checkpoint.parquet', '00000000000000000200.checkpoint.parquet']);
    expect(made.names).toContain('_last_checkpoint');
    const s = await api.states(root, compactEvery);
    expect(s.version).toBe(made.version);
    expect(s.fromCheckpoint.checkpoint).toBe(200);
    expect(s.fromJson.checkpoint).toBeNull();
    expect(s.fromCheckpoint.state).toEqual(s.fromJson.state);
    expect(s.opened).toEqual(s.fromJson.state);
    expect(s.opened).toEqual(made.live); // the writer's own state, built commit by commit
    expect(s.name).toBe('OPFS pond');

    // Torn checkpoint and snapshot (a crash while writing them, or damage): both are passed over.
    await api.tear(root, 200);
    const t = await api.states(root, compactEvery);
    expect(t.fromCheckpoint.checkpoint).toBeNull();
    expect(t.opened).toEqual(s.fromJson.state);
    expect(t.fromCheckpoint.state).toEqual(s.fromJson.state);
  }, 240_000);
});
