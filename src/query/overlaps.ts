// Which versions of a series cover the same stretch of time (the original's `detect-overlaps`). Pure logic.

/** A version's recorded event-time range (UTC µs, inclusive: these are the first and last timestamps it holds). */
export interface VersionRange {
  version: number;
  minEventTime: number | null;
  maxEventTime: number | null;
}

/** Two versions whose ranges share at least one instant, and the shared stretch. */
export interface Overlap {
  /** The lower version number of the pair. */
  a: number;
  b: number;
  start: number;
  end: number;
}

/**
 * Every pair of versions whose [min, max] ranges intersect (touching at one instant counts: both hold a row
 * at that time). Versions without a recorded range are left out. Sweep over start times: O(n log n + pairs).
 */
export function detectOverlaps(versions: readonly VersionRange[]): Overlap[] {
  const ranged = versions
    .filter((v): v is VersionRange & { minEventTime: number; maxEventTime: number } => v.minEventTime !== null && v.maxEventTime !== null)
    .sort((x, y) => x.minEventTime - y.minEventTime || x.version - y.version);
  const out: Overlap[] = [];
  let active: typeof ranged = [];
  for (const v of ranged) {
    active = active.filter((w) => w.maxEventTime >= v.minEventTime);
    for (const w of active) {
      const [a, b] = w.version < v.version ? [w.version, v.version] : [v.version, w.version];
      out.push({ a, b, start: v.minEventTime, end: Math.min(v.maxEventTime, w.maxEventTime) });
    }
    active.push(v);
  }
  return out.sort((x, y) => x.a - y.a || x.b - y.b);
}

/** The versions that overlap at least one other version, ascending. */
export function overlappingVersions(versions: readonly VersionRange[]): number[] {
  const set = new Set<number>();
  for (const o of detectOverlaps(versions)) set.add(o.a).add(o.b);
  return [...set].sort((x, y) => x - y);
}

/**
 * Whether a version may hold rows in the half-open query range [start, end). A version without a recorded range
 * may hold anything, so it is never pruned.
 */
export function mayIntersect(v: Pick<VersionRange, 'minEventTime' | 'maxEventTime'>, [start, end]: readonly [number, number]): boolean {
  if (v.minEventTime === null || v.maxEventTime === null) return true;
  return v.maxEventTime >= start && v.minEventTime < end;
}
