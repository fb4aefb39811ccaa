// Cross-pond imports through the service in node (memory "devices", an in-process s3rver): C pushes, B imports C at
// /imports/c and reads it like its own files; a refresh shows what C pushed next; the mount is read-only; removing it
// leaves B as it was; a crafted config gives a clear error and B still opens. SQL and charts: tests/browser/backup/imports-worker.test.ts.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MemoryPondNames } from '../../../src/service/settings/pond-names';
import { MemoryRemoteConfigs } from '../../../src/service/backup/remotes';
import { PondService } from '../../../src/service/service';
import { MemoryCoordinator } from '../../../src/pond/coordination';
import { runCommandLine } from '../../../src/shell/run';
import { MemoryPondHost } from '../../../src/storage/pond-host';
import { parseImportConfig } from '../../../src/service/imports/import-config';
import { blobOf } from '../../helpers/memory-service';
import { startS3, type LocalS3 } from '../../helpers/s3-server';

function device() {
  const host = new MemoryPondHost();
  const names = new MemoryPondNames();
  const coordinator = new MemoryCoordinator();
  const configs = new MemoryRemoteConfigs();
  return { host, tab: () => new PondService({ host, names, coordinator, exec: runCommandLine, remotes: configs }) };
}

const KEYS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', region: 'us-east-1' };
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const C_ID = '0190f0d2-7a3c-7c1e-9f00-0000000000c0';

describe('import config', () => {
  const good = { remote: 'lab', bucket_url: 'http://127.0.0.1:9000/ponds', prefix: 'p', pond_id: C_ID, version: 3 };
  const yaml = (o: Record<string, unknown>) => Object.entries(o).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join('\n');
  it('reads a good config and refuses bad ones naming the field', () => {
    expect(parseImportConfig(yaml(good))).toEqual({ remote: 'lab', bucketUrl: 'http://127.0.0.1:9000/ponds', prefix: 'p', pondId: C_ID, version: 3 });
    expect(() => parseImportConfig(yaml({ ...good, pond_id: '../../etc' }))).toThrow(/pond_id "..\/..\/etc" is not a pond id/);
    expect(() => parseImportConfig(yaml({ ...good, version: 1e300 }))).toThrow(/version must be a whole number/);
    expect(() => parseImportConfig(yaml({ ...good, version: -1 }))).toThrow(/version must be a whole number/);
    expect(() => parseImportConfig(yaml({ ...good, prefix: 'a/../b' }))).toThrow(/prefix/);
    expect(() => parseImportConfig(yaml({ ...good, bucket_url: 'file:///etc' }))).toThrow(/bucket_url/);
    expect(() => parseImportConfig(yaml({ ...good, secret: 'x' }))).toThrow(/secret is not a known field/);
    expect(() => parseImportConfig(yaml({ ...good, remote: 'a b' }))).toThrow(/remote "a b" is not a remote name/);
    expect(() => parseImportConfig('x'.repeat(5000))).toThrow(/under 4096/);
    expect(() => parseImportConfig('[1, 2]')).toThrow(/must be a mapping/);
  });
});

describe('imports through the service (s3rver in node)', () => {
  let s3: LocalS3;
  beforeAll(async () => { s3 = await startS3('http://127.0.0.1'); });
  afterAll(() => s3.close());

  async function setUp() {
    const remote = { name: 'lab', bucketUrl: s3.bucketUrl, prefix: `imp${crypto.randomUUID().slice(0, 6)}`, ...KEYS };
    const c = device().tab();
    const { id: cId } = await c.createPond('tablet C');
    await c.writeFile('/site/notes.txt', blobOf('from C'), { parents: true });
    await c.symlink('/site/notes.txt', '/latest'); // absolute: names C's path, so under the mount it names the mount's
    await c.remoteAdd(remote);
    await c.push('lab');
    const bDevice = device();
    const b = bDevice.tab();
    const { id: bId } = await b.createPond('office B');
    await b.writeFile('/own/b.txt', blobOf('from B'), { parents: true });
    await b.remoteAdd(remote);
    return { c, cId, b, bId, bDevice, remote };
  }

  it('mounts C at /imports/c in one commit, reads it, refreshes, refuses writes into it, and removes only the mount', async () => {
    const { c, cId, b, bDevice } = await setUp();
    const before = (await b.info()).version;
    const made = await b.importPond('lab', cId, '/imports/c');
    expect(made).toMatchObject({ path: '/imports/c', remote: 'lab', pondId: cId, before: null, version: (await c.info()).version, committed: true });
    expect((await b.info()).version).toBe(before + 1);
    expect(await bDevice.host.listPondIds()).toContain(cId); // C is an ordinary local replica on B's device
    expect((await b.stat('/imports/c')).type).toBe('directory');
    expect((await b.list('/imports/c/**')).map((n) => n.path)).toEqual(['/imports/c', '/imports/c/latest', '/imports/c/site', '/imports/c/site/notes.txt']);
    expect(text(await b.readFile('/imports/c/site/notes.txt'))).toBe('from C');
    expect(text(await b.readFile('/imports/c/latest'))).toBe('from C');
    expect((await b.stat('/imports/c/latest')).target).toBe('/imports/c/site/notes.txt');
    expect(text(await b.readFile('/own/b.txt'))).toBe('from B');

    const refused = await b.writeFile('/imports/c/site/x.txt', blobOf('no')).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'READ_ONLY' });
    expect((refused as Error).message).toContain('inside the import /imports/c');
    await expect(b.mkdir('/imports/c/new')).rejects.toMatchObject({ code: 'READ_ONLY' });
    await expect(b.remove('/imports/c/site/notes.txt')).rejects.toMatchObject({ code: 'READ_ONLY' });
    await expect(b.apply('version: v1\nkind: mkdir\nmetadata: {path: /imports/c/site/sub}\n')).rejects.toMatchObject({ code: 'READ_ONLY' });
    await expect(b.mknod('column-rename', '/imports/c/r', 'rules: []\n')).rejects.toMatchObject({ code: 'READ_ONLY' });

    // C writes more and pushes; B's refresh pulls C and records the new version in one commit.
    await c.writeFile('/site/more.txt', blobOf('second'));
    await c.push('lab');
    const v = (await b.info()).version;
    expect(await b.refreshImports()).toEqual([expect.objectContaining({ path: '/imports/c', before: made.version, version: (await c.info()).version, committed: true })]);
    expect((await b.info()).version).toBe(v + 1);
    expect(text(await b.readFile('/imports/c/site/more.txt'))).toBe('second');
    expect(await b.refreshImports()).toEqual([expect.objectContaining({ committed: false, fetched: 0 })]);
    expect((await b.info()).version).toBe(v + 1);

    // Time travel shows the version of C that B recorded then.
    await b.openPond((await b.info()).id, { asOf: v });
    await expect(b.readFile('/imports/c/site/more.txt')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(text(await b.readFile('/imports/c/site/notes.txt'))).toBe('from C');
    await b.openPond((await b.info()).id);

    // A crafted version past C's head (C is on this device): a clear error naming the mount and what to run.
    await b.transact('craft', (tx) => tx.writeFile('/imports/ahead', 'file:data', new TextEncoder().encode(
      `remote: lab\nbucket_url: ${s3.bucketUrl}\nprefix: x\npond_id: ${cId}\nversion: 9007199254740991\n`), { attrs: { factory: 'pond-import' } }));
    const ahead = await b.readFile('/imports/ahead/site/notes.txt').catch((e: unknown) => e);
    expect(ahead).toMatchObject({ code: 'NOT_FOUND', detail: { reason: 'pull', version: 9007199254740991 } });
    expect((ahead as Error).message).toContain(`/imports/ahead: this device has pond ${cId} only up to an older version, not version 9007199254740991`);
    expect(text(await b.readFile('/imports/c/site/notes.txt'))).toBe('from C');
    await b.remove('/imports/ahead');

    const report = await b.fsck();
    expect(report.ok).toBe(true);
    expect(report.imports).toEqual([expect.objectContaining({ path: '/imports/c', remote: 'lab', pondId: cId, version: (await c.info()).version })]);

    // C deleted from this device: the mount says to pull it again; B's own files read as ever.
    await b.deletePond(cId);
    await expect(b.readFile('/imports/c/site/notes.txt')).rejects.toMatchObject({ code: 'NOT_FOUND', detail: { reason: 'pull' } });
    expect(text(await b.readFile('/own/b.txt'))).toBe('from B');

    await b.removeImport('/imports/c');
    await expect(b.stat('/imports/c')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(text(await b.readFile('/own/b.txt'))).toBe('from B');
    expect((await b.list('/**')).map((n) => n.path)).toEqual(['/imports', '/own', '/own/b.txt']);
  });

  it('a replica of B on a third device: its mount asks for a pull; following (read-only), it fetches C by itself and commits nothing', async () => {
    const { c, cId, b, bId } = await setUp();
    await b.importPond('lab', cId, '/imports/c');
    await b.push('lab');
    const d = device().tab();
    await d.remoteAdd({ name: 'lab', bucketUrl: s3.bucketUrl, prefix: (await b.remoteList())[0]!.prefix, ...KEYS });
    await d.restore('lab', bId);
    await d.openPond(bId);
    expect(text(await d.readFile('/own/b.txt'))).toBe('from B');
    await expect(d.readFile('/imports/c/site/notes.txt')).rejects.toMatchObject({ code: 'NOT_FOUND', detail: { reason: 'pull' } });
    // The content root is B's own: the same on B (which has C) and here (which has not, yet).
    const root = (await b.fsck()).root;
    expect((await d.fsck()).root).toBe(root);
    expect(await d.follow('lab', { everySeconds: 3600 })).toMatchObject({ readOnly: true });
    // Following, the replica fetches by itself the imported pond its version records (no refresh call).
    await vi.waitFor(async () => expect(text(await d.readFile('/imports/c/site/notes.txt'))).toBe('from C'), { timeout: 10_000, interval: 50 });
    const version = (await d.info()).version;
    expect(await d.refreshImports()).toEqual([expect.objectContaining({ path: '/imports/c', version: (await c.info()).version, committed: false })]);
    expect((await d.info()).version).toBe(version);
    expect(text(await d.readFile('/imports/c/site/notes.txt'))).toBe('from C');
    expect((await d.fsck()).root).toBe(root);
  });

  it('an import cancelled on its first progress leaves B and the device as they were', async () => {
    const { cId, b, bDevice } = await setUp();
    const version = (await b.info()).version;
    const progress: string[] = [];
    const started = b.importPond('lab', cId, '/imports/c', { opId: 'imp-1', onProgress: (_d, _t, what) => { progress.push(what); void b.cancel('imp-1'); } });
    await expect(started).rejects.toMatchObject({ code: 'ABORTED' });
    expect(progress.length).toBeGreaterThan(0);
    expect((await b.info()).version).toBe(version);
    expect(await b.listImports()).toEqual([]);
    expect(await bDevice.host.listPondIds()).not.toContain(cId); // the half-restored copy of C is gone
    expect((await b.importPond('lab', cId, '/imports/c')).committed).toBe(true); // and the next try completes
  });

  it('the shell: remote import, imports, import-pull, import-remove; usage errors', async () => {
    const { c, cId, b } = await setUp();
    const made = await b.exec(`remote import lab ${cId} /imports/c`);
    expect(made).toMatchObject({ exitCode: 0 });
    expect(made.stdout).toMatch(new RegExp(`imported pond ${cId} from lab at /imports/c \\(version ${(await c.info()).version}; \\d+ files fetched`));
    expect((await b.exec('remote imports')).stdout).toBe(`/imports/c\tlab\t${cId}\tversion ${(await c.info()).version}\n`);
    expect((await b.exec('cat /imports/c/site/notes.txt')).stdout).toBe('from C\n');
    expect((await b.exec('remote import-pull')).stdout).toContain('(up to date)');
    expect((await b.exec('remote import lab')).exitCode).toBe(2);
    expect((await b.exec(`remote import lab ${cId} /own/b.txt`)).stderr).toContain('/own/b.txt exists');
    expect((await b.exec('remote import lab not-a-pond /imports/x')).stderr).toMatch(/pond_id "not-a-pond" is not a pond id/);
    expect((await b.exec('remote import-remove /own/b.txt')).stderr).toContain('/own/b.txt is not an import');
    expect((await b.exec('remote import-remove /imports/c')).exitCode).toBe(0);
    expect((await b.exec('remote imports')).stdout).toBe('this pond has no imports\n');
  });

  it('a mount whose pond is not on this device, or a crafted config: a clear error under the mount, the rest of B reads', async () => {
    const { b, bId, bDevice } = await setUp();
    // Configs as a crafted zip or backup could carry them (mknod writes the same node an import does).
    await b.mknod('pond-import', '/imports/gone', `remote: lab\nbucket_url: ${s3.bucketUrl}\nprefix: x\npond_id: ${C_ID}\nversion: 2\n`);
    // Files whose attrs name the factory, written raw (no check): as a crafted zip or backup would hold them.
    const craft = (path: string, yaml: string) => b.transact('craft', (tx) => tx.writeFile(path, 'file:data', new TextEncoder().encode(yaml), { attrs: { factory: 'pond-import' } }));
    await craft('/imports/evil', `remote: lab\nbucket_url: ${s3.bucketUrl}\npond_id: ../../${C_ID}\nversion: 99999999999999\n`);
    await craft('/imports/evil2', 'version: [1\n');
    const again = bDevice.tab();
    await again.openPond(bId); // B opens
    expect((await again.list('/**')).map((n) => n.path)).toEqual(['/imports', '/imports/evil', '/imports/evil2', '/imports/gone', '/own', '/own/b.txt']);
    const gone = await again.readFile('/imports/gone/x.txt').catch((e: unknown) => e);
    expect(gone).toMatchObject({ code: 'NOT_FOUND', detail: { reason: 'pull' } });
    expect((gone as Error).message).toBe(`/imports/gone: pond ${C_ID} (imported from remote lab) is not on this device; fetch it with: remote import-pull /imports/gone`);
    await expect(again.list('/imports/gone/*')).rejects.toMatchObject({ detail: { reason: 'pull' } });
    const bad = await again.list('/imports/evil2/*').catch((e: unknown) => e);
    expect(bad).toMatchObject({ code: 'INVALID_INPUT' });
    expect((bad as Error).message).toMatch(/pond-import config: not valid YAML/);
    const traversal = await again.readFile('/imports/evil/x').catch((e: unknown) => e);
    expect(traversal).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining(`pond_id "../../${C_ID}" is not a pond id`) });
    expect(text(await again.readFile('/own/b.txt'))).toBe('from B');
    const report = await again.fsck();
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => [p.rule, p.where])).toEqual([['import-config', '/imports/evil'], ['import-config', '/imports/evil2']]);
    expect(report.imports!.map((i) => i.path)).toEqual(['/imports/evil', '/imports/evil2', '/imports/gone']);
    const pulled = await again.refreshImports({ path: '/imports/gone' }).catch((e: unknown) => e);
    expect(pulled).toMatchObject({ code: 'NOT_FOUND' }); // the remote has no such pond: the restore says so
  });
});
