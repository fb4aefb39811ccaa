// <collect-panel>: the open pond's configured nodes (HydroVu collectors, temporal-reduce) with a Run button and
// the last result of each, the interval toggle, and a form to add a HydroVu collector. The client secret typed
// here goes to the worker's IndexedDB store (api.mknod), never into the pond.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { stringify } from 'yaml';
import type { CollectorStatus, ConfiguredNode, NodeRunStatus } from '../api/pond-api';
import type { PondClient } from './pond-client';
import { base } from './styles';

const STATUS_POLL_MS = 5000;
const message = (e: unknown) => String((e as Error)?.message ?? e);
const time = (ms: number | undefined) => (ms === undefined ? '' : new Date(ms).toLocaleString());

@customElement('collect-panel')
export class CollectPanel extends LitElement {
  static override styles = [base, css`
    :host { display: block; }
    ul { list-style: none; margin: 0 0 12px; padding: 0; }
    li { display: grid; grid-template-columns: 1fr auto; gap: 4px 10px; align-items: center; padding: 8px 0; border-bottom: 1px solid var(--line); }
    .path { font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
    .ok { color: var(--ok-fg); }
    .failed { color: var(--danger); }
    form { display: grid; gap: 8px; margin-top: 8px; }
    label { display: grid; gap: 2px; font-size: 0.9rem; }
    textarea { min-height: 88px; padding: 8px 10px; font-family: ui-monospace, monospace; }
    fieldset { border: 1px solid var(--line); border-radius: 8px; padding: 10px; margin: 12px 0 0; }
  `];

  /** The client, not its `api`: a comlink proxy answers every property read, so Lit would take it for a directive. */
  @property({ attribute: false }) client?: PondClient;
  @property() pondId = '';
  /** The pond's version: a change (a run here or in another tab) reloads the list. */
  @property({ type: Number }) version = 0;
  @property({ type: Boolean }) readOnly = false;

  @state() private status: CollectorStatus | undefined;
  @state() private busy = new Set<string>();
  @state() private formError = '';
  @state() private minutes = 15;
  private poll: ReturnType<typeof setInterval> | undefined;

  private readonly nodes = new Task(this, {
    args: () => [this.client, this.pondId, this.version] as const,
    task: async ([client, pondId]): Promise<ConfiguredNode[]> => {
      if (!client || !pondId) return [];
      const [nodes] = await Promise.all([client.api.configuredNodes(), this.refreshStatus()]);
      return nodes;
    },
  });

  override connectedCallback(): void {
    super.connectedCallback();
    // Scheduled runs happen in the worker: poll so their results show without a reload.
    this.poll = setInterval(() => void this.refreshStatus(), STATUS_POLL_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.poll);
  }

  private async refreshStatus(): Promise<void> {
    if (!this.client || !this.pondId) return;
    this.status = await this.client.api.collectorStatus().catch(() => this.status);
  }

  protected override render() {
    return html`
      <h2>Collectors and derived series</h2>
      ${this.nodes.render({
        pending: () => (this.nodes.value ? this.renderNodes(this.nodes.value) : html`<p class="muted">Loading…</p>`),
        complete: (nodes) => this.renderNodes(nodes),
        error: (e) => html`<p class="error">${message(e)}</p>`,
      })}
      ${this.renderInterval()}
      ${this.readOnly ? nothing : this.renderForm()}
    `;
  }

  private renderNodes(nodes: ConfiguredNode[]) {
    if (nodes.length === 0) return html`<p class="muted">No configured nodes. Add a HydroVu collector below, or use <code>mknod</code> in the shell.</p>`;
    return html`<ul aria-label="Configured nodes">${nodes.map((n) => {
      const st = this.status?.nodes.find((s) => s.path === n.path);
      const running = this.busy.has(n.path) || st?.running === true;
      return html`<li data-path=${n.path}>
        <span>
          <div class="path">${n.path}</div>
          <div class="muted">${n.factory}${n.factory === 'hydrovu' ? html` · ${n.activeDevices ?? 0} active devices${n.hasSecret ? '' : html` · <span class="failed">no secret in this browser</span>`}` : nothing}</div>
          ${this.renderStatus(st, running)}
        </span>
        <button class="primary" ?disabled=${running || this.readOnly} @click=${() => void this.run(n.path)} aria-label="Run ${n.path}">${running ? 'Running…' : 'Run'}</button>
      </li>`;
    })}</ul>`;
  }

  private renderStatus(st: NodeRunStatus | undefined, running: boolean) {
    if (running) return html`<div class="muted" role="status">running…</div>`;
    if (!st || st.ok === undefined) return html`<div class="muted">not run in this session</div>`;
    return html`<div class=${st.ok ? 'ok' : 'failed'} role="status">${st.ok ? 'ok' : 'failed'} ${time(st.finishedAt)}: ${st.message ?? ''}</div>`;
  }

  private renderInterval() {
    const on = this.status?.everyMinutes != null;
    return html`<div class="row">
      <label class="row"><input type="checkbox" .checked=${on} ?disabled=${this.readOnly} @change=${(e: Event) => void this.toggle((e.target as HTMLInputElement).checked)}>
        Run all every</label>
      <input type="number" min="1" .value=${String(this.status?.everyMinutes ?? this.minutes)} style="width: 6em" aria-label="Minutes between runs"
        @change=${(e: Event) => { this.minutes = Math.max(1, Number((e.target as HTMLInputElement).value) || 15); if (on) void this.toggle(true); }}>
      <span>minutes while this app is open and online</span>
      ${on && this.status?.nextRunAt ? html`<span class="muted">next ${time(this.status.nextRunAt)}${this.status.skipped ? ` (last skipped: ${this.status.skipped})` : ''}</span>` : nothing}
    </div>`;
  }

  private renderForm() {
    return html`<fieldset><legend>Add a HydroVu collector</legend>
      <form @submit=${(e: Event) => { e.preventDefault(); void this.add(e.target as HTMLFormElement); }}>
        <label>Node path<input name="path" value="/hydrovu" required></label>
        <label>API base URL (or a proxy)<input name="baseUrl" value="https://www.hydrovu.com/public-api/" required></label>
        <label>Client id<input name="clientId" required autocomplete="off"></label>
        <label>Client secret (kept in this browser only)<input name="secret" type="password" required autocomplete="off"></label>
        <label>Devices, one per line: name, location id<textarea name="devices" placeholder="Surface, 9007199254740993" required></textarea></label>
        <label>Max points per run<input name="maxPoints" type="number" min="1" value="100000"></label>
        <label>First run starts at (UTC date; empty = 30 days ago)<input name="startTime" type="date"></label>
        ${this.formError ? html`<p class="error" role="alert">${this.formError}</p>` : nothing}
        <div class="row"><button class="primary" type="submit">Add collector</button></div>
      </form>
    </fieldset>`;
  }

  private async run(path: string): Promise<void> {
    if (!this.client) return;
    this.busy = new Set([...this.busy, path]);
    try {
      await this.client.longOp((op) => this.client!.api.runNode(path, op));
    } catch {
      // The failure is in the node's status, shown under it.
    } finally {
      this.busy = new Set([...this.busy].filter((p) => p !== path));
      await this.refreshStatus();
    }
  }

  private async toggle(on: boolean): Promise<void> {
    if (!this.client) return;
    this.status = await this.client.api.scheduleCollectors(on ? this.minutes : null);
  }

  private async add(form: HTMLFormElement): Promise<void> {
    if (!this.client) return;
    const f = new FormData(form);
    const text = (k: string) => String(f.get(k) ?? '').trim();
    try {
      const devices = text('devices').split('\n').map((l) => l.trim()).filter(Boolean).map((line, i) => {
        const [name, id] = line.split(',').map((s) => s.trim());
        if (!name || !id) throw new Error(`device line ${i + 1}: write "name, location id"`);
        return { name, id, active: true }; // the id stays a string: HydroVu ids exceed 2^53
      });
      const config = {
        baseUrl: text('baseUrl'), clientId: text('clientId'), maxPointsPerRun: Number(text('maxPoints')) || 100_000, devices,
        ...(text('startTime') ? { startTime: text('startTime') } : {}),
      };
      await this.client.api.mknod('hydrovu', text('path'), stringify(config), { secret: text('secret') });
      this.formError = '';
      form.reset();
      this.nodes.run();
    } catch (e) {
      this.formError = message(e);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'collect-panel': CollectPanel;
  }
}
