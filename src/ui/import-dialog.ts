// <import-dialog>: host files into the pond (`copyIn`): choose raw / table / series and the destination, watch
// the progress, cancel (AbortController → client.longOp → the worker's cancel), then see the result or the error
// with its PondError code. Opened by the app for dropped files or the file picker. For one CSV or Parquet stored as
// a series or table it previews the first rows (<import-preview>): the time column an import takes, in which form
// and zone, and lets the user pick another column and the day/month order. A series refused for want of a time
// column offers "Import as a table instead" (one click: the same import with format table).
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task, TaskStatus } from '@lit/task';
import type { CopyFormat, ImportPreview, NodeInfo, PreviewOptions } from '../api/pond-api';
import type { DayOrderChoice } from './import-preview';
import './import-preview';
import type { PondClient } from './pond-client';
import { errorText, fmtBytes, fmtTime, isAbort } from './format';
import { base } from './styles';

const TABULAR = /\.(csv|tsv|txt|parquet|pq)$/i;

/** A series refused because no column holds times (time-detect.ts noTimeColumnError): a table would take it. */
const noTimeColumn = (e: unknown) => (e as { detail?: { reason?: unknown } } | undefined)?.detail?.reason === 'no-time-column';

@customElement('import-dialog')
export class ImportDialog extends LitElement {
  static override styles = [base, css`
    fieldset { border: 1px solid var(--line); border-radius: 8px; margin: 0 0 12px; }
    label { display: flex; align-items: center; gap: 8px; min-height: 44px; }
    input[type='radio'], input[type='checkbox'] { width: 22px; height: 22px; min-height: 0; flex: none; } /* a long label must not squeeze them */
    input[type='text'] { width: 100%; }
    progress { width: 100%; height: 14px; }
    ul { padding-left: 20px; }
    .warn { color: var(--warn-fg); }
    .actions { justify-content: flex-end; margin-top: 12px; }
  `];

  @property({ attribute: false }) client?: PondClient;
  @property({ type: Boolean }) readOnly = false;
  @state() private files: File[] = [];
  @state() private format: CopyFormat = 'series';
  @state() private dest = '/data/';
  /** Append a file to a series even if that very file is one of its versions already. */
  @state() private force = false;
  @state() private progress: { done: number; total?: number; what: string } | undefined;
  /** The preview of the one tabular file, and the choices it offers (undefined column: the detected one). */
  @state() private preview: ImportPreview | undefined;
  @state() private previewError: unknown;
  @state() private previewing = false;
  @state() private timeColumn: string | undefined;
  @state() private dayOrder: DayOrderChoice = 'auto';
  /** Counts preview requests: an answer to an older one (the user changed a choice meanwhile) is dropped. */
  private previewSeq = 0;
  /** True from open() until Import is pressed: the Task still holds the previous import's outcome. */
  @state() private fresh = true;
  private abort: AbortController | undefined;

  private readonly copy = new Task(this, {
    autoRun: false,
    args: () => [[] as File[], 'data' as CopyFormat, '', false, {}] as [File[], CopyFormat, string, boolean, PreviewOptions],
    task: async ([files, format, dest, force, time]): Promise<NodeInfo[]> => {
      const client = this.client;
      if (!client) throw new Error('no pond worker');
      this.abort = new AbortController();
      this.progress = { done: 0, what: files[0]?.name ?? '' };
      return client.longOp(
        (op) => client.api.copyIn(files.map((f) => ({ name: f.name, data: f })), dest, { format, ...(force ? { force } : {}), ...time, ...op }),
        { signal: this.abort.signal, onProgress: (done, total, what) => { this.progress = { done, total, what }; } },
      );
    },
  });

  /** Opens the dialog for these files, with a format guessed from their names. */
  open(files: File[]): void {
    if (files.length === 0 || (!this.fresh && this.copy.status === TaskStatus.PENDING)) return;
    this.files = files;
    this.format = files.every((f) => TABULAR.test(f.name)) ? 'series' : 'data';
    this.progress = undefined;
    this.fresh = true;
    this.preview = undefined;
    this.previewError = undefined;
    this.timeColumn = undefined;
    this.dayOrder = 'auto';
    if (files.length === 1 && TABULAR.test(files[0]!.name)) void this.loadPreview();
    // Keep the last folder (imports tend to go to one place) but never a file path: that would overwrite or
    // append to the previous import's target.
    if (!this.dest.endsWith('/')) this.dest = this.dest.slice(0, this.dest.lastIndexOf('/') + 1) || '/';
    void this.updateComplete.then(() => this.dialog?.showModal());
  }

  /** The time options the user chose, as previewImport and copyIn take them. */
  private get timeOptions(): PreviewOptions {
    return {
      ...(this.timeColumn !== undefined ? { timestampColumn: this.timeColumn } : {}),
      ...(this.dayOrder !== 'auto' ? { dayFirst: this.dayOrder === 'day' } : {}),
    };
  }

  private async loadPreview(): Promise<void> {
    const client = this.client;
    const file = this.files[0];
    if (!client || !file) return;
    const seq = ++this.previewSeq;
    this.previewing = true;
    try {
      const p = await client.api.previewImport({ name: file.name, data: file }, this.timeOptions);
      if (seq === this.previewSeq) { this.preview = p; this.previewError = undefined; }
    } catch (e) {
      // Shown in place of the preview (a file DuckDB cannot read, say); the import would report the same.
      if (seq === this.previewSeq) { this.preview = undefined; this.previewError = e; }
    } finally {
      if (seq === this.previewSeq) this.previewing = false;
    }
  }

  private choose(kind: 'time-column' | 'day-order', value: string): void {
    if (kind === 'time-column') this.timeColumn = value;
    else this.dayOrder = value as DayOrderChoice;
    void this.loadPreview();
  }

  /** The refused series again, as a table: the same file and destination, no time column needed. */
  private async asTable(e: Event): Promise<void> {
    this.format = 'table';
    await this.start(e);
  }

  private get dialog(): HTMLDialogElement | null {
    return this.renderRoot.querySelector('dialog');
  }

  private async start(e: Event): Promise<void> {
    e.preventDefault();
    this.fresh = false;
    try {
      await this.copy.run([this.files, this.format, this.dest.trim() || '/', this.force, this.format === 'data' ? {} : this.timeOptions]);
      const made = this.copy.value ?? [];
      this.dispatchEvent(new CustomEvent<NodeInfo[]>('imported', { detail: made, bubbles: true, composed: true }));
    } catch {
      /* shown from the task's error */
    }
  }

  private cancel(): void {
    if (this.copy.status === TaskStatus.PENDING) this.abort?.abort();
    else this.dialog?.close();
  }

  protected override render() {
    const status = this.fresh ? TaskStatus.INITIAL : this.copy.status;
    const busy = status === TaskStatus.PENDING;
    const p = this.progress;
    const total = this.files.reduce((n, f) => n + f.size, 0);
    return html`<dialog aria-labelledby="import-title" @cancel=${(e: Event) => { if (busy) e.preventDefault(); }}>
      <form @submit=${this.start}>
        <h2 id="import-title">Import ${this.files.length === 1 ? this.files[0]!.name : `${this.files.length} files`} <span class="muted">(${fmtBytes(total)})</span></h2>
        ${this.readOnly ? html`<p class="error">This pond is read-only here; the import will fail.</p>` : nothing}
        <fieldset ?disabled=${busy || status === TaskStatus.COMPLETE}>
          <legend>Store as</legend>
          ${([['series', 'Series — CSV or Parquet with a timestamp; each import adds a version'],
            ['table', 'Table — a CSV or Parquet file, replaced by each import'],
            ['data', 'Raw file — the bytes as they are']] as [CopyFormat, string][]).map(([v, text]) => html`
            <label><input type="radio" name="format" value=${v} .checked=${this.format === v}
              @change=${() => { this.format = v; }} />${text}</label>`)}
        </fieldset>
        ${this.format === 'series' ? html`<label><input type="checkbox" .checked=${this.force} ?disabled=${busy || status === TaskStatus.COMPLETE}
            @change=${(e: Event) => { this.force = (e.target as HTMLInputElement).checked; }} />Import even if identical to a version the series has</label>` : nothing}
        ${this.format !== 'data' && this.files.length === 1 && TABULAR.test(this.files[0]!.name) ? html`<section aria-label="Preview" data-testid="import-preview-section">
          ${this.previewing && !this.preview ? html`<p class="muted">Reading the first rows…</p>` : nothing}
          ${this.previewError ? html`<p class="error">${errorText(this.previewError)}</p>` : nothing}
          <import-preview .preview=${this.preview} .dayOrder=${this.dayOrder} ?disabled=${busy || status === TaskStatus.COMPLETE} ?needsTime=${this.format === 'series'}
            @time-column=${(e: CustomEvent<string>) => this.choose('time-column', e.detail)}
            @day-order=${(e: CustomEvent<string>) => this.choose('day-order', e.detail)}></import-preview>
        </section>` : nothing}
        <label for="dest">Destination (a folder ending in / keeps the file names; a CSV becomes NAME.series, or NAME.parquet as a table)</label>
        <input id="dest" type="text" .value=${this.dest} ?disabled=${busy || status === TaskStatus.COMPLETE}
          @input=${(e: Event) => { this.dest = (e.target as HTMLInputElement).value; }} autocapitalize="off" spellcheck="false" />
        ${busy ? html`<p>Importing ${p?.what}…</p>
          <progress aria-label="Import progress" max=${p?.total ?? 1} value=${p?.total ? p.done : nothing}></progress>` : nothing}
        ${status === TaskStatus.COMPLETE ? html`<div role="status" data-testid="import-result"><p>Imported:</p>
          <ul>${(this.copy.value ?? []).map((n) => html`<li>${n.path} (v${n.version})${n.time ? html`<br /><span class="muted"
            data-testid="import-time">Times from ${n.time.column}: ${n.time.format}, ${n.time.zone}${n.time.dayOrder ? `, ${n.time.dayFirst ? 'day' : 'month'} first${n.time.dayOrder === 'assumed' ? ' (assumed)' : ''}` : ''}</span>` : nothing}${(n.overlaps ?? []).map((o) => html`<br /><span class="warn"
            data-testid="import-overlap">Overlaps version ${o.version} from ${fmtTime(o.start)} to ${fmtTime(o.end)}</span>`)}</li>`)}</ul></div>` : nothing}
        ${status === TaskStatus.ERROR ? html`<p class="error" role="alert" data-testid="import-error">${
          isAbort(this.copy.error) ? 'Import cancelled; nothing was changed.' : errorText(this.copy.error)}</p>
          ${noTimeColumn(this.copy.error) ? html`<button type="button" @click=${this.asTable}>Import as a table instead</button>` : nothing}` : nothing}
        <div class="row actions">
          ${status === TaskStatus.COMPLETE
            ? html`<button type="button" class="primary" @click=${() => this.dialog?.close()}>Done</button>`
            : html`<button type="button" @click=${this.cancel}>Cancel</button>
                   <button type="submit" class="primary" ?disabled=${busy}>${status === TaskStatus.ERROR ? 'Try again' : 'Import'}</button>`}
        </div>
      </form>
    </dialog>`;
  }
}

declare global { interface HTMLElementTagNameMap { 'import-dialog': ImportDialog } }
