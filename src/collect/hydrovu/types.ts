import { PondError } from '../../core/errors';

/** `GET v1/sispec/friendlynames`: id → display name for parameters and units. */
export interface FriendlyNames {
  parameters: Map<string, string>;
  units: Map<string, string>;
}

/** One entry of `GET v1/locations/list`; ids are strings because they exceed 2^53. */
export interface HydroVuLocation {
  id: string;
  name: string;
  description: string;
  gps: { latitude: number; longitude: number } | null;
}

/** One parameter's readings in a data page. */
export interface HydroVuParameter {
  parameterId: string;
  unitId: string;
  customParameter: boolean;
  readings: { timestamp: number; value: number | null }[];
}

/** `GET v1/locations/{id}/data`: one page. */
export interface HydroVuDataPage {
  locationId: string;
  parameters: HydroVuParameter[];
}

// Validation of untrusted answers: every failure names the request path so a user can tell which call broke.

function bad(where: string, what: string): PondError {
  return new PondError('INVALID_INPUT', `${where}: unexpected answer: ${what}`, { detail: { where } });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function idString(v: unknown, where: string, what: string): string {
  if (typeof v === 'string' && v.length > 0) return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  throw bad(where, `${what} is not an id (${JSON.stringify(v)})`);
}

function stringMap(v: unknown, where: string, what: string): Map<string, string> {
  if (!isObject(v)) throw bad(where, `${what} is not an object`);
  const out = new Map<string, string>();
  for (const [k, name] of Object.entries(v)) {
    if (typeof name !== 'string') throw bad(where, `${what}.${k} is not a string`);
    out.set(k, name);
  }
  return out;
}

/** Checks a friendly-names answer. */
export function toFriendlyNames(v: unknown, where: string): FriendlyNames {
  if (!isObject(v)) throw bad(where, 'not an object');
  return { parameters: stringMap(v.parameters, where, 'parameters'), units: stringMap(v.units, where, 'units') };
}

/** Checks one page of the location list. */
export function toLocations(v: unknown, where: string): HydroVuLocation[] {
  if (!Array.isArray(v)) throw bad(where, 'not an array of locations');
  return v.map((item, i) => {
    if (!isObject(item)) throw bad(where, `location ${i} is not an object`);
    const gps = isObject(item.gps) && typeof item.gps.latitude === 'number' && typeof item.gps.longitude === 'number'
      ? { latitude: item.gps.latitude, longitude: item.gps.longitude }
      : null;
    return {
      id: idString(item.id, where, `location ${i} id`),
      name: typeof item.name === 'string' ? item.name : '',
      description: typeof item.description === 'string' ? item.description : '',
      gps,
    };
  });
}

/** Checks one data page: timestamps must be finite seconds; values numbers or null. */
export function toDataPage(v: unknown, where: string): HydroVuDataPage {
  if (!isObject(v)) throw bad(where, 'not an object');
  if (!Array.isArray(v.parameters)) throw bad(where, 'parameters is not an array');
  const parameters = v.parameters.map((p, i): HydroVuParameter => {
    if (!isObject(p)) throw bad(where, `parameters[${i}] is not an object`);
    if (!Array.isArray(p.readings)) throw bad(where, `parameters[${i}].readings is not an array`);
    const readings = p.readings.map((r, j) => {
      if (!isObject(r) || typeof r.timestamp !== 'number' || !Number.isFinite(r.timestamp)) {
        throw bad(where, `parameters[${i}].readings[${j}] has no numeric timestamp`);
      }
      if (r.value !== null && (typeof r.value !== 'number' || !Number.isFinite(r.value))) {
        throw bad(where, `parameters[${i}].readings[${j}].value is not a number`);
      }
      return { timestamp: r.timestamp, value: r.value as number | null };
    });
    return {
      parameterId: idString(p.parameterId, where, `parameters[${i}].parameterId`),
      unitId: idString(p.unitId, where, `parameters[${i}].unitId`),
      customParameter: p.customParameter === true,
      readings,
    };
  });
  return { locationId: v.locationId === undefined ? '' : idString(v.locationId, where, 'locationId'), parameters };
}
