// The config of `timeseries-pivot`: a pond glob with exactly one `*`, whose match in each input's path becomes that
// input's scope, and the `columns` taken from every match (one row per distinct timestamp, a missing column null).
// Here the config and the capture of the scope from a matched path; unknown fields are refused.
import { PondError } from '../../../core/errors';
import { compileGlob, matchSegment, type GlobSegment } from '../../../tinyfs/glob';
import { yamlDoc } from '../config-fields';
import { absoluteGlob, at, DEFAULT_TIME_COLUMN, invalidField, list, onlyFields, optionalString, pathList, requiredString } from '../config-checks';

const WHAT = 'timeseries-pivot';

export interface TimeseriesPivotConfig {
  /** Absolute pond glob with one `*` in one segment; that segment holds no other wildcard. */
  pattern: string;
  /** Columns taken from each input, in the order given, unique. */
  columns: string[];
  /** Default `timestamp`. */
  timeColumn: string;
  /** Absolute paths of column-rename nodes, applied in order to every input. */
  transforms: string[];
}

export function parseTimeseriesPivotConfig(text: string): TimeseriesPivotConfig {
  const o = yamlDoc(text, WHAT);
  onlyFields(o, ['pattern', 'columns', 'time_column', 'transforms'], '', WHAT);
  const pattern = absoluteGlob(o.pattern, 'pattern', WHAT);
  starSegment(pattern); // refuses a pattern without exactly one capturing `*`
  const timeColumn = optionalString(o.time_column, 'time_column', WHAT, DEFAULT_TIME_COLUMN);
  const columns: string[] = [];
  for (const [i, c] of list(o.columns, 'columns', WHAT).entries()) {
    const name = typeof c === 'string' ? c : requiredString(c, at('columns', i), WHAT); // a number or null is named
    if (name === '') throw invalidField(WHAT, at('columns', i), 'must be a non-empty string');
    if (columns.includes(name)) throw invalidField(WHAT, at('columns', i), `repeats ${JSON.stringify(name)}`);
    if (name === timeColumn) throw invalidField(WHAT, at('columns', i), `is the time column ${JSON.stringify(timeColumn)}, which every row has anyway`);
    columns.push(name);
  }
  return { pattern, columns, timeColumn, transforms: pathList(o.transforms, 'transforms', WHAT) };
}

interface StarSegment {
  /** The compiled pattern's segments (no `**` among them). */
  segments: GlobSegment[];
  /** Index of the segment in the path (the pattern has no `**`, so it is the same in every match). */
  index: number;
  /** Matches the segment, capturing what `*` matched. */
  capture: RegExp;
}

/** Where the `*` of a pivot pattern is, or INVALID_INPUT naming `pattern`. */
function starSegment(pattern: string): StarSegment {
  const stars = [...pattern].filter((c) => c === '*').length;
  if (stars !== 1) throw invalidField(WHAT, 'pattern', `must hold exactly one * (its match names each input's scope), not ${stars}: ${JSON.stringify(pattern)}`);
  const compiled = compileGlob(pattern);
  if (compiled.contents) throw invalidField(WHAT, 'pattern', `must name the inputs themselves, without a trailing /: ${JSON.stringify(pattern)}`);
  const segments = compiled.segments;
  const index = segments.findIndex((s) => s.kind === 'pattern' && s.source.includes('*'));
  const seg = segments[index];
  if (!seg || seg.kind !== 'pattern') throw new PondError('INTERNAL', `pivot pattern ${pattern}: the * segment was not found`);
  if (/[?[]/.test(seg.source)) throw invalidField(WHAT, 'pattern', `segment ${JSON.stringify(seg.source)} holds the * and another wildcard; the scope would be ambiguous`);
  const [prefix, suffix] = seg.source.split('*') as [string, string];
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return { segments, index, capture: new RegExp(`^${esc(prefix)}(.*)${esc(suffix)}$`, 'su') };
}

/**
 * The scope of one matched input: what the pattern's `*` matched in its path (`/sites/*.series` and
 * `/sites/Silver.series` → `Silver`). Refuses a path the pattern does not match and an empty capture.
 */
export function pivotScope(config: Pick<TimeseriesPivotConfig, 'pattern'>, path: string): string {
  const { segments, index, capture } = starSegment(config.pattern);
  const names = path.split('/').filter((s) => s !== '');
  const matches = names.length === segments.length && segments.every((seg, i) => seg.kind !== 'any-depth' && matchSegment(seg, names[i]!));
  const m = matches ? capture.exec(names[index]!) : null;
  if (!m) throw new PondError('INVALID_INPUT', `${WHAT}: ${path} does not match the pattern ${config.pattern}`, { detail: { path, pattern: config.pattern } });
  if (m[1] === '') throw new PondError('INVALID_INPUT', `${WHAT}: the * of ${config.pattern} matches nothing in ${path}, which leaves it no scope`, { detail: { path, pattern: config.pattern } });
  return m[1]!;
}
