// Configured-node configs: parsing, defaults, errors that name the field, and the paths derived series land at.
import { describe, expect, it } from 'vitest';
import { nodeFolder } from '../../../src/service/nodes/config-fields';
import { deviceSeriesPath } from '../../../src/service/nodes/factories/hydrovu';
import { parseTemporalReduceConfig, planReduce, reducedPath } from '../../../src/service/nodes/factories/temporal-reduce';
import { factoryNamed, parseNodeConfig } from '../../../src/service/nodes/registry';
import { memoryBrowser } from '../../helpers/memory-service';
import type { NodeRecord } from '../../../src/tinyfs/node';

describe('temporal-reduce config', () => {
  it('defaults to 1h,2h,4h,12h,24h and avg/min/max/count', () => {
    expect(parseTemporalReduceConfig('input: /devices/**/*.series\noutput: reduced\n')).toEqual({
      form: 'folder', input: '/devices/**/*.series', output: '/reduced', resolutions: ['1h', '2h', '4h', '12h', '24h'],
      aggregations: [{ type: 'avg' }, { type: 'min' }, { type: 'max' }, { type: 'count' }],
    });
  });

  it('accepts lists or comma strings and sorts resolutions by width', () => {
    const c = parseTemporalReduceConfig('input: /a.series\noutput: /o\nresolutions: 1d, 15m, 2h\naggregations: [max, sum]\n');
    expect(c.resolutions).toEqual(['15m', '2h', '1d']);
    expect(c.aggregations).toEqual([{ type: 'max' }, { type: 'sum' }]);
  });

  it('names the bad field', () => {
    expect(() => parseTemporalReduceConfig('output: /o\n')).toThrow(/input/);
    expect(() => parseTemporalReduceConfig('input: /a\n')).toThrow(/output/);
    expect(() => parseTemporalReduceConfig('input: /a\noutput: /o\nresolutions: [1 month]\n')).toThrow(/resolutions.*1 month/);
    expect(() => parseTemporalReduceConfig('input: /a\noutput: /o\naggregations: [median]\n')).toThrow(/aggregations.*median/);
    expect(() => parseTemporalReduceConfig('input: /a\noutput: ../up\n')).toThrow(/climbs above/);
    expect(() => parseTemporalReduceConfig('- a\n- b\n')).toThrow(/mapping/);
  });
});

describe('HydroVu node config', () => {
  const yaml = 'baseUrl: http://127.0.0.1:9/\nclientId: me\ndevices:\n  - {name: Surface, id: 9007199254740993}\n';

  it('keeps big ids exact and takes an optional output folder', () => {
    const n = parseNodeConfig('hydrovu', `${yaml}output: /lake\n`);
    expect(n.factory.name).toBe('hydrovu');
    expect(n).toMatchObject({ config: { clientId: 'me', output: '/lake', devices: [{ name: 'Surface', id: '9007199254740993', active: true }] } });
  });

  it('refuses a secret in the config', () => {
    expect(() => parseNodeConfig('hydrovu', `${yaml}clientSecret: s3cret\n`)).toThrow(/does not belong in the config/);
  });

  it('knows only its factories', () => {
    expect(factoryNamed('hydrovu').name).toBe('hydrovu');
    expect(() => factoryNamed('logfile')).toThrow(/unknown factory "logfile"; known: hydrovu, temporal-reduce/);
  });
});

describe('derived paths', () => {
  it('places device series and reduced tables', () => {
    expect(nodeFolder('/etc/hydrovu')).toBe('/etc');
    expect(deviceSeriesPath('/', { id: '42', name: 'Surface' })).toBe('/devices/42/Surface.series');
    expect(reducedPath('/reduced', '/devices/42/Surface.series', '1h')).toBe('/reduced/Surface/res=1h.parquet');
  });
});

describe('incremental plan', () => {
  const v = (version: number, min: number | null, max: number | null, attrs: Record<string, string> = {}) =>
    ({ version, txnSeq: version, timestamp: 0, size: 0, sha256: null, inline: null, minEventTime: min, maxEventTime: max, attrs });
  const input: NodeRecord = { id: 'in', type: 'file:series', partId: 'p', versions: [v(1, 0, 10), v(2, 20, 30), v(3, 25, 40)] };
  const output = (attrs: Record<string, string>): NodeRecord => ({ id: 'out', type: 'file:table', partId: 'p', versions: [v(1, 0, 0, attrs)] });

  it('folds only new versions, over their event-time hull', () => {
    expect(planReduce(input, output({ input_id: 'in', aggregations: 'avg', input_versions: '1' }), 'avg')).toMatchObject({ kind: 'incremental', changed: [20, 40] });
    expect(planReduce(input, output({ input_id: 'in', aggregations: 'avg', input_versions: '1,2,3' }), 'avg').kind).toBe('none');
  });

  it('recomputes fully when there is no output, the config or input changed, or times are unknown', () => {
    expect(planReduce(input, undefined, 'avg').kind).toBe('full');
    expect(planReduce(input, output({ input_id: 'in', aggregations: 'avg,max', input_versions: '1' }), 'avg').kind).toBe('full');
    expect(planReduce(input, output({ input_id: 'other', aggregations: 'avg', input_versions: '1' }), 'avg').kind).toBe('full');
    expect(planReduce(input, output({ input_id: 'in', aggregations: 'avg', input_versions: '1,7' }), 'avg').kind).toBe('full');
    const unknown: NodeRecord = { ...input, versions: [...input.versions, v(4, null, null)] };
    expect(planReduce(unknown, output({ input_id: 'in', aggregations: 'avg', input_versions: '1,2,3' }), 'avg').kind).toBe('full');
  });
});

describe('mknod through a memory service', () => {
  it('stores the YAML with its factory attribute and the secret outside the pond', async () => {
    const svc = memoryBrowser().tab();
    await svc.createPond('p');
    const yaml = 'baseUrl: http://127.0.0.1:9/\nclientId: me\ndevices: []\n';
    const n = await svc.mknod('hydrovu', '/etc/hv', yaml, { secret: 'hunter2' });
    expect(n).toMatchObject({ path: '/etc/hv', type: 'file:data', version: 1 });
    expect((await svc.versions('/etc/hv'))[0]!.attrs).toEqual({ factory: 'hydrovu' });
    expect(new TextDecoder().decode(await svc.readFile('/etc/hv'))).toBe(yaml);
    expect(await svc.configuredNodes()).toEqual([{ path: '/etc/hv', factory: 'hydrovu', version: 1, config: yaml, hasSecret: true, activeDevices: 0, baseUrl: 'http://127.0.0.1:9/' }]);
    expect((await svc.log({ limit: 1 }))[0]!.command).toBe('mknod hydrovu /etc/hv');
    const bad = await svc.mknod('temporal-reduce', '/r', 'input: /x\n').catch((e: unknown) => e);
    expect(String(bad)).toMatch(/output/);
    const shell = await svc.exec('mknod temporal-reduce /r --config host:r.yaml', { files: [{ name: 'r.yaml', data: new Blob(['input: /x/*.series\noutput: /out\n']) }] });
    expect(shell).toMatchObject({ exitCode: 0, stdout: '/r v1 (temporal-reduce)\n' });
  });
});
