import { describe, expect, it, vi } from 'vitest';
import { blobOf, memoryBrowser } from '../../helpers/memory-service';
import { POND_API_METHODS, type PondInfo } from '../../../src/api/pond-api';
import { apiOf } from '../../../src/service/expose';

describe('PondService', () => {
  it('creates, lists, renames and deletes ponds', async () => {
    const b = memoryBrowser();
    const tab = b.tab();
    const a = await tab.createPond('Field site A');
    await tab.createPond('Site B');
    expect((await tab.listPonds()).map((p) => p.name).sort()).toEqual(['Field site A', 'Site B']);
    await tab.renamePond(a.id, 'Lake A');
    expect((await tab.listPonds()).find((p) => p.id === a.id)?.name).toBe('Lake A');
    await tab.deletePond(a.id);
    expect((await tab.listPonds()).map((p) => p.name)).toEqual(['Site B']);
    await expect(tab.createPond('  ')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('lets one tab write; the other is read-only, hears commits, and takes over when the writer leaves', async () => {
    const b = memoryBrowser();
    const writer = b.tab();
    const { id } = await writer.createPond('shared');
    const reader = b.tab();
    const info = await reader.openPond(id);
    expect(info.readOnly).toBe(true);
    expect(info.readOnlyReason).toMatch(/another tab/);
    await expect(reader.mkdir('/x')).rejects.toMatchObject({ code: 'READ_ONLY' });
    const heard: PondInfo[] = [];
    await reader.subscribe((i) => heard.push(i));
    await writer.writeFile('/notes.txt', blobOf('hello'));
    await vi.waitFor(() => expect(heard.at(-1)?.version).toBe(1));
    expect(new TextDecoder().decode(await reader.readFile('/notes.txt'))).toBe('hello');
    await writer.createPond('elsewhere'); // the writer tab switches pond: the lock on `shared` is released
    await vi.waitFor(() => expect(heard.at(-1)?.readOnly).toBe(false));
    await reader.mkdir('/now-mine');
    expect((await reader.list('/*')).map((n) => n.path)).toEqual(['/notes.txt', '/now-mine']);
  });

  it('copies host files in as raw data, into a directory or at a path', async () => {
    const tab = memoryBrowser().tab();
    await tab.createPond('p');
    const into = await tab.copyIn([{ name: 'a.txt', data: blobOf('A') }, { name: 'b.txt', data: blobOf('B') }], '/in/', { format: 'data' });
    expect(into.map((n) => n.path)).toEqual(['/in/a.txt', '/in/b.txt']);
    const at = await tab.copyIn([{ name: 'c.txt', data: blobOf('C') }], '/in/renamed.txt', { format: 'data' });
    expect(at[0]!.path).toBe('/in/renamed.txt');
    await expect(tab.copyIn([{ name: 'a', data: blobOf('') }, { name: 'b', data: blobOf('') }], '/in/renamed.txt', { format: 'data' })).rejects.toMatchObject({ code: 'USAGE' });
    expect((await tab.log()).length).toBe(3); // init and two copies: nothing for the refused one
  });

  it('cancels a long write by its operation id', async () => {
    const tab = memoryBrowser().tab();
    await tab.createPond('p');
    const big = new Blob([new Uint8Array(300 * 1024 * 1024)]); // large enough to be streamed in chunks
    const started = tab.writeFile('/big.bin', big, { opId: 'op-1', onProgress: () => void tab.cancel('op-1') });
    await expect(started).rejects.toMatchObject({ code: 'ABORTED' });
    expect((await tab.info()).version).toBe(0);
  });
});

describe('PondService answers', () => {
  it('writeFile answers with the version it committed, at its commit time', async () => {
    const tab = memoryBrowser().tab();
    await tab.createPond('p');
    const first = await tab.writeFile('/notes.txt', blobOf('one'));
    const second = await tab.writeFile('/notes.txt', blobOf('three'));
    const versions = await tab.versions('/notes.txt');
    expect(first).toMatchObject({ path: '/notes.txt', version: 1, size: 3, modified: versions[0]!.timestamp });
    expect(second).toMatchObject({ path: '/notes.txt', version: 2, size: 5, modified: versions[1]!.timestamp });
    expect(second.modified).toBeGreaterThan(0);
  });

  it('the worker hands out exactly the PondApi methods, bound to the service', async () => {
    const service = memoryBrowser().tab();
    const api = apiOf(service);
    expect(Object.keys(api).sort()).toEqual([...POND_API_METHODS].sort());
    expect('transact' in api || 'pond' in api).toBe(false);
    await api.createPond('via the exposed object');
    expect((await api.info()).name).toBe('via the exposed object');
  });
});
