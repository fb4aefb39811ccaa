// A pond with a tree deeper than the write limit (2000 levels, as an older app or an import could leave) still opens,
// lists, exports and can be deleted through the real pond worker on OPFS; a pond whose log is broken does not open
// but can still be exported as files, renamed and deleted.
import { describe, expect, it } from 'vitest';
import { Pond } from '../../../src/pond/pond';
import { MemoryStore } from '../../../src/storage/memory-store';
import { connect } from '../../helpers/pond-clients';
import { addDeepChain } from '../../helpers/deep-tree';
import { copyStoreToOpfs, pondFolderExists, writePondFiles } from '../../helpers/opfs-pond';

describe('ponds that strain the tree walks', () => {
  it('a 2000-level pond opens, lists, exports and is deleted', async () => {
    const id = crypto.randomUUID();
    const store = new MemoryStore();
    const pond = await Pond.create(store, { pondId: id });
    const bottom = await addDeepChain(pond, 2000);
    await copyStoreToOpfs(id, store);

    const c = connect();
    expect((await c.api.listPonds()).map((p) => p.id)).toContain(id);
    const info = await c.api.openPond(id);
    expect(info.version).toBe(1);
    const all = await c.api.list('/**');
    expect(all.length).toBe(2001); // 2000 directories and the file
    expect(all.at(-1)!.path).toBe(bottom);
    const listing = await c.api.exec('list -l /**');
    expect(listing.exitCode).toBe(0);
    expect(listing.stdout.split('\n').filter((l) => l.endsWith('/bottom.txt')).length).toBe(1);
    expect(new TextDecoder().decode(await c.api.readFile(bottom))).toBe('at the bottom');
    // Writing below the limit-breaking depth is refused with the limit named; nothing is committed.
    const refused = await c.api.mkdir(`${bottom.slice(0, bottom.lastIndexOf('/'))}/more`).catch((e: { code?: string; message?: string }) => e);
    expect(refused).toMatchObject({ code: 'INVALID_PATH', message: expect.stringContaining('the limit is 256') });
    expect((await c.api.info()).version).toBe(1);

    const zip = await c.api.exportZip();
    expect(zip.version).toBe(1);
    expect(zip.files).toBe(store.snapshot().size - 1); // every file but the head hint, which is not pond data
    expect(zip.blob.size).toBeGreaterThan(0);

    await c.api.deletePond(id);
    expect((await c.api.listPonds()).map((p) => p.id)).not.toContain(id);
    expect(await pondFolderExists(id)).toBe(false);
  });

  it('a pond whose commit 0 is not a commit does not open, but exports its files, renames and deletes', async () => {
    const broken = crypto.randomUUID();
    const c = connect();
    await c.api.createPond('fine');
    const goodId = (await c.api.info()).id;
    const garbage = new TextEncoder().encode('this is not a delta commit\n');
    await writePondFiles(broken, new Map([['_delta_log/00000000000000000000.json', garbage]]));

    expect((await c.api.listPonds()).map((p) => p.id)).toEqual(expect.arrayContaining([goodId, broken]));
    const err = await c.api.openPond(broken).catch((e: { code?: string; message?: string }) => e);
    expect(err).toMatchObject({ code: 'CORRUPT', message: expect.stringContaining('00000000000000000000.json') });
    const files = await c.api.exportPondFiles(broken);
    expect(files.version).toBe(-1);
    expect(files.name).toMatch(/-files\.zip$/);
    await c.api.renamePond(broken, 'Broken one');
    expect((await c.api.listPonds()).find((p) => p.id === broken)?.name).toBe('Broken one');
    await c.api.deletePond(broken);
    expect(await pondFolderExists(broken)).toBe(false);
    // The other pond is untouched and still opens.
    expect((await c.api.openPond(goodId)).name).toBe('fine');
  });
});
