// <pond-tree>: the pond's entries as an ARIA tree. Directories load lazily when expanded (`api.list('/d/')`);
// one Task reloads the root and every expanded directory whenever the pond's version changes, so a commit from
// this tab or another shows without the user collapsing anything.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import type { NodeInfo } from '../api/pond-api';
import type { PondClient } from './pond-client';
import { errorText, nodeLabel } from './format';
import { iconFor } from './icons';
import { base } from './styles';

interface Row { node: NodeInfo; level: number; expanded: boolean }

/** `/a/b/c` → `/a`, `/a/b`, `/a/b/c` (nothing for the root). */
function ancestors(path: string): string[] {
  const parts = path.split('/').filter(Boolean);
  return parts.map((_, i) => '/' + parts.slice(0, i + 1).join('/'));
}

const contentsPattern = (dir: string) => (dir === '/' ? '/*' : `${dir}/`);
const byTypeThenName = (a: NodeInfo, b: NodeInfo) =>
  Number(b.type === 'directory') - Number(a.type === 'directory') || a.name.localeCompare(b.name);

@customElement('pond-tree')
export class PondTree extends LitElement {
  static override styles = [base, css`
    :host { display: block; }
    ul { list-style: none; margin: 0; padding: 0; }
    li { display: flex; align-items: center; gap: 6px; min-height: 44px; padding: 0 8px; border-radius: 8px; cursor: pointer; user-select: none; }
    li[aria-selected='true'] { background: var(--sel); }
    li:hover { background: var(--panel); }
    .twisty { width: 20px; text-align: center; color: var(--muted); flex: none; }
    .icon { width: 22px; display: grid; place-items: center; flex: none; color: var(--accent); }
    .text { display: flex; flex-direction: column; min-width: 0; flex: 1; padding: 3px 0; }
    .name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .meta { font-size: 0.78rem; color: var(--muted); }
    .icon.derived { color: var(--ok-fg); }
  `];

  /** The client, not its `api`: a comlink proxy answers every property read, so Lit would take it for a directive. */
  @property({ attribute: false }) client?: PondClient;
  /** The pond's version: a change reloads the listed directories. */
  @property({ type: Number }) version = 0;
  /** Pond id: a switch forgets expansion and selection. */
  @property() pondId = '';
  @property() selected = '';
  @state() private expanded = new Set<string>();
  @state() private focusPath = '';
  private lastPondId = '';

  private readonly listing = new Task(this, {
    args: () => [this.client, this.pondId, this.version, [...this.expanded].sort().join('\n')] as const,
    task: async ([client, pondId]) => {
      const api = client?.api;
      if (!api || !pondId) return new Map<string, NodeInfo[]>();
      const dirs = ['/', ...this.expanded];
      // A directory removed by a commit lists as empty (a glob that matches nothing) and drops out of the rows with its
      // parent's listing; any other failure (STORAGE, CORRUPT) is shown instead of an empty tree.
      const lists = await Promise.all(dirs.map((d) => api.list(contentsPattern(d))));
      return new Map(dirs.map((d, i) => [d, lists[i]!.sort(byTypeThenName)]));
    },
  });

  protected override willUpdate(): void {
    if (this.pondId !== this.lastPondId) {
      this.lastPondId = this.pondId;
      // A pond opened with a node selected (a start landing where the person left off) lists that node's folders in
      // its first listing, instead of one listing more once the tree is drawn.
      this.expanded = new Set(this.selected ? ancestors(this.selected.slice(0, this.selected.lastIndexOf('/'))) : []);
      this.focusPath = '';
    }
  }

  private rows(): Row[] {
    const map = this.listing.value;
    const out: Row[] = [];
    if (!map) return out;
    const walk = (dir: string, level: number) => {
      for (const node of map.get(dir) ?? []) {
        const expanded = node.type === 'directory' && this.expanded.has(node.path);
        out.push({ node, level, expanded });
        if (expanded) walk(node.path, level + 1);
      }
    };
    walk('/', 1);
    return out;
  }

  /** Expands (or collapses) a directory; exposed so the app can reveal an imported file's folder. */
  setExpanded(path: string, open: boolean): void {
    const next = new Set(this.expanded);
    if (open) {
      for (const p of ancestors(path)) next.add(p); // revealing a deep path opens each ancestor too
    } else {
      for (const p of next) if (p === path || p.startsWith(path + '/')) next.delete(p);
    }
    this.expanded = next;
  }

  private select(node: NodeInfo): void {
    this.focusPath = node.path;
    this.dispatchEvent(new CustomEvent<NodeInfo>('node-select', { detail: node, bubbles: true, composed: true }));
  }

  private onClick(row: Row): void {
    if (row.node.type === 'directory') this.setExpanded(row.node.path, !row.expanded);
    this.select(row.node);
  }

  private onKey(e: KeyboardEvent): void {
    // The rows as they are now and the row that has the focus now: a listing may have landed since the last render
    // (an expanded folder's children), and the key acts on what the user sees focused, not on a stale index.
    const rows = this.rows();
    const focused = (this.renderRoot as ShadowRoot).activeElement?.getAttribute('data-path');
    const current = focused && rows.some((r) => r.node.path === focused) ? focused : this.currentFocus(rows);
    const i = rows.findIndex((r) => r.node.path === current);
    const row = rows[i];
    const move = (j: number) => {
      const r = rows[Math.max(0, Math.min(rows.length - 1, j))];
      if (r) this.focusRow(r.node.path);
    };
    switch (e.key) {
      case 'ArrowDown': move(i + 1); break;
      case 'ArrowUp': move(i - 1); break;
      case 'Home': move(0); break;
      case 'End': move(rows.length - 1); break;
      case 'ArrowRight':
        if (row?.node.type === 'directory') {
          if (!row.expanded) this.setExpanded(row.node.path, true);
          else move(i + 1);
        }
        break;
      case 'ArrowLeft':
        if (row?.expanded) this.setExpanded(row.node.path, false);
        else if (row) {
          const parent = row.node.path.slice(0, row.node.path.lastIndexOf('/'));
          if (parent) this.focusRow(parent);
        }
        break;
      case 'Enter': case ' ':
        if (row) this.onClick(row);
        break;
      default: return;
    }
    e.preventDefault();
  }

  private currentFocus(rows: Row[]): string {
    return rows.some((r) => r.node.path === this.focusPath) ? this.focusPath : rows[0]?.node.path ?? '';
  }

  private async focusRow(path: string): Promise<void> {
    this.focusPath = path;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`li[data-path="${CSS.escape(path)}"]`)?.focus();
  }

  protected override render() {
    const rows = this.rows();
    const focus = this.currentFocus(rows);
    const err = this.listing.error;
    return html`
      ${err ? html`<p class="error">${errorText(err)}</p>` : nothing}
      ${rows.length === 0 && this.listing.value ? html`<p class="muted">This pond is empty. Drop a CSV here or use Import.</p>` : nothing}
      <ul role="tree" aria-label="Pond contents" @keydown=${(e: KeyboardEvent) => this.onKey(e)}>
        ${rows.map((r) => this.renderRow(r, focus))}
      </ul>`;
  }

  private renderRow(r: Row, focus: string) {
    const { node } = r;
    const label = nodeLabel(node);
    const isDir = node.type === 'directory';
    // A derived node has no versions of its own (its rows are computed from its inputs when read): its label only.
    const meta = isDir ? `${node.size} ${node.size === 1 ? 'entry' : 'entries'}`
      : node.derived ? label
      : `${label} · ${node.version} ${node.version === 1 ? 'version' : 'versions'}`;
    return html`<li role="treeitem" data-path=${node.path} data-type=${node.type} data-derived=${node.derived ? node.factory ?? '' : nothing} aria-level=${r.level}
        aria-expanded=${isDir ? String(r.expanded) : nothing} aria-selected=${String(node.path === this.selected)}
        tabindex=${node.path === focus ? 0 : -1} style="padding-left:${8 + (r.level - 1) * 20}px"
        @click=${() => this.onClick(r)}>
      <span class="twisty" aria-hidden="true">${isDir ? (r.expanded ? '▾' : '▸') : ''}</span>
      <span class="icon ${node.derived ? 'derived' : ''}">${iconFor(node)}</span>
      <span class="text"><span class="name" title=${node.path}>${node.name}</span><span class="meta">${meta}</span></span>
    </li>`;
  }
}

declare global { interface HTMLElementTagNameMap { 'pond-tree': PondTree } }
