// Query results as aligned text for the shell (the UI has its own virtualised table).
import { tableFromIPC, Type, type Field } from 'apache-arrow';
import type { QueryResult } from '../api/pond-api';
import { cellReader } from '../core/arrow-cells';
import { isoFromMillis } from '../core/utc-micros';

const MAX_WIDTH = 40;

function cell(value: unknown, field: Field): string {
  if (value === null || value === undefined) return 'NULL';
  // Arrow hands both over as epoch ms; isoFromMillis writes any of them (Date#toISOString throws past ±8.64e15 ms).
  if (field.type.typeId === Type.Timestamp && typeof value === 'number') return isoFromMillis(value).replace('T', ' ').replace('.000Z', 'Z');
  if (field.type.typeId === Type.Date && typeof value === 'number') return isoFromMillis(value, 0).replace(/T.*$/, '');
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  if (typeof value === 'object') return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  return String(value);
}

/** An aligned table with a header, and a footer when rows were cut. */
export function renderTable(result: QueryResult): string[] {
  const table = tableFromIPC(result.ipc);
  const fields = table.schema.fields;
  const rows: string[][] = [];
  // cellReader, not the rows' own getters: those throw on a timestamp past 2^53 ms (core/arrow-cells.ts).
  const readers = fields.map((_, c) => cellReader(table.getChildAt(c)));
  for (let i = 0; i < table.numRows; i++) {
    rows.push(fields.map((f, c) => {
      const s = cell(readers[c]!(i), f).replace(/\s+/g, ' ');
      return s.length > MAX_WIDTH ? `${s.slice(0, MAX_WIDTH - 1)}…` : s;
    }));
  }
  const widths = fields.map((f, i) => Math.max(f.name.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ').trimEnd();
  const out = [line(fields.map((f) => f.name)), widths.map((w) => '-'.repeat(w)).join('-+-'), ...rows.map(line)];
  out.push(result.rows > rows.length ? `(${rows.length} of ${result.rows} rows shown)` : `(${result.rows} row${result.rows === 1 ? '' : 's'})`);
  return out;
}
