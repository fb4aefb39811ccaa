// <series-picker>: "Add series…" for <series-chart>: choose another table or series of the pond and one of its
// numeric columns, to overlay on the same time axis. The pond is listed only when the user asks, so opening a
// chart costs no walk of the whole tree.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { NodeInfo } from '../api/pond-api';
import type { PondClient } from './pond-client';
import type { Trace } from './chart-plots';
import { errorText } from './format';
import { base } from './styles';

const NUMERIC = /^(u?int|float|double|decimal|real|bigint|smallint|tinyint|hugeint)/i;

@customElement('series-picker')
export class SeriesPicker extends LitElement {
  static override styles = [base, css`
    :host { display: inline-block; }
    form { display: inline-flex; gap: 6px; flex-wrap: wrap; align-items: center; }
    select { max-width: 22em; }
  `];

  @property({ attribute: false }) client?: PondClient;
  /** The chart's own file: its columns are already offered as checkboxes. */
  @property() exclude = '';
  @state() private open = false;
  @state() private files: NodeInfo[] = [];
  @state() private file = '';
  @state() private columns: string[] = [];
  @state() private column = '';
  @state() private error = '';

  private async start(): Promise<void> {
    this.open = true;
    this.error = '';
    try {
      const all = (await this.client!.api.list('/**')) as NodeInfo[];
      this.files = all.filter((n) => (n.type === 'file:series' || n.type === 'file:table') && n.path !== this.exclude);
      if (this.files[0]) await this.pick(this.files[0].path);
    } catch (e) {
      this.error = errorText(e);
    }
  }

  private async pick(path: string): Promise<void> {
    this.file = path;
    this.columns = [];
    try {
      const d = await this.client!.api.describe(path);
      this.columns = d.columns.filter((c) => c.name !== d.timestampColumn && NUMERIC.test(c.type)).map((c) => c.name);
      this.column = this.columns[0] ?? '';
    } catch (e) {
      this.error = errorText(e);
    }
  }

  private add(e: Event): void {
    e.preventDefault();
    if (!this.file || !this.column) return;
    const name = this.file.slice(this.file.lastIndexOf('/') + 1);
    const trace: Trace = { path: this.file, column: this.column, label: `${name}: ${this.column}` };
    this.dispatchEvent(new CustomEvent<Trace>('series-add', { detail: trace, bubbles: true, composed: true }));
    this.open = false;
  }

  protected override render() {
    if (!this.open) return html`<button type="button" @click=${() => void this.start()}>Add series…</button>`;
    return html`<form @submit=${this.add} aria-label="Add a series to the chart">
      <select aria-label="File" @change=${(e: Event) => void this.pick((e.target as HTMLSelectElement).value)}>
        ${this.files.map((f) => html`<option value=${f.path} ?selected=${f.path === this.file}>${f.path}</option>`)}
      </select>
      <select aria-label="Column" @change=${(e: Event) => { this.column = (e.target as HTMLSelectElement).value; }}>
        ${this.columns.map((c) => html`<option ?selected=${c === this.column}>${c}</option>`)}
      </select>
      <button type="submit" class="primary" ?disabled=${!this.column}>Add</button>
      <button type="button" @click=${() => { this.open = false; }}>Cancel</button>
      ${this.files.length === 0 && !this.error ? html`<span class="muted">No other tables or series in this pond.</span>` : nothing}
      ${this.error ? html`<span class="error">${this.error}</span>` : nothing}
    </form>`;
  }
}

declare global { interface HTMLElementTagNameMap { 'series-picker': SeriesPicker } }
