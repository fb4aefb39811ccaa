// Remote configurations and the service's backup operations in node: validation, secrets never listed,
// session-only secrets, past-version zip export and refused imports, with memory stores and an in-process s3rver.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryPondNames } from '../../../src/service/settings/pond-names';
import { MemoryRemoteConfigs, checkRemoteInput } from '../../../src/service/backup/remotes';
import { PondService } from '../../../src/service/service';
import { MemoryCoordinator } from '../../../src/pond/coordination';
import { runCommandLine } from '../../../src/shell/run';
import { MemoryPondHost } from '../../../src/storage/pond-host';
import { blobOf } from '../../helpers/memory-service';
import { startS3, type LocalS3 } from '../../helpers/s3-server';

/** Services over one memory "device": like tabs, they share ponds, names and remote configurations. */
function device(configs = new MemoryRemoteConfigs()) {
  const host = new MemoryPondHost();
  const names = new MemoryPondNames();
  const coordinator = new MemoryCoordinator();
  return { host, configs, tab: () => new PondService({ host, names, coordinator, exec: runCommandLine, remotes: configs }) };
}

const KEYS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', region: 'us-east-1' };

describe('remote configurations', () => {
  it('validates names, URLs, prefixes and the choice of signing, naming the field', () => {
    expect(() => checkRemoteInput({ name: '../x', bucketUrl: 'https://b.example', ...KEYS })).toThrow(/remote name/);
    expect(() => checkRemoteInput({ name: 'a', bucketUrl: 'ftp://b', ...KEYS })).toThrow(/bucketUrl: must start with https/);
    expect(() => checkRemoteInput({ name: 'a', bucketUrl: 'https://s3.example/bucket/deeper', ...KEYS })).toThrow(/prefix field/);
    expect(() => checkRemoteInput({ name: 'a', bucketUrl: 'https://s3.example/b', prefix: 'a/../b', ...KEYS })).toThrow(/segment "\.\."/);
    expect(() => checkRemoteInput({ name: 'a', bucketUrl: 'https://s3.example/b' })).toThrow(/keys .* or a presign endpoint/);
    expect(() => checkRemoteInput({ name: 'a', bucketUrl: 'https://s3.example/b', ...KEYS, presignUrl: 'https://sign.example' })).toThrow(/not both/);
    expect(() => checkRemoteInput({ name: 'a', bucketUrl: 'https://s3.example/b', accessKeyId: 'K' })).toThrow(/secretAccessKey/);
    const ok = checkRemoteInput({ name: 'lab', bucketUrl: 'https://s3.example/b/', prefix: '/backups/', accessKeyId: 'K', secretAccessKey: 'S' });
    expect(ok).toEqual({ stored: { name: 'lab', bucketUrl: 'https://s3.example/b', prefix: 'backups', signing: { kind: 'keys', accessKeyId: 'K', region: 'us-east-1' } }, secret: 'S' });
  });

  it('stores the secret only when asked, never lists it, and forgets a session secret with the worker', async () => {
    const d = device();
    const tab = d.tab();
    await tab.remoteAdd({ name: 'kept', bucketUrl: 'https://s3.example/b', ...KEYS, secretAccessKey: 'TOPSECRET1', rememberSecret: true });
    await tab.remoteAdd({ name: 'session', bucketUrl: 'https://s3.example/b', ...KEYS, secretAccessKey: 'TOPSECRET2' });
    await tab.remoteAdd({ name: 'signed', bucketUrl: 'https://s3.example/b', presignUrl: 'https://sign.example/presign' });
    const listed = await tab.remoteList();
    expect(JSON.stringify(listed)).not.toMatch(/TOPSECRET/);
    expect(listed.map((r) => [r.name, r.secret])).toEqual([['kept', 'remembered'], ['session', 'session'], ['signed', 'none']]);
    expect(JSON.stringify([...d.configs.saved.values()])).not.toMatch(/TOPSECRET2/);
    expect(JSON.stringify([...d.configs.saved.values()])).toMatch(/TOPSECRET1/);
    // A new worker (tab reload) shares the settings but not the session's memory.
    const later = d.tab();
    expect((await later.remoteList()).map((r) => r.secret)).toEqual(['remembered', 'missing', 'none']);
    await later.createPond('p');
    await expect(later.push('session')).rejects.toThrow(/secret key was not remembered.*give it with: remote secret session SECRET/);
    await expect(later.push('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(tab.remoteAdd({ name: 'kept', bucketUrl: 'https://s3.example/b', presignUrl: 'https://x.example' })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    await tab.remoteRemove('kept');
    expect((await tab.remoteList()).map((r) => r.name)).toEqual(['session', 'signed']);
    await expect(tab.remoteRemove('kept')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('zip snapshots through the service', () => {
  it('exports a past version (its log, oplog files and blobs only) and imports it as a new pond', async () => {
    const a = device();
    const tab = a.tab();
    const { id } = await tab.createPond('site');
    await tab.writeFile('/big.bin', new Blob([new Uint8Array(100_000).fill(1)]));
    const v1 = (await tab.info()).version;
    await tab.writeFile('/later.bin', new Blob([new Uint8Array(100_000).fill(2)]));
    const zip = await tab.exportZip({ asOf: v1 });
    expect(zip).toMatchObject({ name: `site-v${v1}.zip`, version: v1, files: 5 }); // 2 commits, 2 oplog files, 1 blob
    await expect(tab.exportZip({ asOf: 99 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // A tab viewing a past version (time travel) exports what it shows.
    const viewer = a.tab();
    await viewer.openPond(id, { asOf: v1 });
    const viewed = await viewer.exportZip();
    expect(viewed).toMatchObject({ version: v1, files: 5 });

    await expect(tab.importZip(zip.blob)).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    const b = device().tab();
    const r = await b.importZip(zip.blob, { name: 'copy' });
    expect(r).toEqual({ id, name: 'copy', version: v1, files: 5 });
    await b.openPond(id);
    expect((await b.list('/*')).map((n) => n.path)).toEqual(['/big.bin']);
    expect((await b.readFile('/big.bin')).every((x) => x === 1)).toBe(true);
  });

  it('refuses a damaged or foreign zip and creates nothing', async () => {
    const tab = device().tab();
    await tab.createPond('site');
    await tab.writeFile('/f.txt', blobOf('x'));
    const zip = (await tab.exportZip()).blob;
    const d = device();
    const fresh = d.tab();
    await expect(fresh.importZip(zip.slice(0, zip.size - 30))).rejects.toMatchObject({ code: 'BAD_ZIP' });
    await expect(fresh.importZip(blobOf('not a zip at all'))).rejects.toMatchObject({ code: 'BAD_ZIP' });
    const bytes = new Uint8Array(await zip.arrayBuffer());
    const i = bytes.length - 200; // flip a byte inside the last stored entries: a hash or inflate check must fail
    bytes[i] = bytes[i]! ^ 0xff;
    await expect(fresh.importZip(new Blob([bytes]))).rejects.toMatchObject({ code: 'BAD_ZIP' });
    expect(await fresh.listPonds()).toEqual([]);
    expect(d.host.stores.size).toBe(0);
  });
});

describe('S3 through the service (s3rver in node)', () => {
  let s3: LocalS3;
  let bucketUrl: string;
  beforeAll(async () => {
    s3 = await startS3('http://127.0.0.1');
    bucketUrl = s3.bucketUrl;
  });
  afterAll(() => s3.close());

  it('pushes incrementally, restores into a new pond only, and removes a half-restored pond', async () => {
    const a = device();
    const tab = a.tab();
    const { id } = await tab.createPond('lake');
    await tab.writeFile('/a.txt', blobOf('alpha'));
    await tab.remoteAdd({ name: 'lab', bucketUrl, prefix: 'unit', ...KEYS });
    const first = await tab.push('lab');
    expect(first.sent).toHaveLength(4);
    expect((await tab.push('lab')).sent).toEqual([]);
    expect(await tab.remotePonds('lab')).toContain(id);
    expect(await tab.verify('lab')).toMatchObject({ ok: true, checked: 4 });
    await expect(tab.restore('lab', id)).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });

    const b = device();
    const other = b.tab();
    await other.remoteAdd({ name: 'lab', bucketUrl, prefix: 'unit', ...KEYS });
    await expect(other.restore('lab', '0190f0d2-7a3c-7c1e-9f00-000000000000')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(b.host.stores.size).toBe(0);
    const r = await other.restore('lab', id);
    expect(r).toMatchObject({ id, version: 1, files: 4, name: 'lake' }); // the name the pond's log carries
    await other.openPond(id);
    expect(new TextDecoder().decode(await other.readFile('/a.txt'))).toBe('alpha');
  });

  it('gives a forgotten secret again (remote secret), for the session or remembered, and then pushes', async () => {
    const d = device();
    const first = d.tab();
    await first.createPond('secret pond');
    await first.writeFile('/a.txt', blobOf('alpha'));
    await first.remoteAdd({ name: 'lab', bucketUrl, prefix: 'secret', ...KEYS });
    await first.remoteAdd({ name: 'signed', bucketUrl, presignUrl: 'http://127.0.0.1:9/presign' });
    // A browser restart: the session secret is gone, and `remote add` refuses the existing name.
    const later = d.tab();
    await later.openPond((await later.listPonds()).find((p) => p.name === 'secret pond')!.id);
    await expect(later.push('lab')).rejects.toMatchObject({ code: 'INVALID_INPUT', detail: { name: 'lab', missing: 'secret' } });
    await expect(later.remoteSecret('lab', '  ')).rejects.toMatchObject({ code: 'INVALID_INPUT', detail: { field: 'secret' } });
    await expect(later.remoteSecret('signed', 'x')).rejects.toThrow(/presign endpoint; it has no secret key/);
    await expect(later.remoteSecret('nope', 'x')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // Through the shell, for this session only: the settings still hold no secret.
    expect((await later.exec('remote secret lab S3RVER')).stdout).toContain('remote lab: secret kept for this session only');
    expect(d.configs.saved.get('lab')?.signing).not.toHaveProperty('secretAccessKey');
    expect((await later.push('lab')).sent).toHaveLength(4);
    expect(await later.verify('lab')).toMatchObject({ ok: true });
    // A wrong secret is taken (it is checked by the bucket), and the bucket refuses it.
    await later.remoteSecret('lab', 'WRONG');
    await expect(later.verify('lab')).rejects.toMatchObject({ code: 'HTTP' });
    // Remembered: a third tab (another restart) has it too.
    expect(await later.remoteSecret('lab', 'S3RVER', { remember: true })).toMatchObject({ name: 'lab', secret: 'remembered' });
    expect(d.configs.saved.get('lab')?.signing).toMatchObject({ secretAccessKey: 'S3RVER' });
    const third = d.tab();
    expect((await third.remoteList()).find((r) => r.name === 'lab')?.secret).toBe('remembered');
    await third.openPond((await third.listPonds())[0]!.id);
    expect(await third.verify('lab')).toMatchObject({ ok: true, checked: 4 });
    // Back to session-only: the remembered copy is dropped from the settings.
    await third.remoteSecret('lab', 'S3RVER');
    expect((await d.tab().remoteList()).find((r) => r.name === 'lab')?.secret).toBe('missing');
  });
});
