// The snapshot validator over crafted snapshots (node, memory store): each case is refused with its rule named, the
// untouched pond passes with no problem, and fsck mode reports every problem rather than the first.
import { beforeAll, describe, expect, it } from 'vitest';
import { isPondError } from '../../../src/core/errors';
import { checkSnapshot } from '../../../src/pond/validate/snapshot-check';
import { RULES } from '../../../src/pond/validate/problems';
import { CRAFTED, basePond, farEventTimes, storeOf, type BasePond, type PondFiles } from '../../helpers/crafted-snapshots';

let base: BasePond;
const copy = (f: PondFiles): PondFiles => new Map([...f].map(([k, v]) => [k, v.slice()]));

beforeAll(async () => {
  base = await basePond();
});

describe('snapshot validator (node, memory store)', () => {
  it('passes the untouched pond, with a content root', async () => {
    const r = await checkSnapshot(await storeOf(base.files), { mode: 'all', pondId: base.pondId });
    expect(r.problems).toEqual([]);
    expect(r.version).toBe(2);
    expect(r.root).toMatch(/^[0-9a-f]{64}$/);
    expect(r.nodes).toBe(7); // /, /a, /a/b, /a/small.txt, /a/big.bin, /a/b/temps, /link
    expect(r.blobBytesHashed).toBe(100_000);
  });

  it('accepts event times far from now (year 1 to 9999): they are data', async () => {
    const files = copy(base.files);
    await farEventTimes(files);
    const r = await checkSnapshot(await storeOf(files), { mode: 'all', pondId: base.pondId });
    expect(r.problems).toEqual([]);
  });

  it('has a crafted snapshot for every rule', () => {
    expect([...new Set(CRAFTED.map((c) => c.rule))].sort()).toEqual(Object.keys(RULES).sort());
  });

  for (const c of CRAFTED) {
    it(`refuses ${c.name} (rule ${c.rule})`, async () => {
      const files = copy(base.files);
      await c.craft(files, base);
      const store = await storeOf(files);
      const err = await checkSnapshot(store, { mode: 'first', pondId: base.pondId }).then(() => undefined, (e: unknown) => e);
      expect(isPondError(err, 'CORRUPT'), String(err)).toBe(true);
      expect((err as { detail: { rule: string } }).detail.rule, (err as Error).message).toBe(c.rule);
      expect((err as Error).message).toContain(`rule ${c.rule}`);
      const all = await checkSnapshot(store, { mode: 'all', pondId: base.pondId });
      expect(all.problems.map((p) => p.rule)).toContain(c.rule);
    });
  }
});

describe('fsck --quick reads what opening reads', () => {
  it('finds a broken commit before the newest compaction only in the full check', async () => {
    const { pond, files } = await basePond();
    await pond.compact();
    const store = await storeOf(files);
    // The compaction commit and its file, then a damaged commit 1 (before the compaction).
    const { pondFiles } = await import('../../helpers/crafted-snapshots');
    for (const [p, b] of await pondFiles(pond.store)) await store.write(p, b);
    await store.write('_delta_log/00000000000000000001.json', new TextEncoder().encode('not json\n'));
    const quick = await checkSnapshot(store, { mode: 'all', quick: true });
    expect(quick.problems).toEqual([]);
    expect(quick.version).toBe(3);
    const full = await checkSnapshot(store, { mode: 'all' });
    expect(full.problems.map((p) => p.rule)).toContain('commit-json');
    expect(quick.root).toBe((await checkSnapshot(await storeOf(base.files), { mode: 'all' })).root);
  });
});

describe('ponds the app makes pass', () => {
  it('a directory version large enough to be a blob, renames, removals and a compaction', async () => {
    const { MemoryStore } = await import('../../../src/storage/memory-store');
    const { Pond } = await import('../../../src/pond/pond');
    const store = new MemoryStore();
    const pond = await Pond.create(store);
    await pond.transact('many', async (tx) => {
      for (let i = 0; i < 2500; i++) await tx.writeFile(`/many/file-with-a-longish-name-${i}.txt`, 'file:data', new TextEncoder().encode(String(i)), {}, { parents: true });
    });
    await pond.transact('moves', (tx) => { tx.wd.rename('/many/file-with-a-longish-name-1.txt', '/moved.txt'); tx.wd.remove('/many/file-with-a-longish-name-2.txt'); });
    await pond.transact('re-add', async (tx) => { await tx.writeFile('/many/file-with-a-longish-name-2.txt', 'file:data', new TextEncoder().encode('again')); });
    await pond.compact();
    const r = await checkSnapshot(store, { mode: 'all' });
    expect(r.problems).toEqual([]);
    expect(r.blobs).toBeGreaterThan(0); // the 2500-name directory delta
    expect(r.nodes).toBe(2502); // /, /many and 2500 files (one of them moved to /moved.txt, one removed and made anew)
  });
});

describe('depth', () => {
  it('takes an entry 256 names deep and refuses one 257 deep, as writes do', async () => {
    const { appendCommit } = await import('../../helpers/crafted-snapshots');
    const { uuidv7 } = await import('uuidv7');
    const { ROOT_ID } = await import('../../../src/core/entry');
    const chain = async (names: number) => {
      const files = copy(base.files);
      await appendCommit(files, base, async (c) => {
        const ids = Array.from({ length: names - 1 }, () => uuidv7());
        const fileId = uuidv7();
        const dirs = ids.map((id, i) => c.dir(id, [i + 1 < ids.length ? { name: 'd', node_id: ids[i + 1]!, entry_type: 'directory' as const } : { name: 'f', node_id: fileId, entry_type: 'file:data' as const }]));
        return [c.dir(ROOT_ID, [{ name: 'deep', node_id: ids[0]!, entry_type: 'directory' }]), ...dirs, await c.file(fileId, ids[ids.length - 1]!, 'file:data', new TextEncoder().encode('x'))];
      });
      return (await checkSnapshot(await storeOf(files), { mode: 'all' })).problems.map((p) => p.rule);
    };
    expect(await chain(256)).toEqual([]);
    expect(await chain(257)).toEqual(['tree-depth']);
  });
});
