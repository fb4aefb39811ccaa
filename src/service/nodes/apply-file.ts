// `apply FILE.yaml`: YAML documents separated by `---`, each one operation on the pond, k8s-like as in the original
//   version: v1
//   kind: mkdir | copy | mknod
//   metadata: {path: /absolute/pond/path}
//   spec: …            mknod: {factory, config: {…}}; copy: {source: host:NAME, format?: data|table|series,
//                      timestamp_column?, timezone?}; mkdir: none
// This module only reads the file into a typed list; the caller runs it in one transaction. A bad document refuses
// the whole file, naming the document (1-based, as it stands in the file; empty documents are skipped but counted)
// with its metadata.path when known, and the field. A mknod's config is kept as YAML text (`yaml`'s stringify of
// the mapping: the same mapping always gives the same text, so applying a file twice can compare configs as text).
import { parseAllDocuments, stringify } from 'yaml';
import type { CopyFormat } from '../../api/pond-api';
import { PondError } from '../../core/errors';
import { absolutePath, mapping, onlyFields, optionalString, requiredString } from './config-checks';

export type ApplyOperation =
  | { kind: 'mkdir'; path: string; document: number }
  | { kind: 'copy'; path: string; document: number; /** The attached host file's name (after `host:`). */ hostName: string; format: CopyFormat; timestampColumn?: string; timezone?: string }
  | { kind: 'mknod'; path: string; document: number; factory: string; /** YAML text of spec.config. */ config: string };

export interface ApplyFileOptions {
  /**
   * Checks one mknod's factory and config (e.g. the registry's parseNodeConfig); what it throws is re-raised naming
   * the document, keeping the error's code and detail. Absent: factories are not checked here.
   */
  checkMknod?: (factory: string, config: string) => void;
}

const KINDS = ['mkdir', 'copy', 'mknod'] as const;
const FORMATS: readonly CopyFormat[] = ['data', 'table', 'series'];
const HOST = 'host:';

/** The operations of an apply file, in file order, or INVALID_INPUT naming the first bad document and field. */
export function parseApplyFile(text: string, opts: ApplyFileOptions = {}): ApplyOperation[] {
  const ops: ApplyOperation[] = [];
  const seen = new Map<string, number>();
  let index = 0;
  for (const doc of parseAllDocuments(text)) {
    index++;
    const where = { document: index, path: undefined as string | undefined };
    const fail = (field: string, why: string) => new PondError('INVALID_INPUT', `${label(where)}${field === '' ? '' : `: ${field}`} ${why}`, { detail: { ...where, field } });
    if (doc.errors.length > 0) throw fail('', `is not valid YAML (${doc.errors[0]!.message.split('\n')[0]})`);
    let value: unknown;
    try {
      value = doc.toJS();
    } catch (e) {
      // yaml throws here only for aliases expanding past its limit (a "billion laughs" document).
      throw fail('', `cannot be read (${(e as Error).message})`);
    }
    if (value === null || value === undefined) continue; // an empty document, e.g. after a trailing ---
    if (typeof value !== 'object' || Array.isArray(value)) throw fail('', 'must be a mapping of version, kind, metadata and spec');
    try {
      const o = value as Record<string, unknown>;
      // metadata.path first, so every later error can say which node the document is about.
      const meta = mapping(o.metadata ?? missing('metadata'), 'metadata', 'apply');
      onlyFields(meta, ['path'], 'metadata', 'apply');
      const path = absolutePath(meta.path, 'metadata.path', 'apply');
      if (path === '/') throw fail('metadata.path', 'is the pond root, which always exists');
      where.path = path;
      onlyFields(o, ['version', 'kind', 'metadata', 'spec'], '', 'apply');
      if (o.version !== 'v1') throw fail('version', o.version === undefined ? 'is required (version: v1)' : `must be v1, not ${JSON.stringify(o.version)}`);
      const kind = o.kind;
      if (typeof kind !== 'string' || !(KINDS as readonly string[]).includes(kind)) throw fail('kind', `must be one of ${KINDS.join(', ')}, not ${JSON.stringify(kind ?? null)}`);
      const twin = seen.get(path);
      if (twin !== undefined) throw fail('metadata.path', `${path} is already the path of document ${twin}; one document per path`);
      seen.set(path, index);
      ops.push(operation(kind as ApplyOperation['kind'], o.spec, path, index, fail, opts));
    } catch (e) {
      // PondErrors here are about this document (the field helpers' INVALID_INPUT, checkMknod's refusals of any
      // code): they get its label and keep their code. Our own `fail` errors already carry it and pass unchanged;
      // anything that is not a PondError is a bug, not the file's fault, and propagates as it is.
      if (!(e instanceof PondError) || e.detail?.document !== undefined) throw e;
      throw new PondError(e.code, `${label(where)}: ${e.message.replace(/^apply config: /, '')}`, { cause: e, detail: { ...e.detail, ...where } });
    }
  }
  if (ops.length === 0) throw new PondError('INVALID_INPUT', 'apply: the file holds no documents', { detail: { documents: index } });
  return ops;
}

function label(w: { document: number; path: string | undefined }): string {
  return `apply: document ${w.document}${w.path ? ` (${w.path})` : ''}`;
}

function missing(field: string): never {
  throw new PondError('INVALID_INPUT', `apply config: ${field} is required`, { detail: { field } });
}

function operation(
  kind: ApplyOperation['kind'], rawSpec: unknown, path: string, document: number,
  fail: (field: string, why: string) => PondError, opts: ApplyFileOptions,
): ApplyOperation {
  if (kind === 'mkdir') {
    if (rawSpec !== undefined && rawSpec !== null) throw fail('spec', 'is not taken by mkdir');
    return { kind, path, document };
  }
  if (rawSpec === undefined || rawSpec === null) throw fail('spec', `is required for ${kind}`);
  const spec = mapping(rawSpec, 'spec', 'apply');
  if (kind === 'copy') {
    onlyFields(spec, ['source', 'format', 'timestamp_column', 'timezone'], 'spec', 'apply');
    const source = requiredString(spec.source, 'spec.source', 'apply');
    if (!source.startsWith(HOST) || source.length === HOST.length) throw fail('spec.source', `must name an attached host file as host:NAME, not ${JSON.stringify(source)}`);
    const format = optionalString(spec.format, 'spec.format', 'apply', 'data');
    if (!(FORMATS as readonly string[]).includes(format)) throw fail('spec.format', `must be one of ${FORMATS.join(', ')}, not ${JSON.stringify(format)}`);
    const op: ApplyOperation = { kind, path, document, hostName: source.slice(HOST.length), format: format as CopyFormat };
    if (spec.timestamp_column !== undefined) op.timestampColumn = requiredString(spec.timestamp_column, 'spec.timestamp_column', 'apply');
    if (spec.timezone !== undefined) op.timezone = requiredString(spec.timezone, 'spec.timezone', 'apply');
    return op;
  }
  onlyFields(spec, ['factory', 'config'], 'spec', 'apply');
  const factory = requiredString(spec.factory, 'spec.factory', 'apply');
  if (spec.config === undefined || spec.config === null) throw fail('spec.config', `is required (the ${factory} config as a mapping)`);
  const config = stringify(mapping(spec.config, 'spec.config', 'apply'));
  opts.checkMknod?.(factory, config);
  return { kind, path, document, factory, config };
}
