// `copy` of host files into the pond, with the original CLI's rules: raw bytes as file:data; Parquet (which must
// begin with PAR1) as a file:table version; CSV or Parquet as a file:series version (created, or appended to).
// Destination: an existing directory or a path ending in '/' receives files by their own names; otherwise a single
// source is written at the destination path itself.
import { PondError, throwIfAborted } from '../../core/errors';
import type { FileEntryType } from '../../core/entry';
import type { Transaction } from '../../pond/transaction';
import { formatPath, parsePath, validateName } from '../../tinyfs/paths';
import { tryResolve } from '../../tinyfs/resolve';
import { nodeInfo } from '../node-info';
import type { CopyOptions, NodeInfo, VersionOverlap } from '../../api/pond-api';
import { sha256OfBlob } from '../../pond/hash';
import type { NodeRecord } from '../../tinyfs/node';
import { formatUtc } from '../../core/text';
import type { Progress } from '../operations';
import { importTabular } from './import-tabular';

export async function copyIntoPond(
  tx: Transaction, files: { name: string; data: Blob }[], dest: string, copy: CopyOptions, opts: { signal: AbortSignal; onProgress: Progress },
): Promise<NodeInfo[]> {
  const format = copy.format;
  if (!['data', 'table', 'series'].includes(format)) throw new PondError('USAGE', `copy: format must be data, table or series, not ${String(format)}`);
  if (files.length === 0) throw new PondError('USAGE', 'copy: no source files');
  const targets = destinations(tx, files, dest);
  const out: NodeInfo[] = [];
  for (const [i, file] of files.entries()) {
    throwIfAborted(opts.signal, 'copy');
    const target = targets[i]!;
    // `what` names the file and, for a table or series, the stage: 'starting the query engine', 'reading', 'writing'.
    let what = file.name;
    const progress = (done: number, total: number | undefined) => opts.onProgress(done, total, what);
    const stage = (name: string) => { what = `${file.name}: ${name}`; opts.onProgress(0, undefined, what); };
    if (format === 'data') {
      await tx.writeFile(target, 'file:data', file.data, {}, { parents: true, signal: opts.signal, onProgress: progress });
    } else {
      const type: FileEntryType = format === 'table' ? 'file:table' : 'file:series';
      const plan = tx.wd.planFileWrite(target, type, { parents: true }); // a bad destination fails before the file is parsed
      // The host file's hash, on the hash worker while the import reads the same file: it tells a file imported twice.
      const hashing = sha256OfBlob(file.data); // a table records it too: `apply` then knows it has this file
      hashing.catch(() => undefined); // awaited below; this only marks it observed if the import fails first
      const imported = await importTabular(tx, file, target, type, {
        signal: opts.signal, onProgress: progress, onStage: stage, timestampColumn: copy.timestampColumn, timezone: copy.timezone, dayFirst: copy.dayFirst, skipBadLines: copy.skipBadLines,
      });
      const sha = await hashing;
      if (type === 'file:series' && !copy.force) refuseReimport(plan.existing, sha, file.name, target);
      imported.meta.attrs = { ...imported.meta.attrs, source_sha256: sha };
      const overlapsWith = type === 'file:series' && plan.existing ? overlaps(plan.existing, imported.meta.minEventTime ?? null, imported.meta.maxEventTime ?? null) : [];
      stage('writing');
      tx.writePrepared(target, type, imported.content, imported.meta, { parents: true });
      const segments = parsePath(target);
      out.push({
        ...nodeInfo(segments, tryResolve(tx.state, segments)!.node), ...(overlapsWith.length ? { overlaps: overlapsWith } : {}),
        ...(imported.result.time ? { time: imported.result.time } : {}),
      });
      continue;
    }
    const segments = parsePath(target);
    out.push(nodeInfo(segments, tryResolve(tx.state, segments)!.node));
  }
  return out;
}

function destinations(tx: Transaction, files: { name: string }[], dest: string): string[] {
  const segments = parsePath(dest);
  const existing = tryResolve(tx.state, segments);
  const intoDir = dest.endsWith('/') || existing?.node.type === 'directory' || segments.length === 0;
  if (!intoDir && files.length > 1) {
    throw new PondError('USAGE', `copy: ${files.length} sources need a directory as destination; ${formatPath(segments)} is not one`);
  }
  if (!intoDir) return [formatPath(segments)];
  if (!existing) tx.wd.mkdir(formatPath(segments), { parents: true });
  return files.map((f) => formatPath([...segments, validateName(baseName(f.name))]));
}

/** A host file name without any folder part (a browser gives names only, a script might not). */
function baseName(name: string): string {
  return name.split(/[\\/]/).filter(Boolean).pop() ?? name;
}

/** The same host file appended to a series twice doubles its rows: refused unless forced, naming the earlier version. */
function refuseReimport(series: NodeRecord | undefined, sha: string, name: string, target: string): void {
  const twin = series?.versions.find((v) => v.attrs.source_sha256 === sha);
  if (!twin) return;
  const when = twin.timestamp > 0 ? `, imported ${formatUtc(twin.timestamp)}` : ' in this import';
  throw new PondError('ALREADY_EXISTS', `${name} is already version ${twin.version} of ${target}${when}; import it again with --force (or "Import even if identical") to append it anyway`, {
    detail: { name, path: target, version: twin.version },
  });
}

/** The versions of `series` whose recorded [min, max] event times meet [min, max]. */
function overlaps(series: NodeRecord, min: number | null, max: number | null): VersionOverlap[] {
  if (min === null || max === null) return [];
  return series.versions.flatMap((v) => (v.minEventTime !== null && v.maxEventTime !== null && v.minEventTime <= max && min <= v.maxEventTime
    ? [{ version: v.version, start: Math.max(min, v.minEventTime), end: Math.min(max, v.maxEventTime) }]
    : []));
}
