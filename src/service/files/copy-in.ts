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
import type { CopyOptions, NodeInfo } from '../../api/pond-api';
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
    const progress = (done: number, total: number | undefined) => opts.onProgress(done, total, file.name);
    if (format === 'data') {
      await tx.writeFile(target, 'file:data', file.data, {}, { parents: true, signal: opts.signal, onProgress: progress });
    } else {
      const type: FileEntryType = format === 'table' ? 'file:table' : 'file:series';
      tx.wd.planFileWrite(target, type, { parents: true }); // a bad destination fails before the file is parsed
      const imported = await importTabular(tx, file, target, type, {
        signal: opts.signal, onProgress: progress, timestampColumn: copy.timestampColumn, timezone: copy.timezone, skipBadLines: copy.skipBadLines,
      });
      tx.writePrepared(target, type, imported.content, imported.meta, { parents: true });
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
