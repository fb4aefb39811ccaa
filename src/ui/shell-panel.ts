// <shell-panel>: the original CLI's command language (`api.exec`) with a command history (↑/↓), the output of
// each command, host files attached for `copy host:NAME …`, and files a command produced offered as downloads.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task, TaskStatus } from '@lit/task';
import type { ExecResult } from '../api/pond-api';
import type { PondClient } from './pond-client';
import { errorText } from './format';
import { base } from './styles';

interface Entry { line: string; result?: ExecResult; error?: string; links: { name: string; url: string }[] }

const MAX_ENTRIES = 200; // older output goes: the panel must stay light on a tablet

@customElement('shell-panel')
export class ShellPanel extends LitElement {
  static override styles = [base, css`
    :host { display: flex; flex-direction: column; gap: 8px; min-height: 0; }
    :host([hidden]) { display: none; }
    .out { font-family: ui-monospace, 'SFMono-Regular', Menlo, monospace; font-size: 0.85rem; background: var(--panel);
      border: 1px solid var(--line); border-radius: 8px; padding: 8px; overflow: auto; max-height: 45vh; min-height: 120px; }
    .out pre { margin: 0 0 6px; white-space: pre-wrap; overflow-wrap: anywhere; }
    .cmd { color: var(--accent); font-weight: 600; }
    .stderr { color: var(--danger); }
    form { display: flex; gap: 8px; }
    input[type='text'] { flex: 1; font-family: ui-monospace, monospace; min-width: 0; }
    a { color: var(--accent); display: inline-flex; align-items: center; min-height: 44px; }
  `];

  /** The client, not its `api`: a comlink proxy answers every property read, so Lit would take it for a directive. */
  @property({ attribute: false }) client?: PondClient;
  private get api() { return this.client?.api; }
  @state() private entries: Entry[] = [];
  @state() private attached: File[] = [];
  private history: string[] = [];
  private historyIndex = -1;
  private draft = '';

  private readonly exec = new Task(this, {
    autoRun: false,
    args: () => ['', [] as File[]] as [string, File[]],
    task: async ([line, files]) => {
      if (!this.api) throw new Error('no pond worker');
      return this.api.exec(line, { files: files.map((f) => ({ name: f.name, data: f })) });
    },
  });

  private get input(): HTMLInputElement | null {
    return this.renderRoot.querySelector('input[type="text"]');
  }

  /** Runs one command line as if typed (also used by the app for quick actions). */
  async run(line: string): Promise<ExecResult | undefined> {
    line = line.trim();
    if (!line) return undefined;
    if (this.history[this.history.length - 1] !== line) this.history.push(line);
    this.historyIndex = -1;
    const entry: Entry = { line, links: [] };
    this.entries = [...this.entries, entry].slice(-MAX_ENTRIES);
    try {
      await this.exec.run([line, this.attached]);
      const result = this.exec.value!;
      entry.result = result;
      entry.links = (result.downloads ?? []).map((d) => ({
        name: d.name, url: URL.createObjectURL(new Blob([d.data as Uint8Array<ArrayBuffer>])),
      }));
    } catch (e) {
      entry.error = errorText(e);
    }
    this.entries = [...this.entries];
    await this.updateComplete;
    const out = this.renderRoot.querySelector('.out');
    out?.scrollTo({ top: out.scrollHeight });
    return entry.result;
  }

  private onSubmit(e: Event): void {
    e.preventDefault();
    const input = this.input;
    if (!input || this.exec.status === TaskStatus.PENDING) return;
    const line = input.value;
    input.value = '';
    void this.run(line);
  }

  private onKey(e: KeyboardEvent): void {
    const input = e.target as HTMLInputElement;
    if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
    if (this.history.length === 0) return;
    e.preventDefault();
    if (this.historyIndex === -1) this.draft = input.value;
    if (e.key === 'ArrowUp') this.historyIndex = this.historyIndex === -1 ? this.history.length - 1 : Math.max(0, this.historyIndex - 1);
    else this.historyIndex = this.historyIndex === -1 || this.historyIndex >= this.history.length - 1 ? -1 : this.historyIndex + 1;
    input.value = this.historyIndex === -1 ? this.draft : this.history[this.historyIndex]!;
  }

  private clear(): void {
    for (const e of this.entries) for (const l of e.links) URL.revokeObjectURL(l.url);
    this.entries = [];
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.clear();
  }

  protected override render() {
    const busy = this.exec.status === TaskStatus.PENDING;
    return html`
      <div class="out" role="log" aria-live="polite" aria-label="Shell output" data-testid="shell-output">
        ${this.entries.length === 0 ? html`<pre class="muted">Type a command, e.g. <b>list -l</b>, <b>describe /**</b>, <b>show</b> or <b>help</b>.</pre>` : nothing}
        ${this.entries.map((e) => html`
          <pre class="cmd">$ ${e.line}</pre>
          ${e.result?.stdout ? html`<pre>${e.result.stdout}</pre>` : nothing}
          ${e.result?.stderr ? html`<pre class="stderr">${e.result.stderr}</pre>` : nothing}
          ${e.error ? html`<pre class="stderr">${e.error}</pre>` : nothing}
          ${e.links.map((l) => html`<div><a href=${l.url} download=${l.name}>Download ${l.name}</a></div>`)}
          ${e.result && e.result.exitCode !== 0 ? html`<pre class="muted">exit ${e.result.exitCode}</pre>` : nothing}`)}
        ${busy ? html`<pre class="muted">running…</pre>` : nothing}
      </div>
      <form @submit=${this.onSubmit} class="row">
        <input type="text" aria-label="Command" placeholder="list -l" autocomplete="off" autocapitalize="off" spellcheck="false"
          @keydown=${this.onKey} />
        <button class="primary" type="submit" ?disabled=${busy}>Run</button>
      </form>
      <div class="row">
        <label class="row"><span class="muted">Attach host files (copy host:NAME …):</span>
          <input type="file" multiple @change=${(e: Event) => { this.attached = [...((e.target as HTMLInputElement).files ?? [])]; }} /></label>
        ${this.attached.length ? html`<span class="muted">${this.attached.map((f) => f.name).join(', ')}</span>` : nothing}
        <button @click=${() => this.clear()}>Clear output</button>
      </div>`;
  }
}

declare global { interface HTMLElementTagNameMap { 'shell-panel': ShellPanel } }
