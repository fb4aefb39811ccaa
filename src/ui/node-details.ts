// <node-details>: one entry's stat and versions; for tables and series also the schema (attrs `columns`,
// `timestamp_column`), row counts and event-time ranges, and a chart or the rows (<table-view>; the only view
// of a table without a time column). Every version downloads as stored (Parquet for tables and series).
// A derived node (computed when read) shows its factory, config and inputs (derived-summary.ts) and the same
// chart or rows as a series, from its describe(); its versions are those of its config.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import type { DescribeInfo, ImportInfo, NodeInfo, VersionInfo } from '../api/pond-api';
import type { PondClient } from './pond-client';
import { errorText, fmtBytes, fmtTime, isNumericType, nodeLabel } from './format';
import { iconFor } from './icons';
import { derivedConfig, derivedFacts, derivedSummaryStyles } from './derived-summary';
import { downloadBytes } from './download';
import { base } from './styles';
import './series-chart';
import './table-view';

interface Details {
  node: NodeInfo; versions: VersionInfo[];
  /** The import mount this entry is part of (another pond's backup read in place), if any. */
  imported?: ImportInfo;
  /** A derived node as computed now, or why it cannot be computed (with its config text, so it can be put right). */
  derived?: { described: DescribeInfo } | { error: unknown; config: string };
}

@customElement('node-details')
export class NodeDetails extends LitElement {
  static override styles = [base, derivedSummaryStyles, css`
    :host { display: block; }
    dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; margin: 0 0 12px; }
    dt { color: var(--muted); }
    dd { margin: 0; overflow-wrap: anywhere; }
    .scroll { overflow-x: auto; }
    .scroll td, .scroll th { white-space: nowrap; }
    code { font-size: 0.85rem; }
    button[aria-pressed='true'] { background: var(--sel); border-color: var(--accent); font-weight: 600; }
    [role='group'] { margin: 0 0 8px; }
    /* On a phone the data comes first: the facts and the version list follow the chart instead of pushing it below
       the fold (layout only: the same elements, in a column, reordered). */
    @media (max-width: 700px) {
      :host { display: flex; flex-direction: column; }
      :host > dl, :host > .scroll { order: 1; }
    }
  `];

  /** The client, not its `api`: a comlink proxy answers every property read, so Lit would take it for a directive. */
  @property({ attribute: false }) client?: PondClient;
  private get api() { return this.client?.api; }
  @property() path = '';
  /** The pond's version: details reload after a commit (a new version of this file, or its removal). */
  @property({ type: Number }) version = 0;
  /** Chart or rows of a table/series; kept across selections, since people compare files the same way. */
  @state() private view: 'chart' | 'table' = 'chart';

  private readonly details = new Task(this, {
    args: () => [this.client, this.path, this.version] as const,
    task: async ([client, path]): Promise<Details | undefined> => {
      const api = client?.api;
      if (!api || !path) return undefined;
      // Asked together: one round trip to the worker instead of three before the details (and the chart) can draw.
      const [node, allVersions, imports] = await Promise.all([api.stat(path), api.versions(path), api.listImports()]);
      const versions = node.type === 'directory' ? [] : allVersions;
      const imported = imports.find((i) => path === i.path || path.startsWith(`${i.path}/`));
      const found = { node, versions, ...(imported ? { imported } : {}) };
      if (!node.derived) return found;
      // A derived node's schema and inputs exist only computed: describe() binds it. When that fails (an input that
      // matches nothing, a changed schema), the failure is what the details show, next to the stored config.
      try {
        return { ...found, derived: { described: await api.describe(path) } };
      } catch (error) {
        return { ...found, derived: { error, config: new TextDecoder().decode(await api.readFile(path)) } };
      }
    },
  });

  protected override render() {
    if (!this.path) return html`<p class="muted">Select an entry in the tree to see its versions.</p>`;
    return this.details.render({
      pending: () => (this.details.value ? this.renderDetails(this.details.value) : html`<p class="muted">Loading…</p>`),
      complete: (d) => (d ? this.renderDetails(d) : nothing),
      error: (e) => html`<p class="error">${errorText(e)}</p>`,
    });
  }

  private renderDetails({ node, versions, derived, imported }: Details) {
    if (derived) return this.renderDerived(node, versions, derived);
    const last = versions[versions.length - 1];
    const tabular = node.type === 'file:table' || node.type === 'file:series';
    const columns = parseColumns(last?.attrs.columns);
    const tsCol = last?.attrs.timestamp_column;
    const mins = versions.map((v) => v.minEventTime).filter((t): t is number => t !== null);
    const maxs = versions.map((v) => v.maxEventTime).filter((t): t is number => t !== null);
    const rows = versions.reduce((n, v) => n + (v.attrs.rows ? Number(v.attrs.rows) : 0), 0);
    return html`
      <h2 data-testid="details-path" class="row">${iconFor(node)} ${node.path}</h2>
      <dl>
        <dt>Type</dt><dd data-testid="details-type">${nodeLabel(node)} (${node.type})</dd>
        ${node.type === 'directory'
          ? html`<dt>Entries</dt><dd>${node.size}</dd>`
          : html`<dt>Size</dt><dd>${fmtBytes(node.size)}</dd><dt>Versions</dt><dd>${versions.length}</dd>`}
        <dt>Modified</dt><dd>${fmtTime(node.modified)}</dd>
        ${imported ? html`<dt>Imported from</dt><dd data-testid="details-imported">${imported.problem ?? html`pond <code>${imported.pondId}</code>
          of remote ${imported.remote} at version ${imported.version}; read-only here, refreshed by "Pull imports"`}</dd>` : nothing}
        ${node.target !== undefined ? html`<dt>Target</dt><dd>${node.target}</dd>` : nothing}
        ${node.type === 'file:series' ? html`<dt>Combine</dt><dd><button data-testid="combine-this" @click=${() => this.requestCombine(node.path)}>Combine with other series…</button></dd>` : nothing}
        ${tabular ? html`
          <dt>Rows</dt><dd data-testid="details-rows">${rows.toLocaleString('en')}</dd>
          <dt>Timestamp column</dt><dd>${tsCol ?? '—'}</dd>
          <dt>Event times</dt><dd>${mins.length ? html`${fmtTime(Math.min(...mins))} → ${fmtTime(Math.max(...maxs))}` : '—'}</dd>
          <dt>Columns</dt><dd>${columns.map((c, i) => html`${i ? ', ' : ''}<code>${c.name}</code> <span class="muted">${c.type}</span>`)}</dd>` : nothing}
      </dl>
      ${tabular ? this.renderData(node.path, node.type, columns, tsCol) : nothing}
      ${versions.length ? html`
        <div class="scroll"><table>
          <thead><tr><th>v</th><th>txn</th><th>committed</th><th>size</th>${tabular ? html`<th>rows</th><th>event times</th>` : nothing}<th></th></tr></thead>
          <tbody>${[...versions].reverse().map((v) => html`<tr>
            <td>${v.version}</td><td>${v.txnSeq}</td><td>${fmtTime(v.timestamp)}</td><td>${fmtBytes(v.size)}</td>
            ${tabular ? html`<td>${v.attrs.rows ?? '—'}</td><td>${v.minEventTime !== null ? html`${fmtTime(v.minEventTime)} → ${fmtTime(v.maxEventTime)}` : '—'}</td>` : nothing}
            <td><button aria-label="Download version ${v.version}" @click=${() => this.download(node, v)}>Download</button></td>
          </tr>`)}</tbody>
        </table></div>` : nothing}`;
  }

  /** Chart or rows: the same views for a stored table or series and for a derived node. */
  private renderData(path: string, type: string, columns: { name: string; type: string }[], tsCol: string | undefined) {
    return html`<div class="row" role="group" aria-label="View">
        <button aria-pressed=${String(this.view === 'chart' && !!tsCol)} ?disabled=${!tsCol} @click=${() => { this.view = 'chart'; }}>Chart</button>
        <button aria-pressed=${String(this.view === 'table' || !tsCol)} @click=${() => { this.view = 'table'; }}>Rows</button></div>
      ${tsCol && this.view === 'chart' ? html`<series-chart .client=${this.client} .path=${path} .version=${this.version}
          .columns=${columns.filter((c) => c.name !== tsCol && isNumericType(c.type)).map((c) => c.name)}></series-chart>` : nothing}
      ${this.view === 'table' || !tsCol ? html`<table-view .client=${this.client} .path=${path} .type=${type}
          .tsColumn=${tsCol} .version=${this.version}></table-view>` : nothing}`;
  }

  private renderDerived(node: NodeInfo, versions: VersionInfo[], derived: NonNullable<Details['derived']>) {
    const d = 'described' in derived ? derived.described : undefined;
    return html`
      <h2 data-testid="details-path" class="row">${iconFor(node)} ${node.path}</h2>
      <dl>
        <dt>Type</dt><dd data-testid="details-type">${nodeLabel(node)}</dd>
        <dt>Config</dt><dd>version ${node.version}${versions.length > 1 ? html` of ${versions.length}` : nothing}, ${fmtTime(node.modified)}</dd>
        ${d ? derivedFacts(d) : html`<dt>Factory</dt><dd data-testid="details-factory"><code>${node.factory}</code></dd>`}
      </dl>
      ${'error' in derived ? html`<p class="error" role="alert" data-testid="derived-error">Cannot be computed: ${errorText(derived.error)}</p>` : nothing}
      ${derivedConfig(d?.derived?.config ?? ('config' in derived ? derived.config : ''))}
      ${d ? this.renderData(node.path, 'derived', d.columns, d.timestampColumn ?? undefined) : nothing}`;
  }

  private requestCombine(path: string): void {
    this.dispatchEvent(new CustomEvent<string>('combine-request', { detail: path, bubbles: true, composed: true }));
  }

  private async download(node: NodeInfo, v: VersionInfo): Promise<void> {
    if (!this.api) return;
    const bytes = await this.api.readFile(node.path, { version: v.version });
    // Tables and series are stored as Parquet whatever they were imported from.
    const ext = node.type === 'file:data' ? '' : '.parquet';
    downloadBytes(`${node.name}${versionsSuffix(v)}${ext}`, bytes);
  }
}

const versionsSuffix = (v: VersionInfo) => (v.version > 1 ? `.v${v.version}` : '');

function parseColumns(json: string | undefined): { name: string; type: string }[] {
  if (!json) return [];
  try {
    return JSON.parse(json) as { name: string; type: string }[];
  } catch {
    return []; // attrs are written by the import; a malformed one only costs the column list
  }
}

declare global { interface HTMLElementTagNameMap { 'node-details': NodeDetails } }
