// The pond's display name in its own log: set at creation, changed by a rename commit, repeated by compaction
// (opening reads only from the newest compaction forward), readable at each version, and accepted by fsck.
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../src/storage/memory-store';
import { Pond } from '../../../src/pond/pond';
import { fsckPond } from '../../../src/pond/validate/fsck';
import { readCommit } from '../../../src/oplog/log-store';

const enc = (s: string) => new TextEncoder().encode(s);

describe('pond name in the log', () => {
  it('survives rename, compaction and reopening; time travel sees the name of its version', async () => {
    const store = new MemoryStore();
    const pond = await Pond.create(store, { name: 'Station A', compactEvery: 1000 });
    expect(pond.name).toBe('Station A');
    await pond.transact('copy a', (tx) => tx.writeFile('/a.txt', 'file:data', enc('a')));
    await pond.rename('Station B');
    expect(pond.version).toBe(2);
    const renameCommit = await readCommit(store, 2);
    expect(renameCommit.adds).toEqual([]);
    expect(renameCommit.info.duckpond).toMatchObject({ pondName: 'Station B', entries: 0 });
    expect((await Pond.open(store)).name).toBe('Station B');
    expect((await Pond.open(store, { asOf: 1 })).name).toBe('Station A');

    await pond.transact('copy b', (tx) => tx.writeFile('/b.txt', 'file:data', enc('b')));
    await pond.compact();
    expect((await readCommit(store, pond.version)).info.duckpond).toMatchObject({ compaction: true, pondName: 'Station B' });
    const reopened = await Pond.open(store);
    expect(reopened.name).toBe('Station B');
    expect(reopened.version).toBe(4);
    expect(await fsckPond(reopened)).toMatchObject({ problems: [], commits: 5 });
    // Renaming to the same name writes nothing.
    await reopened.rename('Station B');
    expect(reopened.version).toBe(4);
  });

  it('a pond made without a name has none, and a read-only pond refuses a rename', async () => {
    const store = new MemoryStore();
    await Pond.create(store);
    const ro = await Pond.open(store, { readOnly: true });
    expect(ro.name).toBeUndefined();
    await expect(ro.rename('x')).rejects.toMatchObject({ code: 'READ_ONLY' });
  });
});

describe('pond name and the snapshot rules', () => {
  it('accepts a commit whose record names the pond, and refuses a name that is not a short string', async () => {
    const { parseCommit } = await import('../../../src/pond/validate/commit-rules');
    const { ProblemSink } = await import('../../../src/pond/validate/problems');
    const store = new MemoryStore();
    const pond = await Pond.create(store, { name: 'Station A' });
    await pond.rename('Station B');
    const bytes = await store.read('_delta_log/00000000000000000001.json');
    const ok = new ProblemSink('all');
    expect(parseCommit(1, bytes, ok, pond.id)?.info.duckpond.pondName).toBe('Station B');
    expect(ok.problems).toEqual([]);
    for (const bad of [42, 'x'.repeat(101)]) {
      const text = new TextDecoder().decode(bytes).replace('"pondName":"Station B"', `"pondName":${JSON.stringify(bad)}`);
      const sink = new ProblemSink('all');
      expect(parseCommit(1, new TextEncoder().encode(text), sink, pond.id)).toBeUndefined();
      expect(sink.problems).toMatchObject([{ rule: 'commit-info', message: expect.stringMatching(/pond name that is not a string of at most 100 characters/) }]);
    }
  });
});
