// The query side of the API: pond files bound as SQL views in the worker's QueryEngine (DuckDB), describe and
// M4 plots. Each call binds what it needs again: binding is cheap because decoded versions stay cached in DuckDB
// under (node id, version), which never changes meaning. Describe and plots of stored tables and series need no
// DuckDB (from the versions' records, and from their Parquet: query/parquet-plot.ts), so the first screen does not
// wait for it to start.
import { tableToIPC, type Table } from 'apache-arrow';
import { PondError } from '../core/errors';
import { nextMicros } from '../core/utc-micros';
import type { Pond } from '../pond/pond';
import { m4, m4Sql } from '../query/m4';
import { ParquetPlots } from '../query/parquet-plot';
import { leavesOf } from '../query/derived-bind';
import { isDerived, type AnySource } from '../query/derived-source';
import { QueryEngine, type QueryOptions } from '../query/engine';
import { ident } from '../query/sql';
import { arrowToParquet } from '../formats/parquet';
import { detectOverlaps } from '../query/overlaps';
import { logicalType } from '../query/schema';
import type { NodeRecord } from '../tinyfs/node';
import { parsePath } from '../tinyfs/paths';
import { resolve } from '../tinyfs/resolve';
import type { Bindings, DescribeInfo, PlotData, QueryResult } from '../api/pond-api';
import type { ImportedPonds } from './imports/import-view';
import { anySource, factoryOf, isDerivedNode, pondView, type PondView } from './nodes/derived-read';

const DEFAULT_LIMIT = 10_000;

/** A stored source narrowed to one of its versions (`cat --version N --sql …`). */
function oneVersion(src: AnySource & { path: string }, version: number): AnySource {
  if (isDerived(src) || src.fileKey.includes('@')) throw new PondError('INVALID_INPUT', `${src.path} is computed when read: it has no versions to choose from`, { detail: { path: src.path } });
  const v = src.versions.find((x) => x.version === version);
  if (!v) throw new PondError('NOT_FOUND', `${src.path}: no version ${version} (it has ${src.versions.map((x) => x.version).join(', ')})`, { detail: { path: src.path, version } });
  return { ...src, kind: 'table', versions: [v] };
}

/** A view name of the worker's own for a file (node ids and `@vN` keys are not identifiers). */
function viewName(use: string, fileKey: string): string {
  return `${use}_${fileKey.replace(/[^A-Za-z0-9]/g, '')}`;
}

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

  /** `imports`: where the read view finds imported ponds (import mounts read as the pond's own series). */
  constructor(private readonly imports: () => ImportedPonds | undefined = () => undefined) {}
  /** Charts of stored tables and series, from their Parquet: the first screen needs no DuckDB (parquet-plot.ts). */
  readonly parquetPlots = new ParquetPlots();

  /** DuckDB starts on the first query, not when the worker starts: most sessions browse before they query. */
  private get db(): QueryEngine {
    return (this.engine ??= new QueryEngine());
  }

  /** The bindable description of a table, series or derived node. */
  async source(pond: Pond, path: string): Promise<AnySource & { path: string }> {
    return anySource(await pondView(pond, this.imports()), pond, path);
  }

  async query(pond: Pond, sql: string, bindings: Bindings, opts: { limit?: number; signal?: AbortSignal; onProgress?: QueryOptions['onProgress'] } = {}): Promise<QueryResult> {
    const names = Object.keys(bindings);
    for (const name of names) {
      const b = bindings[name]!;
      const src = typeof b === 'string' ? await this.source(pond, b) : await this.source(pond, b.path);
      await this.db.bind(name, typeof b === 'string' || b.version === undefined ? src : oneVersion(src, b.version), { signal: opts.signal });
    }
    const limit = opts.limit ?? DEFAULT_LIMIT;
    if (!Number.isSafeInteger(limit) || limit < 0) throw new PondError('INVALID_INPUT', `limit must be a whole number, got ${limit}`);
    // SQL from the API is typed by a person (or built by the UI from their input): checked and run apart.
    const table: Table = await this.db.userQuery(sql, { signal: opts.signal, onProgress: opts.onProgress });
    const kept = table.numRows > limit ? table.slice(0, limit) : table;
    return {
      ipc: tableToIPC(kept, 'stream'),
      rows: table.numRows,
      columns: table.schema.fields.map((f) => ({ name: f.name, type: logicalType(f.type) })),
    };
  }

  async describe(pond: Pond, path: string): Promise<DescribeInfo> {
    const src = await this.source(pond, path);
    const view = await pondView(pond, this.imports());
    const node = resolve(view.fs, parsePath(path)).node;
    if (isDerivedNode(node)) return this.describeDerived(view, src, node);
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

  /** A derived node's schema (from its bound view: DuckDB starts), its config and what its inputs match now. */
  private async describeDerived(pond: PondView, src: AnySource & { path: string }, node: NodeRecord): Promise<DescribeInfo> {
    const view = viewName('describe', src.fileKey);
    await this.db.bind(view, src);
    const columns = await this.db.describe(view);
    const last = node.versions[node.versions.length - 1]!;
    const inputs = isDerived(src) ? src.inputs.map((i) => ({ name: i.name, pattern: i.what, matches: [...i.paths] })) : [];
    return {
      path: src.path, type: node.type, timestampColumn: src.timestampColumn ?? null, columns, versions: [], overlaps: [],
      derived: { factory: factoryOf(node)!, config: new TextDecoder().decode(await pond.read(node.id, last.version, src.path)), inputs },
    };
  }

  /** Every row of a table, series or derived node as one Parquet file, in time order when it has a time column. */
  async rowsParquet(pond: Pond, path: string, signal?: AbortSignal): Promise<Uint8Array> {
    const src = await this.source(pond, path);
    const view = viewName('rows', src.fileKey);
    await this.db.bind(view, src, { signal });
    const order = src.timestampColumn ? ` ORDER BY ${ident(src.timestampColumn)}` : '';
    return arrowToParquet(await this.db.query(`SELECT * FROM ${ident(view)}${order}`, { signal }));
  }

  async plot(pond: Pond, path: string, columns: string[], width: number, range?: [number, number], signal?: AbortSignal): Promise<PlotData> {
    const src = await this.source(pond, path);
    if (!src.timestampColumn) throw new PondError('INVALID_INPUT', `${src.path} has no timestamp column to plot against`);
    // A derived node's extent is that of what it reads: no row of it is computed to find it.
    const extent = eventExtent(leavesOf(src).flatMap((leaf) => leaf.versions));
    // The half-open end just past the last reading: `max + 1` where that is exact, the next number past 2^53 µs.
    const span: [number, number] | null = range ?? (extent ? [extent[0], nextMicros(extent[1])] : null);
    if (!span) return { x: new Float64Array(), y: Object.fromEntries(columns.map((c) => [c, []])), extent };
    const view = viewName('plot', src.fileKey);
    const o = { timestampColumn: src.timestampColumn, columns, range: span, width, signal };
    m4Sql(view, o); // validates width, columns and range as the DuckDB path would, whichever path answers
    // A stored table or series plots from its Parquet without DuckDB; what only DuckDB answers exactly falls through.
    if (!isDerived(src)) {
      const direct = await this.parquetPlots.plot(src, o);
      if (direct) return { ...direct, extent };
    }
    await this.db.bind(view, src, { timeRange: span, signal });
    const r = await m4(this.db, view, o);
    return { ...r, extent };
  }
}
