// <pond-switcher>: the header's pond menu: switch, create, rename, delete (with a confirmation naming the pond).
// It calls the worker itself and tells the app what happened (`pond-opened`, `pond-deleted`), because the app
// owns which pond is open and what every pane shows.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import type { PondInfo } from '../api/pond-api';
import type { PondClient } from './pond-client';
import { errorText } from './format';
import { base } from './styles';

type Mode = 'create' | 'rename' | 'delete';

@customElement('pond-switcher')
export class PondSwitcher extends LitElement {
  static override styles = [base, css`
    :host { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
    select { max-width: 40vw; }
    dialog form { display: flex; flex-direction: column; gap: 10px; min-width: min(360px, 85vw); }
    .actions { justify-content: flex-end; }
  `];

  /** The client, not its `api`: a comlink proxy answers every property read, so Lit would take it for a directive. */
  @property({ attribute: false }) client?: PondClient;
  private get api() { return this.client?.api; }
  @property({ attribute: false }) info?: PondInfo;
  @state() private mode: Mode | undefined;
  @state() private error = '';
  @state() private busy = false;
  @state() private revision = 0;

  private readonly ponds = new Task(this, {
    args: () => [this.client, this.info?.id, this.info?.name, this.revision] as const,
    task: async ([client]) => (client ? client.api.listPonds() : []),
  });

  private get dialog(): HTMLDialogElement | null {
    return this.renderRoot.querySelector('dialog');
  }

  private async ask(mode: Mode): Promise<void> {
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
    if (!api) return;
    const name = this.renderRoot.querySelector<HTMLInputElement>('dialog input')?.value ?? '';
    this.busy = true;
    this.error = '';
    try {
      if (this.mode === 'create') this.emit('pond-opened', await api.createPond(name));
      else if (this.mode === 'rename' && info) {
        await api.renamePond(info.id, name);
        this.emit('pond-opened', await api.info());
      } else if (this.mode === 'delete' && info) {
        await api.deletePond(info.id);
        this.emit('pond-deleted', info.id);
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
      this.emit('pond-error', errorText(err));
    }
  }

  protected override render() {
    const list = this.ponds.value ?? [];
    const current = this.info;
    return html`
      <select aria-label="Pond" @change=${(e: Event) => void this.switchTo((e.target as HTMLSelectElement).value)}>
        ${current && !list.some((p) => p.id === current.id) ? html`<option value=${current.id} selected>${current.name}</option>` : nothing}
        ${list.map((p) => html`<option value=${p.id} ?selected=${p.id === current?.id}>${p.name}</option>`)}
      </select>
      <button @click=${() => this.ask('create')} aria-label="New pond">+ New</button>
      <button @click=${() => this.ask('rename')} ?disabled=${!current} aria-label="Rename pond">Rename</button>
      <button class="danger" @click=${() => this.ask('delete')} ?disabled=${!current} aria-label="Delete pond">Delete</button>
      <dialog aria-label=${this.mode ? `${this.mode} pond` : 'pond'}>${this.mode ? this.renderForm(this.mode) : nothing}</dialog>`;
  }

  private renderForm(mode: Mode) {
    const name = this.info?.name ?? '';
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
