// What a derived node is made of, for <node-details>: its factory, each input's pattern and what it matches now,
// its computed columns, and its config as the YAML text stored (a text binding: escaped, never parsed as HTML).
import { css, html, nothing } from 'lit';
import type { DescribeInfo } from '../api/pond-api';

/** Styles for the summary, adopted by <node-details>. */
export const derivedSummaryStyles = css`
  pre.config { margin: 4px 0 12px; padding: 8px 10px; background: var(--panel); border: 1px solid var(--line); border-radius: 8px;
    font-size: 0.85rem; white-space: pre-wrap; overflow-wrap: anywhere; max-height: 40vh; overflow-y: auto; }
  h3.config-title { font-size: 0.9rem; margin: 0; }
  ul.inputs { margin: 0; padding-left: 18px; }
  ul.inputs li { margin-bottom: 4px; overflow-wrap: anywhere; }
`;

/** The derived node's rows of the details' list (dt/dd pairs, inside its <dl>). */
export function derivedFacts(d: DescribeInfo) {
  const derived = d.derived;
  if (!derived) return nothing;
  return html`
    <dt>Factory</dt><dd data-testid="details-factory"><code>${derived.factory}</code></dd>
    <dt>Inputs</dt><dd><ul class="inputs" data-testid="derived-inputs">${derived.inputs.map((i) => html`<li>
      <b>${i.name}</b>: <code>${i.pattern}</code> ${i.matches.length
        ? html`matches ${i.matches.map((m, k) => html`${k ? ', ' : ''}<code>${m}</code>`)}`
        : html`<span class="error">matches nothing</span>`}</li>`)}</ul></dd>
    <dt>Time column</dt><dd>${d.timestampColumn ?? '—'}</dd>
    <dt>Columns</dt><dd data-testid="derived-columns">${d.columns.map((c, i) => html`${i ? ', ' : ''}<code>${c.name}</code> <span class="muted">${c.type}</span>`)}</dd>`;
}

/** The config as stored: a text binding in a <pre>, so YAML of any content shows as written and is never markup. */
export function derivedConfig(config: string) {
  return html`<h3 class="muted config-title" id="derived-config-title">Config (YAML)</h3>
    <pre class="config" data-testid="derived-config" aria-labelledby="derived-config-title">${config}</pre>`;
}
