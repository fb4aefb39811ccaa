// The column-rename factory: a transform that join, pivot and sql-derived inputs name in `transforms`; it renames an
// input's columns before the node reading it sees them (first matching rule wins).
import type { Factory } from '../factory';
import { parseColumnRenameConfig, renameColumns, type ColumnRenameConfig } from './column-rename-config';

export const columnRenameFactory: Factory<ColumnRenameConfig> = {
  name: 'column-rename',
  kind: 'transform',
  summary: 'renames columns of the inputs of the nodes that list it in their transforms',
  fields: [{ name: 'rules', description: 'list of {from: regex, to: replacement ($1, $<name>)}; the first rule that matches a name applies', required: true }],
  parse: parseColumnRenameConfig,
  inputs: () => [],
  renameColumns: (c, columns) => renameColumns(columns, c.rules),
};
