import { describe, expect, it } from 'vitest';
import { blockSummaries, m4Compute, PlotColumns, type VersionArrays } from '../../../src/query/m4-fast';

const version = (t: number[], v: (number | null)[]): VersionArrays => {
  const sorted = t.every((x, i) => i === 0 || x >= t[i - 1]!);
  const valid = v.some((x) => x === null) ? Uint8Array.from(v, (x) => (x === null ? 0 : 1)) : undefined;
  const nan = v.some((x) => x !== null && Number.isNaN(x));
  return { t: Float64Array.from(t), sorted, columns: new Map([['v', { values: Float64Array.from(v, (x) => x ?? 0), ...(valid ? { valid } : {}), ...(nan ? { nan } : {}) }]]) };
};

describe('m4Compute', () => {
  it('assigns rows to pixels as (t - start) * width // span, exactly at the boundaries', () => {
    // span 10, width 3: pixel 1 starts at t = 4 (ceil(10/3)), pixel 2 at t = 7 (ceil(20/3))
    const r = m4Compute([version([0, 3, 4, 6, 7, 9], [1, 2, 3, 4, 5, 6])], { timestampColumn: 't', columns: ['v'], range: [0, 10], width: 3 });
    expect(Array.from(r.x)).toEqual([0, 3, 4, 6, 7, 9].map((t) => t / 1e6));
    const r2 = m4Compute([version([0, 1, 2, 3, 4, 5, 6], [5, 9, 1, 7, 2, 8, 3])], { timestampColumn: 't', columns: ['v'], range: [0, 7], width: 1 });
    expect(r2.y.v).toEqual([5, 9, 1, 3]); // first, max, min, last
  });

  it('finds min and max on the plain path (no NULL, no NaN) too', () => {
    const r = m4Compute([version([0, 1, 2, 3, 4], [3, 1, 1, 5, 5])], { timestampColumn: 't', columns: ['v'], range: [0, 5], width: 1 });
    expect(Array.from(r.x)).toEqual([0, 1, 3, 4].map((x) => x / 1e6)); // first, first of the tied minima, first of the tied maxima, last
  });

  it('gives the same rows with block summaries as row by row, at any width and range', () => {
    let seed = 3;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const n = 5000;
    const t = Array.from({ length: n }, (_, i) => i * 10 + Math.floor(rnd() * 5));
    const v = Array.from({ length: n }, () => Math.round(rnd() * 50)); // many ties
    const plain = version(t, v);
    const blocked: VersionArrays = { ...plain, columns: new Map([['v', { values: Float64Array.from(v), blocks: blockSummaries(Float64Array.from(v)) }]]) };
    for (const [range, width] of [[[0, 50_000], 1], [[0, 50_000], 7], [[123, 40_001], 100], [[0, 50_000], 3000], [[-500, 60_000], 33]] as [[number, number], number][]) {
      const o = { timestampColumn: 't', columns: ['v'], range, width };
      expect(m4Compute([blocked], o)).toEqual(m4Compute([plain], o));
    }
  });

  it('gives the same rows whether a version is sorted or not, and ignores NULLs but keeps NaN as the maximum', () => {
    const t = [5, 1, 9, 3, 7, 2, 8];
    const v = [1, null, 4, NaN, 0, 2, 3];
    const unsorted = m4Compute([version(t, v)], { timestampColumn: 't', columns: ['v'], range: [0, 10], width: 1 });
    const order = t.map((_, i) => i).sort((a, b) => t[a]! - t[b]!);
    const sorted = m4Compute([version(order.map((i) => t[i]!), order.map((i) => v[i]!))], { timestampColumn: 't', columns: ['v'], range: [0, 10], width: 1 });
    expect(unsorted).toEqual(sorted);
    expect(Array.from(sorted.x)).toEqual([1, 3, 7, 9].map((x) => x / 1e6)); // first (v NULL), max NaN, min 0, last
    expect(sorted.y.v).toEqual([null, NaN, 0, 4]);
  });

  it('keeps every row at a chosen time across versions, and only rows in the view range', () => {
    const a = version([0, 1, 2], [1, 2, 3]);
    const b = version([2, 3], [30, 40]);
    const r = m4Compute([a, b], { timestampColumn: 't', columns: ['v'], range: [0, 4], width: 1 }, [1, 3]);
    expect(Array.from(r.x)).toEqual([1, 2, 2].map((x) => x / 1e6));
    expect(r.y.v).toEqual([2, 3, 30]);
  });
});

describe('PlotColumns', () => {
  it('evicts least recently used entries beyond its byte bound and keeps nothing larger than it', () => {
    const p = new PlotColumns(128);
    const e = () => ({ t: new Float64Array(4), sorted: true, columns: new Map() });
    p.set('a', e());
    p.set('b', e());
    p.get('a');
    p.set('c', e()); // 96 bytes in all: fits
    p.set('d', { t: new Float64Array(8), sorted: true, columns: new Map() }); // 160 > 128 bytes: evicts b, the least recently used
    expect(p.get('b')).toBeUndefined();
    expect(p.get('a')).toBeDefined();
    p.set('huge', { t: new Float64Array(100), sorted: true, columns: new Map() });
    expect(p.get('huge')).toBeUndefined();
  });
});
