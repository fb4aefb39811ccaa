import { describe, expect, it } from 'vitest';
import { blobOf, memoryBrowser } from '../../helpers/memory-service';
import { tokenize } from '../../../src/shell/tokenize';

async function shell() {
  const tab = memoryBrowser().tab();
  const run = (line: string, files: { name: string; data: Blob }[] = []) => tab.exec(line, { files });
  expect((await run('init demo')).exitCode).toBe(0);
  return run;
}

describe('shell', () => {
  it('tokenises quotes and escapes like a shell', () => {
    expect(tokenize(`copy host:"my file.csv" '/a b/' x\\ y "q\\"x"`)).toEqual(['copy', 'host:my file.csv', '/a b/', 'x y', 'q"x']);
    expect(() => tokenize(`cat "open`)).toThrow(/unterminated/);
  });

  it('runs the original commands: mkdir, copy in, list, cat, describe, show', async () => {
    const run = await shell();
    expect(await run('mkdir -p /data/raw')).toMatchObject({ exitCode: 0 });
    expect((await run('copy host:a.txt /data/raw/', [{ name: 'a.txt', data: blobOf('first\n') }])).stdout).toBe('/data/raw/a.txt v1\n');
    await run('copy host:a.txt /data/raw/', [{ name: 'a.txt', data: blobOf('second\n') }]);
    expect((await run('list')).stdout).toBe('/data/\n/data/raw/\n/data/raw/a.txt\n');
    expect((await run('list /data/raw/ -l')).stdout).toMatch(/^FILE +7 B \w{8} v2 +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \/data\/raw\/a\.txt\n$/);
    expect((await run('list /data')).stdout).toBe('/data/\n');
    expect((await run('cat /data/raw/a.txt')).stdout).toBe('second\n');
    expect((await run('cat /data/raw/a.txt --version 1')).stdout).toBe('first\n');
    expect((await run('describe /data/raw/a.txt')).stdout).toMatch(/file:data\n  versions: 2\n  v1 .*\n  v2 /);
    const show = (await run('show')).stdout.trimEnd().split('\n');
    expect(show).toHaveLength(4);
    expect(show[0]).toMatch(/^ +3 .* copy a\.txt \/data\/raw\/ --format data +\(1 entry\)$/);
    expect((await run('log --limit 1')).stdout.trim().split('\n')).toHaveLength(1);
  });

  it('copies pond files out as downloads', async () => {
    const run = await shell();
    await run('copy host:x host:y /in/', [{ name: 'x', data: blobOf('X') }, { name: 'y', data: blobOf('Y') }]);
    // Into a host folder each file keeps its pond path below it (the structure is not lost), less --strip-prefix.
    const r = await run('copy /in/* host:out/');
    expect(r.downloads?.map((d) => [d.name, new TextDecoder().decode(d.data)])).toEqual([['out/in/x', 'X'], ['out/in/y', 'Y']]);
    await run('copy host:z /in/deeper/', [{ name: 'z', data: blobOf('Z') }]);
    expect((await run('copy /in/** host:')).downloads?.map((d) => d.name)).toEqual(['in/deeper/z', 'in/x', 'in/y']);
    expect((await run('copy /in/** host:out/ --strip-prefix /in')).downloads?.map((d) => d.name)).toEqual(['out/deeper/z', 'out/x', 'out/y']);
    expect((await run('copy /in/** host: --strip-prefix /elsewhere')).stderr).toMatch(/\/in\/deeper\/z is not under --strip-prefix \/elsewhere/);
    expect((await run('copy /in/x host:renamed.txt')).downloads?.[0]?.name).toBe('renamed.txt');
  });

  it('reports errors on stderr with the code and a non-zero exit', async () => {
    const run = await shell();
    expect(await run('cat /missing')).toMatchObject({ exitCode: 1, stderr: expect.stringMatching(/not found.*\[NOT_FOUND\]/) });
    expect(await run('mkdir')).toMatchObject({ exitCode: 2, stderr: expect.stringMatching(/usage: mkdir/) });
    expect(await run('frobnicate')).toMatchObject({ exitCode: 2, stderr: expect.stringMatching(/unknown command/) });
    expect(await run('list --bogus')).toMatchObject({ exitCode: 2, stderr: expect.stringMatching(/unknown option --bogus/) });
    expect(await run('mkdir /a/../../x')).toMatchObject({ exitCode: 1, stderr: expect.stringMatching(/INVALID_PATH/) });
    expect(await run('copy host:nope /x')).toMatchObject({ exitCode: 1, stderr: expect.stringMatching(/no attached host file named nope/) });
  });
});
