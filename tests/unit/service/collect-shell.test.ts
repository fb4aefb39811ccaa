// The collect shell commands' argument handling, over a memory service (no network, no DuckDB needed).
import { describe, expect, it } from 'vitest';
import { memoryBrowser } from '../../helpers/memory-service';

const yaml = 'baseUrl: http://127.0.0.1:9/\nclientId: me\ndevices:\n  - {name: A, id: 1}\n';
const files = [{ name: 'hv.yaml', data: new Blob([yaml]) }];

async function shell() {
  const svc = memoryBrowser().tab();
  await svc.createPond('p');
  return svc;
}

describe('collect shell commands', () => {
  it('mknod needs a factory, a path and --config host:FILE', async () => {
    const svc = await shell();
    expect(await svc.exec('mknod hydrovu /hv')).toMatchObject({ exitCode: 2, stderr: expect.stringMatching(/usage: mknod/) });
    expect(await svc.exec('mknod logfile /x --config host:hv.yaml', { files })).toMatchObject({ exitCode: 2, stderr: expect.stringMatching(/unknown factory "logfile"/) });
    expect(await svc.exec('mknod hydrovu /hv --config host:missing.yaml', { files })).toMatchObject({ exitCode: 1, stderr: expect.stringMatching(/no attached host file named missing\.yaml/) });
    expect(await svc.exec('mknod temporal-reduce /r --config host:hv.yaml --secret s', { files })).toMatchObject({ exitCode: 1 });
    const ok = await svc.exec('mknod hydrovu /hv --config host:hv.yaml --secret s3cr3t', { files });
    expect(ok).toMatchObject({ exitCode: 0, stdout: '/hv v1 (hydrovu); secret stored in this browser\n' });
    const status = await svc.exec('collect-status');
    expect(status.stdout).toBe('interval runs off\n/hv [hydrovu] never run\n');
  });

  it('run refuses a path that is not a configured node', async () => {
    const svc = await shell();
    await svc.writeFile('/plain.txt', new Blob(['x']));
    expect(await svc.exec('run')).toMatchObject({ exitCode: 2 });
    expect(await svc.exec('run /plain.txt')).toMatchObject({ exitCode: 1, stderr: expect.stringMatching(/\/plain\.txt is not a configured node/) });
  });

  it('export checks --temporal and the pattern', async () => {
    const svc = await shell();
    expect(await svc.exec('export /x --temporal month')).toMatchObject({ exitCode: 2, stderr: expect.stringMatching(/--temporal must be year/) });
    expect(await svc.exec('export /nothing/*.series')).toMatchObject({ exitCode: 1, stderr: expect.stringMatching(/no series, table or derived node matches/) });
  });

  it('collect-every turns interval runs on and off', async () => {
    const svc = await shell();
    expect((await svc.exec('collect-every 0')).exitCode).toBe(2);
    expect((await svc.exec('collect-every 30')).stdout).toMatch(/^interval runs every 30 min; next at \d{4}-/);
    expect((await svc.collectorStatus()).everyMinutes).toBe(30);
    expect((await svc.exec('collect-every off')).stdout).toBe('interval runs off\n');
  });

  it('import-laketech needs host files and a destination', async () => {
    const svc = await shell();
    expect(await svc.exec('import-laketech host:a.csv')).toMatchObject({ exitCode: 2 });
    expect(await svc.exec('import-laketech /a.csv /dest')).toMatchObject({ exitCode: 2, stderr: expect.stringMatching(/host file/) });
  });
});

describe('the factory registry in the shell', () => {
  it('list-factories prints every registered factory with its kind and config fields', async () => {
    const svc = await shell();
    const r = await svc.exec('list-factories');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^hydrovu \[collect\] .*\(takes --secret\)$/m);
    expect(r.stdout).toMatch(/^temporal-reduce \[reduce\] /m);
    expect(r.stdout).toMatch(/^ {2}clientId \(required\): /m);
    expect(r.stdout).toMatch(/^ {2}in_pattern: pond glob of input series or derived nodes/m);
    expect(r.stdout).toMatch(/^ {2}input: first form, instead of in_pattern: glob of input series/m);
    expect((await svc.listFactories()).map((f) => f.name)).toEqual([
      'hydrovu', 'temporal-reduce', 'sql-derived-series', 'sql-derived-table', 'timeseries-join', 'timeseries-pivot', 'column-rename', 'synthetic-timeseries', 'pond-import', 'dynamic-dir',
    ]);
    expect(r.stdout).toMatch(/^dynamic-dir \[directory\] /m);
    expect(r.stdout).toMatch(/^column-rename \[transform\] /m);
  });
});
