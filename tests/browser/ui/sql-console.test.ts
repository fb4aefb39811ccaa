// <sql-console> against the real pond worker and duckdb-wasm: with nothing selected its default query runs (and
// lists what can be bound); with a selection it reads `source`.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { connectPond, type PondClient } from '../../../src/ui/pond-client';
import type { SqlConsole } from '../../../src/ui/sql-console';
import '../../../src/ui/sql-console';

const clients: PondClient[] = [];
const els: HTMLElement[] = [];
afterEach(() => {
  for (const e of els.splice(0)) e.remove();
  for (const c of clients.splice(0)) c.worker.terminate();
});

async function mount(c: PondClient, path = ''): Promise<ShadowRoot> {
  const el = document.createElement('sql-console') as SqlConsole;
  el.client = c;
  el.path = path;
  document.body.append(el);
  els.push(el);
  await el.updateComplete;
  return el.shadowRoot!;
}

const sqlText = (root: ShadowRoot) => root.querySelector<HTMLTextAreaElement>('#sql')!.value;
const run = (root: ShadowRoot) => root.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
const cells = (root: ShadowRoot) => [...root.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim()));

describe('<sql-console>', () => {
  it('with nothing selected offers a query that runs and lists the tables and series to bind', async () => {
    const c = connectPond();
    clients.push(c);
    await c.api.createPond('sql default');
    const csv = 'timestamp,v\n2024-01-01T00:00:00Z,1\n2024-01-01T01:00:00Z,2\n';
    await c.api.copyIn([{ name: 'a.csv', data: new Blob([csv]) }], "/site/it's.series", { format: 'series' });
    await c.api.copyIn([{ name: 'b.csv', data: new Blob(['timestamp,n\n2024-02-01T00:00:00Z,1\n']) }], '/ref/codes.series', { format: 'series' });
    await c.api.writeFile('/notes.txt', new Blob(['not bindable']));
    const root = await mount(c);
    await vi.waitFor(() => expect(sqlText(root)).toContain('VALUES'), { timeout: 10_000 });
    expect(sqlText(root)).not.toMatch(/FROM source/);
    run(root);
    await vi.waitFor(() => expect(root.querySelector('[data-testid="sql-rows"]')?.textContent).toBe('2 rows'), { timeout: 60_000 });
    expect(root.querySelector('[role="alert"]')).toBeNull();
    expect(cells(root).sort()).toEqual([
      ['/ref/codes.series', 'file:series', 'source = /ref/codes.series'],
      ["/site/it's.series", 'file:series', "source = /site/it's.series"],
    ]);
  });

  it('in an empty pond the default query runs too (a hint), and a selection makes it read source', async () => {
    const c = connectPond();
    clients.push(c);
    await c.api.createPond('sql empty');
    const root = await mount(c);
    await vi.waitFor(() => expect(sqlText(root)).toContain('hint'), { timeout: 10_000 });
    run(root);
    await vi.waitFor(() => expect(root.querySelector('[data-testid="sql-rows"]')?.textContent).toBe('1 row'), { timeout: 60_000 });
    expect(cells(root)[0]?.[0]).toMatch(/no tables or series in this pond yet/);

    await c.api.copyIn([{ name: 'b.csv', data: new Blob(['timestamp,n\n2024-02-01T00:00:00Z,1\n2024-02-01T01:00:00Z,2\n2024-02-01T02:00:00Z,3\n']) }], '/t.series', { format: 'series' });
    const el = els[0] as SqlConsole;
    el.path = '/t.series';
    await el.updateComplete;
    expect(sqlText(root)).toBe('SELECT * FROM source LIMIT 20');
    run(root);
    await vi.waitFor(() => expect(root.querySelector('[data-testid="sql-rows"]')?.textContent).toBe('3 rows'), { timeout: 60_000 });
  });

  it('says "starting the query engine" while the first query of a worker waits for DuckDB, then shows the answer', async () => {
    const c = connectPond();
    clients.push(c);
    await c.api.createPond('sql first');
    expect(await c.api.queryEngineStatus()).toMatchObject({ state: 'not started' });
    const root = await mount(c);
    const sql = root.querySelector<HTMLTextAreaElement>('#sql')!;
    sql.value = 'SELECT 41 + 1 AS answer';
    sql.dispatchEvent(new Event('input'));
    // Every text the busy line shows, as rendered (no sampling: each change of the shadow tree is seen).
    const shown = new Set<string>();
    const seen = new MutationObserver(() => { const t = root.querySelector('[data-testid="sql-busy"]')?.textContent; if (t) shown.add(t); });
    seen.observe(root, { subtree: true, childList: true, characterData: true });
    run(root);
    await vi.waitFor(() => expect(cells(root)).toEqual([['42']]), { timeout: 30_000 });
    seen.disconnect();
    expect(shown.has('starting the query engine…')).toBe(true);
    expect(root.querySelector('[data-testid="sql-busy"]')).toBeNull();
    expect(await c.api.queryEngineStatus()).toMatchObject({ state: 'ready', starts: 1, startedBy: 'query' });
  });
});
