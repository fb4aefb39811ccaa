// <pond-switcher>: the header's pond menu: switch, create, rename, delete (with a confirmation naming the pond).
// It calls the worker itself and tells the app what happened (`pond-opened`, `pond-open-failed`, `pond-renamed`,
// `pond-deleted`), because the app owns which pond is open and what every pane shows. Rename and delete also work on
// a pond that could not be opened (`unopened`): that is how a user gets out of a pond that fails to open.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import type { PondInfo, PondSummary } from '../api/pond-api';
import type { PondClient } from './pond-client';
import { errorText } from './format';
import { base } from './styles';
import { NarrowScreen } from './narrow-screen';

type Mode = 'create' | 'rename' | 'delete';

/**
 * Sent on `window` by whatever adds a pond without opening it (the Backup tab's restore and zip import): the
 * switcher lists ponds again. On window, not bubbling to the app, because the two are siblings in the layout.
 */
export const PONDS_CHANGED = 'duckpond-ponds-changed';

@customElement('pond-switcher')
export class PondSwitcher extends LitElement {
  static override styles = [base, css`
    :host { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
    select { max-width: 40vw; }
    /* On a phone the select shrinks to what is left of one header row, and the actions fold into "⋯". */
    @media (max-width: 700px) { select { max-width: none; width: 100%; min-width: 0; text-overflow: ellipsis; } :host { flex-wrap: nowrap; min-width: 0; } }
    .more { font-size: 1.3rem; line-height: 1; padding: 0 10px; }
    /* A popover sits in the top layer: it never shifts the header, and a tap outside or Escape closes it. */
    .menu { position: fixed; inset: auto; margin: 0; padding: 6px; border: 1px solid var(--line); border-radius: 10px;
      background: var(--bg); color: var(--fg); box-shadow: 0 6px 20px rgb(0 0 0 / 0.25); min-width: 200px; }
    .menu:popover-open { display: flex; flex-direction: column; gap: 6px; }
    .menu button, .menu ::slotted(button) { width: 100%; text-align: left; }
    dialog form { display: flex; flex-direction: column; gap: 10px; min-width: min(360px, 85vw); }
    .actions { justify-content: flex-end; }
  `];

  /** The client, not its `api`: a comlink proxy answers every property read, so Lit would take it for a directive. */
  @property({ attribute: false }) client?: PondClient;
  private get api() { return this.client?.api; }
  @property({ attribute: false }) info?: PondInfo;
  /** The pond chosen but not open, because opening it failed. */
  @property({ attribute: false }) unopened?: PondSummary;
  @state() private mode: Mode | undefined;
  @state() private error = '';
  @state() private busy = false;
  @state() private revision = 0;
  private readonly screen = new NarrowScreen(this);

  private readonly ponds = new Task(this, {
    args: () => [this.client, this.info?.id, this.info?.name, this.unopened?.id, this.revision] as const,
    task: async ([client]) => (client ? client.api.listPonds() : []),
  });

  private readonly onPondsChanged = (): void => { this.revision++; };

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener(PONDS_CHANGED, this.onPondsChanged);
  }

  override disconnectedCallback(): void {
    window.removeEventListener(PONDS_CHANGED, this.onPondsChanged);
    super.disconnectedCallback();
  }

  private get dialog(): HTMLDialogElement | null {
    return this.renderRoot.querySelector('dialog');
  }

  /** The pond rename and delete act on: the open one, else the one that failed to open. */
  private get target(): PondSummary | undefined {
    return this.info ?? this.unopened;
  }

  /** Opens the create, rename or delete dialog (also from the app's panel for a pond that does not open). */
  async ask(mode: Mode): Promise<void> {
    this.mode = mode;
    this.error = '';
    await this.updateComplete;
    this.dialog?.showModal();
    this.renderRoot.querySelector<HTMLInputElement>('dialog input')?.select();
  }

  private emit(name: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  private async confirm(e: Event): Promise<void> {
    e.preventDefault();
    const api = this.api;
    const info = this.info;
    const target = this.target;
    if (!api) return;
    const name = this.renderRoot.querySelector<HTMLInputElement>('dialog input')?.value ?? '';
    this.busy = true;
    this.error = '';
    try {
      if (this.mode === 'create') this.emit('pond-opened', await api.createPond(name));
      else if (this.mode === 'rename' && target) {
        await api.renamePond(target.id, name);
        if (info) this.emit('pond-opened', await api.info());
        else this.emit('pond-renamed', { id: target.id, name: name.trim() });
      } else if (this.mode === 'delete' && target) {
        await api.deletePond(target.id);
        this.emit('pond-deleted', target.id);
      }
      this.dialog?.close();
      this.revision++;
    } catch (err) {
      this.error = errorText(err);
      // A failed delete has already closed the pond in the worker: open it again so the tab keeps working.
      if (this.mode === 'delete' && info) await api.openPond(info.id).then((i) => this.emit('pond-opened', i), () => undefined);
    } finally {
      this.busy = false;
    }
  }

  private async switchTo(id: string): Promise<void> {
    if (!this.api || id === this.info?.id) return;
    try {
      this.emit('pond-opened', await this.api.openPond(id));
    } catch (err) {
      // The worker closed the previous pond before it tried this one: the app now shows this pond's failure.
      const name = this.ponds.value?.find((p) => p.id === id)?.name ?? id;
      this.emit('pond-open-failed', { id, name, error: errorText(err) });
    }
  }

  protected override render() {
    const list = this.ponds.value ?? [];
    const current = this.target;
    return html`
      <select aria-label="Pond" @change=${(e: Event) => void this.switchTo((e.target as HTMLSelectElement).value)}>
        ${current && !list.some((p) => p.id === current.id) ? html`<option value=${current.id} selected>${current.name}</option>` : nothing}
        ${list.map((p) => html`<option value=${p.id} ?selected=${p.id === current?.id}>${p.name}</option>`)}
      </select>
      ${this.screen.narrow ? this.renderMenu(current) : this.renderActions(current)}
      <dialog aria-label=${this.mode ? `${this.mode} pond` : 'pond'}>${this.mode ? this.renderForm(this.mode) : nothing}</dialog>`;
  }

  private renderActions(current: PondSummary | undefined) {
    return html`
      <button @click=${() => this.ask('create')} aria-label="New pond">+ New</button>
      <button @click=${() => this.ask('rename')} ?disabled=${!current} aria-label="Rename pond">Rename</button>
      <button class="danger" @click=${() => this.ask('delete')} ?disabled=${!current} aria-label="Delete pond">Delete</button>`;
  }

  /** Phone header: the same actions (same names) in a "⋯" menu, with the app's own header actions slotted in as "more". */
  private renderMenu(current: PondSummary | undefined) {
    return html`
      <button class="more" popovertarget="pond-menu" aria-label="Pond actions" aria-haspopup="menu" data-testid="pond-menu-button">⋯</button>
      <div id="pond-menu" class="menu" popover data-testid="pond-menu"
          @beforetoggle=${(e: ToggleEvent) => { if (e.newState === 'open') this.placeMenu(e.currentTarget as HTMLElement); }}
          @click=${(e: Event) => { if ((e.target as HTMLElement).closest('button')) (e.currentTarget as HTMLElement).hidePopover(); }}>
        ${this.renderActions(current)}
        <slot name="more"></slot>
      </div>`;
  }

  /** Below the "⋯" button, kept inside the screen. */
  private placeMenu(menu: HTMLElement): void {
    const anchor = this.renderRoot.querySelector('.more')!.getBoundingClientRect();
    menu.style.top = `${anchor.bottom + 4}px`;
    menu.style.right = `${Math.max(4, innerWidth - anchor.right)}px`;
  }

  private renderForm(mode: Mode) {
    const name = this.target?.name ?? '';
    return html`<form @submit=${this.confirm}>
      ${mode === 'delete'
        ? html`<h2>Delete pond “${name}”?</h2>
               <p>Every file and its whole history in this pond are removed from this device. Backups elsewhere are not touched. This cannot be undone.</p>`
        : html`<h2>${mode === 'create' ? 'New pond' : `Rename “${name}”`}</h2>
               <label>Name <input type="text" required maxlength="100" .value=${mode === 'rename' ? name : ''} /></label>`}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <div class="row actions">
        <button type="button" @click=${() => this.dialog?.close()}>Cancel</button>
        <button type="submit" class=${mode === 'delete' ? 'danger' : 'primary'} ?disabled=${this.busy}>
          ${mode === 'delete' ? 'Delete pond' : mode === 'create' ? 'Create' : 'Rename'}</button>
      </div>
    </form>`;
  }
}

declare global { interface HTMLElementTagNameMap { 'pond-switcher': PondSwitcher } }
