// <series-chart>: the time-series view of a table or series. Pick columns, pick a window (presets relative to the
// data's end, brush to zoom, ← → to pan, double-click or "All" to reset), overlay a column of another pond file
// on the same time axis, and read a text summary of what is visible. Every window or width change fetches fresh
// M4 points from `api.plot` for exactly that window and pixel width, so zooming in shows real detail.
// With <sql-console> and <table-view>, the only users of the query API.
import { LitElement, css, html, nothing, unsafeCSS } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import uPlot from 'uplot';
import uplotCss from 'uplot/dist/uPlot.min.css?inline';
import type { PlotData } from '../api/pond-api';
import type { PondClient } from './pond-client';
import { errorText } from './format';
import { base } from './styles';
import { drawPlots, PALETTE, type Trace, type TracePoints } from './chart-plots';
import { CHART_DRAWN, type ChartDrawn } from './engine-warmup';
import { allRange, brushRange, panRange, presetRange, PRESETS, stats, summaryText, zoomRange, type Range } from './chart-range';
import './series-picker';

const MAX_CHARTS = 6; // beyond that the page is a wall of charts; the column boxes reach the rest
const HEIGHT = 150;
const DEBOUNCE_MS = 16; // one frame: coalesces a burst (resize drags, repeated pan clicks) into one worker call

interface Fetched { traces: TracePoints[]; extent: Range | null; range: Range | null; resolutions: string[]; width: number }

@customElement('series-chart')
export class SeriesChart extends LitElement {
  static override styles = [base, unsafeCSS(uplotCss), css`
    :host { display: block; margin: 0 0 12px; }
    .plots { display: flex; flex-direction: column; gap: 4px; touch-action: pan-y; }
    .plots:focus-visible { outline: 3px solid var(--focus); }
    .plot { min-height: ${HEIGHT + 30}px; }
    .u-legend { font-size: 0.8rem; }
    .u-title { font-size: 0.85rem; font-weight: 600; text-align: left; }
    .u-select { background: rgb(11 110 153 / 0.15); }
    fieldset { border: 1px solid var(--line); border-radius: 8px; margin: 0 0 8px; padding: 4px 8px; }
    legend { font-size: 0.85rem; color: var(--muted); }
    label.check { display: inline-flex; align-items: center; gap: 6px; min-height: 44px; padding-right: 10px; }
    label.check input { width: 22px; height: 22px; min-height: 0; }
    .swatch { width: 12px; height: 12px; border-radius: 3px; display: inline-block; }
    button[aria-pressed='true'] { background: var(--sel); border-color: var(--accent); font-weight: 600; }
    .summary { font-size: 0.85rem; margin: 6px 0 0; }
  `];

  /** The client, not its `api`: a comlink proxy answers every property read, so Lit would take it for a directive. */
  @property({ attribute: false }) client?: PondClient;
  @property() path = '';
  /** Numeric columns of `path`, in schema order. */
  @property({ attribute: false }) columns: string[] = [];
  @property({ type: Number }) version = 0;
  @state() private width = 600;
  @state() private picked: string[] | null = null; // null: the first MAX_CHARTS columns
  @state() private overlays: Trace[] = [];
  @state() private range: Range | null = null;
  @state() private combined = false;
  @state() private summary = '';
  private extent: Range | null = null;
  private plotsDone = 0;
  private charts: uPlot[] = [];
  private drawn: Fetched | undefined;
  private readonly syncKey = `series-${Math.random()}`;
  private readonly resize = new ResizeObserver((entries) => {
    const w = Math.floor(entries[0]?.contentRect.width ?? 0);
    // Re-query only on a real change of width: M4 output depends on pixels, not on every layout pass.
    if (w > 0 && Math.abs(w - this.width) > 40) this.width = w;
    else if (w > 0) for (const c of this.charts) c.setSize({ width: w, height: HEIGHT });
  });

  private get traces(): Trace[] {
    const own = (this.picked ?? this.columns.slice(0, MAX_CHARTS)).filter((c) => this.columns.includes(c));
    return [...own.map((column) => ({ path: this.path, column, label: column })), ...this.overlays];
  }

  private readonly points = new Task(this, {
    args: () => [this.client, JSON.stringify(this.traces), this.version, this.width, this.range] as const,
    task: async ([client, tracesJson, , width, range], { signal }): Promise<Fetched | undefined> => {
      const traces = JSON.parse(tracesJson) as Trace[];
      if (!client || traces.length === 0) return undefined;
      await new Promise((ok) => setTimeout(ok, DEBOUNCE_MS));
      // A newer run (new window, width or columns) aborts this one: drop it before it costs a worker call. Task
      // also discards the result of a superseded run, so the newest request always wins.
      signal.throwIfAborted();
      const paths = [...new Set(traces.map((t) => t.path))];
      // plotAuto draws from the coarsest temporal-reduce table that still gives a point per pixel (hourly averages
      // for a year), and from the raw series with M4 when zoomed in or when the series has no derived tables.
      const answers = await Promise.all(paths.map((p) =>
        client.api.plotAuto(p, traces.filter((t) => t.path === p).map((t) => t.column), width, range ?? undefined)));
      signal.throwIfAborted();
      const byPath = new Map<string, PlotData>(paths.map((p, i) => [p, answers[i]!]));
      const extents = answers.map((a) => a.extent).filter((e): e is [number, number] => e !== null);
      const extent: Range | null = extents.length ? [Math.min(...extents.map((e) => e[0])), Math.max(...extents.map((e) => e[1]))] : null;
      const out = traces.map((trace) => { const d = byPath.get(trace.path)!; return { trace, x: d.x, y: d.y[trace.column] ?? [] }; });
      const resolutions = [...new Set(answers.map((a) => a.resolution).filter((r): r is string => r !== null))];
      return { traces: out, extent, range, resolutions, width };
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

  protected override willUpdate(changed: Map<string, unknown>): void {
    // Another file: its own columns and time span, so window, picks and overlays start over.
    if (changed.has('path') && changed.get('path') !== undefined) {
      this.picked = null;
      this.overlays = [];
      this.range = null;
      this.extent = null;
    }
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
    this.extent = data.extent;
    this.plotsDone++;
    this.charts = drawPlots(host, data.traces, {
      width: this.width, height: HEIGHT, combined: this.combined, range: data.range, syncKey: this.syncKey,
      onBrush: (from, to) => { const r = brushRange(from, to); if (r) this.range = r; },
    });
    // Tests and scripts read the drawn window and the number of redraws here, not from pixels.
    const visible: Range | null = data.range ?? (data.extent ? allRange(data.extent) : null);
    this.dataset.range = visible ? visible.join(',') : '';
    this.dataset.plots = String(this.plotsDone);
    // The first one starts DuckDB (engine-warmup.ts). The default view (this series' first columns, the whole span)
    // is what a restart draws first: the app remembers it, and the page asks the worker for it as it starts.
    const own = data.traces.every((t) => t.trace.path === this.path);
    const detail: ChartDrawn | undefined = !data.range && own && this.picked === null && this.overlays.length === 0
      ? { path: this.path, columns: data.traces.map((t) => t.trace.column), width: data.width } : undefined;
    this.dispatchEvent(new CustomEvent<ChartDrawn | undefined>(CHART_DRAWN, { bubbles: true, composed: true, detail }));
    this.summary = visible
      ? summaryText(visible, data.traces.map((t) => stats(t.trace.label, t.y)), data.traces.map((t) => t.trace.label))
        + (data.resolutions.length ? ` (drawn from ${data.resolutions.join(', ')} averages)` : '')
      : 'No data to chart.';
  }

  private setRange(r: Range | null): void {
    this.range = r;
  }

  private preset(us: number | null): void {
    if (this.extent) this.setRange(presetRange(this.extent, us));
  }

  private pan(fraction: number): void {
    if (!this.extent) return;
    this.setRange(panRange(this.range ?? allRange(this.extent), fraction, this.extent));
  }

  private zoom(factor: number): void {
    if (!this.extent) return;
    this.setRange(zoomRange(this.range ?? allRange(this.extent), factor, this.extent));
  }

  private onKey(e: KeyboardEvent): void {
    const actions: Record<string, () => void> = {
      ArrowLeft: () => this.pan(-0.25), ArrowRight: () => this.pan(0.25),
      '+': () => this.zoom(0.5), '=': () => this.zoom(0.5), '-': () => this.zoom(2), Home: () => this.setRange(null),
    };
    const act = actions[e.key];
    if (act) { e.preventDefault(); act(); }
  }

  private toggle(column: string, on: boolean): void {
    const now = this.picked ?? this.columns.slice(0, MAX_CHARTS);
    this.picked = on ? this.columns.filter((c) => c === column || now.includes(c)) : now.filter((c) => c !== column);
  }

  private activePreset(): string {
    if (this.range === null) return 'all';
    const e = this.extent;
    if (!e) return '';
    return PRESETS.find((p) => p.us !== null && presetRange(e, p.us)?.join() === this.range!.join())?.key ?? '';
  }

  protected override render() {
    if (this.columns.length === 0 && this.overlays.length === 0) return nothing;
    const picked = this.picked ?? this.columns.slice(0, MAX_CHARTS);
    const active = this.activePreset();
    const traces = this.traces;
    return html`
      <fieldset>
        <legend>Columns</legend>
        ${this.columns.map((c, i) => html`<label class="check"><input type="checkbox" .checked=${picked.includes(c)}
            @change=${(e: Event) => this.toggle(c, (e.target as HTMLInputElement).checked)} />
          <span class="swatch" style="background:${PALETTE[i % PALETTE.length]}"></span>${c}</label>`)}
        ${this.overlays.map((t) => html`<label class="check"><input type="checkbox" checked
            @change=${() => { this.overlays = this.overlays.filter((o) => o !== t); }} />${t.label}</label>`)}
        <series-picker .client=${this.client} .exclude=${this.path}
          @series-add=${(e: CustomEvent<Trace>) => { this.overlays = [...this.overlays, e.detail]; }}></series-picker>
      </fieldset>
      <div class="row" role="toolbar" aria-label="Time window">
        ${PRESETS.map((p) => html`<button aria-pressed=${String(active === p.key)} @click=${() => this.preset(p.us)}>${p.label}</button>`)}
        <button aria-label="Earlier" title="Earlier (←)" @click=${() => this.pan(-0.5)}>←</button>
        <button aria-label="Later" title="Later (→)" @click=${() => this.pan(0.5)}>→</button>
        <button aria-label="Zoom in" @click=${() => this.zoom(0.5)}>+</button>
        <button aria-label="Zoom out" @click=${() => this.zoom(2)}>−</button>
        <button @click=${() => this.setRange(null)}>Reset</button>
        <label class="check"><input type="checkbox" .checked=${this.combined}
          @change=${(e: Event) => { this.combined = (e.target as HTMLInputElement).checked; this.drawn = undefined; this.requestUpdate(); }} />One chart</label>
      </div>
      ${this.points.render({
        pending: () => (this.points.value ? nothing : html`<p class="muted">Drawing charts…</p>`),
        error: (e) => html`<p class="error">Chart: ${errorText(e)}</p>`,
      })}
      <div class="plots" tabindex="0" role="img" @keydown=${this.onKey} @dblclick=${() => this.setRange(null)}
        aria-label="Charts of ${traces.map((t) => t.label).join(', ')} over time. Drag to zoom, double-click to reset; arrow keys pan, + and − zoom."></div>
      <p class="summary muted" aria-live="polite" data-testid="chart-summary">${this.summary}</p>`;
  }
}

declare global { interface HTMLElementTagNameMap { 'series-chart': SeriesChart } }
