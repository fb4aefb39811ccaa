// <combine-dialog>: "Combine series…" builds a `timeseries-join` without typing YAML, for the sensor swap done in
// the field: tick two or more series, give each a scope (inputs sharing one are unioned: the old sonde until the
// swap, the new one from it), optional UTC begin/end per input, and a destination. The YAML comes from
// combine-yaml.ts (the yaml package); `api.mknod` checks it, and its refusal is shown as it names the bad field.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { NodeInfo } from '../api/pond-api';
import type { PondClient } from './pond-client';
import { combineProblems, defaultScope, joinYaml, type CombineInput } from './combine-yaml';
import { errorText } from './format';
import { base } from './styles';

/** Series a join can read: stored series, and derived nodes that read as series (not sql-derived-table). */
const joinable = (n: NodeInfo) => n.type === 'file:series' || (n.derived === true && n.factory !== 'sql-derived-table');
const parentOf = (path: string) => path.slice(0, path.lastIndexOf('/')) || '';

@customElement('combine-dialog')
export class CombineDialog extends LitElement {
  static override styles = [base, css`
    :host { color-scheme: light dark; } /* native date pickers and checkboxes follow the theme */
    dialog { width: min(520px, 94vw); padding: 12px 14px; }
    fieldset { border: 1px solid var(--line); border-radius: 8px; margin: 0 0 12px; padding: 6px 10px 10px; min-width: 0; }
    legend { font-weight: 600; padding: 0 4px; overflow-wrap: anywhere; }
    .choices { max-height: 34vh; overflow-y: auto; }
    label.check { display: flex; align-items: center; gap: 10px; min-height: 44px; overflow-wrap: anywhere; }
    label.check input { width: 24px; height: 24px; min-height: 0; flex: none; }
    label.field { display: flex; flex-direction: column; gap: 4px; margin-top: 8px; font-size: 0.9rem; }
    label.field input { width: 100%; min-width: 0; }
    .bounds { display: grid; grid-template-columns: repeat(auto-fit, minmax(190px, 1fr)); gap: 0 10px; }
    .actions { justify-content: flex-end; margin-top: 12px; }
    ul.problems { margin: 8px 0 0; padding-left: 20px; }
  `];

  @property({ attribute: false }) client?: PondClient;
  @state() private series: NodeInfo[] = [];
  @state() private inputs: CombineInput[] = [];
  @state() private dest = '';
  /** The inputs' time column (their describe()); a join needs them to share one. */
  @state() private timeColumns = new Map<string, string | null>();
  @state() private error = '';
  @state() private busy = false;
  /** Set once Create was pressed: problems are listed from then on, not while the user is still filling in. */
  @state() private tried = false;

  /** Opens the form, with `preselect` (the series the user was looking at) already ticked. */
  async open(preselect?: string): Promise<void> {
    this.error = '';
    this.tried = false;
    this.inputs = [];
    this.dest = '';
    this.timeColumns = new Map();
    this.series = [];
    await this.updateComplete;
    this.dialog?.showModal();
    try {
      this.series = ((await this.client!.api.list('/**')) as NodeInfo[]).filter(joinable).sort((a, b) => a.path.localeCompare(b.path));
      if (preselect && this.series.some((s) => s.path === preselect)) this.toggle(preselect, true);
    } catch (e) {
      this.error = errorText(e);
    }
  }

  private get dialog(): HTMLDialogElement | null {
    return this.renderRoot.querySelector('dialog');
  }

  private toggle(path: string, on: boolean): void {
    if (on) {
      this.inputs = [...this.inputs, { path, scope: defaultScope(path), begin: '', end: '' }];
      if (!this.dest) this.dest = `${parentOf(path)}/combined`;
      void this.learnTimeColumn(path);
    } else {
      this.inputs = this.inputs.filter((i) => i.path !== path);
    }
  }

  private async learnTimeColumn(path: string): Promise<void> {
    try {
      const d = await this.client!.api.describe(path);
      this.timeColumns = new Map(this.timeColumns).set(path, d.timestampColumn);
    } catch (e) {
      this.error = `${path}: ${errorText(e)}`;
    }
  }

  private edit(index: number, field: 'scope' | 'begin' | 'end', value: string): void {
    this.inputs = this.inputs.map((input, i) => (i === index ? { ...input, [field]: value } : input));
  }

  private problems(): string[] {
    const out = combineProblems(this.inputs, this.dest);
    const cols = new Set(this.inputs.map((i) => this.timeColumns.get(i.path)).filter((c) => c !== undefined));
    if (cols.has(null)) out.push('A picked series has no timestamp column.');
    else if (cols.size > 1) out.push(`The picked series use different time columns (${[...cols].join(', ')}); a join needs one.`);
    return out;
  }

  private async create(e: Event): Promise<void> {
    e.preventDefault();
    this.tried = true;
    this.error = '';
    if (this.problems().length) return;
    const timeColumn = this.timeColumns.get(this.inputs[0]!.path) ?? undefined;
    this.busy = true;
    try {
      const dest = this.dest.trim();
      // `timestamp` is the factory's default: only another name is written out.
      const node = await this.client!.api.mknod('timeseries-join', dest, joinYaml(this.inputs, timeColumn === 'timestamp' ? undefined : timeColumn));
      this.dialog?.close();
      this.dispatchEvent(new CustomEvent<NodeInfo>('combined', { detail: node, bubbles: true, composed: true }));
    } catch (err) {
      this.error = errorText(err);
    } finally {
      this.busy = false;
    }
  }

  protected override render() {
    const problems = this.tried ? this.problems() : [];
    return html`<dialog aria-labelledby="combine-title" @cancel=${(e: Event) => { if (this.busy) e.preventDefault(); }}>
      <form @submit=${this.create}>
        <h2 id="combine-title">Combine series</h2>
        <p class="muted">A joined series, computed when read. Series sharing a scope become one column each (a sensor
          swap: the old device until the swap, the new one from it); different scopes sit side by side.</p>
        <fieldset class="choices" ?disabled=${this.busy}>
          <legend>Series to combine</legend>
          ${this.series.map((s) => html`<label class="check"><input type="checkbox" .checked=${this.inputs.some((i) => i.path === s.path)}
              @change=${(ev: Event) => this.toggle(s.path, (ev.target as HTMLInputElement).checked)} />${s.path}</label>`)}
          ${this.series.length === 0 && !this.error ? html`<p class="muted">Looking for series…</p>` : nothing}
        </fieldset>
        ${this.inputs.map((input, i) => this.renderInput(input, i))}
        <label class="field">Destination (a new pond path)
          <input type="text" name="dest" .value=${this.dest} ?disabled=${this.busy} autocapitalize="off" spellcheck="false"
            @input=${(ev: Event) => { this.dest = (ev.target as HTMLInputElement).value; }} /></label>
        ${problems.length ? html`<ul class="problems error" role="alert" data-testid="combine-problems">${problems.map((p) => html`<li>${p}</li>`)}</ul>` : nothing}
        ${this.error ? html`<p class="error" role="alert" data-testid="combine-error">${this.error}</p>` : nothing}
        <div class="row actions">
          <button type="button" ?disabled=${this.busy} @click=${() => this.dialog?.close()}>Cancel</button>
          <button type="submit" class="primary" ?disabled=${this.busy}>${this.busy ? 'Creating…' : 'Create'}</button>
        </div>
      </form>
    </dialog>`;
  }

  private renderInput(input: CombineInput, i: number) {
    const field = (name: 'begin' | 'end', text: string) => html`<label class="field">${text}
      <input type="datetime-local" step="1" name=${name} .value=${input[name]} ?disabled=${this.busy}
        @input=${(ev: Event) => this.edit(i, name, (ev.target as HTMLInputElement).value)} /></label>`;
    return html`<fieldset data-input=${input.path} ?disabled=${this.busy}>
      <legend>Input ${i + 1}: ${input.path}</legend>
      <label class="field">Scope (column prefix; the same scope unions series)
        <input type="text" name="scope" .value=${input.scope} autocapitalize="off" spellcheck="false"
          @input=${(ev: Event) => this.edit(i, 'scope', (ev.target as HTMLInputElement).value)} /></label>
      <div class="bounds">
        ${field('begin', 'From, UTC (inclusive; empty: from the start)')}
        ${field('end', 'Until, UTC (exclusive; empty: to the end)')}
      </div>
    </fieldset>`;
  }
}

declare global { interface HTMLElementTagNameMap { 'combine-dialog': CombineDialog } }
