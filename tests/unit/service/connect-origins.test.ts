// What the service records for the app's connect-src: each remote's bucket and presign endpoint, each pond's HydroVu
// servers; removed with the remote or the pond. The service worker reads the same list (workers/sw.ts).
import { describe, expect, it } from 'vitest';
import { MemoryConnectOrigins, connectOriginOf, originsOf } from '../../../src/service/settings/connect-origins';
import { MemoryPondNames } from '../../../src/service/settings/pond-names';
import { MemoryRemoteConfigs } from '../../../src/service/backup/remotes';
import { PondService } from '../../../src/service/service';
import { MemoryCoordinator } from '../../../src/pond/coordination';
import { runCommandLine } from '../../../src/shell/run';
import { MemoryPondHost } from '../../../src/storage/pond-host';
import { blobOf } from '../../helpers/memory-service';

function device() {
  const host = new MemoryPondHost();
  const names = new MemoryPondNames();
  const coordinator = new MemoryCoordinator();
  const remotes = new MemoryRemoteConfigs();
  const connectOrigins = new MemoryConnectOrigins();
  return { remotes, connectOrigins, tab: () => new PondService({ host, names, coordinator, exec: runCommandLine, remotes, connectOrigins }) };
}

const hydrovu = (baseUrl: string) => `baseUrl: ${baseUrl}\nclientId: me\ndevices:\n  - {name: A, id: 1}\n`;

describe('connect origins', () => {
  it('takes the origin of a URL and refuses what a policy must not allow, naming the URL', () => {
    expect(originsOf(['https://s3.example/bucket/x', 'https://s3.example:443/other', 'http://127.0.0.1:9000/b'])).toEqual(['http://127.0.0.1:9000', 'https://s3.example']);
    expect(() => connectOriginOf('http://s3.example/b')).toThrow(/cannot allow connections to "http:\/\/s3\.example\/b"/);
    expect(() => connectOriginOf('bucket')).toThrow(/not a URL: "bucket"/);
    expect(() => connectOriginOf('bucket')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  it('records remotes as they are added and removed, with their presign endpoints', async () => {
    const d = device();
    const tab = d.tab();
    await tab.remoteAdd({ name: 'keys', bucketUrl: 'https://s3.example/b', accessKeyId: 'K', secretAccessKey: 'S' });
    await tab.remoteAdd({ name: 'signed', bucketUrl: 'https://other-s3.example/b', presignUrl: 'https://sign.example/presign' });
    expect(await d.connectOrigins.all()).toEqual(['https://other-s3.example', 'https://s3.example', 'https://sign.example']);
    await tab.remoteRemove('signed');
    expect(await d.connectOrigins.all()).toEqual(['https://s3.example']);
    await tab.remoteRemove('keys');
    expect(await d.connectOrigins.all()).toEqual([]);
  });

  it("records remotes configured before the list existed when a pond opens", async () => {
    const d = device();
    await d.remotes.put({ name: 'old', bucketUrl: 'https://old-s3.example/b', prefix: '', signing: { kind: 'keys', accessKeyId: 'K', region: 'us-east-1' } });
    expect(await d.connectOrigins.all()).toEqual([]);
    await d.tab().createPond('p');
    expect(await d.connectOrigins.all()).toEqual(['https://old-s3.example']);
  });

  it("records a pond's HydroVu servers on mknod and on open, and forgets them with the pond", async () => {
    const d = device();
    const tab = d.tab();
    const { id } = await tab.createPond('site');
    const files = [{ name: 'a.yaml', data: blobOf(hydrovu('https://hv-a.example/api/')) }, { name: 'b.yaml', data: blobOf(hydrovu('http://127.0.0.1:8123/')) }];
    expect((await tab.exec('mknod hydrovu /hv/a --config host:a.yaml', { files })).exitCode).toBe(0);
    expect(await d.connectOrigins.all()).toEqual(['https://hv-a.example']);
    expect((await tab.exec('mknod hydrovu /hv/b --config host:b.yaml', { files })).exitCode).toBe(0);
    expect(await d.connectOrigins.all()).toEqual(['http://127.0.0.1:8123', 'https://hv-a.example']);
    // A node removed: its server stays allowed until the pond is opened again, which records what is configured.
    await tab.remove('/hv/a');
    await tab.openPond(id);
    expect(await d.connectOrigins.all()).toEqual(['http://127.0.0.1:8123']);
    const other = await tab.createPond('other');
    await tab.deletePond(id);
    expect(await d.connectOrigins.all()).toEqual([]);
    expect(other.id).not.toBe(id);
  });
});
