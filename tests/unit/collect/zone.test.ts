import { describe, expect, it } from 'vitest';
import { localToUtcMs, parseLocalTime, validateZone, zoneOffsetMs } from '../../../src/collect/laketech/zone';

const iso = (ms: number) => new Date(ms).toISOString();
const at = (s: string, zone: string) => iso(localToUtcMs(zone, parseLocalTime(s)!));

describe('local time to UTC with Intl', () => {
  it('reads standard and daylight time in Los Angeles', () => {
    expect(at('2024-01-15 12:00', 'America/Los_Angeles')).toBe('2024-01-15T20:00:00.000Z');
    expect(at('2024-07-15 12:00:30', 'America/Los_Angeles')).toBe('2024-07-15T19:00:30.000Z');
    expect(zoneOffsetMs('America/Los_Angeles', Date.UTC(2024, 6, 1))).toBe(-7 * 3600_000);
  });
  it('handles the spring-forward gap by moving forward', () => {
    expect(at('2024-03-10 01:59', 'America/Los_Angeles')).toBe('2024-03-10T09:59:00.000Z');
    expect(at('2024-03-10 02:30', 'America/Los_Angeles')).toBe('2024-03-10T10:30:00.000Z'); // = 03:30 PDT
    expect(at('2024-03-10 03:00', 'America/Los_Angeles')).toBe('2024-03-10T10:00:00.000Z');
  });
  it('takes the earlier instant for the repeated hour when clocks go back', () => {
    expect(at('2024-11-03 00:59', 'America/Los_Angeles')).toBe('2024-11-03T07:59:00.000Z');
    expect(at('2024-11-03 01:30', 'America/Los_Angeles')).toBe('2024-11-03T08:30:00.000Z'); // PDT
    expect(at('2024-11-03 02:00', 'America/Los_Angeles')).toBe('2024-11-03T10:00:00.000Z'); // PST
  });
  it('works for southern-hemisphere and half-hour zones and UTC', () => {
    expect(at('2024-01-15 12:00', 'Australia/Adelaide')).toBe('2024-01-15T01:30:00.000Z');
    expect(at('2024-07-15 12:00', 'Australia/Adelaide')).toBe('2024-07-15T02:30:00.000Z');
    expect(at('2024-07-15 12:00:00.250', 'UTC')).toBe('2024-07-15T12:00:00.250Z');
  });
  it('rejects unknown zones and impossible dates', () => {
    expect(() => validateZone('Mars/Olympus')).toThrow(/unknown time zone "Mars\/Olympus"/);
    expect(parseLocalTime('2024-02-30 10:00')).toBeNull();
    expect(parseLocalTime('2024-01-01 24:00')).toBeNull();
    expect(parseLocalTime('yesterday')).toBeNull();
  });
});
