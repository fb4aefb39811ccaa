// <storage-status>: storage used / quota (navigator.storage.estimate) and "keep data on this device"
// (navigator.storage.persist). Without persistence the browser may evict the ponds under storage pressure, which
// on a field tablet means losing unsynced readings: the answer is shown, not hidden.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { fmtBytes } from './format';
import { base } from './styles';

@customElement('storage-status')
export class StorageStatus extends LitElement {
  static override styles = [base, css`
    :host { display: block; font-size: 0.9rem; }
    meter { width: 100%; height: 10px; }
    .ok { color: var(--ok-fg); }
  `];

  /** The pond version: storage changes with commits. */
  @property({ type: Number }) version = 0;
  @state() private persistAnswer: string | undefined;

  private readonly estimate = new Task(this, {
    args: () => [this.version] as const,
    task: async () => {
      if (!navigator.storage?.estimate) return undefined;
      const [est, persisted] = await Promise.all([navigator.storage.estimate(), navigator.storage.persisted?.() ?? false]);
      return { usage: est.usage ?? 0, quota: est.quota ?? 0, persisted };
    },
  });

  private async persist(): Promise<void> {
    try {
      const granted = await navigator.storage.persist();
      this.persistAnswer = granted
        ? 'Granted: the browser will keep your ponds unless you delete them.'
        : 'Not granted: the browser may clear this data when space runs low. Installing the app or bookmarking it can help; back up to S3 or a zip.';
    } catch (e) {
      this.persistAnswer = `The browser refused: ${(e as Error).message}`;
    }
    void this.estimate.run();
  }

  protected override render() {
    const v = this.estimate.value;
    if (!navigator.storage?.estimate) return html`<p class="muted">This browser does not report storage use.</p>`;
    return html`
      ${v ? html`
        <div>Storage: <span data-testid="storage-used">${fmtBytes(v.usage)}</span> of ${fmtBytes(v.quota)}</div>
        <meter min="0" max=${v.quota || 1} value=${v.usage} aria-label="Storage used"></meter>
        ${v.persisted
          ? html`<p class="ok">Data is kept on this device (persistent storage).</p>`
          : html`<p><button @click=${() => this.persist()}>Keep data on this device</button></p>`}` : nothing}
      ${this.persistAnswer ? html`<p role="status" data-testid="persist-answer">${this.persistAnswer}</p>` : nothing}`;
  }
}

declare global { interface HTMLElementTagNameMap { 'storage-status': StorageStatus } }
