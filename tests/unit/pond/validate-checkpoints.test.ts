// The snapshot validator and checkpoints: a pond's own checkpoints pass and leave the content root as it was; one
// that disagrees with the JSON commits, names another pond or the wrong name, or a stale pointer, is refused.
import { describe, expect, it } from 'vitest';
import { Pond } from '../../../src/pond/pond';
import { checkSnapshot } from '../../../src/pond/validate/snapshot-check';
import { LAST_CHECKPOINT_PATH, checkpointPath, decodeCheckpoint, encodeCheckpoint, encodeLastCheckpoint } from '../../../src/oplog/checkpoint';
import { MemoryStore } from '../../../src/storage/memory-store';
import { pondFiles, storeOf, type PondFiles } from '../../helpers/crafted-snapshots';

const enc = (s: string) => new TextEncoder().encode(s);

async function pond210(): Promise<{ files: PondFiles; pondId: string }> {
  const store = new MemoryStore();
  const pond = await Pond.create(store, { compactEvery: 70, name: 'Ontario' });
  for (let i = 0; i < 210; i++) await pond.transact(`w ${i}`, (tx) => tx.writeFile(`/f${i % 13}`, 'file:data', enc(`v${i}`)));
  return { files: await pondFiles(store), pondId: pond.id };
}

/** Rewrites checkpoint `v` with `edit` applied to its state (and the pointer's row count kept true). */
async function editCheckpoint(files: PondFiles, v: number, edit: (s: Awaited<ReturnType<typeof decodeCheckpoint>>) => void): Promise<void> {
  const s = await decodeCheckpoint(v, files.get(checkpointPath(v))!);
  edit(s);
  const { bytes, rows } = await encodeCheckpoint(s);
  files.set(checkpointPath(v), bytes);
  files.set(LAST_CHECKPOINT_PATH, encodeLastCheckpoint({ version: 200, size: rows }));
}

describe('validating checkpoints', () => {
  it("passes a pond's own checkpoints, with the content root it has without them", async () => {
    const { files, pondId } = await pond210();
    expect([...files.keys()]).toEqual(expect.arrayContaining([checkpointPath(100), checkpointPath(200), LAST_CHECKPOINT_PATH]));
    const r = await checkSnapshot(await storeOf(files), { mode: 'all', pondId });
    expect(r.problems).toEqual([]);
    expect(r.checkpoints).toBe(2);
    const without = new Map([...files].filter(([p]) => !p.includes('checkpoint')));
    const r2 = await checkSnapshot(await storeOf(without), { mode: 'all', pondId });
    expect(r2.problems).toEqual([]);
    expect(r2.checkpoints).toBe(0);
    expect(r2.root).toBe(r.root);
    const quick = await checkSnapshot(await storeOf(files), { mode: 'all', pondId, quick: true });
    expect(quick.problems).toEqual([]);
  });

  it.each([
    ['lists the live files of version 100', async (f: PondFiles) => {
      const old = await decodeCheckpoint(100, f.get(checkpointPath(100))!);
      await editCheckpoint(f, 200, (s) => { s.adds = old.adds; });
    }, /disagrees with the JSON commits/],
    ['records another hash for a live file', (f: PondFiles) => editCheckpoint(f, 200, (s) => { s.adds[0] = { ...s.adds[0]!, tags: { ...s.adds[0]!.tags, sha256: '0'.repeat(64) } }; }), /another size or hash/],
    ['names another pond', (f: PondFiles) => editCheckpoint(f, 200, (s) => { s.pondId = '0190f0d2-7a3c-7c1e-9f00-00000000beef'; }), /names pond 0190f0d2/],
    ['records another pond name', (f: PondFiles) => editCheckpoint(f, 200, (s) => { s.name = 'Erie'; }), /pond name "Erie"/],
    ['is torn', (f: PondFiles) => { const b = f.get(checkpointPath(200))!; f.set(checkpointPath(200), b.subarray(0, b.length - 40)); }, /cannot be read as Parquet/],
    ['is named by a pointer with the wrong row count', (f: PondFiles) => { f.set(LAST_CHECKPOINT_PATH, encodeLastCheckpoint({ version: 200, size: 99 })); }, /has 99 rows/],
    ['is named by a pointer but absent', (f: PondFiles) => { f.delete(checkpointPath(200)); }, /not in _delta_log/],
  ])('refuses a checkpoint that %s (rule checkpoint)', async (_what, craft, message) => {
    const { files, pondId } = await pond210();
    await craft(files);
    const r = await checkSnapshot(await storeOf(files), { mode: 'all', pondId });
    expect(r.problems.map((p) => p.rule)).toContain('checkpoint');
    expect(r.problems.find((p) => p.rule === 'checkpoint')!.message).toMatch(message);
    await expect(checkSnapshot(await storeOf(files), { mode: 'first', pondId })).rejects.toMatchObject({ code: 'CORRUPT', detail: { rule: 'checkpoint' } });
  });
});
