// <duckpond-app>: the shell of the UI. It owns which pond is open (and as of which version), boots the first run
// (demo pond), follows the worker's change notices, and lays out header, tree, details/history/shell/SQL panes,
// import (drop anywhere or pick files) and the storage and offline status.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import * as Comlink from 'comlink';
import type { NodeInfo, PondInfo, PondSummary } from '../api/pond-api';
import type { PondClient } from './pond-client';
import { createDemoPond, DEMO_SERIES } from './demo-pond';
import { errorText, fmtBytes, fmtTime } from './format';
import { clearLinkHash, linkFromHash, publishedPond, serviceWorkerControls } from './open-link';
import { PONDS_CHANGED } from './pond-switcher';
import { base } from './styles';
import type { ImportDialog } from './import-dialog';
import type { CombineDialog } from './combine-dialog';
import type { PondTree } from './pond-tree';
import type { PondSwitcher } from './pond-switcher';
import { isPondError } from '../core/errors';
import { downloadBlob } from './download';
import { NarrowScreen } from './narrow-screen';
import { TabRowScroll, tabRowStyles } from './tab-row-scroll';
import { CHART_DRAWN, warmUpAfterFirstScreen, type ChartDrawn } from './engine-warmup';
import { forgetSelection, lastPond, rememberChart, rememberPond, rememberSelection, rememberedSelection } from './remembered';
import './pond-switcher';
import './pond-tree';
import './node-details';
import './history-pane';
import './shell-panel';
import './sql-console';
import './storage-status';
import './import-dialog';
import './combine-dialog';
import './sw-notices';
import './backup-panel';
import './collect-panel';

type Tab = 'details' | 'history' | 'shell' | 'sql' | 'collect' | 'backup';
const TABS: [Tab, string][] = [
  ['details', 'Details'], ['history', 'History'], ['shell', 'Shell'], ['sql', 'SQL'], ['collect', 'Collect'], ['backup', 'Backup'],
];

@customElement('duckpond-app')
export class DuckpondApp extends LitElement {
  static override styles = [base, tabRowStyles, css`
    :host { display: flex; flex-direction: column; min-height: 100vh; background: var(--bg); }
    header { display: flex; align-items: center; gap: 10px; flex-wrap: wrap; padding: 8px 12px; border-bottom: 1px solid var(--line); background: var(--panel); }
    header pond-switcher { min-width: 0; }
    header h1 { font-size: 1.15rem; margin: 0 8px 0 0; display: flex; align-items: center; gap: 8px; }
    header img { width: 32px; height: 32px; border-radius: 6px; }
    .spacer { flex: 1; }
    header .actions { margin-left: auto; flex-wrap: nowrap; }
    .banner { padding: 10px 12px; display: flex; gap: 10px; align-items: center; flex-wrap: wrap; background: var(--warn-bg); color: var(--warn-fg); font-weight: 600; }
    .banner.error { background: var(--danger); color: #fff; }
    main { flex: 1; display: grid; grid-template-columns: minmax(240px, 320px) 1fr; min-height: 0; }
    aside { border-right: 1px solid var(--line); padding: 8px; overflow: auto; display: flex; flex-direction: column; gap: 12px; }
    section.pane { padding: 8px 12px; min-width: 0; overflow: auto; }
    .tabs { margin-bottom: 10px; }
    [role='tablist'] { gap: 4px; border-bottom: 1px solid var(--line); }
    /* The ring drawn inside: the row scrolls, so a ring outside the tab would be clipped at its edges. */
    [role='tab'] { outline-offset: -3px; }
    .files { display: flex; flex-direction: column; gap: 12px; }
    .files[hidden] { display: none; }
    .files-toggle { width: 100%; display: flex; align-items: center; gap: 8px; text-align: left; }
    .files-toggle .where { flex: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    [role='tab'] { border: none; border-bottom: 3px solid transparent; border-radius: 0; background: none; }
    [role='tab'][aria-selected='true'] { border-bottom-color: var(--accent); font-weight: 600; }
    .drop { position: fixed; inset: 0; z-index: 30; display: grid; place-items: center; background: rgb(11 110 153 / 0.25);
      border: 4px dashed var(--accent); font-size: 1.4rem; font-weight: 700; pointer-events: none; }
    .splash { margin: auto; text-align: center; padding: 24px; }
    .empty { padding: 24px; display: flex; flex-direction: column; gap: 12px; align-items: flex-start; }
    /* The wordmark is the first thing to give up its width (the icon stays), so a tablet's header keeps one row. */
    header h1 .name { white-space: nowrap; }
    @media (max-width: 1000px) {
      main { grid-template-columns: minmax(200px, 260px) 1fr; }
      header h1 { margin: 0; }
      header h1 .name { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
    }
    @media (max-width: 700px) {
      header { flex-wrap: nowrap; gap: 8px; padding: 8px; }
      header pond-switcher { flex: 1; }
      header .spacer { display: none; }
      header .actions { margin-left: 0; }
      main { grid-template-columns: 1fr; }
      aside { border-right: none; border-bottom: 1px solid var(--line); max-height: 60vh; }
      section.pane { padding: 8px; }
      [role='tab'] { padding: 0 12px; }
    }
  `];

  @property({ attribute: false }) client?: PondClient;
  @state() private info: PondInfo | undefined;
  @state() private noPonds = false;
  @state() private bootStep = 'Starting…';
  @state() private selected: NodeInfo | undefined;
  @state() private tab: Tab = 'details';
  @state() private dragging = false;
  @state() private message = '';
  /** A pond that was chosen but failed to open: the app still starts, and shows why with ways out. */
  @state() private unopened: (PondSummary & { error: string }) | undefined;
  @state() private salvage = '';
  /** "Keep a copy" of a pond opened from a link: its progress while it runs. */
  @state() private keeping = '';
  /** A newer version at the link than the one shown (pushed since it was opened): the banner offers to refresh. */
  @state() private linkNewer: number | undefined;
  private linkTimer: ReturnType<typeof setInterval> | undefined;
  private dragDepth = 0;
  private readonly screen = new NarrowScreen(this);
  /** On a phone the tree folds behind "Files" so the selected series' chart is on the first screen. */
  @state() private filesOpen = false;
  private readonly tabRow = new TabRowScroll(this);

  /** Resolves once start-up (the first-run demo pond, or reopening the last pond) has finished. */
  get ready(): Promise<unknown> {
    return this.updateComplete.then(() => this.boot.taskComplete);
  }

  /** First run makes the demo pond; later runs reopen the pond used last. */
  private readonly boot = new Task(this, {
    args: () => [this.client] as const,
    task: async ([client]) => {
      if (!client) return;
      const { api } = client;
      // One subscription for the tab's life: the worker keeps listeners across pond switches.
      await api.subscribe(Comlink.proxy((info: PondInfo) => { this.info = info; }));
      // A link in the address, else the pond a published static site carries.
      const link = linkFromHash(location.hash) ?? publishedPond();
      if (link !== undefined && (await this.openFromLink(link))) return;
      const ponds = await api.listPonds();
      // A link that did not open makes no demo pond: the visitor came for that pond, and the error says why.
      if (ponds.length === 0 && link !== undefined) return void (this.noPonds = true);
      if (ponds.length === 0) {
        this.opened(await createDemoPond(client, (s) => { this.bootStep = s; }));
        // A newcomer lands on data, not on an empty details pane.
        await this.reveal(await api.stat(DEMO_SERIES));
        return;
      }
      const last = lastPond();
      this.bootStep = 'Opening your pond…';
      // With the node selected last, before start-up counts as done: DuckDB's warm-up then waits for its chart.
      await this.tryOpen(ponds.find((p) => p.id === last) ?? ponds[0]!);
    },
  });

  /**
   * Opens the pond a link (`#open=<url>`) names, read-only and without touching this device's ponds; false, with
   * the reason shown, when it cannot. Another host is reachable only once the service worker controls the page (it
   * gives the network worker its policy): on a first visit that is a few seconds after the page loads.
   */
  private async openFromLink(url: string): Promise<boolean> {
    let host = url;
    try {
      const u = new URL(url);
      host = u.host;
      this.bootStep = `Opening the pond at ${host}…`;
      if (u.origin !== location.origin) await serviceWorkerControls(30_000);
      this.opened(await this.client!.api.openLink(url));
      return true;
    } catch (e) {
      this.message = `Could not open the pond at ${host}: ${errorText(e)}`;
      return false;
    }
  }

  private readonly onHashChange = () => {
    const link = linkFromHash(location.hash);
    if (link !== undefined && this.client && link !== this.info?.link?.url) void this.openFromLink(link);
  };

  /** Asks whether the link has a newer version than the one shown (a minute apart, and when the tab is shown again). */
  private readonly checkLink = () => {
    const info = this.info;
    if (!info?.link || info.asOf !== undefined || document.visibilityState !== 'visible' || !this.client) return;
    this.client.api.checkLink().then((newer) => {
      if (this.info?.link?.url === info.link!.url) this.linkNewer = newer ?? undefined;
    }, () => undefined); // offline, or the host is gone for now: the view stays as it is, and the next check asks again
  };

  private async refreshLink(): Promise<void> {
    const link = this.info?.link;
    if (!link) return;
    try {
      this.opened(await this.client!.api.openLink(link.url));
    } catch (e) {
      this.message = errorText(e);
    }
  }

  /** "Keep a copy": the pond opened from a link becomes a pond on this device, and is opened as such. */
  private async keepCopy(): Promise<void> {
    const client = this.client!;
    const what = 'Copying the pond to this device…';
    this.keeping = what;
    try {
      const info = await client.longOp((op) => client.api.keepLinkCopy(op), {
        onProgress: (done, total) => { this.keeping = `${what} ${total ? Math.round((100 * done) / total) : 0}%`; },
      });
      this.opened(info);
      window.dispatchEvent(new Event(PONDS_CHANGED));
    } catch (e) {
      this.message = `Could not keep a copy: ${errorText(e)}`;
    } finally {
      this.keeping = '';
    }
  }

  /**
   * Opens a pond; when that fails, start-up still completes and the pond's error is shown with rename, delete and
   * export. With the node it had selected when last used: the tree's first listing then opens that node's folders,
   * and its details and chart are asked for with it (pond-tree.ts), not after a listing per folder.
   */
  private async tryOpen(pond: PondSummary): Promise<void> {
    try {
      const info = await this.client!.api.openPond(pond.id);
      const node = await this.rememberedNode(info);
      this.opened(info);
      if (node) {
        this.selected = node;
        this.tab = 'details';
      }
    } catch (e) {
      this.failedToOpen({ ...pond, error: errorText(e) });
    }
  }

  /** The node pond `info` had selected when it was last used, if it is still there (a node gone is forgotten). */
  private async rememberedNode(info: PondInfo): Promise<NodeInfo | undefined> {
    if (info.asOf !== undefined || info.link) return undefined;
    const path = rememberedSelection(info.id);
    if (path === undefined) return undefined;
    try {
      return await this.client!.api.stat(path);
    } catch (e) {
      // NOT_FOUND: removed since (by this device, a pull or another tab); forget it. Any other failure (a pond that
      // reads badly there) shows when the person opens that folder in the tree; the start goes on without it.
      if (isPondError(e, 'NOT_FOUND')) forgetSelection(info.id);
      return undefined;
    }
  }

  /** Selects the node the open pond had selected when it was last used, and opens its folders (after a switch). */
  private async restoreSelection(): Promise<void> {
    const info = this.info;
    if (!info || this.selected) return;
    const node = await this.rememberedNode(info);
    // Unless the person picked something (or another pond) while the stat ran.
    if (node && this.info?.id === info.id && !this.selected) await this.reveal(node);
  }

  private failedToOpen(failed: PondSummary & { error: string }): void {
    this.info = undefined;
    this.selected = undefined;
    this.unopened = failed;
  }

  private opened(info: PondInfo): void {
    const switched = info.id !== this.info?.id;
    this.info = info;
    this.unopened = undefined;
    this.salvage = '';
    this.linkNewer = undefined;
    this.noPonds = false;
    this.message = '';
    if (info.asOf === undefined && !info.link) rememberPond(info.id);
    if (!info.link) clearLinkHash(); // a local pond is open now: a reload should open it, not the link again
    if (switched) this.selected = undefined;
  }

  private async afterDelete(deleted: string): Promise<void> {
    const api = this.client!.api;
    forgetSelection(deleted);
    this.info = undefined;
    this.unopened = undefined;
    this.selected = undefined;
    const ponds = await api.listPonds();
    if (ponds.length === 0) this.noPonds = true;
    else await this.tryOpen(ponds[0]!);
  }

  private async openAsOf(version: number | undefined): Promise<void> {
    if (!this.client || !this.info) return;
    const pond = { id: this.info.id, name: this.info.name };
    const link = this.info.link;
    if (link) {
      // The linked pond stays open when another version of it cannot be (openLink opens before it closes).
      try {
        this.opened(await this.client.api.openLink(link.url, version === undefined ? {} : { asOf: version }));
      } catch (e) {
        this.message = errorText(e);
      }
      return;
    }
    try {
      this.opened(await this.client.api.openPond(pond.id, version === undefined ? {} : { asOf: version }));
    } catch (e) {
      // The worker closed the pond before trying the other version: back to the latest, and say what failed.
      await this.tryOpen(pond);
      this.message = errorText(e);
    }
  }

  /** "Export what can be read": the files of a pond that does not open, as a zip to keep or to repair elsewhere. */
  private async exportUnopened(id: string): Promise<void> {
    const client = this.client!;
    this.salvage = 'Collecting the pond’s files…';
    try {
      const zip = await client.longOp((op) => client.api.exportPondFiles(id, op), {
        onProgress: (done, total) => { this.salvage = `Collecting the pond’s files… ${total ? Math.round((100 * done) / total) : 0}%`; },
      });
      downloadBlob(zip.name, zip.blob);
      this.salvage = `Saved ${zip.files} files as ${zip.name}.`;
    } catch (e) {
      this.salvage = `Could not export: ${errorText(e)}`;
    }
  }

  private async makeDemo(): Promise<void> {
    if (!this.client) return;
    try {
      this.opened(await createDemoPond(this.client));
      await this.reveal(await this.client.api.stat(DEMO_SERIES));
    } catch (e) {
      this.message = errorText(e);
    }
  }

  // Drag-and-drop anywhere: document-level listeners, because a drop may land on any pane or shadow root.
  private readonly onDragEnter = (e: DragEvent) => {
    if (!e.dataTransfer?.types.includes('Files')) return;
    e.preventDefault();
    this.dragDepth++;
    this.dragging = true;
  };
  private readonly onDragOver = (e: DragEvent) => {
    if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
  };
  private readonly onDragLeave = () => {
    this.dragDepth = Math.max(0, this.dragDepth - 1);
    if (this.dragDepth === 0) this.dragging = false;
  };
  private readonly onDrop = (e: DragEvent) => {
    e.preventDefault();
    this.dragDepth = 0;
    this.dragging = false;
    const files = [...(e.dataTransfer?.files ?? [])];
    if (files.length && this.info) this.importFiles(files);
  };

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.client) warmUpAfterFirstScreen(this.renderRoot, this.client.api, this.ready, () => /table|series/.test(this.selected?.type ?? ''));
    this.renderRoot.addEventListener(CHART_DRAWN, this.onChartDrawn);
    document.addEventListener('dragenter', this.onDragEnter);
    document.addEventListener('dragover', this.onDragOver);
    document.addEventListener('dragleave', this.onDragLeave);
    document.addEventListener('drop', this.onDrop);
    addEventListener('hashchange', this.onHashChange);
    document.addEventListener('visibilitychange', this.checkLink);
    this.linkTimer = setInterval(this.checkLink, 60_000);
  }

  /** The chart a restart of this pond draws first, if it is of the selected node: the page hints it to the worker. */
  private readonly onChartDrawn = (e: Event) => {
    const drawn = (e as CustomEvent<ChartDrawn | undefined>).detail;
    const info = this.info;
    if (drawn && info && info.asOf === undefined && !info.link && drawn.path === this.selected?.path) rememberChart(info.id, drawn);
  };

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.renderRoot.removeEventListener(CHART_DRAWN, this.onChartDrawn);
    document.removeEventListener('dragenter', this.onDragEnter);
    document.removeEventListener('dragover', this.onDragOver);
    document.removeEventListener('dragleave', this.onDragLeave);
    document.removeEventListener('drop', this.onDrop);
    removeEventListener('hashchange', this.onHashChange);
    document.removeEventListener('visibilitychange', this.checkLink);
    clearInterval(this.linkTimer);
  }

  private importFiles(files: File[]): void {
    this.renderRoot.querySelector<ImportDialog>('import-dialog')?.open(files);
  }

  /** "Combine series…": from the header, or from a series' details with that series ticked. */
  private openCombine(preselect?: string): void {
    void this.renderRoot.querySelector<CombineDialog>('combine-dialog')?.open(preselect);
  }

  /** Selects a node and opens its folders in the tree. */
  private async reveal(node: NodeInfo | undefined): Promise<void> {
    if (!node) return;
    this.selected = node;
    this.tab = 'details';
    await this.updateComplete;
    const parent = node.path.slice(0, node.path.lastIndexOf('/'));
    if (parent) this.renderRoot.querySelector<PondTree>('pond-tree')?.setExpanded(parent, true);
  }

  /** A picked file closes the phone's drawer (the user wants to see it); a folder keeps it open to go deeper. */
  private closeFilesAfterPick(node: NodeInfo): void {
    if (this.screen.narrow && node.type !== 'directory') this.filesOpen = false;
  }

  /** A new tab (or a pond's panes first drawn) scrolls the tab row to it; any other render may change the row's overflow. */
  protected override updated(changed: Map<string, unknown>): void {
    // Only a pond of this device as it is now: a past version or a link is opened for a look, not to land on later.
    const info = this.info;
    if (changed.has('selected') && this.selected && info && info.asOf === undefined && !info.link) rememberSelection(info.id, this.selected.path);
    if (changed.has('tab') || changed.has('info')) this.tabRow.revealSelected();
    else this.tabRow.update();
  }

  private onTabKey(e: KeyboardEvent): void {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const i = TABS.findIndex(([t]) => t === this.tab);
    const next = TABS[(i + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length]![0];
    this.tab = next;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`[role='tab'][data-tab='${next}']`)?.focus());
  }

  protected override render() {
    const info = this.info;
    const narrow = this.screen.narrow;
    const combine = (slot?: string) => html`<button slot=${slot ?? nothing} ?disabled=${!info || info.readOnly}
        @click=${() => this.openCombine()}>Combine series…</button>`;
    return html`
      <header>
        <h1><img src="${import.meta.env.BASE_URL}icon-192.png" alt="" /><span class="name">DuckPond</span></h1>
        ${this.client ? html`<pond-switcher .client=${this.client} .info=${info} .unopened=${this.unopened}
          @pond-opened=${(e: CustomEvent<PondInfo>) => { this.opened(e.detail); void this.restoreSelection(); }}
          @pond-open-failed=${(e: CustomEvent<PondSummary & { error: string }>) => this.failedToOpen(e.detail)}
          @pond-renamed=${(e: CustomEvent<PondSummary>) => { if (this.unopened?.id === e.detail.id) this.unopened = { ...this.unopened, name: e.detail.name }; }}
          @pond-deleted=${(e: CustomEvent<string>) => void this.afterDelete(e.detail)}>${narrow ? combine('more') : nothing}</pond-switcher>` : nothing}
        <span class="spacer"></span>
        <!-- Import and Combine side by side, where a field user on a tablet looks for "do something with data";
             on a phone Combine joins the pond actions in "⋯" so the header stays one row. -->
        <span class="row actions">
          <label class="row"><input type="file" multiple hidden data-testid="file-picker" ?disabled=${!info || info.readOnly}
              @change=${(e: Event) => { const input = e.target as HTMLInputElement; this.importFiles([...(input.files ?? [])]); input.value = ''; }} />
            <button class="primary" ?disabled=${!info || info.readOnly}
              @click=${(e: Event) => (e.currentTarget as HTMLElement).parentElement?.querySelector('input')?.click()}>Import…</button></label>
          ${narrow ? nothing : combine()}
        </span>
      </header>
      <!-- Notices take their own row under the header (in the flow), so they never cover a chart or a control. -->
      <sw-notices></sw-notices>
      ${this.renderBanners(info)}
      ${info ? this.renderMain(info) : this.renderNoPond()}
      <import-dialog .client=${this.client} ?readOnly=${info?.readOnly ?? false} @imported=${(e: CustomEvent<NodeInfo[]>) => void this.reveal(e.detail[0])}></import-dialog>
      <combine-dialog .client=${this.client} @combined=${(e: CustomEvent<NodeInfo>) => void this.reveal(e.detail)}></combine-dialog>
      ${this.dragging ? html`<div class="drop" aria-hidden="true">Drop files to import them into “${info?.name ?? 'the pond'}”</div>` : nothing}`;
  }

  private renderBanners(info: PondInfo | undefined) {
    return html`
      ${info?.asOf !== undefined ? html`<div class="banner" role="status" data-testid="time-travel">
          <span>Viewing version ${info.asOf} — read-only</span>
          <button @click=${() => void this.openAsOf(undefined)}>Back to the latest version</button></div>` : nothing}
      ${info?.link ? html`<div class="banner" role="status" data-testid="link-banner">
          <span>Opened from ${info.link.host} · read-only · version ${info.asOf ?? info.version}</span>
          <span class="muted">${fmtBytes(info.link.bytes)} fetched to open it${info.link.offline ? ' · offline: as of your last visit' : ''}${info.link.expires ? ` · link valid until ${info.link.expires}` : ''}${info.link.rangeIgnored ? ' · the server ignores Range: whole files are used' : ''}</span>
          ${this.linkNewer !== undefined ? html`<span data-testid="link-newer">Version ${this.linkNewer} was pushed since you opened it</span>
              <button @click=${() => void this.refreshLink()}>Refresh</button>` : nothing}
          ${this.keeping ? html`<span>${this.keeping}</span>` : html`<button @click=${() => void this.keepCopy()}
              title="Copy this pond to this device, as a pond of your own">Keep a copy</button>`}</div>` : nothing}
      ${info?.follow ? html`<div class="banner" role="status" data-testid="following">
          Following ${info.follow.remote} · last pulled ${info.follow.lastPulled ? fmtTime(info.follow.lastPulled * 1000, true) : 'not yet'} · version ${info.version} — read-only${info.follow.lastError ? ` (last pull failed: ${info.follow.lastError})` : ''}</div>` : nothing}
      ${info && info.readOnly && info.asOf === undefined && !info.follow && !info.link ? html`<div class="banner" role="status" data-testid="read-only">
          Read-only: ${info.readOnlyReason ?? 'another tab is writing'}. This tab becomes the writer when that one closes.</div>` : nothing}
      ${(info?.autoPush ?? []).filter((a) => a.stopped).map((a) => html`<div class="banner" role="status" data-testid="auto-push-stopped">${a.stopped}</div>`)}
      ${info?.maintenanceError ? html`<div class="banner" role="status">Background maintenance failed: ${info.maintenanceError}</div>` : nothing}
      ${this.message ? html`<div class="banner error" role="alert">${this.message}
          <button @click=${() => { this.message = ''; }}>Dismiss</button></div>` : nothing}`;
  }

  private renderNoPond() {
    return this.boot.render({
      pending: () => html`<div class="splash" role="status"><p>${this.bootStep}</p></div>`,
      error: (e) => html`<div class="splash"><p class="error" role="alert">Could not start: ${errorText(e)}</p>
          <button @click=${() => location.reload()}>Reload</button></div>`,
      complete: () => (this.unopened ? this.renderUnopened(this.unopened) : this.noPonds
        ? html`<div class="empty"><h2>No ponds on this device</h2>
            <p>Create a pond with <b>+ New</b> above, or start again with the demo data.</p>
            <button class="primary" @click=${() => void this.makeDemo()}>Create the demo pond</button></div>`
        : html`<div class="splash muted">Opening…</div>`),
    });
  }

  private renderUnopened(pond: PondSummary & { error: string }) {
    const ask = (mode: 'rename' | 'delete') => void this.renderRoot.querySelector<PondSwitcher>('pond-switcher')?.ask(mode);
    return html`<div class="empty" data-testid="pond-unopened">
      <h2>Could not open “${pond.name}”</h2>
      <p class="error" role="alert">${pond.error}</p>
      <p>Your other ponds are in the pond menu above. This one can still be exported as it is, renamed or deleted.</p>
      <div class="row">
        <button @click=${() => void this.tryOpen(pond)}>Try again</button>
        <button class="primary" @click=${() => void this.exportUnopened(pond.id)}>Export what can be read</button>
        <button @click=${() => ask('rename')}>Rename…</button>
        <button class="danger" @click=${() => ask('delete')}>Delete…</button>
      </div>
      ${this.salvage ? html`<p role="status">${this.salvage}</p>` : nothing}
    </div>`;
  }

  private renderMain(info: PondInfo) {
    const client = this.client;
    const version = info.asOf ?? info.version;
    const narrow = this.screen.narrow;
    return html`<main>
      <aside>
        ${narrow ? html`<button class="files-toggle" aria-expanded=${String(this.filesOpen)} aria-controls="files" data-testid="files-toggle"
            @click=${() => { this.filesOpen = !this.filesOpen; }}><span aria-hidden="true">${this.filesOpen ? '▾' : '▸'}</span>
            <b>Files</b><span class="where muted">${this.selected?.path ?? ''}</span></button>` : nothing}
        <div id="files" class="files" ?hidden=${narrow && !this.filesOpen}>
        <pond-tree .client=${client} .pondId=${info.id} .version=${version} .selected=${this.selected?.path ?? ''}
          @node-select=${(e: CustomEvent<NodeInfo>) => { this.selected = e.detail; if (this.tab !== 'sql') this.tab = 'details'; this.closeFilesAfterPick(e.detail); }}></pond-tree>
        <storage-status .version=${version}></storage-status>
        </div>
      </aside>
      <section class="pane">
        <div class="tabs">
          <div role="tablist" aria-label="Views" @keydown=${this.onTabKey} @scroll=${() => this.tabRow.update()}>
            ${TABS.map(([t, label]) => html`<button role="tab" data-tab=${t} aria-selected=${String(this.tab === t)}
                aria-controls="panel" tabindex=${this.tab === t ? 0 : -1} @click=${() => { this.tab = t; }}>${label}</button>`)}
          </div>
          ${this.tabRow.cues()}
        </div>
        <div id="panel" role="tabpanel" aria-label=${this.tab}>
          ${this.tab === 'details' ? html`<node-details .client=${client} .path=${this.selected?.path ?? ''} .version=${version}
              @combine-request=${(e: CustomEvent<string>) => this.openCombine(e.detail)}></node-details>` : nothing}
          ${this.tab === 'history' ? html`<history-pane .client=${client} .pondId=${info.id} .version=${version}
              @open-as-of=${(e: CustomEvent<number>) => void this.openAsOf(e.detail === info.version && info.asOf !== undefined ? undefined : e.detail)}></history-pane>` : nothing}
          <shell-panel .client=${client} ?hidden=${this.tab !== 'shell'}></shell-panel>
          ${this.tab === 'sql' ? html`<sql-console .client=${this.client} .path=${this.selected && (this.selected.derived || /table|series/.test(this.selected.type)) ? this.selected.path : ''}></sql-console>` : nothing}
          ${this.tab === 'collect' ? html`<collect-panel .client=${client} .pondId=${info.id} .version=${version} ?readOnly=${info.readOnly}></collect-panel>` : nothing}
          <!-- Kept mounted, like the shell: a running push keeps its progress bar when the user looks elsewhere. -->
          <backup-panel .client=${client} .info=${info} ?hidden=${this.tab !== 'backup'} .shown=${this.tab === 'backup'}
            @pond-opened=${(e: CustomEvent<PondInfo>) => this.opened(e.detail)}></backup-panel>
        </div>
      </section>
    </main>`;
  }
}

/** Mounts the app into `root` (called by main.ts once the worker is connected). */
export function mountApp(root: HTMLElement, client: PondClient): DuckpondApp {
  const app = document.createElement('duckpond-app');
  app.client = client;
  root.append(app);
  return app;
}

declare global { interface HTMLElementTagNameMap { 'duckpond-app': DuckpondApp } }
