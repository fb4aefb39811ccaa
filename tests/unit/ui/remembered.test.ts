// What the UI remembers between starts (src/ui/remembered.ts), over a stand-in for localStorage (node has none; the
// browser's own is used end to end in tests/e2e/last-selection.spec.ts): a chart is hinted only for the node still
// remembered as selected, only in a shape the UI could have drawn, and a broken storage loses the memory, not the start.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { forgetSelection, rememberChart, rememberedChart, rememberedSelection, rememberSelection } from '../../../src/ui/remembered';

class MapStorage {
  readonly items = new Map<string, string>();
  getItem(k: string) { return this.items.get(k) ?? null; }
  setItem(k: string, v: string) { this.items.set(k, v); }
  removeItem(k: string) { this.items.delete(k); }
}

const g = globalThis as { localStorage?: unknown };
let storage: MapStorage;
beforeEach(() => { storage = new MapStorage(); g.localStorage = storage; });
afterEach(() => { delete g.localStorage; });

const CHART = { path: '/a/w.series', columns: ['t', 'p'], width: 912 };

describe('remembered selection and chart', () => {
  it('a chart is hinted for the node selected last, per pond', () => {
    rememberSelection('p1', CHART.path);
    rememberChart('p1', CHART);
    expect(rememberedSelection('p1')).toBe(CHART.path);
    expect(rememberedChart('p1')).toEqual(CHART);
    expect(rememberedChart('p2')).toBeUndefined();
  });

  it('a chart of another node than the one selected now is not hinted (a folder was picked after it)', () => {
    rememberChart('p1', CHART);
    rememberSelection('p1', '/a');
    expect(rememberedChart('p1')).toBeUndefined();
  });

  it('forgetting a pond\'s selection forgets its chart too', () => {
    rememberSelection('p1', CHART.path);
    rememberChart('p1', CHART);
    forgetSelection('p1');
    expect(rememberedSelection('p1')).toBeUndefined();
    expect(rememberedChart('p1')).toBeUndefined();
  });

  it.each([
    ['not JSON', '{"path":'],
    ['a width past any screen', JSON.stringify({ ...CHART, width: 50_000_000 })],
    ['a fractional width', JSON.stringify({ ...CHART, width: 10.5 })],
    ['columns that are not a list of names', JSON.stringify({ ...CHART, columns: 't,p' })],
    ['null', 'null'],
  ])('storage edited by hand (%s) hints no chart', (_what, raw) => {
    rememberSelection('p1', CHART.path);
    storage.setItem('duckpond.lastChart.p1', raw);
    expect(rememberedChart('p1')).toBeUndefined();
  });

  it('a storage the browser refuses remembers nothing and throws nothing', () => {
    g.localStorage = {
      getItem() { throw new DOMException('denied', 'SecurityError'); },
      setItem() { throw new DOMException('full', 'QuotaExceededError'); },
      removeItem() { throw new DOMException('denied', 'SecurityError'); },
    };
    expect(() => rememberSelection('p1', '/x')).not.toThrow();
    expect(() => forgetSelection('p1')).not.toThrow();
    expect(rememberedSelection('p1')).toBeUndefined();
    expect(rememberedChart('p1')).toBeUndefined();
  });
});
