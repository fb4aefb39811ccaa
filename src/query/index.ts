// The query layer's public surface, for the pond worker and the shell: import from here, not from the files.
export { getDuckDb } from './duckdb';
export { QueryEngine, type BindOptions, type BindSource, type Page, type QueryEngineOptions, type QueryOptions, type SourceVersion } from './engine';
export { m4, m4Arrays, m4Sql, toUPlotData, type M4Options, type M4Result } from './m4';
export { detectOverlaps, mayIntersect, overlappingVersions, type Overlap, type VersionRange } from './overlaps';
export {
  DEFAULT_AGGREGATIONS,
  DEFAULT_RESOLUTIONS,
  mergeReduced,
  numericColumns,
  parseResolution,
  reduce,
  reduceAll,
  reduceIncremental,
  reduceSql,
  touchedRange,
  type Aggregation,
  type ReduceOptions,
} from './reduce';
export { checkSchemaCompatible, schemaConflicts } from './schema';
export { ident, queryError, type SqlErrorPosition } from './sql';
export { checkUserSql, isReadOnlySql, parseStatements, requireReadOnlySelect, type SqlStatement, type StatementKind } from './user-sql';
export type { VersionCacheLimits } from './version-cache';
