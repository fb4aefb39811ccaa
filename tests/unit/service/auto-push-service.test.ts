// Auto-push in the service over memory stores and an in-process s3rver on 127.0.0.1, with short delays: only the tab
// holding the writer lock pushes (another tab shows the count and takes over when the writer closes), a missing
// session secret is a failure that the secret's arrival retries at once, removing the remote forgets it, bad input
// is refused naming it. The browser side (real worker, OPFS, a stopped server) is tests/browser/backup/auto-push-*.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MemoryPondNames } from '../../../src/service/settings/pond-names';
import { MemoryRemoteConfigs } from '../../../src/service/backup/remotes';
import { MemoryAutoPushSettings } from '../../../src/service/settings/auto-push-settings';
import { PondService } from '../../../src/service/service';
import { MemoryCoordinator } from '../../../src/pond/coordination';
import { runCommandLine } from '../../../src/shell/run';
import { MemoryPondHost } from '../../../src/storage/pond-host';
import { S3Remote } from '../../../src/remote/s3-client';
import { blobOf } from '../../helpers/memory-service';
import { startS3, type LocalS3 } from '../../helpers/s3-server';

const KEYS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', region: 'us-east-1' };
const WAIT = { timeout: 10_000, interval: 20 };

function device() {
  const host = new MemoryPondHost();
  const names = new MemoryPondNames();
  const coordinator = new MemoryCoordinator();
  const remotes = new MemoryRemoteConfigs();
  const autoPush = new MemoryAutoPushSettings();
  return {
    autoPush,
    tab: () => new PondService({ host, names, coordinator, exec: runCommandLine, remotes, autoPush, autoPushTimings: { debounceMs: 20, firstRetryMs: 50, maxRetryMs: 200 } }),
  };
}

describe('auto-push in the service', () => {
  let s3: LocalS3;
  let bucketUrl: string;
  beforeAll(async () => {
    s3 = await startS3('http://127.0.0.1');
    bucketUrl = s3.bucketUrl;
  });
  afterAll(() => s3.close());

  /** The commit numbers in the bucket for this pond (listed independently of the service). */
  async function commitsThere(prefix: string, pondId: string): Promise<number[]> {
    const r = new S3Remote({ bucketUrl, prefix, signing: { kind: 'keys', ...KEYS } });
    const base = `${prefix}/${pondId}/_delta_log/`;
    return (await r.list(base)).map((o) => /(\d{20})\.json$/.exec(o.key)).filter((m) => m !== null).map((m) => Number(m![1])).sort((a, b) => a - b);
  }
  const upTo = (v: number) => Array.from({ length: v + 1 }, (_, i) => i);

  it('only the writer tab pushes; the read-only tab shows the count and pushes once it holds the lock', async () => {
    const d = device();
    const writer = d.tab(), reader = d.tab();
    await writer.remoteAdd({ name: 'lab', bucketUrl, prefix: 'tabs', ...KEYS, rememberSecret: true });
    const { id } = await writer.createPond('two tabs');
    expect((await writer.autoPush('lab', true)).autoPush).toEqual([expect.objectContaining({ remote: 'lab', active: true })]);
    await writer.writeFile('/a.txt', blobOf('a'));
    const v = (await writer.info()).version;
    await vi.waitFor(async () => expect((await writer.info()).autoPush![0]).toMatchObject({ unpushed: 0, pushedVersion: v }), WAIT);
    expect(await commitsThere('tabs', id)).toEqual(upTo(v));

    const seen = await reader.openPond(id);
    expect(seen.readOnly).toBe(true);
    expect(seen.autoPush).toEqual([expect.objectContaining({ remote: 'lab', unpushed: 0, pushedVersion: v, active: false })]);
    expect((await reader.exec('remote auto-push')).stdout).toContain('pushed by the tab writing this pond');

    // The writer goes away with a commit not pushed yet (closed before its quiet spell ended).
    await writer.writeFile('/b.txt', blobOf('b'));
    await writer.createPond('elsewhere'); // closes the pond there: its lock passes to the reader
    await vi.waitFor(async () => expect(await reader.info()).toMatchObject({ readOnly: false, autoPush: [expect.objectContaining({ active: true })] }), WAIT);
    const v2 = (await reader.info()).version;
    expect(v2).toBe(v + 1);
    await vi.waitFor(async () => expect((await reader.info()).autoPush![0]).toMatchObject({ unpushed: 0, pushedVersion: v2 }), WAIT);
    expect(await commitsThere('tabs', id)).toEqual(upTo(v2));
  });

  it('a secret this tab lacks: the failure shows with its next try, and giving the secret pushes at once', async () => {
    const d = device();
    const first = d.tab();
    await first.remoteAdd({ name: 'session', bucketUrl, prefix: 'secret', ...KEYS }); // not remembered
    const { id } = await first.createPond('secret');
    await first.createPond('other');
    const later = d.tab(); // a reload: the session secret is gone
    await later.openPond(id);
    await later.autoPush('session', true);
    await later.writeFile('/a.txt', blobOf('a'));
    await vi.waitFor(async () => expect((await later.info()).autoPush![0]!.lastError).toMatch(/secret key was not remembered/), WAIT);
    const v = (await later.info()).version;
    expect((await later.info()).autoPush![0]).toMatchObject({ unpushed: v + 1 });
    expect((await later.exec('remote auto-push')).stdout).toMatch(/commits not backed up \(last push failed: .*next try \d\d:\d\d:\d\d UTC/);
    await later.remoteSecret('session', KEYS.secretAccessKey);
    await vi.waitFor(async () => expect((await later.info()).autoPush![0]).toMatchObject({ unpushed: 0, pushedVersion: v }), WAIT);
    expect((await later.info()).autoPush![0]!.lastError).toBeUndefined();
    expect(await commitsThere('secret', id)).toEqual(upTo(v));
  });

  it('refuses a remote that does not exist or is not on, and forgets a removed remote', async () => {
    const d = device();
    const tab = d.tab();
    const { id } = await tab.createPond('refusals');
    await expect(tab.autoPush('nope', true)).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('nope') });
    await tab.remoteAdd({ name: 'lab', bucketUrl, prefix: 'forget', ...KEYS, rememberSecret: true });
    await expect(tab.autoPush('lab', false)).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'remote lab does not auto-push this pond' });
    const usage = await tab.exec('remote auto-push lab maybe');
    expect(usage.exitCode).not.toBe(0);
    expect(usage.stderr).toContain('usage: remote auto-push NAME on|off');
    expect((await tab.exec('remote auto-push lab on')).stdout).toMatch(/^auto-push lab: \d+ commits? not backed up/);
    expect(await d.autoPush.get(id)).toEqual([expect.objectContaining({ remote: 'lab' })]);
    await tab.remoteRemove('lab');
    expect((await tab.info()).autoPush).toBeUndefined();
    expect(await d.autoPush.get(id)).toEqual([]);
    expect((await tab.exec('remote auto-push')).stdout).toContain('no remote pushes this pond by itself');
  });
});
