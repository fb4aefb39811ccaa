// <series-chart>: small multiples, one uPlot line chart per numeric column of a table or series, with a shared
// time axis and cursor. One chart per column because field parameters differ by orders of magnitude
// (conductivity ~400 µS/cm next to oxygen ~9 mg/L): on one axis the small ones would be flat lines.
// Points come from `api.plot` (M4-downsampled in the worker: ~4 points per pixel whatever the row count). This
// and <sql-console> are the only components that use the query API, so a change to its names stays in two files.
import { LitElement, css, html, nothing, unsafeCSS } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import uPlot from 'uplot';
import uplotCss from 'uplot/dist/uPlot.min.css?inline';
import type { PlotData } from '../api/pond-api';
import type { PondClient } from './pond-client';
import { errorText } from './format';
import { base } from './styles';

const PALETTE = ['#0b6e99', '#d9480f', '#2b8a3e', '#862e9c', '#c92a2a', '#5c940d'];
const MAX_CHARTS = 6; // beyond that the page is a wall of charts; the SQL tab reaches every column
const HEIGHT = 150;

@customElement('series-chart')
export class SeriesChart extends LitElement {
  static override styles = [base, unsafeCSS(uplotCss), css`
    :host { display: block; margin: 0 0 12px; }
    .plots { display: flex; flex-direction: column; gap: 4px; }
    .plot { min-height: ${HEIGHT + 30}px; }
    .u-legend { font-size: 0.8rem; }
    .u-title { font-size: 0.85rem; font-weight: 600; text-align: left; }
  `];

  /** The client, not its `api`: a comlink proxy answers every property read, so Lit would take it for a directive. */
  @property({ attribute: false }) client?: PondClient;
  @property() path = '';
  @property({ attribute: false }) columns: string[] = [];
  @property({ type: Number }) version = 0;
  @state() private width = 600;
  private charts: uPlot[] = [];
  private drawn: PlotData | undefined;
  private readonly sync = uPlot.sync(`series-${Math.random()}`);
  private readonly resize = new ResizeObserver((entries) => {
    const w = Math.floor(entries[0]?.contentRect.width ?? 0);
    // Re-query only on a real change of width: M4 output depends on pixels, not on every layout pass.
    if (w > 0 && Math.abs(w - this.width) > 40) this.width = w;
    else if (w > 0) for (const c of this.charts) c.setSize({ width: w, height: HEIGHT });
  });

  private readonly points = new Task(this, {
    args: () => [this.client, this.path, this.columns.slice(0, MAX_CHARTS).join('\n'), this.version, this.width] as const,
    task: async ([client, path, cols, , width]) => {
      if (!client || !path || !cols) return undefined;
      return client.api.plot(path, cols.split('\n'), width);
    },
  });

  override connectedCallback(): void {
    super.connectedCallback();
    this.resize.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resize.disconnect();
    this.destroy();
  }

  private destroy(): void {
    for (const c of this.charts) c.destroy();
    this.charts = [];
    this.drawn = undefined;
  }

  protected override updated(): void {
    const data = this.points.value;
    const host = this.renderRoot.querySelector<HTMLElement>('.plots');
    if (!host || !data || data === this.drawn) return;
    this.destroy();
    this.drawn = data;
    host.replaceChildren();
    const dark = matchMedia('(prefers-color-scheme: dark)').matches;
    const axis = { stroke: dark ? '#e4ebf0' : '#14202b', grid: { stroke: dark ? '#2c3a45' : '#e3e8ec' }, ticks: { show: false } };
    const x = Array.from(data.x);
    Object.keys(data.y).forEach((name, i) => {
      const div = document.createElement('div');
      div.className = 'plot';
      div.dataset.column = name;
      host.append(div);
      const opts: uPlot.Options = {
        width: Math.max(200, this.width), height: HEIGHT, title: name,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'), // UTC like every other time in the UI
        cursor: { sync: { key: this.sync.key } },
        legend: { show: false },
        series: [{}, { label: name, stroke: PALETTE[i % PALETTE.length], width: 1.5 }],
        axes: [axis, { ...axis, size: 56 }],
        scales: { x: { time: true } },
      };
      this.charts.push(new uPlot(opts, [x, data.y[name]!] as uPlot.AlignedData, div));
    });
  }

  protected override render() {
    if (this.columns.length === 0) return nothing;
    return html`
      ${this.points.render({
        pending: () => (this.points.value ? nothing : html`<p class="muted">Drawing charts…</p>`),
        error: (e) => html`<p class="error">Chart: ${errorText(e)}</p>`,
      })}
      <div class="plots" role="img" aria-label="Charts of ${this.columns.slice(0, MAX_CHARTS).join(', ')} over time"></div>`;
  }
}

declare global { interface HTMLElementTagNameMap { 'series-chart': SeriesChart } }
