// Binding derived sources in the real engine: a join over two series, a derived source over a derived one, a time
// range, M4 over a derived view, and that an input's new version changes exactly the views that read it.
import { afterAll, describe, expect, it } from 'vitest';
import type { DerivedSource } from '../../../src/query/derived-source';
import { QueryEngine } from '../../../src/query/engine';
import { m4 } from '../../../src/query/m4';
import { timeJoinSql } from '../../../src/query/time-join';
import { col, f64, HOUR, series, T0, times, version } from './helpers';

const engine = new QueryEngine();
afterAll(() => engine.close());

/** A join source over named inputs, one scope each (the scope is the input's name). */
function join(fileKey: string, inputs: Record<string, DerivedSource['inputs'][number]['sources']>): DerivedSource {
  return {
    kind: 'derived', fileKey, path: `/${fileKey}`, timestampColumn: 'ts',
    inputs: Object.entries(inputs).map(([name, sources]) => ({ name, what: name, sources, paths: sources.map((_, i) => `/${name}/${i}`) })),
    build: (rels) => timeJoinSql([...rels].map(([name, ms]) => ({ scope: name, parts: ms.map((m) => ({ relation: m.relation, what: m.path })) })), { timeColumn: 'ts' }),
  };
}

describe('derived views', () => {
  it('a join of two series reads as one view; a join over it nests', async () => {
    const a = series('dA', [await version(1, times(T0, HOUR, 3), { v: f64([1, 2, 3]) })]);
    const b = series('dB', [await version(1, times(T0 + HOUR, HOUR, 3), { w: f64([20, 30, 40]) })]);
    await engine.bind('ab', join('ab', { A: [a], B: [b] }));
    const t = await engine.query('SELECT epoch_us(ts) AS t, "A.v" AS v, "B.w" AS w FROM ab');
    expect(col(t, 't').map(Number)).toEqual([0, 1, 2, 3].map((h) => T0 + h * HOUR));
    expect(col(t, 'v')).toEqual([1, 2, 3, null]);
    expect(col(t, 'w')).toEqual([null, 20, 30, 40]);

    const c = series('dC', [await version(1, times(T0, HOUR, 4), { x: f64([5, 6, 7, 8]) })]);
    await engine.bind('abc', join('abc', { AB: [join('ab', { A: [a], B: [b] })], C: [c] }));
    expect((await engine.describe('abc')).map((x) => x.name)).toEqual(['ts', 'AB.A.v', 'AB.B.w', 'C.x']);
    expect(col(await engine.query('SELECT count(*)::INTEGER AS n FROM abc'), 'n')).toEqual([4]);
  });

  it('a time range filters the derived result; M4 over it is the same from the JS path (a materialised copy) and SQL', async () => {
    const a = series('rA', [await version(1, times(T0, HOUR, 10), { v: f64([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]) })]);
    const b = series('rB', [await version(1, times(T0, HOUR, 10), { w: f64([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]) })]);
    const src = join('r', { A: [a], B: [b] });
    await engine.bind('r', src, { timeRange: [T0 + 2 * HOUR, T0 + 5 * HOUR] });
    expect(col(await engine.query('SELECT "A.v" AS v FROM r ORDER BY ts'), 'v')).toEqual([2, 3, 4]);
    // The view was bound with [02:00, 05:00): the JS path keeps to it too.
    const fast = await engine.m4Fast('r', { timestampColumn: 'ts', columns: ['A.v'], range: [T0, T0 + 10 * HOUR], width: 10 });
    expect(fast?.y['A.v']).toEqual([2, 3, 4]);
    await engine.bind('r', src, { timeRange: [T0, T0 + 10 * HOUR] });
    const points = await m4(engine, 'r', { timestampColumn: 'ts', columns: ['A.v', 'B.w'], range: [T0, T0 + 10 * HOUR], width: 100 });
    expect(points.y['A.v']).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]); // fewer rows than pixels: every point
    expect(points.y['B.w']).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    // Three pixels over 10 hours: [0, 3.33h) holds 0..3, then 4..6, then 7..9; M4 keeps each pixel's first and last.
    const jsForm = await engine.m4Fast('r', { timestampColumn: 'ts', columns: ['A.v'], range: [T0, T0 + 10 * HOUR], width: 3 });
    expect(jsForm?.y['A.v']).toEqual([0, 3, 4, 6, 7, 9]);
  });

  it('an input\'s new version changes the views that read it and leaves the others as they were', async () => {
    const v1 = await version(1, times(T0, HOUR, 2), { v: f64([1, 2]) });
    const other = series('iO', [await version(1, times(T0, HOUR, 2), { o: f64([7, 7]) })]);
    await engine.bind('iv', join('iv', { S: [series('iS', [v1])], O: [other] }));
    await engine.bind('io', join('io', { O: [other] }));
    const before = await engine.query('SELECT count(*)::INTEGER AS n FROM io');
    expect(col(await engine.query('SELECT count(*)::INTEGER AS n FROM iv'), 'n')).toEqual([2]);
    const v2 = await version(2, times(T0 + 2 * HOUR, HOUR, 2), { v: f64([3, 4]) });
    await engine.bind('iv', join('iv', { S: [series('iS', [v1, v2])], O: [other] }));
    await engine.bind('io', join('io', { O: [other] }));
    expect(col(await engine.query('SELECT count(*)::INTEGER AS n FROM iv'), 'n')).toEqual([4]);
    // The unchanged view's repeated query is answered from the result cache: the very same Table object.
    expect(await engine.query('SELECT count(*)::INTEGER AS n FROM io')).toBe(before);
    expect(v1.loads).toBe(1); // loaded once, then read from the version cache
  });
});
