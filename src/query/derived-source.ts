// A derived node as the query layer binds it: named inputs (each the sources a pond glob matched: series, tables
// or other derived nodes), and how to build its relation from theirs. The engine materialises the leaves' versions,
// hands each input's relations to `build`, and makes the result a view; nothing of it is stored.
import type { BindSource } from './engine';
import type { Relation } from './time-join';

export type { Relation };

export interface DerivedInput {
  /** The input's name in the factory's config (an SQL name for sql-derived, `inputs[i]` for a join). */
  name: string;
  /** What matched it, for errors: the pattern as written. */
  what: string;
  sources: AnySource[];
}

export interface DerivedSource {
  kind: 'derived';
  /** Node id and config version: with the inputs' versions it decides whether a bound view is still current. */
  fileKey: string;
  /** The pond path, for errors. */
  path: string;
  timestampColumn?: string;
  inputs: DerivedInput[];
  /** The node's relation from its inputs' relations (one per matched source, in the order matched). */
  build(inputs: ReadonlyMap<string, readonly Relation[]>): Relation;
}

/** Anything the engine can bind as a view. */
export type AnySource = BindSource | DerivedSource;

export function isDerived(s: AnySource): s is DerivedSource {
  return s.kind === 'derived';
}
