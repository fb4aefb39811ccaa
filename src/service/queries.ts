// The query side of the API: pond files bound as SQL views in the worker's QueryEngine (DuckDB), describe and
// M4 plots. Each call binds what it needs again: binding is cheap because decoded versions stay cached in DuckDB
// under (node id, version), which never changes meaning.
import { tableToIPC, type Table } from 'apache-arrow';
import { PondError } from '../core/errors';
import { nextMicros } from '../core/utc-micros';
import type { Pond } from '../pond/pond';
import { m4 } from '../query/m4';
import { QueryEngine, type BindSource } from '../query/engine';
import { detectOverlaps } from '../query/overlaps';
import { logicalType } from '../query/schema';
import { formatPath, parsePath } from '../tinyfs/paths';
import { resolve } from '../tinyfs/resolve';
import type { Bindings, DescribeInfo, PlotData, QueryResult } from '../api/pond-api';

const DEFAULT_LIMIT = 10_000;

/**
 * The event-time range (UTC µs, inclusive) covered by a file's versions, from their recorded min/max: no data is
 * read. Past 2^53 µs these are the outward-rounded bounds of core/utc-micros.ts, so the range holds every row.
 */
export function eventExtent(versions: readonly { minEventTime: number | null; maxEventTime: number | null }[]): [number, number] | null {
  const mins = versions.map((v) => v.minEventTime).filter((t): t is number => t !== null);
  const maxs = versions.map((v) => v.maxEventTime).filter((t): t is number => t !== null);
  return mins.length ? [Math.min(...mins), Math.max(...maxs)] : null;
}

export class Queries {
  private engine: QueryEngine | undefined;

  /** DuckDB starts on the first query, not when the worker starts: most sessions browse before they query. */
  private get db(): QueryEngine {
    return (this.engine ??= new QueryEngine());
  }

  /** The bindable description of a table or series file. */
  source(pond: Pond, path: string): BindSource & { path: string } {
    const segments = parsePath(path);
    const node = resolve(pond.fs, segments).node;
    const shown = formatPath(segments);
    if (node.type !== 'file:table' && node.type !== 'file:series') {
      throw new PondError('WRONG_TYPE', `${shown} is a ${node.type}; only tables and series can be queried (copy data in with --format table or series)`, { detail: { path: shown } });
    }
    const last = node.versions[node.versions.length - 1]!;
    return {
      path: shown,
      fileKey: node.id,
      kind: node.type === 'file:table' ? 'table' : 'series',
      timestampColumn: last.attrs.timestamp_column,
      versions: node.versions.map((v) => ({
        version: v.version, minEventTime: v.minEventTime, maxEventTime: v.maxEventTime,
        load: () => pond.readVersion(node.id, v.version, `${shown} v${v.version}`),
      })),
    };
  }

  async query(pond: Pond, sql: string, bindings: Bindings, opts: { limit?: number; signal?: AbortSignal } = {}): Promise<QueryResult> {
    const names = Object.keys(bindings);
    for (const name of names) await this.db.bind(name, this.source(pond, bindings[name]!), { signal: opts.signal });
    const limit = opts.limit ?? DEFAULT_LIMIT;
    if (!Number.isSafeInteger(limit) || limit < 0) throw new PondError('INVALID_INPUT', `limit must be a whole number, got ${limit}`);
    // SQL from the API is typed by a person (or built by the UI from their input): checked and run apart.
    const table: Table = await this.db.userQuery(sql, { signal: opts.signal });
    const kept = table.numRows > limit ? table.slice(0, limit) : table;
    return {
      ipc: tableToIPC(kept, 'stream'),
      rows: table.numRows,
      columns: table.schema.fields.map((f) => ({ name: f.name, type: logicalType(f.type) })),
    };
  }

  describe(pond: Pond, path: string): DescribeInfo {
    const src = this.source(pond, path);
    const node = resolve(pond.fs, parsePath(path)).node;
    const last = node.versions[node.versions.length - 1]!;
    const columns = last.attrs.columns ? (JSON.parse(last.attrs.columns) as { name: string; type: string }[]) : [];
    return {
      path: src.path,
      type: node.type,
      timestampColumn: last.attrs.timestamp_column ?? null,
      columns,
      versions: node.versions.map((v) => ({
        version: v.version, rows: v.attrs.rows !== undefined ? Number(v.attrs.rows) : null, minEventTime: v.minEventTime,
        maxEventTime: v.maxEventTime, size: v.size, ...(v.attrs.source ? { source: v.attrs.source } : {}),
        outOfOrder: Number(v.attrs.out_of_order ?? 0), duplicateTimes: Number(v.attrs.duplicate_times ?? 0),
      })),
      overlaps: src.kind === 'series' ? detectOverlaps(node.versions) : [],
    };
  }

  async plot(pond: Pond, path: string, columns: string[], width: number, range?: [number, number], signal?: AbortSignal): Promise<PlotData> {
    const src = this.source(pond, path);
    if (!src.timestampColumn) throw new PondError('INVALID_INPUT', `${src.path} has no timestamp column to plot against`);
    const extent = eventExtent(src.versions);
    // The half-open end just past the last reading: `max + 1` where that is exact, the next number past 2^53 µs.
    const span: [number, number] | null = range ?? (extent ? [extent[0], nextMicros(extent[1])] : null);
    if (!span) return { x: new Float64Array(), y: Object.fromEntries(columns.map((c) => [c, []])), extent };
    const view = `plot_${src.fileKey.replace(/-/g, '')}`;
    await this.db.bind(view, src, { timeRange: span, signal });
    const r = await m4(this.db, view, { timestampColumn: src.timestampColumn, columns, range: span, width, signal });
    return { ...r, extent };
  }
}
