/**
 * What an import of a host file (CSV or Parquet) takes and gives. The pond stores `parquet` as the new version's
 * content and `minEventTime`/`maxEventTime`/`timestampColumn` in the oplog row (architecture.md).
 */
import type { Schema } from 'apache-arrow';
import type { ParquetSink } from './parquet-stream';
import type { ColumnDescription } from './schema';
import type { TimeChoice } from './time-detect';
import type { TimeFacts } from './time-stats';

export interface ImportOptions {
  /** Event-time column; default: detected by type and content over all columns (time-detect.ts). */
  timestampColumn?: string;
  /** IANA zone for zone-less times (e.g. 'Europe/Berlin'); default UTC. Values with an offset keep their own. */
  timezone?: string;
  /** Numeric day/month dates (01/02/2000): true day first, false month first; default from the content (time-detect.ts). */
  dayFirst?: boolean;
  /** Refuse (INVALID_INPUT naming the columns and forms tried) before reading when no column holds times: a series. */
  requireTime?: boolean;
  /** For numeric event times; default from the sampled values (time-detect.ts), else the first value (below 1e11 seconds, else milliseconds). */
  epochUnit?: 's' | 'ms';
  /** Parquet goes here chunk by chunk (bounded memory); without it the result carries `parquet` as one array. */
  sink?: ParquetSink;
  compression?: 'zstd' | 'snappy' | 'uncompressed';
  rowGroupRows?: number;
  signal?: AbortSignal;
  /** Called now and then while reading; `bytesDone` is an estimate for CSV (DuckDB reads the file itself). */
  onProgress?: (bytesDone: number, bytesTotal: number) => void;
}

export interface CsvImportOptions extends ImportOptions {
  /** Longest allowed line in bytes (DuckDB max_line_size); longer lines are rejected. Default 2 MB. */
  maxLineSize?: number;
  /** Whether the first line is a header; default sniffed (a one-column text file can look either way). */
  header?: boolean;
  /** Most rejected lines kept in detail (all are counted). Default 1000. */
  maxRejectsReported?: number;
  /** How long DuckDB may send no rows before the import fails as STALLED (default 120 s; see duckdb-read-ahead.ts). */
  stallMs?: number;
}

/** A CSV line that was not imported and why (one entry per line, all its problems). */
export interface RejectedLine {
  /** 1-based physical line (as an editor shows it; the header is line 1), even after quoted multi-line fields. */
  line: number;
  /** Where the line starts, as DuckDB reports it (its line_byte_position; seen one past the start). */
  byte: number;
  /** DuckDB's error types, e.g. CAST, MISSING COLUMNS, TOO MANY COLUMNS, UNQUOTED VALUE, LINE SIZE OVER MAXIMUM, INVALID ENCODING. */
  errors: { type: string; column: string | null; message: string }[];
  /** The line as DuckDB saw it (invalid bytes shown as '?'). */
  text: string;
}

export interface ImportResult extends TimeFacts {
  /** The Parquet file, unless `sink` received it. */
  parquet?: Uint8Array;
  parquetBytes: number;
  rows: number;
  schema: Schema;
  columns: ColumnDescription[];
  timestampColumn: string | null;
  /** How the time column was read (form, zone, day/month order); null without one. */
  time?: TimeChoice | null;
  // minEventTime/maxEventTime: UTC µs (exact below 2^53 µs, the years 1685-2255; rounded outward beyond, see
  // core/utc-micros.ts); null without a time column or times.
  rejects: RejectedLine[];
  /** Lines rejected, including those beyond `maxRejectsReported`. */
  rejectedLines: number;
}
