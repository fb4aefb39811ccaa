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
  /** The pond path of each source (a pivot's scope is taken from it). */
  paths: string[];
}

/** One matched source as its relation, with where it came from. */
export interface Matched {
  relation: Relation;
  path: string;
}

export interface DerivedSource {
  kind: 'derived';
  /** Node id and config version: with the inputs' versions it decides whether a bound view is still current. */
  fileKey: string;
  /** The pond path, for errors. */
  path: string;
  timestampColumn?: string;
  inputs: DerivedInput[];
  /**
   * The node's relation from its inputs' (one per matched source, in the order matched). A relation whose columns
   * are not known when it is built (SQL of the user's own) has `columns: []`: the engine describes it when another
   * derived node reads it.
   */
  build(inputs: ReadonlyMap<string, readonly Matched[]>): Relation;
}

/** Anything the engine can bind as a view. */
export type AnySource = BindSource | DerivedSource;

export function isDerived(s: AnySource): s is DerivedSource {
  return s.kind === 'derived';
}
