// <history-pane>: the pond's transactions (`api.log`), newest first, each with "Open as of this version" (time
// travel, read-only). The app owns the reopening; this component only asks for it with an `open-as-of` event.
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { Task } from '@lit/task';
import type { PondClient } from './pond-client';
import { errorText, fmtTime } from './format';
import { base } from './styles';

@customElement('history-pane')
export class HistoryPane extends LitElement {
  static override styles = [base, css`
    :host { display: block; }
    ol { list-style: none; margin: 0; padding: 0; }
    li { display: grid; grid-template-columns: 3.5em 1fr auto; gap: 4px 10px; align-items: center; padding: 6px 0; border-bottom: 1px solid var(--line); }
    .seq { font-weight: 600; font-variant-numeric: tabular-nums; }
    .cmd { font-family: ui-monospace, monospace; font-size: 0.85rem; overflow-wrap: anywhere; }
    .when { font-size: 0.8rem; }
    .current { font-size: 0.85rem; color: var(--muted); padding: 0 8px; }
  `];

  /** The client, not its `api`: a comlink proxy answers every property read, so Lit would take it for a directive. */
  @property({ attribute: false }) client?: PondClient;
  @property() pondId = '';
  /** The version shown (head, or the time-travel version). */
  @property({ type: Number }) version = 0;

  private readonly log = new Task(this, {
    args: () => [this.client, this.pondId, this.version] as const,
    task: async ([client, pondId]) => (client && pondId ? client.api.log({ limit: 500 }) : []),
  });

  protected override render() {
    return this.log.render({
      pending: () => (this.log.value ? this.renderLog() : html`<p class="muted">Loading history…</p>`),
      complete: () => this.renderLog(),
      error: (e) => html`<p class="error">${errorText(e)}</p>`,
    });
  }

  private renderLog() {
    const txns = this.log.value ?? [];
    if (txns.length === 0) return html`<p class="muted">No transactions yet.</p>`;
    return html`<ol aria-label="Transactions">
      ${txns.map((t) => html`<li data-seq=${t.seq}>
        <span class="seq">v${t.seq}</span>
        <span><div class="cmd">${t.command}</div><div class="when muted">${fmtTime(t.timestamp, true)} · ${t.entries} ${t.entries === 1 ? 'entry' : 'entries'}</div></span>
        ${t.seq === this.version
          ? html`<span class="current">shown</span>`
          : html`<button @click=${() => this.open(t.seq)} aria-label="Open as of version ${t.seq}">Open as of v${t.seq}</button>`}
      </li>`)}
    </ol>`;
  }

  private open(seq: number): void {
    this.dispatchEvent(new CustomEvent<number>('open-as-of', { detail: seq, bubbles: true, composed: true }));
  }
}

declare global { interface HTMLElementTagNameMap { 'history-pane': HistoryPane } }
