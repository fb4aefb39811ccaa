// The backup commands' language: usage errors (exit 2) that say what is wrong, remote list without secrets,
// and the zip round trip as a download and an attached file.
import { describe, expect, it } from 'vitest';
import { MemoryPondNames } from '../../../src/service/settings/pond-names';
import { MemoryRemoteConfigs } from '../../../src/service/backup/remotes';
import { PondService } from '../../../src/service/service';
import { MemoryCoordinator } from '../../../src/pond/coordination';
import { runCommandLine } from '../../../src/shell/run';
import { MemoryPondHost } from '../../../src/storage/pond-host';
import { blobOf } from '../../helpers/memory-service';

function shell() {
  const tab = new PondService({ host: new MemoryPondHost(), names: new MemoryPondNames(), coordinator: new MemoryCoordinator(), exec: runCommandLine, remotes: new MemoryRemoteConfigs() });
  return (line: string, files: { name: string; data: Blob }[] = []) => tab.exec(line, { files });
}

describe('remote shell commands', () => {
  it.each([
    ['remote', /usage: remote add NAME URL/],
    ['remote frobnicate', /usage: remote add NAME URL/],
    ['remote add lab', /usage: remote add NAME URL/],
    ['remote add lab https://s3.example/b', /signing needs --key ID --secret S \(both\), or --presign URL/],
    ['remote add lab https://s3.example/b --key K', /signing needs --key ID --secret S/],
    ['remote add lab https://s3.example/b --key K --secret S --presign https://p.example', /not both/],
    ['remote add lab https://s3.example/b --presign https://p.example --remember', /--remember keeps a secret key/],
    ['remote add lab https://s3.example/b --key K --secret S --colour red', /unknown option --colour/],
    ['remote add lab https://s3.example/b --key K --secret', /--secret needs a value/],
    ['remote remove', /usage: remote remove NAME/],
    ['push', /usage: push NAME/],
    ['push lab --rebase --as-new-pond', /usage: push NAME \[--rebase \| --as-new-pond \[--name N\]\]/],
    ['push lab --name fork', /usage: push NAME \[--rebase/],
    ['push lab --as-new-pond --name', /--name needs a value/],
    ['pull a b c', /usage: pull \[NAME\] \| pull NAME POND_ID/],
    ['pull lab --name x', /usage: pull \[NAME\]/],
    ['follow', /usage: follow NAME \[--every SECONDS\]/],
    ['follow lab --every soon', /follow --every soon: give a number of seconds/],
    ['follow lab --stop', /usage: follow NAME/],
    ['restore lab', /usage: restore NAME POND_ID/],
    ['verify', /usage: verify NAME/],
    ['export-zip extra', /usage: export-zip/],
    ['export-zip --as-of x', /--as-of needs a version number, not x/],
    ['import-zip snapshot.zip', /usage: import-zip host:FILE/],
  ])('%s is a usage error', async (line, message) => {
    const r = await shell()(line);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('adds, lists (without secrets) and removes remotes; bad configs are input errors naming the field', async () => {
    const run = shell();
    expect((await run('remote add lab https://s3.example/ponds --prefix backups --key AKIA1 --secret S3CRET --region eu-west-1')).stdout)
      .toBe('added remote lab: https://s3.example/ponds prefix backups (secret kept for this session only)\n');
    expect((await run('remote add kept https://s3.example/ponds --key AKIA2 --secret S3CRET --remember')).stdout).toMatch(/secret remembered on this device/);
    expect((await run('remote add signer https://s3.example/ponds --presign https://sign.example/')).exitCode).toBe(0);
    const list = await run('remote list');
    expect(list.stdout).toBe([
      'kept\thttps://s3.example/ponds\tkeys AKIA2 (us-east-1), secret remembered',
      'lab\thttps://s3.example/ponds/backups\tkeys AKIA1 (eu-west-1), secret session',
      'signer\thttps://s3.example/ponds\tpresign https://sign.example/', '',
    ].join('\n'));
    expect(list.stdout).not.toContain('S3CRET');
    const bad = await run('remote add odd ftp://s3.example/b --key K --secret S');
    expect(bad).toMatchObject({ exitCode: 1, stderr: expect.stringMatching(/remote bucketUrl: must start with https:\/\/ .*\[INVALID_INPUT\]/) });
    expect((await run('remote add lab https://s3.example/b --key K --secret S')).stderr).toMatch(/remote named lab exists.*\[ALREADY_EXISTS\]/);
    expect((await run('remote remove lab')).stdout).toBe('removed remote lab\n');
    expect((await run('remote remove lab')).stderr).toMatch(/no remote named "lab".*\[NOT_FOUND\]/);
    expect((await run('push lab')).stderr).toMatch(/\[NOT_FOUND\]/);
  });

  it('exports a zip as a download and imports it from an attached file; a missing attachment is named', async () => {
    const run = shell();
    await run('init field');
    await run('copy host:a.txt /a.txt', [{ name: 'a.txt', data: blobOf('one') }]);
    await run('copy host:a.txt /a.txt', [{ name: 'a.txt', data: blobOf('two') }]);
    const out = await run('export-zip --as-of 1');
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toMatch(/^field-v1\.zip: version 1, 4 files, [\d.]+ KiB \(download\)\n$/);
    const zip = out.downloads![0]!;
    expect(zip.name).toBe('field-v1.zip');
    expect((await run('import-zip host:other.zip', [{ name: 'field-v1.zip', data: new Blob([zip.data as Uint8Array<ArrayBuffer>]) }])).stderr)
      .toMatch(/no attached file named other\.zip \(attached: field-v1\.zip\)/);
    // Same device: the pond id inside is taken, so the import is refused.
    expect((await run('import-zip host:field-v1.zip', [{ name: 'field-v1.zip', data: new Blob([zip.data as Uint8Array<ArrayBuffer>]) }])).stderr).toMatch(/already exists.*\[ALREADY_EXISTS\]/);
    const fresh = shell();
    const imported = await fresh('import-zip host:field-v1.zip --name "field copy"', [{ name: 'field-v1.zip', data: new Blob([zip.data as Uint8Array<ArrayBuffer>]) }]);
    expect(imported.stdout).toMatch(/^imported pond field copy \([0-9a-f-]{36}\) at version 1: 4 files\n$/);
  });
});
