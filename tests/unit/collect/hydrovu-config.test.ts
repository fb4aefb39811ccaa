import { describe, expect, it } from 'vitest';
import { parseHydroVuConfig, validateBaseUrl, parseJsonKeepingIds, quoteIds } from '../../../src/collect/hydrovu';
import { resumeStartSeconds, DEFAULT_WINDOW_DAYS } from '../../../src/collect/hydrovu/collect';

describe('HydroVu config from YAML', () => {
  it('parses a full config, keeping a big unquoted id exact', () => {
    const c = parseHydroVuConfig(`
baseUrl: https://proxy.example.org/hydrovu
clientId: abc
maxPointsPerRun: 5000
startTime: 2024-01-01
devices:
  - { name: Surface, id: 9007199254740993, active: true }
  - { name: Vulink, id: "1234" }
  - { name: Old, id: 77, active: false }
`);
    expect(c).toEqual({
      baseUrl: 'https://proxy.example.org/hydrovu/',
      clientId: 'abc',
      maxPointsPerRun: 5000,
      startTime: Date.UTC(2024, 0, 1) / 1000,
      devices: [
        { name: 'Surface', id: '9007199254740993', active: true },
        { name: 'Vulink', id: '1234', active: true },
        { name: 'Old', id: '77', active: false },
      ],
    });
  });
  it('defaults the base URL and max points', () => {
    const c = parseHydroVuConfig('clientId: x\ndevices: []\n');
    expect(c.baseUrl).toBe('https://www.hydrovu.com/public-api/');
    expect(c.maxPointsPerRun).toBeGreaterThan(0);
    expect(c.startTime).toBeUndefined();
  });
  it('names the field that is wrong', () => {
    const bad = (y: string) => () => parseHydroVuConfig(y);
    expect(bad('devices: []\n')).toThrow(/HydroVu config: clientId must be a non-empty string/);
    expect(bad('clientId: x\n')).toThrow(/devices must be a list/);
    expect(bad('clientId: x\ndevices: [{name: a/b, id: 1}]\n')).toThrow(/devices\[0\]\.name/);
    expect(bad('clientId: x\ndevices: [{name: a, id: abc}]\n')).toThrow(/devices\[0\]\.id must be a location id/);
    expect(bad('clientId: x\ndevices: [{name: a, id: 1}, {name: b, id: "1"}]\n')).toThrow(/devices\[1\]\.id repeats location 1/);
    expect(bad('clientId: x\ndevices: [{name: a, id: 1, active: yes}]\n')).toThrow(/devices\[0\]\.active must be true or false/);
    expect(bad('clientId: x\nmaxPointsPerRun: 0\ndevices: []\n')).toThrow(/maxPointsPerRun must be a positive integer/);
    expect(bad('clientId: x\nstartTime: last week\ndevices: []\n')).toThrow(/startTime must be unix seconds or an ISO date/);
    expect(bad('clientId: x\nclientSecret: s\ndevices: []\n')).toThrow(/clientSecret does not belong in the config/);
    expect(bad('clientId: x\nbaseUrl: http://hydrovu.example.com/\ndevices: []\n')).toThrow(/baseUrl must use https/);
    expect(bad('clientId: [\n')).toThrow(/not valid YAML/);
  });
  it('validates base URLs', () => {
    expect(validateBaseUrl('http://127.0.0.1:8080/api')).toBe('http://127.0.0.1:8080/api/');
    expect(validateBaseUrl('http://localhost:1/')).toBe('http://localhost:1/');
    expect(() => validateBaseUrl('ftp://x/')).toThrow(/must use https/);
    expect(() => validateBaseUrl('not a url')).toThrow(/not a valid URL/);
    expect(() => validateBaseUrl('https://u:p@x/')).toThrow(/credentials/);
  });
});

describe('big ids in JSON', () => {
  it('keeps 9007199254740993 exact where JSON.parse rounds it', () => {
    const text = '[{"id":9007199254740993,"name":"a"},{"id": 12 ,"name":"b"}]';
    expect((JSON.parse(text) as { id: number }[])[0]!.id).toBe(9007199254740992);
    expect(parseJsonKeepingIds(text, 'test')).toEqual([
      { id: '9007199254740993', name: 'a' },
      { id: '12', name: 'b' },
    ]);
  });
  it('leaves strings that look like ids, values and other keys alone', () => {
    const text = '{"locationId":9007199254740993,"note":"\\"id\\":5 and \\"id\\": 6","value":9007199254740993,"xid":7,"parameters":[{"parameterId":"ph-x","unitId":245}]}';
    expect(parseJsonKeepingIds(text, 't')).toEqual({
      locationId: '9007199254740993',
      note: '"id":5 and "id": 6',
      value: 9007199254740992,
      xid: 7,
      parameters: [{ parameterId: 'ph-x', unitId: '245' }],
    });
    expect(quoteIds('{"id":-3}')).toBe('{"id":"-3"}');
  });
  it('reports invalid JSON with where it came from', () => {
    expect(() => parseJsonKeepingIds('{"id":', 'HydroVu v1/locations/list')).toThrow(/HydroVu v1\/locations\/list: the answer is not valid JSON/);
  });
});

describe('where a run starts', () => {
  it('resumes one second after the stored max, else the configured start, else a window before now', () => {
    expect(resumeStartSeconds({ since: 1_704_067_200_000_000 })).toBe(1_704_067_201);
    expect(resumeStartSeconds({ since: 1_704_067_200_500_000 })).toBe(1_704_067_201);
    expect(resumeStartSeconds({ startTime: 1_700_000_000 })).toBe(1_700_000_000);
    expect(resumeStartSeconds({ now: () => 2_000_000_000_000 })).toBe(2_000_000_000 - DEFAULT_WINDOW_DAYS * 86_400);
    expect(() => resumeStartSeconds({ since: -1 })).toThrow(/since must be UTC microseconds/);
  });
});
