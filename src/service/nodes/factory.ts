// What a factory is: one module per kind of configured node (the original's `register_*_factory!`). A node is a
// file:data YAML version whose attrs name its factory; the factory parses that YAML (naming the bad field), says what
// the node reads, and either runs it (collect, reduce) or computes it when read (derived, to come).
import type { ConfiguredNode, FactoryKind, RunResult } from '../../api/pond-api';
import type { Pond } from '../../pond/pond';
import type { Transaction } from '../../pond/transaction';
import type { QueryEngine } from '../../query/engine';
import type { AnySource, Matched, Relation } from '../../query/derived-source';
import type { NodeRecord } from '../../tinyfs/node';
import type { PondView } from './derived-read';
import type { Progress } from '../operations';

export type { FactoryKind };

/** Everything a run may use: the run's one transaction, the pond as committed, and the services around it. */
export interface RunContext {
  tx: Transaction;
  pond: Pond;
  /** The node's own path. */
  path: string;
  signal: AbortSignal;
  onProgress: Progress;
  /** The node's secret in this browser (collectors that take one). */
  secret: string | undefined;
  /** The fetch to other origins (the network worker's in the app). */
  fetch?: typeof fetch;
  /** The collectors' own DuckDB engine (never the one the UI's views are bound in). */
  engine: QueryEngine;
  /** The pond as reads see it, and its nodes as bindable sources (derived ones included). */
  reads: ReadAccess;
}

/** Given to runs so that a factory module need not import the derived-read machinery (which imports the registry). */
export interface ReadAccess {
  view: PondView;
  source(path: string): Promise<AnySource & { path: string }>;
  isDerived(node: NodeRecord): boolean;
}

/** What a derived node reads and how its relation is built from its inputs' (see derived-read.ts). */
export interface DerivedPlan {
  /** The time column of the result, when it is a series. */
  timestampColumn?: string;
  /** Named inputs: a pond glob each, and column-rename nodes applied to what it matched before `build` sees it. */
  inputs: { name: string; pattern: string; transforms?: readonly string[] }[];
  build(inputs: ReadonlyMap<string, readonly Matched[]>): Relation;
}

/** A derived node whose rows are made in JS (synthetic-timeseries): read like a one-version table. */
export interface GeneratedTable {
  timestampColumn: string;
  minEventTime: number;
  maxEventTime: number;
  parquet(): Promise<Uint8Array>;
}

/** One line of a config's schema, for `list-factories` and the UI. */
export interface ConfigField {
  name: string;
  description: string;
  required?: boolean;
}

export interface Factory<C = unknown> {
  name: string;
  kind: FactoryKind;
  /** One line: what a node of this factory is. */
  summary: string;
  fields: readonly ConfigField[];
  /** Takes `mknod --secret` (kept in this browser's IndexedDB, never in the pond). */
  takesSecret?: boolean;
  /** Parses and checks the YAML; errors are INVALID_INPUT naming the field. */
  parse(yaml: string): C;
  /** Pond globs the node reads. */
  inputs(config: C): string[];
  /** Facts for the node listing (e.g. HydroVu's server and active devices). */
  describe?(config: C): Partial<Pick<ConfiguredNode, 'activeDevices' | 'baseUrl'>>;
  /** Whether a scheduled run should include this node (e.g. not a collector without its secret). */
  readyToRun?(node: ConfiguredNode): boolean;
  /** How the node is computed when read (derived kind). */
  plan?(config: C, node: { path: string }): DerivedPlan;
  /** The rows of a node made in JS, not from inputs (synthetic). */
  generate?(config: C): GeneratedTable;
  /** A transform's column renames (column-rename): the new name of each column, in order. */
  renameColumns?(config: C, columns: readonly string[]): string[];
  /** Runs the node once inside the caller's transaction (collect and reduce kinds). */
  run?(ctx: RunContext, config: C): Promise<Omit<RunResult, 'pondVersion'>>;
}

/** A factory with its config type forgotten, as the registry holds them. */
export type AnyFactory = Factory<any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- each entry checks its own config
