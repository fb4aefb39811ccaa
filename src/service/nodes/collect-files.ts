// Host files in and out for collect-and-reduce: LakeTech imports (CSV exports and In-Situ Excel HTML reports,
// local times in a given zone) as series versions, and Hive-partitioned Parquet exports as one zip.
import { zipSync, type Zippable } from 'fflate';
import { PondError, throwIfAborted } from '../../core/errors';
import { microsOfDate } from '../../core/utc-micros';
import { excelHtmlToTable, laketechCsvToTable } from '../../collect/laketech';
import { arrowToParquet } from '../../formats/parquet';
import type { Pond } from '../../pond/pond';
import type { Transaction } from '../../pond/transaction';
import type { QueryEngine } from '../../query/engine';
import { ident, timeRangePredicate } from '../../query/sql';
import { formatPath, parsePath, validateName } from '../../tinyfs/paths';
import { glob, tryResolve } from '../../tinyfs/resolve';
import { wideTableMeta } from './factories/hydrovu';
import { anySource, isDerivedNode, pondView } from './derived-read';
import type { ImportedPonds } from '../imports/import-view';
import type { ExportResult, NodeInfo, TemporalPart } from '../../api/pond-api';
import { nodeInfo } from '../node-info';
import type { Progress } from '../operations';

const isHtml = (name: string, text: string) => /\.html?$/i.test(name) || /^\s*</.test(text);

/** Imports LakeTech files as series versions: into `dest/` by file name (`.series`), or at `dest` for one file. */
export async function importLaketechFiles(
  tx: Transaction, files: { name: string; data: Blob }[], dest: string, opts: { zone: string; scope?: string; signal: AbortSignal; onProgress: Progress },
): Promise<NodeInfo[]> {
  if (files.length === 0) throw new PondError('USAGE', 'import-laketech: no source files');
  const segments = parsePath(dest);
  const existing = tryResolve(tx.state, segments);
  const intoDir = dest.endsWith('/') || existing?.node.type === 'directory' || segments.length === 0;
  if (!intoDir && files.length > 1) throw new PondError('USAGE', `import-laketech: ${files.length} files need a folder as destination`);
  const out: NodeInfo[] = [];
  for (const [i, file] of files.entries()) {
    throwIfAborted(opts.signal, 'import-laketech');
    opts.onProgress(i, files.length, file.name);
    const base = file.name.split(/[\\/]/).filter(Boolean).pop() ?? file.name;
    const target = intoDir ? [...segments, validateName(`${base.replace(/\.[^.]*$/, '')}.series`)] : segments;
    const text = await file.data.text();
    const read = { fileName: file.name, zone: opts.zone, ...(opts.scope ? { scope: opts.scope } : {}), signal: opts.signal };
    const { table } = isHtml(file.name, text) ? excelHtmlToTable(text, read) : laketechCsvToTable(text, read);
    if (!table) throw new PondError('INVALID_INPUT', `${file.name}: no readings to import`);
    const path = formatPath(target);
    await tx.writeFile(path, 'file:series', await arrowToParquet(table), wideTableMeta(table, file.name, { zone: opts.zone }), { parents: true, signal: opts.signal });
    out.push(nodeInfo(target, tryResolve(tx.state, target)!.node));
  }
  return out;
}

const VIEW = '__collect_export';
const two = (n: number) => String(n).padStart(2, '0');

/**
 * One Hive partition's [start, end) in µs from its year/month/day values. Not Date.UTC: it reads the years 0-99
 * as 1900-1999 and gives NaN past ±275 760, and series may hold any time a Parquet file can (year 1, 9999, 290 000).
 */
function partitionRange(parts: readonly TemporalPart[], v: Record<TemporalPart, number>): [number, number] {
  const y = v.year;
  const m = parts.includes('month') ? v.month : 1;
  const d = parts.includes('day') ? v.day : 1;
  const start = microsOfDate(y, m, d);
  const end = parts.includes('day') ? microsOfDate(y, m, d + 1) : parts.includes('month') ? microsOfDate(y, m + 1, 1) : microsOfDate(y + 1, 1, 1);
  return [start, end];
}

/** Checks `--temporal` parts: a prefix of year, month, day (coarse to fine). */
export function checkTemporal(parts: readonly string[]): TemporalPart[] {
  const order: TemporalPart[] = ['year', 'month', 'day'];
  if (parts.length === 0 || parts.some((p, i) => p !== order[i])) {
    throw new PondError('USAGE', `--temporal must be year, year,month or year,month,day (got ${parts.join(',') || 'nothing'})`);
  }
  return parts as TemporalPart[];
}

/**
 * Every series or table matching `pattern` as Hive-partitioned Parquet (`<path>/year=2024/month=03/data.parquet`)
 * in one zip, for tools outside the browser (DuckDB, Spark, pandas read the partition columns from the paths).
 */
export async function exportSeries(
  pond: Pond, engine: QueryEngine, pattern: string, temporal: readonly string[], opts: { signal: AbortSignal; onProgress: Progress; imports?: ImportedPonds },
): Promise<ExportResult> {
  const parts = checkTemporal(temporal);
  // Derived series export like stored ones: their rows computed from the inputs as they are now (imported ones too).
  const view = await pondView(pond, opts.imports);
  const matches = glob(view.fs, pattern).filter((m) => m.node.type === 'file:series' || m.node.type === 'file:table' || isDerivedNode(m.node));
  if (matches.length === 0) throw new PondError('NOT_FOUND', `export: no series, table or derived node matches ${pattern}`);
  const zip: Zippable = {};
  const files: ExportResult['files'] = [];
  for (const [i, m] of matches.entries()) {
    const path = formatPath(m.segments);
    opts.onProgress(i, matches.length, path);
    const src = await anySource(view, pond, path);
    const ts = src.timestampColumn;
    if (!ts) throw new PondError('INVALID_INPUT', `export: ${path} has no timestamp column to partition by`);
    await engine.bind(VIEW, src, { signal: opts.signal });
    const keys = parts.map((p) => `${p}(${ident(ts)})::INTEGER AS ${p}`).join(', ');
    const groups = await engine.query(`SELECT ${keys} FROM ${ident(VIEW)} WHERE ${ident(ts)} IS NOT NULL GROUP BY ALL ORDER BY ALL`, { signal: opts.signal });
    const stem = m.segments.map((s, j) => (j === m.segments.length - 1 ? s.replace(/\.(series|parquet|csv)$/, '') : s)).join('/');
    for (const g of groups.toArray() as Record<TemporalPart, number>[]) {
      const range = partitionRange(parts, g);
      const rows = await engine.query(`SELECT * FROM ${ident(VIEW)} WHERE ${timeRangePredicate(ts, range)} ORDER BY ${ident(ts)}`, { signal: opts.signal });
      const dir = parts.map((p) => `${p}=${p === 'year' ? g[p] : two(g[p])}`).join('/');
      const name = `${stem}/${dir}/data.parquet`;
      // Parquet is compressed already (zstd): stored, not deflated again.
      zip[name] = [await arrowToParquet(rows), { level: 0 }];
      files.push({ path: name, rows: rows.numRows });
    }
  }
  await engine.unbind(VIEW);
  opts.onProgress(matches.length, matches.length, 'zip');
  const stamp = new Date().toISOString().slice(0, 10);
  return { name: `export-${stamp}.zip`, data: zipSync(zip), files };
}
