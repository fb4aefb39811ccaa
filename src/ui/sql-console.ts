// <sql-console>: SQL over pond files (`api.query`): bind files to table names (a series reads as all its
// versions), run, cancel, and see the first rows. With <series-chart>, the only user of the query API.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task, TaskStatus } from '@lit/task';
import type { Bindings } from '../api/pond-api';
import type { PondClient } from './pond-client';
import { PondError } from '../core/errors';
import { cellReader } from '../core/arrow-cells';
import { cellText, errorText, isAbort } from './format';
import { base } from './styles';

const SHOWN_ROWS = 200; // the DOM, not DuckDB, is the limit on a tablet
const SOURCE_QUERY = 'SELECT * FROM source LIMIT 20';

/** SQL text for a string: single quotes doubled. */
const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * The query offered when nothing is selected: it needs no binding, so it runs as it stands, and its answer is
 * what could be bound (every table and series of the pond, with the line to bind it); `SELECT * FROM source`
 * would only fail with "Table with name source does not exist".
 */
export function bindableQuery(nodes: readonly { path: string; type: string; derived?: boolean }[]): string {
  const rows = nodes.filter((n) => n.derived || /table|series/.test(n.type));
  if (rows.length === 0) return "SELECT 'no tables or series in this pond yet: import a CSV or Parquet file, then select it' AS hint";
  const values = rows.map((n) => `  (${sqlString(n.path)}, ${sqlString(n.type)}, ${sqlString(`source = ${n.path}`)})`).join(',\n');
  return `-- Nothing selected: what can be bound as a table (select one in the tree, or add a binding line above)\nSELECT * FROM (VALUES\n${values}\n) AS bindable(path, type, binding)`;
}
interface Answer { rows: number; columns: { name: string; type: string }[]; data: unknown[][] }

@customElement('sql-console')
export class SqlConsole extends LitElement {
  static override styles = [base, css`
    :host { display: flex; flex-direction: column; gap: 8px; }
    textarea { font-family: ui-monospace, monospace; font-size: 0.9rem; min-height: 6em; padding: 8px; resize: vertical; }
    .scroll { overflow: auto; max-height: 50vh; border: 1px solid var(--line); border-radius: 8px; }
    td { font-variant-numeric: tabular-nums; white-space: nowrap; }
    th { position: sticky; top: 0; background: var(--panel); }
    pre.caret { font-family: ui-monospace, monospace; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 8px; overflow-x: auto; margin: 0; }
  `];

  @property({ attribute: false }) client?: PondClient;
  /** The path selected in the tree: offered as the table `source` when it is a table or series. */
  @property() path = '';
  @state() private sql = '';
  @state() private bindings = '';
  /** While a query waits for DuckDB's start (the first SQL of a session): said, so a long wait is not a silent one. */
  @state() private engineStarting = false;
  /** Once the user typed SQL, it is theirs: a selection no longer replaces it. */
  private edited = false;
  private abort: AbortController | undefined;

  private readonly answer = new Task(this, {
    autoRun: false,
    args: () => ['', {}] as [string, Bindings],
    task: async ([sql, bindings]): Promise<Answer> => {
      const client = this.client;
      if (!client) throw new Error('no pond worker');
      this.abort = new AbortController();
      // apache-arrow is loaded only when someone runs SQL (browsing needs none of it), while the query runs: loaded
      // after the answer, its first load was time the SQL tab spent that the Shell tab (rows as text) does not.
      const arrow = import('apache-arrow');
      arrow.catch(() => undefined); // awaited below; a failed query must not leave this rejection unobserved
      const answer = client.longOp((op) => client.api.query(sql, bindings, { limit: SHOWN_ROWS, ...op }), { signal: this.abort.signal });
      void this.followEngineStart(answer);
      const r = await answer;
      const { tableFromIPC } = await arrow;
      const table = tableFromIPC(r.ipc);
      const readers = r.columns.map((_, i) => cellReader(table.getChildAt(i))); // timestamps of any size (core/arrow-cells.ts)
      const data = Array.from({ length: table.numRows }, (_, i) => readers.map((read) => read(i)));
      return { rows: r.rows, columns: r.columns, data };
    },
  });

  /** Shows "starting the query engine" while DuckDB is not up and the query is still running (polled, 250 ms). */
  private async followEngineStart(answer: Promise<unknown>): Promise<void> {
    let done = false;
    void answer.finally(() => { done = true; }).catch(() => undefined); // the Task reports the query's own error
    try {
      while (!done && (await this.client!.api.queryEngineStatus()).state !== 'ready') {
        this.engineStarting = !done;
        await new Promise((ok) => setTimeout(ok, 250));
      }
    } catch {
      // the worker is gone (tab closing): nothing to follow
    } finally {
      this.engineStarting = false;
    }
  }

  protected override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('path') && this.path && !this.bindings) this.bindings = `source = ${this.path}`;
    if (this.edited) return;
    if (changed.has('path') && this.path) this.sql = SOURCE_QUERY;
    else if ((changed.has('path') || changed.has('client')) && !this.path && !this.bindings) void this.offerBindable();
  }

  /** Fills the editor with bindableQuery over the pond's nodes (unless a selection or the user got there first). */
  private async offerBindable(): Promise<void> {
    const client = this.client;
    if (!client) return;
    let nodes: { path: string; type: string; derived?: boolean }[] = [];
    try {
      nodes = await client.api.list('/**');
    } catch (e) {
      // No pond open (start-up, a pond that failed to open): the editor keeps the query without a list.
      if (!(e instanceof PondError)) throw e;
    }
    if (!this.edited && !this.path && !this.bindings) this.sql = bindableQuery(nodes);
  }

  private parseBindings(): Bindings {
    const out: Bindings = {};
    for (const line of this.bindings.split('\n')) {
      const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(\S.*?)\s*$/.exec(line);
      if (m) out[m[1]!] = m[2]!;
    }
    return out;
  }

  private run(e: Event): void {
    e.preventDefault();
    void this.answer.run([this.sql, this.parseBindings()]).catch(() => undefined);
  }

  protected override render() {
    const busy = this.answer.status === TaskStatus.PENDING;
    return html`
      <form @submit=${this.run} class="row" style="flex-direction:column;align-items:stretch">
        <label for="bind">Tables (one per line: <code>name = /path</code>)</label>
        <textarea id="bind" rows="2" .value=${this.bindings} spellcheck="false"
          @input=${(e: Event) => { this.bindings = (e.target as HTMLTextAreaElement).value; }}></textarea>
        <label for="sql">SQL</label>
        <textarea id="sql" .value=${this.sql} spellcheck="false"
          @input=${(e: Event) => { this.sql = (e.target as HTMLTextAreaElement).value; this.edited = true; }}
          @keydown=${(e: KeyboardEvent) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) this.run(e); }}></textarea>
        <div class="row">
          <button type="submit" class="primary" ?disabled=${busy}>Run SQL</button>
          ${busy ? html`<button type="button" @click=${() => this.abort?.abort()}>Cancel</button><span class="muted" data-testid="sql-busy">${this.engineStarting ? 'starting the query engine…' : 'running…'}</span>` : nothing}
        </div>
      </form>
      ${this.answer.render({
        complete: (a) => this.renderAnswer(a),
        error: (e) => html`<p class="error" role="alert">${isAbort(e) ? 'Query cancelled.' : errorText(e)}</p>${errorPosition(e)}`,
      })}`;
  }

  private renderAnswer(a: Answer) {
    return html`<p class="muted" data-testid="sql-rows">${a.rows} row${a.rows === 1 ? '' : 's'}${a.rows > a.data.length ? `, first ${a.data.length} shown` : ''}</p>
      <div class="scroll"><table>
        <thead><tr>${a.columns.map((c) => html`<th title=${c.type}>${c.name}</th>`)}</tr></thead>
        <tbody>${a.data.map((row) => html`<tr>${row.map((v, i) => html`<td>${cellText(v, a.columns[i]?.type ?? '')}</td>`)}</tr>`)}</tbody>
      </table></div>`;
  }
}

/**
 * Where DuckDB says the error is: the SQL line and a caret under the column. DuckDB counts the column within the
 * excerpt it printed (long lines are cut around the error), so its excerpt is shown when it is not the whole line.
 */
function errorPosition(e: unknown) {
  if (!(e instanceof PondError) || e.code !== 'QUERY') return nothing;
  const d = e.detail as { sql?: string; duckdbMessage?: string; position?: { line: number; column: number } } | undefined;
  const pos = d?.position;
  if (!pos) return nothing;
  const excerpt = new RegExp(`LINE ${pos.line}: ([^\\n]*)`).exec(d?.duckdbMessage ?? '')?.[1];
  const line = d?.sql?.split('\n')[pos.line - 1];
  const text = excerpt ?? line ?? '';
  const offset = line !== undefined && excerpt !== undefined && line.trimEnd() !== excerpt.trimEnd() ? line.indexOf(excerpt) : 0;
  const column = pos.column + Math.max(0, offset);
  return html`<p class="muted" data-testid="sql-error-position">Line ${pos.line}, column ${column + 1}:</p>
    <pre class="caret" data-testid="sql-error-caret" aria-label="Line ${pos.line}: ${line ?? text}; the error is at column ${column + 1}"
    >${line !== undefined && offset >= 0 ? line : text}\n${' '.repeat(offset >= 0 ? column : pos.column)}^</pre>`;
}

declare global { interface HTMLElementTagNameMap { 'sql-console': SqlConsole } }
