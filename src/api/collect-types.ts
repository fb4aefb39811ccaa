// Types of the collect-and-reduce part of PondApi (configured nodes, runs, scheduler status, auto plots, export).
// Plain data: all of it crosses the worker boundary.
import type { NodeFactory } from './collect-config';
import type { PlotData } from './pond-api';

export type { NodeFactory } from './collect-config';

/** A configured node in the open pond: its path, factory and (for HydroVu) whether a secret is stored. */
export interface ConfiguredNode {
  path: string;
  factory: NodeFactory;
  /** Config version (the YAML file's version number). */
  version: number;
  /** HydroVu: the client secret is in this browser's IndexedDB. */
  hasSecret?: boolean;
  /** HydroVu: devices with `active: true`. */
  activeDevices?: number;
  /** HydroVu: the server it talks to (absent when the config does not parse). */
  baseUrl?: string;
  /** The YAML text (never holds a secret). */
  config: string;
}

/** What one run of a node did. */
export interface RunResult {
  path: string;
  factory: NodeFactory;
  /** Pond version after the run (unchanged when nothing was new). */
  pondVersion: number;
  /** Files that got a new version: path, version, rows written. */
  written: { path: string; version: number; rows: number }[];
  /** HTTP requests made (HydroVu). */
  requests?: number;
  /** Readings collected (HydroVu) or input versions folded in (temporal-reduce). */
  points?: number;
  /** Human summary for status lines. */
  summary: string;
}

export interface NodeRunStatus {
  path: string;
  running: boolean;
  startedAt?: number;
  finishedAt?: number;
  ok?: boolean;
  /** The run's summary, or its error message. */
  message?: string;
}

export interface CollectorStatus {
  /** Interval of scheduled runs in minutes, or null when off. */
  everyMinutes: number | null;
  /** Next scheduled run, ms since the epoch. */
  nextRunAt: number | null;
  /** A run (manual or scheduled) is in progress. */
  running: boolean;
  /** Why the last scheduled tick did not run (offline, busy), if it did not. */
  skipped: string | null;
  nodes: NodeRunStatus[];
}

/** A plot drawn from the coarsest derived table that still gives one point per pixel, else from the raw series. */
export interface AutoPlotData extends PlotData {
  /** The file the points came from. */
  source: string;
  /** Its resolution (e.g. `1h`), or null for the raw series. */
  resolution: string | null;
}

export type TemporalPart = 'year' | 'month' | 'day';

/** A Hive-partitioned export as one zip. */
export interface ExportResult {
  name: string;
  data: Uint8Array;
  /** Each Parquet file in the zip and its row count. */
  files: { path: string; rows: number }[];
}
