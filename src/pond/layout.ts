// Where things live inside a pond's folder (architecture.md, "On disk"). The same layout is used in S3 backups
// and zip snapshots, so remote/ imports these names too.
export { LOG_DIR, OPLOG_DIR, logPath, logFileName, parseLogFileName } from '../oplog/delta-log';

export const BLOB_DIR = 'blobs/sha256';
export const TMP_DIR = 'tmp';

/** `blobs/sha256/ab/ab12…`: content named by its SHA-256, fanned out so no folder grows huge. */
export function blobPath(sha256: string): string {
  return `${BLOB_DIR}/${sha256.slice(0, 2)}/${sha256}`;
}

export function oplogFilePath(txnSeq: number, uuid: string): string {
  return `oplog/${String(txnSeq).padStart(20, '0')}-${uuid}.parquet`;
}

export function tmpPath(uuid: string, ext = ''): string {
  return `${TMP_DIR}/${uuid}${ext}`;
}

export const SHA256_HEX = /^[0-9a-f]{64}$/;
