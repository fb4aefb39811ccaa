// The start-up hint (PondApi.prepareStart): the page names, as it starts and before its UI has loaded, the pond it
// will open and the chart it will draw first. The worker opens that pond and computes that chart at once, while the
// page still loads its UI; the UI's own openPond and plotAuto with the same arguments then take what is done.
//
// Measured (bench/ui.bench.mjs, ui/first-chart-offline): between the worker being ready and the UI's openPond
// arriving, the worker sat idle for about a tenth of the first chart's time, and the chart's M4 came only after
// the tree, the details and the chart element had each been drawn.
//
// Each is taken at most once and only as asked: another pond, a past version, other columns, another width or a
// commit in between, and the UI's call runs as it always did. A hint that does not hold (no such pond, a pond that
// does not open) is dropped: the UI's own call then meets the same failure, and reports it.
import { plausibleChart, type AutoPlotData, type PondInfo, type StartChart, type StartHint } from '../api/pond-api';

function chartKey(pondId: string, version: number, c: StartChart): string {
  return JSON.stringify([pondId, version, c.path, c.columns, c.width]);
}

export class PreparedStart {
  private open: { id: string; done: Promise<PondInfo | undefined> } | undefined;
  private chart: { key: string; done: Promise<AutoPlotData | undefined> } | undefined;
  private used = false;

  /**
   * Starts the hinted open (`openPond`) and then the chart (`plot`, as of the pond's version then); once per
   * worker, and only before anything was opened (`opened` says whether something was).
   */
  start(hint: StartHint, deps: {
    opened: () => boolean;
    ponds: () => Promise<string[]>;
    openPond: (id: string) => Promise<PondInfo>;
    plot: (c: StartChart) => Promise<AutoPlotData>;
  }): void {
    if (this.used || deps.opened() || typeof hint?.pondId !== 'string') return;
    this.used = true;
    const done = (async () => {
      // Only a pond that is here: opening an id that is not would make an empty folder of that name.
      if (!(await deps.ponds()).includes(hint.pondId)) return undefined;
      return deps.openPond(hint.pondId);
    })().catch(() => undefined); // the UI's own openPond of this pond meets the same failure and reports it
    this.open = { id: hint.pondId, done };
    const chart = plausibleChart(hint.chart); // from the page's storage: a width past any screen computes nothing
    // Registered before the UI's openPond can take `done`: its plotAuto, which comes after, finds the chart there.
    if (chart) void done.then((info) => {
      if (info) this.chart = { key: chartKey(info.id, info.version, chart), done: deps.plot(chart).catch(() => undefined) }; // the UI's own plotAuto meets the same failure and reports it
    });
  }

  /**
   * The hinted open of `id`, if it is that pond and opened; taken once. Whatever the id, it resolves only once a
   * hinted open still under way is done: the caller opens or closes a pond next, which must not overlap it.
   */
  async takeOpen(id: string): Promise<PondInfo | undefined> {
    const open = this.open;
    if (!open) return undefined;
    this.open = undefined;
    const info = await open.done;
    return open.id === id ? info : undefined;
  }

  /** The hinted chart, if it is `c` of pond `pondId` at `version`; taken once. */
  async takeChart(pondId: string, version: number, c: StartChart): Promise<AutoPlotData | undefined> {
    const chart = this.chart;
    if (!chart) return undefined;
    this.chart = undefined;
    return chart.key === chartKey(pondId, version, c) ? chart.done : undefined;
  }
}
