// Text layout of shell output, as the original CLI prints it.
import type { NodeInfo, TxnInfo, VersionInfo } from '../api/pond-api';
import { formatBytes, formatUtc } from '../core/text';

const TAG: Record<NodeInfo['type'], string> = { directory: 'DIR', symlink: 'LINK', 'file:data': 'FILE', 'file:table': 'TBL', 'file:series': 'SER' };

/** UTC µs as `YYYY-MM-DD HH:MM:SS` (UTC). */
export const formatTime = (us: number | null | undefined): string => formatUtc(us);
export { formatBytes };

/** `[DIR|LINK|FILE|TBL|SER|DRV] size node vN date time path` (DRV: a derived node, computed when read; its size is its config's) */
export function longListLine(n: NodeInfo): string {
  const size = n.type === 'directory' ? `${n.size} entries` : formatBytes(n.size);
  const target = n.target !== undefined ? ` -> ${n.target}` : n.derived ? ` (${n.factory})` : '';
  return `${(n.derived ? 'DRV' : TAG[n.type]).padEnd(4)} ${size.padStart(11)} ${n.nodeId.slice(-8)} v${String(n.version).padEnd(3)} ${formatTime(n.modified)} ${n.path}${target}`;
}

export function txnLine(t: TxnInfo): string {
  return `${String(t.seq).padStart(5)}  ${formatTime(t.timestamp)}  ${t.command}  (${t.entries} ${t.entries === 1 ? 'entry' : 'entries'})`;
}

export function versionLine(v: VersionInfo): string {
  const rows = v.attrs.rows !== undefined ? `${v.attrs.rows} rows` : formatBytes(v.size);
  const range = v.minEventTime !== null ? `  ${formatTime(v.minEventTime)} .. ${formatTime(v.maxEventTime)}` : '';
  const notes = [
    v.attrs.out_of_order ? `${v.attrs.out_of_order} out of order` : '',
    v.attrs.duplicate_times ? `${v.attrs.duplicate_times} duplicate times` : '',
    v.attrs.rejected_lines ? `${v.attrs.rejected_lines} bad lines skipped` : '',
  ].filter(Boolean);
  return `  v${v.version}  txn ${v.txnSeq}  ${formatTime(v.timestamp)}  ${rows}${range}${notes.length ? `  (${notes.join(', ')})` : ''}`;
}
