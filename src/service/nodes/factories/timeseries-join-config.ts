// The config of `timeseries-join`: inputs (each a pond glob, an optional scope, an optional half-open time range
// and column-rename transforms) joined on `time_column`. Inputs sharing a scope are unioned first (the sensor swap:
// the old device's `range.end` is the new one's `range.begin`), scope groups are then FULL OUTER JOINed on time.
// Here only the config: its shape, defaults and the bad field named; unknown fields are refused.
import { yamlDoc } from '../config-fields';
import { absoluteGlob, at, DEFAULT_TIME_COLUMN, invalidField, list, mapping, nodeName, onlyFields, optionalString, pathList } from '../config-checks';
import { instantField } from '../iso-time';

const WHAT = 'timeseries-join';

export interface TimeseriesJoinRange {
  /** Inclusive lower bound, UTC µs. */
  begin?: number;
  /** Exclusive upper bound, UTC µs. */
  end?: number;
}

export interface TimeseriesJoinInput {
  /** Absolute pond glob of the input series. */
  pattern: string;
  /** Prefix of this input's columns (`Scope.column`); inputs sharing one are unioned by name. Absent: its own group. */
  scope?: string;
  range?: TimeseriesJoinRange;
  /** Absolute paths of column-rename nodes, applied in order before scoping. */
  transforms: string[];
}

export interface TimeseriesJoinConfig {
  /** The time column every input has and the result keeps (coalesced). Default `timestamp`. */
  timeColumn: string;
  /** At least two. */
  inputs: TimeseriesJoinInput[];
}

export function parseTimeseriesJoinConfig(text: string): TimeseriesJoinConfig {
  const o = yamlDoc(text, WHAT);
  onlyFields(o, ['time_column', 'inputs'], '', WHAT);
  const timeColumn = optionalString(o.time_column, 'time_column', WHAT, DEFAULT_TIME_COLUMN);
  const inputs = list(o.inputs, 'inputs', WHAT, 2).map((raw, i) => parseInput(raw, at('inputs', i)));
  return { timeColumn, inputs };
}

function parseInput(raw: unknown, field: string): TimeseriesJoinInput {
  const o = mapping(raw, field, WHAT);
  onlyFields(o, ['pattern', 'scope', 'range', 'transforms'], field, WHAT);
  const input: TimeseriesJoinInput = { pattern: absoluteGlob(o.pattern, at(field, 'pattern'), WHAT), transforms: pathList(o.transforms, at(field, 'transforms'), WHAT) };
  // A scope prefixes column names; the same rules as a node name keep `/` and control characters out of them.
  if (o.scope !== undefined && o.scope !== null) input.scope = nodeName(o.scope, at(field, 'scope'), WHAT);
  if (o.range !== undefined && o.range !== null) input.range = parseRange(o.range, at(field, 'range'));
  return input;
}

function parseRange(raw: unknown, field: string): TimeseriesJoinRange {
  const o = mapping(raw, field, WHAT);
  onlyFields(o, ['begin', 'end'], field, WHAT);
  const range: TimeseriesJoinRange = {};
  if (o.begin !== undefined && o.begin !== null) range.begin = instantField(o.begin, at(field, 'begin'), WHAT);
  if (o.end !== undefined && o.end !== null) range.end = instantField(o.end, at(field, 'end'), WHAT);
  if (range.begin !== undefined && range.end !== undefined && range.begin >= range.end) {
    throw invalidField(WHAT, at(field, 'end'), `(${String(o.end)}) must be after begin (${String(o.begin)}): begin is inclusive, end exclusive`);
  }
  return range;
}
