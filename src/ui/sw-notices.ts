// <sw-notices>: the service worker bridge (as Squoosh does it): registers the worker in production builds only,
// says "Ready to work offline" once everything is cached, offers "Update available — reload", and shows when the
// device is offline. Registration waits for the page to load so precaching never competes with first paint.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { base } from './styles';

@customElement('sw-notices')
export class SwNotices extends LitElement {
  static override styles = [base, css`
    :host { display: contents; }
    .toast { position: fixed; left: 50%; bottom: 16px; transform: translateX(-50%); z-index: 20; display: flex; gap: 10px;
      align-items: center; background: var(--fg); color: var(--bg); padding: 8px 8px 8px 16px; border-radius: 10px;
      box-shadow: 0 4px 16px rgb(0 0 0 / 0.3); max-width: 94vw; }
    .toast button { background: transparent; color: inherit; border-color: currentColor; }
    .offline { display: inline-flex; align-items: center; min-height: 32px; padding: 0 10px; border-radius: 16px;
      background: var(--warn-bg); color: var(--warn-fg); font-size: 0.85rem; font-weight: 600; }
  `];

  @state() private online = navigator.onLine;
  @state() private notice: 'offline-ready' | 'update' | undefined;
  private applyUpdate: (() => void) | undefined;
  private readonly onOnline = () => { this.online = navigator.onLine; };

  override connectedCallback(): void {
    super.connectedCallback();
    addEventListener('online', this.onOnline);
    addEventListener('offline', this.onOnline);
    if (import.meta.env.PROD && 'serviceWorker' in navigator) {
      if (document.readyState === 'complete') void this.register();
      else addEventListener('load', () => void this.register(), { once: true });
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    removeEventListener('online', this.onOnline);
    removeEventListener('offline', this.onOnline);
  }

  private async register(): Promise<void> {
    const { Workbox } = await import('workbox-window');
    const wb = new Workbox(`${import.meta.env.BASE_URL}sw.js`, { scope: import.meta.env.BASE_URL });
    wb.addEventListener('installed', (e) => {
      if (!e.isUpdate) this.notice = 'offline-ready';
    });
    wb.addEventListener('waiting', () => {
      this.notice = 'update';
      this.applyUpdate = () => {
        // Reload once the new worker has taken over, so the page and its cache agree on one version.
        wb.addEventListener('controlling', () => location.reload());
        wb.messageSkipWaiting();
      };
    });
    try {
      await wb.register();
    } catch (e) {
      console.warn('service worker registration failed; the app works but not offline', e);
    }
  }

  protected override render() {
    return html`
      ${this.online ? nothing : html`<span class="offline" role="status" data-testid="offline">Offline — your ponds still work</span>`}
      ${this.notice === 'offline-ready' ? html`<div class="toast" role="status">Ready to work offline.
          <button @click=${() => { this.notice = undefined; }}>OK</button></div>` : nothing}
      ${this.notice === 'update' ? html`<div class="toast" role="status">Update available.
          <button @click=${() => this.applyUpdate?.()}>Reload</button>
          <button @click=${() => { this.notice = undefined; }}>Dismiss</button></div>` : nothing}`;
  }
}

declare global { interface HTMLElementTagNameMap { 'sw-notices': SwNotices } }
