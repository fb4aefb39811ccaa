// The start-up hint in a real pond worker (PondApi.prepareStart): whatever it opened and computed early, what the
// UI's calls get is what they would get without it — the same chart, the version asked for, the commit made since —
// and a hint naming no pond of this device makes none.
import { describe, expect, it } from 'vitest';
import { connect } from '../../helpers/pond-clients';

const HOUR = 3600e6;
const T0 = Date.UTC(2025, 2, 1) * 1000;

function csv(name: string, from: number, n: number): { name: string; data: Blob } {
  const lines = ['timestamp,temp,ph'];
  for (let i = from; i < from + n; i++) lines.push(`${new Date((T0 + i * HOUR) / 1000).toISOString()},${(Math.sin(i / 7) * 9).toFixed(3)},${(7 + (i % 5) / 10).toFixed(1)}`);
  return { name, data: new Blob([lines.join('\n') + '\n']) };
}

const CHART = { path: '/site/w.series', columns: ['temp', 'ph'], width: 60 };
const points = (p: { x: Float64Array; y: Record<string, (number | null)[]> }) => ({ x: Array.from(p.x), y: p.y });

/** A pond with a two-version series, made in a worker that is then gone (as a tab closed before a restart). */
async function pondWithSeries(): Promise<string> {
  return (await pondWithSeriesAt()).id;
}

/** The same, with the pond's version once the first of the two versions was in. */
async function pondWithSeriesAt(): Promise<{ id: string; afterFirst: number }> {
  const maker = connect();
  const { id } = await maker.api.createPond('hinted');
  await maker.api.copyIn([csv('a.csv', 0, 200)], CHART.path, { format: 'series' });
  const afterFirst = (await maker.api.info()).version;
  await maker.api.copyIn([csv('b.csv', 150, 200)], CHART.path, { format: 'series' });
  maker.worker.terminate();
  return { id, afterFirst };
}

describe('the start-up hint', () => {
  it('the open and the chart it prepared are what openPond and plotAuto give without it', async () => {
    const id = await pondWithSeries();
    const plain = connect();
    await plain.api.openPond(id);
    const expected = points(await plain.api.plotAuto(CHART.path, CHART.columns, CHART.width));
    const expectedInfo = await plain.api.info();
    plain.worker.terminate();

    const hinted = connect();
    void hinted.api.prepareStart({ pondId: id, chart: CHART });
    const info = await hinted.api.openPond(id);
    expect(info).toMatchObject({ id, version: expectedInfo.version, readOnly: false });
    expect(points(await hinted.api.plotAuto(CHART.path, CHART.columns, CHART.width))).toEqual(expected);
    // And again (the prepared chart is used once; this one is computed).
    expect(points(await hinted.api.plotAuto(CHART.path, CHART.columns, CHART.width))).toEqual(expected);
  });

  it('a commit between the hint and the chart: plotAuto draws the pond as it is now', async () => {
    const id = await pondWithSeries();
    const hinted = connect();
    void hinted.api.prepareStart({ pondId: id, chart: CHART });
    await hinted.api.openPond(id);
    await hinted.api.copyIn([csv('c.csv', 400, 100)], CHART.path, { format: 'series' });
    const now = await hinted.api.plotAuto(CHART.path, CHART.columns, CHART.width);
    expect(now.extent).toEqual([T0, T0 + 499 * HOUR]); // the third version's last hour is in

    const plain = connect();
    hinted.worker.terminate();
    await plain.api.openPond(id);
    expect(points(now)).toEqual(points(await plain.api.plotAuto(CHART.path, CHART.columns, CHART.width)));
  });

  it('a past version asked for is opened as asked, not the hinted latest', async () => {
    const { id, afterFirst } = await pondWithSeriesAt();
    const hinted = connect();
    void hinted.api.prepareStart({ pondId: id });
    const past = await hinted.api.openPond(id, { asOf: afterFirst });
    expect(past).toMatchObject({ id, asOf: afterFirst, readOnly: true });
    const d = await hinted.api.describe(CHART.path);
    expect(d.versions.map((v) => v.rows)).toEqual([200]);
  });

  it('a hint naming a pond not on this device opens nothing and makes no pond', async () => {
    const id = await pondWithSeries();
    const c = connect();
    const before = (await c.api.listPonds()).map((p) => p.id).sort();
    c.worker.terminate();

    const hinted = connect();
    const stranger = '01900000-0000-7000-8000-000000000000';
    await hinted.api.prepareStart({ pondId: stranger, chart: CHART });
    expect((await hinted.api.openPond(id)).id).toBe(id);
    expect((await hinted.api.listPonds()).map((p) => p.id).sort()).toEqual(before);
    expect(before).not.toContain(stranger);
  });

  it('a hint after a pond is open changes nothing', async () => {
    const id = await pondWithSeries();
    const other = connect();
    const second = await other.api.createPond('second');
    other.worker.terminate();

    const c = connect();
    await c.api.openPond(id);
    await c.api.prepareStart({ pondId: second.id });
    expect((await c.api.info()).id).toBe(id);
    expect((await c.api.openPond(second.id)).id).toBe(second.id);
  });
});
