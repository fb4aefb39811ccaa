import { describe, expect, it } from 'vitest';
import { detectOverlaps, mayIntersect, overlappingVersions } from '../../../src/query/overlaps';

const v = (version: number, min: number | null, max: number | null) => ({ version, minEventTime: min, maxEventTime: max });

describe('detectOverlaps', () => {
  it('finds nothing in back-to-back versions', () => {
    expect(detectOverlaps([v(1, 0, 9), v(2, 10, 19), v(3, 20, 29)])).toEqual([]);
  });

  it('reports each overlapping pair once with the shared stretch, whatever the input order', () => {
    const out = detectOverlaps([v(3, 25, 40), v(1, 0, 10), v(2, 5, 30)]);
    expect(out).toEqual([
      { a: 1, b: 2, start: 5, end: 10 },
      { a: 2, b: 3, start: 25, end: 30 },
    ]);
  });

  it('counts versions that touch at one instant, and a version inside another', () => {
    expect(detectOverlaps([v(1, 0, 10), v(2, 10, 20)])).toEqual([{ a: 1, b: 2, start: 10, end: 10 }]);
    expect(detectOverlaps([v(1, 0, 100), v(2, 40, 50)])).toEqual([{ a: 1, b: 2, start: 40, end: 50 }]);
  });

  it('skips versions without a recorded range', () => {
    expect(detectOverlaps([v(1, 0, 10), v(2, null, null), v(3, 5, 6)])).toEqual([{ a: 1, b: 3, start: 5, end: 6 }]);
    expect(overlappingVersions([v(1, 0, 10), v(2, null, null), v(3, 5, 6), v(4, 50, 60)])).toEqual([1, 3]);
  });

  it('decides pruning against half-open query ranges', () => {
    expect(mayIntersect(v(1, 10, 20), [20, 30])).toBe(true); // its last row is at 20
    expect(mayIntersect(v(1, 10, 20), [21, 30])).toBe(false);
    expect(mayIntersect(v(1, 10, 20), [0, 10])).toBe(false); // end is exclusive
    expect(mayIntersect(v(1, null, null), [0, 1])).toBe(true);
  });
});
