// <table-view>: the rows of a table or series, for files of millions of rows. Only the rows in view are in the
// DOM and only their pages are fetched (`SELECT * … ORDER BY <time> LIMIT n OFFSET k`); the scroll height comes
// from `count(*)`. Past a few million pixels browsers stop growing an element, so the scrollbar then maps
// proportionally onto the rows instead of one row height per row. Export: CSV of every row, Parquet for tables.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import type { PondClient } from './pond-client';
import { cellText, errorText, isAbort } from './format';
import { downloadBlob, downloadBytes } from './download';
import { countRows, exportCsv, fetchRows, pageSql } from './table-export';
import { base } from './styles';

const ROW_H = 32; // px, fixed so a scroll offset maps to a row without measuring
const VIEW_H = 420;
const PAGE = 100; // rows per fetch: a screenful or three
const KEEP_PAGES = 40; // pages cached; older ones are dropped so a long scroll does not grow memory
const MAX_SCROLL_PX = 4_000_000; // under every browser's element-height limit

@customElement('table-view')
export class TableView extends LitElement {
  static override styles = [base, css`
    :host { display: block; margin: 0 0 12px; }
    .scroller { height: ${VIEW_H}px; overflow: auto; border: 1px solid var(--line); border-radius: 8px; position: relative; }
    .win { position: sticky; top: 0; }
    th { background: var(--panel); white-space: nowrap; height: ${ROW_H + 12}px; }
    th small { display: block; color: var(--muted); font-weight: 400; font-size: 0.75rem; }
    td { white-space: nowrap; height: ${ROW_H}px; padding: 0 8px; vertical-align: middle; font-variant-numeric: tabular-nums; }
    td.n { color: var(--muted); text-align: right; }
    tr.loading td { color: var(--muted); }
  `];

  @property({ attribute: false }) client?: PondClient;
  @property() path = '';
  @property() type = '';
  /** Event-time column: rows are shown in its order. */
  @property() tsColumn: string | undefined;
  @property({ type: Number }) version = 0;
  @state() private first = 0;
  @state() private fit = Math.floor((VIEW_H - ROW_H - 12) / ROW_H);
  @state() private exporting = '';
  @state() private exportError = '';
  private pages = new Map<number, { columns: { name: string; type: string }[]; rows: unknown[][] }>();
  private loading = new Set<number>();
  private exportAbort: AbortController | undefined;

  private readonly count = new Task(this, {
    args: () => [this.client, this.path, this.version] as const,
    task: async ([client, path]) => {
      this.pages = new Map();
      this.loading = new Set();
      this.first = 0;
      this.renderRoot.querySelector('.scroller')?.scrollTo({ top: 0 });
      if (!client || !path) return 0;
      return countRows(client, path);
    },
  });

  private get total(): number {
    return this.count.value ?? 0;
  }

  private onScroll(e: Event): void {
    const el = e.target as HTMLElement;
    const max = el.scrollHeight - el.clientHeight;
    const last = Math.max(0, this.total - this.fit);
    // Proportional: exact one-row-per-ROW_H while the spacer is unscaled, still reaching the last row when it is.
    this.first = max > 0 ? Math.min(last, Math.round((el.scrollTop / max) * last)) : 0;
  }

  /** Fetches the pages the window needs, newest window first; pages scrolled past before their turn are skipped. */
  private async ensurePages(): Promise<void> {
    const client = this.client;
    if (!client || !this.path || this.total === 0) return;
    const wanted = this.wantedPages();
    for (const p of wanted) {
      if (this.pages.has(p) || this.loading.has(p) || !this.wantedPages().includes(p)) continue;
      this.loading.add(p);
      const path = this.path;
      try {
        const page = await fetchRows(client, path, pageSql(this.tsColumn, PAGE, p * PAGE), PAGE);
        if (path !== this.path) return; // another file since
        this.pages.set(p, page);
        for (const k of this.pages.keys()) if (this.pages.size > KEEP_PAGES && !this.wantedPages().includes(k)) this.pages.delete(k);
        this.requestUpdate();
      } catch (e) {
        this.exportError = errorText(e);
      } finally {
        this.loading.delete(p);
      }
    }
  }

  private wantedPages(): number[] {
    const a = Math.floor(this.first / PAGE);
    const b = Math.floor(Math.min(this.total - 1, this.first + this.fit) / PAGE);
    const out: number[] = [];
    for (let p = a; p <= b; p++) out.push(p);
    return out;
  }

  protected override updated(): void {
    if (this.count.value !== undefined) void this.ensurePages();
  }

  private async exportCsv(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.exportAbort = new AbortController();
    this.exportError = '';
    this.exporting = 'Starting CSV export…';
    try {
      const blob = await exportCsv(client, this.path, this.tsColumn, this.total,
        (n) => { this.exporting = `Exporting CSV: ${n.toLocaleString('en')} of ${this.total.toLocaleString('en')} rows…`; },
        this.exportAbort.signal);
      downloadBlob(`${baseName(this.path)}.csv`, blob);
    } catch (e) {
      this.exportError = isAbort(e) ? 'Export cancelled.' : errorText(e);
    } finally {
      this.exporting = '';
    }
  }

  private async exportParquet(): Promise<void> {
    try {
      downloadBytes(`${baseName(this.path)}.parquet`, await this.client!.api.readFile(this.path));
    } catch (e) {
      this.exportError = errorText(e);
    }
  }

  protected override render() {
    return html`
      <div class="row" role="toolbar" aria-label="Export">
        <button @click=${() => void this.exportCsv()} ?disabled=${!!this.exporting || !this.count.value}>Export CSV</button>
        ${this.type === 'file:table'
          ? html`<button @click=${() => void this.exportParquet()}>Export Parquet</button>`
          : this.type === 'derived' ? nothing // computed when read: its only stored bytes are its config
          : html`<span class="muted">Parquet: download each version below.</span>`}
        ${this.exporting ? html`<span role="status">${this.exporting}</span>
          <button @click=${() => this.exportAbort?.abort()}>Cancel</button>` : nothing}
        ${this.exportError ? html`<span class="error" role="alert">${this.exportError}</span>` : nothing}
      </div>
      ${this.count.render({
        pending: () => html`<p class="muted">Counting rows…</p>`,
        error: (e) => html`<p class="error">${errorText(e)}</p>`,
        complete: (n) => this.renderRows(n),
      })}`;
  }

  private renderRows(total: number) {
    const sample = this.pages.values().next().value;
    const columns = sample?.columns ?? [];
    const last = Math.min(total, this.first + this.fit + 1);
    const spacer = Math.max(0, Math.min(total * ROW_H, MAX_SCROLL_PX) - VIEW_H + ROW_H + 12);
    const rows = [];
    for (let i = this.first; i < last; i++) {
      const page = this.pages.get(Math.floor(i / PAGE));
      const row = page?.rows[i % PAGE];
      rows.push(row
        ? html`<tr aria-rowindex=${i + 2}><td class="n">${(i + 1).toLocaleString('en')}</td>${row.map((v, c) => html`<td>${cellText(v, columns[c]?.type ?? '')}</td>`)}</tr>`
        : html`<tr class="loading" aria-rowindex=${i + 2}><td class="n">${(i + 1).toLocaleString('en')}</td><td colspan=${Math.max(1, columns.length)}>…</td></tr>`);
    }
    return html`<p class="muted" data-testid="table-count">${total.toLocaleString('en')} rows${total > this.fit ? ' — scroll to see more' : ''}</p>
      <div class="scroller" tabindex="0" role="region" aria-label="Rows of ${this.path}" @scroll=${this.onScroll}>
        <div class="win"><table aria-rowcount=${total + 1}>
          <thead><tr aria-rowindex="1"><th>#</th>${columns.map((c) => html`<th>${c.name}<small>${c.type}</small></th>`)}</tr></thead>
          <tbody>${rows}</tbody>
        </table></div>
        <div style="height:${spacer}px" aria-hidden="true"></div>
      </div>`;
  }
}

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1).replace(/\.(series|table)$/, '') || 'export';

declare global { interface HTMLElementTagNameMap { 'table-view': TableView } }
