// How a derived source becomes SQL: its leaves (the stored series and tables under it, however deep) are what the
// engine loads; each leaf's relation is the union of its loaded versions; a derived source's relation is its
// factory's `build` over its inputs' relations, innermost first.
import type { BindSource } from './engine';
import { isDerived, type AnySource, type DerivedSource, type Matched, type Relation } from './derived-source';

/** Every stored source under `source` (itself, when it is one), each once, in first-met order. */
export function leavesOf(source: AnySource): BindSource[] {
  const out: BindSource[] = [];
  const seen = new Set<BindSource>();
  const stack: AnySource[] = [source];
  for (let s = stack.pop(); s; s = stack.pop()) {
    if (!isDerived(s)) {
      if (!seen.has(s)) { seen.add(s); out.push(s); }
      continue;
    }
    for (const input of [...s.inputs].reverse()) for (const src of [...input.sources].reverse()) stack.push(src);
  }
  return out;
}

/**
 * The relation of a derived source, given each leaf's relation; `describe` gives the columns of a derived input whose
 * factory could not know them (its own SQL).
 */
export async function derivedRelation(
  source: DerivedSource, leafRelation: (leaf: BindSource) => Relation, describe: (from: string) => Promise<Relation['columns']>,
): Promise<Relation> {
  const inputs = new Map<string, Matched[]>();
  for (const input of source.inputs) {
    const matched: Matched[] = [];
    for (const [i, s] of input.sources.entries()) {
      let relation = isDerived(s) ? await derivedRelation(s, leafRelation, describe) : leafRelation(s);
      if (relation.columns.length === 0) relation = { ...relation, columns: await describe(relation.from) };
      matched.push({ relation, path: input.paths[i]! });
    }
    inputs.set(input.name, matched);
  }
  return source.build(inputs);
}
