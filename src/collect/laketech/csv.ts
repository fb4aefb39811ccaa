import type { Table } from 'apache-arrow';
import { throwIfAborted } from '../../core/errors';
import { WideRows } from '../wide-table';
import { columnFor, fileError, parseValue, splitParameter, timestampMicros, type LakeTechOptions } from './options';
import { validateZone } from './zone';

/** One CSV record and the line it starts on (1-based), for error messages. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** RFC 4180 CSV (quotes, doubled quotes, CR LF, newlines inside quotes); blank lines skipped. */
export function parseCsv(text: string, fileName: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // Excel writes a BOM
  let line = 1;
  while (i < text.length) {
    const start = line;
    const fields: string[] = [];
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= text.length) throw fileError(fileName, start, 'a quoted field is never closed');
          const c = text[i]!;
          if (c === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === '\n') line++;
          field += c;
          i++;
        }
        while (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          if (text[i] !== ' ') throw fileError(fileName, line, 'text after a closing quote');
          i++;
        }
      } else {
        while (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') field += text[i++];
      }
      fields.push(field);
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '\r') i++;
      if (text[i] === '\n') i++;
      line++;
      break;
    }
    if (!(fields.length === 1 && fields[0]!.trim() === '')) out.push({ line: start, fields });
  }
  return out;
}

const REQUIRED = ['timestamp', 'series name', 'location', 'parameter', 'value'] as const;

/**
 * Pivots a LakeTech long-format export (`Timestamp, Series Name, Location, Parameter, Value, Offset`) to a wide
 * table. Column: `{scope}.{Parameter}.{Unit}`, scope defaulting to the Location, unit from a `Name (unit)`
 * Parameter. When Offset is set, the stored value is Value − Offset, as the original did for depth.
 * Two series landing in one column is an error (pass `scope` per file to separate them).
 */
export function laketechCsvToTable(text: string, opts: LakeTechOptions): { table: Table | null; points: number } {
  validateZone(opts.zone);
  const records = parseCsv(text, opts.fileName);
  const header = records.shift();
  if (!header) throw fileError(opts.fileName, null, 'the file is empty');
  const names = header.fields.map((f) => f.trim().toLowerCase());
  const col = Object.fromEntries(
    [...REQUIRED, 'offset'].map((n) => [n, names.indexOf(n)]),
  ) as Record<(typeof REQUIRED)[number] | 'offset', number>;
  const missing = REQUIRED.filter((n) => col[n] < 0);
  if (missing.length) {
    throw fileError(opts.fileName, header.line, `not a LakeTech export: missing column(s) ${missing.join(', ')} (found: ${header.fields.join(', ')})`);
  }
  const rows = new WideRows();
  const seriesOfColumn = new Map<string, string>();
  for (const [n, r] of records.entries()) {
    if (n % 5000 === 0) throwIfAborted(opts.signal, `reading ${opts.fileName}`);
    const get = (k: keyof typeof col) => (col[k] >= 0 ? r.fields[col[k]] ?? '' : '');
    if (r.fields.length < header.fields.length) {
      throw fileError(opts.fileName, r.line, `${r.fields.length} fields where the header has ${header.fields.length}`);
    }
    const micros = timestampMicros(get('timestamp'), opts.zone);
    if (micros === null) throw fileError(opts.fileName, r.line, `unreadable Timestamp "${get('timestamp')}" (expected YYYY-MM-DD HH:MM[:SS])`);
    const value = parseValue(get('value'));
    if (Number.isNaN(value)) throw fileError(opts.fileName, r.line, `Value "${get('value')}" is not a number`);
    const offset = parseValue(get('offset'));
    if (Number.isNaN(offset)) throw fileError(opts.fileName, r.line, `Offset "${get('offset')}" is not a number`);
    if (value === null) continue;
    const param = get('parameter').trim();
    if (param === '') throw fileError(opts.fileName, r.line, 'empty Parameter');
    const { name, unit } = splitParameter(param);
    const scope = opts.scope ?? (get('location').trim() || undefined);
    const column = columnFor(scope, name, unit);
    const series = get('series name').trim();
    const owner = seriesOfColumn.get(column);
    if (owner === undefined) seriesOfColumn.set(column, series);
    else if (owner !== series) {
      throw fileError(opts.fileName, r.line, `series "${series}" and "${owner}" both map to column ${column}: give each file its own scope`);
    }
    rows.set(micros, column, offset === null ? value : value - offset);
  }
  return { table: rows.toTable(), points: rows.points };
}
