// <import-preview>: the first rows of a host CSV or Parquet as the import dialog shows them, with the time column
// an import would take highlighted, its form and zone said in words, and two selects: another time column (any
// column that reads as times) and the day/month order. It only shows and asks; <import-dialog> runs previewImport
// again with the answers (events `time-column` and `day-order`) and passes them on to copyIn.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ImportPreview } from '../api/pond-api';
import { base } from './styles';

/** The day/month setting: decided by the data (and said), or given. */
export type DayOrderChoice = 'auto' | 'month' | 'day';

@customElement('import-preview')
export class ImportPreviewView extends LitElement {
  static override styles = [base, css`
    .scroll { overflow-x: auto; max-height: 32vh; overflow-y: auto; border: 1px solid var(--line); border-radius: 8px; }
    table { font-size: 0.85rem; white-space: nowrap; }
    th.time, td.time { background: var(--sel); font-weight: 600; }
    label { display: flex; align-items: center; gap: 8px; min-height: 44px; flex-wrap: wrap; }
    .warn { color: var(--warn-fg); background: var(--warn-bg); padding: 6px 8px; border-radius: 8px; }
    p { margin: 6px 0; }
  `];

  @property({ attribute: false }) preview?: ImportPreview;
  @property({ attribute: false }) dayOrder: DayOrderChoice = 'auto';
  @property({ type: Boolean }) disabled = false;
  /** Whether the import needs a time column (a series does; a table takes a file without one). */
  @property({ type: Boolean }) needsTime = true;

  private emit(name: 'time-column' | 'day-order', detail: string): void {
    this.dispatchEvent(new CustomEvent<string>(name, { detail, bubbles: true, composed: true }));
  }

  /** The chosen column and how it is read, in words: "day — Jan 31 2000 (%b %d %Y), UTC, month first (assumed …)". */
  private timeText(p: ImportPreview) {
    const t = p.time;
    if (!t) return nothing;
    const order = t.dayOrder === undefined ? ''
      : t.dayOrder === 'assumed' ? ', month first (assumed: every date reads both ways; choose day first if they are)'
        : `, ${t.dayFirst ? 'day' : 'month'} first${t.dayOrder === 'content' ? ' (a date in the file proves it)' : ''}`;
    return html`<p data-testid="preview-time">Time column: <strong>${t.column}</strong> — ${t.format}, ${t.zone}${order}</p>`;
  }

  protected override render() {
    const p = this.preview;
    if (!p) return nothing;
    const candidates = p.columns.filter((c) => c.timeCandidate || c.name === p.timestampColumn);
    return html`
      ${p.time ? this.timeText(p) : this.needsTime ? html`<p class="warn" data-testid="preview-no-time">No column holds times: ${p.tried.join('; ')}</p>`
        : html`<p class="muted" data-testid="preview-no-time">No column holds times; a table needs none.</p>`}
      <div class="row">
        ${candidates.length > 0 ? html`<label>Time column
          <select aria-label="Time column" ?disabled=${this.disabled} @change=${(e: Event) => this.emit('time-column', (e.target as HTMLSelectElement).value)}>
            ${candidates.map((c) => html`<option value=${c.name} ?selected=${c.name === p.timestampColumn}>${c.name}${c.format ? ` (${c.format})` : ''}</option>`)}
          </select></label>` : nothing}
        ${p.kind === 'csv' ? html`<label>Day/month order
          <select aria-label="Day/month order" ?disabled=${this.disabled} @change=${(e: Event) => this.emit('day-order', (e.target as HTMLSelectElement).value)}>
            ${([['auto', 'from the data'], ['month', 'month first (US)'], ['day', 'day first']] as [DayOrderChoice, string][]).map(([v, text]) =>
              html`<option value=${v} ?selected=${this.dayOrder === v}>${text}</option>`)}
          </select></label>` : nothing}
      </div>
      <div class="scroll"><table data-testid="import-preview">
        <thead><tr>${p.columns.map((c) => html`<th class=${c.name === p.timestampColumn ? 'time' : ''} title=${c.why ?? c.format ?? ''}>${c.name}<br /><span class="muted">${c.type}</span></th>`)}</tr></thead>
        <tbody>${p.rows.map((r) => html`<tr>${r.map((v, i) => html`<td class=${p.columns[i]?.name === p.timestampColumn ? 'time' : ''}>${v ?? ''}</td>`)}</tr>`)}</tbody>
      </table></div>`;
  }
}

declare global { interface HTMLElementTagNameMap { 'import-preview': ImportPreviewView } }
