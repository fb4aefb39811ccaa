// `apply`: a YAML file of mkdir, copy and mknod documents brought about in one transaction, create-or-update. What
// is already so is left alone, so applying the same file twice commits nothing the second time; a changed config
// becomes a new version of that node; a bad document refuses the whole file before anything is written.
import type { ApplyResult } from '../../api/pond-api';
import { PondError, throwIfAborted } from '../../core/errors';
import { sha256OfBlob } from '../../pond/hash';
import type { Pond } from '../../pond/pond';
import type { Transaction } from '../../pond/transaction';
import { latestVersion } from '../../tinyfs/node';
import { parsePath } from '../../tinyfs/paths';
import { tryResolve } from '../../tinyfs/resolve';
import { copyIntoPond } from '../files/copy-in';
import type { Progress } from '../operations';
import { parseApplyFile, type ApplyOperation } from './apply-file';
import { parseNodeConfig } from './registry';
import { sameNodeConfig, writeNodeConfig } from './write-node';

export type HostFile = { name: string; data: Blob };

/** The file's operations, each checked (factories included) before any is carried out. */
export function planApply(text: string, files: readonly HostFile[]): ApplyOperation[] {
  const ops = parseApplyFile(text, { checkMknod: (factory, config) => void parseNodeConfig(factory, config) });
  for (const op of ops) {
    if (op.kind === 'copy' && !files.some((f) => f.name === op.hostName)) {
      throw new PondError('NOT_FOUND', `apply: document ${op.document} (${op.path}): no attached host file named ${op.hostName} (attached: ${files.map((f) => f.name).join(', ') || 'none'})`, { detail: { document: op.document } });
    }
  }
  return ops;
}

/** Carries out the operations in `tx`, reporting what each did. */
export async function applyOperations(
  tx: Transaction, pond: Pond, ops: readonly ApplyOperation[], files: readonly HostFile[], opts: { signal: AbortSignal; onProgress: Progress },
): Promise<ApplyResult['operations']> {
  const out: ApplyResult['operations'] = [];
  for (const [i, op] of ops.entries()) {
    throwIfAborted(opts.signal, 'apply');
    opts.onProgress(i, ops.length, op.path);
    const existing = tryResolve(tx.state, parsePath(op.path))?.node;
    let action: ApplyResult['operations'][number]['action'];
    if (op.kind === 'mkdir') {
      if (existing?.type === 'directory') action = 'unchanged';
      else {
        tx.wd.mkdir(op.path, { parents: true });
        action = 'created';
      }
    } else if (op.kind === 'mknod') {
      if (await sameNodeConfig(tx, op.factory, op.path, op.config)) action = 'unchanged';
      else {
        await writeNodeConfig(tx, pond, op.factory, op.path, op.config);
        action = existing ? 'updated' : 'created';
      }
    } else {
      const file = files.find((f) => f.name === op.hostName)!;
      if (existing && (await alreadyHolds(tx, existing, file, op.format))) action = 'unchanged';
      else {
        await copyIntoPond(tx, [file], op.path, {
          format: op.format, ...(op.timestampColumn ? { timestampColumn: op.timestampColumn } : {}), ...(op.timezone ? { timezone: op.timezone } : {}),
        }, opts);
        action = existing ? 'updated' : 'created';
      }
    }
    out.push({ document: op.document, kind: op.kind, path: op.path, action });
  }
  return out;
}

/** Whether a copy would add nothing: raw data equal to the latest version, or a table or series that has this file. */
async function alreadyHolds(tx: Transaction, node: Parameters<typeof latestVersion>[0], file: HostFile, format: string): Promise<boolean> {
  const sha = await sha256OfBlob(file.data);
  if (format === 'data') {
    const last = latestVersion(node);
    if (last.sha256 !== null) return last.sha256 === sha;
    return last.inline !== null && (await sha256OfBlob(new Blob([last.inline as Uint8Array<ArrayBuffer>]))) === sha;
  }
  const versions = format === 'table' ? [latestVersion(node)] : node.versions;
  return versions.some((v) => v.attrs.source_sha256 === sha);
}

