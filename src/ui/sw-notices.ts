// <sw-notices>: the service worker bridge (as Squoosh does it): registers the worker in production builds only,
// says "Ready to work offline" once everything is cached, offers "Update available — reload", and shows when the
// device is offline, each as a bar in the layout's flow under the header. Registration waits for the page to load so
// precaching never competes with first paint.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { base } from './styles';

@customElement('sw-notices')
export class SwNotices extends LitElement {
  static override styles = [base, css`
    /* A slim bar in the page's flow under the header: it takes its own space and pushes content down, never covers it.
       Empty (nothing to say) it takes no space at all. */
    :host { display: block; }
    .bar { display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: center; padding: 4px 12px; min-height: 52px;
      border-bottom: 1px solid var(--line); background: var(--ok-bg); color: var(--ok-fg); font-weight: 600; }
    .bar.offline { background: var(--warn-bg); color: var(--warn-fg); min-height: 40px; font-size: 0.9rem; }
    .bar .text { flex: 1 1 12em; }
    .bar button { background: transparent; color: inherit; border-color: currentColor; }
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
      ${this.online ? nothing : html`<div class="bar offline" role="status" data-testid="offline">Offline — your ponds still work</div>`}
      ${this.notice === 'offline-ready' ? html`<div class="bar" role="status" data-testid="sw-notice"><span class="text">Ready to work offline.</span>
          <button @click=${() => { this.notice = undefined; }}>OK</button></div>` : nothing}
      ${this.notice === 'update' ? html`<div class="bar" role="status" data-testid="sw-notice"><span class="text">Update available.</span>
          <button @click=${() => this.applyUpdate?.()}>Reload</button>
          <button @click=${() => { this.notice = undefined; }}>Dismiss</button></div>` : nothing}`;
  }
}

declare global { interface HTMLElementTagNameMap { 'sw-notices': SwNotices } }
