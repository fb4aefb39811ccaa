// The start-up hint's bookkeeping (src/service/prepared-start.ts): what it opens and computes, and when a later call
// takes it or runs as it always did. The real worker's use of it is in tests/browser/service/prepared-start.test.ts.
import { describe, expect, it } from 'vitest';
import type { AutoPlotData, PondInfo } from '../../../src/api/pond-api';
import { PreparedStart } from '../../../src/service/prepared-start';

const CHART = { path: '/s.series', columns: ['a', 'b'], width: 900 };

function fakes(opts: { ponds?: string[]; version?: number; failOpen?: boolean; failPlot?: boolean; opened?: boolean } = {}) {
  const calls = { opens: [] as string[], plots: 0 };
  let finishOpen!: () => void;
  const openGate = new Promise<void>((r) => { finishOpen = r; });
  const plot: AutoPlotData = { x: new Float64Array([1, 2]), y: { a: [1, 2], b: [3, 4] }, extent: [1, 2], source: CHART.path, resolution: null };
  const deps = {
    opened: () => opts.opened ?? false,
    ponds: async () => opts.ponds ?? ['p1'],
    openPond: async (id: string) => {
      calls.opens.push(id);
      await openGate;
      if (opts.failOpen) throw new Error('does not open');
      return { id, version: opts.version ?? 7 } as PondInfo;
    },
    plot: async () => {
      calls.plots++;
      if (opts.failPlot) throw new Error('does not plot');
      return plot;
    },
  };
  return { deps, calls, finishOpen, plot };
}

describe('PreparedStart', () => {
  it('opens the hinted pond and computes its chart; the same open and chart are taken once each', async () => {
    const f = fakes();
    const p = new PreparedStart();
    p.start({ pondId: 'p1', chart: CHART }, f.deps);
    const taken = p.takeOpen('p1');
    f.finishOpen();
    expect(await taken).toMatchObject({ id: 'p1', version: 7 });
    expect(await p.takeOpen('p1')).toBeUndefined(); // once
    expect(await p.takeChart('p1', 7, { ...CHART })).toBe(f.plot);
    expect(await p.takeChart('p1', 7, CHART)).toBeUndefined(); // once
    expect(f.calls).toEqual({ opens: ['p1'], plots: 1 });
  });

  it('another pond waits for the hinted open to finish, and does not take it', async () => {
    const f = fakes({ ponds: ['p1', 'p2'] });
    const p = new PreparedStart();
    p.start({ pondId: 'p1' }, f.deps);
    let settled = false;
    const other = p.takeOpen('p2').then((v) => { settled = true; return v; });
    await new Promise((r) => setTimeout(r, 10));
    expect(settled).toBe(false); // still opening p1: opening p2 now would overlap it
    f.finishOpen();
    expect(await other).toBeUndefined();
  });

  it('a chart asked for with other columns, another width or at another version is not the hinted one', async () => {
    for (const asked of [{ ...CHART, columns: ['a'] }, { ...CHART, width: 901 }, { ...CHART, path: '/t.series' }]) {
      const f = fakes();
      const p = new PreparedStart();
      p.start({ pondId: 'p1', chart: CHART }, f.deps);
      f.finishOpen();
      await p.takeOpen('p1');
      expect(await p.takeChart('p1', 7, asked)).toBeUndefined();
    }
    const f = fakes();
    const p = new PreparedStart();
    p.start({ pondId: 'p1', chart: CHART }, f.deps);
    f.finishOpen();
    await p.takeOpen('p1');
    expect(await p.takeChart('p1', 8, CHART)).toBeUndefined(); // a commit came in between
  });

  it('a pond not on the device is never opened (no folder of that name is made)', async () => {
    const f = fakes({ ponds: ['p2'] });
    const p = new PreparedStart();
    p.start({ pondId: 'p1', chart: CHART }, f.deps);
    f.finishOpen();
    expect(await p.takeOpen('p1')).toBeUndefined();
    expect(f.calls).toEqual({ opens: [], plots: 0 });
  });

  it('a hinted open or chart that fails is dropped: the caller runs its own and meets the failure itself', async () => {
    const f = fakes({ failOpen: true });
    const p = new PreparedStart();
    p.start({ pondId: 'p1', chart: CHART }, f.deps);
    f.finishOpen();
    expect(await p.takeOpen('p1')).toBeUndefined();
    expect(f.calls.plots).toBe(0);

    const g = fakes({ failPlot: true });
    const q = new PreparedStart();
    q.start({ pondId: 'p1', chart: CHART }, g.deps);
    g.finishOpen();
    await q.takeOpen('p1');
    expect(await q.takeChart('p1', 7, CHART)).toBeUndefined();
  });

  it('a hinted chart the UI could not have drawn (edited storage) is not computed; the open still is', async () => {
    for (const chart of [{ ...CHART, width: 1e9 }, { ...CHART, width: 0 }, { ...CHART, width: 2.5 }, { ...CHART, columns: 'a' }, { ...CHART, columns: [1] },
      { ...CHART, columns: Array.from({ length: 65 }, (_, i) => `c${i}`) }, { ...CHART, path: 7 }, null]) {
      const f = fakes();
      const p = new PreparedStart();
      p.start({ pondId: 'p1', chart: chart as never }, f.deps);
      f.finishOpen();
      expect(await p.takeOpen('p1')).toMatchObject({ id: 'p1' });
      expect(f.calls.plots).toBe(0);
    }
    const f = fakes();
    new PreparedStart().start({ pondId: 42 as never }, f.deps);
    f.finishOpen();
    await new Promise((r) => setTimeout(r, 0));
    expect(f.calls.opens).toEqual([]);
  });

  it('is ignored once a pond is open, and works once per worker', async () => {
    const f = fakes({ opened: true });
    const p = new PreparedStart();
    p.start({ pondId: 'p1' }, f.deps);
    expect(f.calls.opens).toEqual([]);

    const g = fakes();
    const q = new PreparedStart();
    q.start({ pondId: 'p1' }, g.deps);
    q.start({ pondId: 'p1' }, g.deps);
    g.finishOpen();
    await q.takeOpen('p1');
    expect(g.calls.opens).toEqual(['p1']);
  });
});
