import type { Table } from 'apache-arrow';
import { throwIfAborted } from '../../core/errors';
import { WideRows } from '../wide-table';
import { columnFor, fileError, parseValue, splitParameter, timestampMicros, type LakeTechOptions } from './options';
import { validateZone } from './zone';

// In-Situ "Excel HTML" reports are read with a small tag scanner: the pond worker has no DOMParser, and these
// files are machine-written tables, not arbitrary HTML.

interface Cell {
  attrs: Map<string, string>;
  text: string;
}
interface Row {
  line: number;
  attrs: Map<string, string>;
  cells: Cell[];
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', deg: '°', micro: 'µ', sup2: '²', sup3: '³' };

/** Decodes the entities these reports use (numeric ones and a few named). */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z0-9]+);/gi, (all, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : all;
    }
    return NAMED[e.toLowerCase()] ?? all;
  });
}

function parseAttrs(s: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of s.matchAll(/([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
    out.set(m[1]!.toLowerCase(), decodeEntities(m[2] ?? m[3] ?? m[4] ?? ''));
  }
  return out;
}

function cellText(html: string): string {
  return decodeEntities(html.replace(/<br\s*\/?>/gi, ' ').replace(/<[^>]*>/g, '')).replace(/\s+/g, ' ').trim();
}

/** The rows of the report table (the one with id="isi-report", else the whole document), with their cells. */
export function scanRows(html: string): Row[] {
  let body = html.replace(/<!--[\s\S]*?-->/g, (c) => c.replace(/[^\n]/g, ' ')); // keep line numbers
  const open = /<table\b[^>]*\bid\s*=\s*["']?isi-report\b[^>]*>/i.exec(body);
  let base = 0;
  if (open) {
    base = open.index;
    const end = body.indexOf('</table>', open.index);
    body = body.slice(open.index, end < 0 ? undefined : end);
  }
  const rows: Row[] = [];
  const newlines: number[] = [];
  for (let i = html.indexOf('\n'); i >= 0; i = html.indexOf('\n', i + 1)) newlines.push(i);
  const lineAt = (i: number) => {
    // binary search: how many newlines precede offset base + i
    let lo = 0;
    let hi = newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (newlines[mid]! < base + i) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
  // A row runs to the next <tr>, </table> or </tr>: report writers do not always close their tags.
  for (const m of body.matchAll(/<tr\b([^>]*)>([\s\S]*?)(?=<tr\b|<\/table>|$)/gi)) {
    const inner = m[2]!.replace(/<\/tr>[\s\S]*$/i, '');
    const cells: Cell[] = [];
    for (const c of inner.matchAll(/<t([dh])\b([^>]*)>([\s\S]*?)(?=<t[dh]\b|$)/gi)) {
      cells.push({ attrs: parseAttrs(c[2]!), text: cellText(c[3]!.replace(/<\/t[dh]>[\s\S]*$/i, '')) });
    }
    rows.push({ line: lineAt(m.index), attrs: parseAttrs(m[1]!), cells });
  }
  return rows;
}

function hasClass(attrs: Map<string, string>, name: string): boolean {
  return (attrs.get('class') ?? '').split(/\s+/).includes(name);
}
const isHeader = (r: Row) => hasClass(r.attrs, 'dataHeader') || r.attrs.has('isi-data-table');
const isData = (r: Row) => hasClass(r.attrs, 'data') || r.attrs.has('isi-data-row');

/**
 * Reads an In-Situ "Excel HTML" report into a wide table: "Date Time" (local, in `opts.zone`) becomes `timestamp`;
 * each parameter header `Name (unit) (serial)` becomes `{scope.}Name.unit`, with `.serial` added only when two
 * sensors report the same name and unit. Marked/flag columns are skipped; blank cells are nulls.
 */
export function excelHtmlToTable(html: string, opts: LakeTechOptions): { table: Table | null; points: number } {
  validateZone(opts.zone);
  const rows = scanRows(html);
  const header = rows.find(isHeader);
  if (!header) throw fileError(opts.fileName, null, 'no data table: expected a header row with class "dataHeader" or attribute isi-data-table');
  const kinds = header.cells.map((c) => c.attrs.get('isi-data-column-header') ?? null);
  const timeIndex = header.cells.findIndex((c, i) => kinds[i] === 'DateTime' || /^date\s*time$/i.test(c.text));
  if (timeIndex < 0) throw fileError(opts.fileName, header.line, `no "Date Time" column (found: ${header.cells.map((c) => c.text).join(', ')})`);
  const columns: { index: number; name: string; unit: string | null; serial: string | null; header: string }[] = [];
  header.cells.forEach((c, i) => {
    if (i === timeIndex || c.text === '') return;
    // Only parameter columns hold readings; "Marked" and other annotations do not.
    if (kinds[i] !== null ? kinds[i] !== 'Parameter' : /^marked$/i.test(c.text)) return;
    columns.push({ index: i, ...splitParameter(c.text), header: c.text });
  });
  const base = columns.map((c) => columnFor(opts.scope, c.name, c.unit));
  const names = columns.map((c, k) =>
    base.indexOf(base[k]!) !== base.lastIndexOf(base[k]!) && c.serial ? `${base[k]}.${c.serial}` : base[k]!,
  );
  const dup = names.find((n, k) => names.indexOf(n) !== k);
  if (dup) throw fileError(opts.fileName, header.line, `two columns are both named ${dup}`);
  const wide = new WideRows();
  let dataRows = 0;
  for (const r of rows) {
    if (!isData(r) || r === header) continue;
    if (++dataRows % 5000 === 0) throwIfAborted(opts.signal, `reading ${opts.fileName}`);
    const where = `data row ${dataRows}`;
    if (r.cells.length < header.cells.length - 1 || r.cells.length <= timeIndex) {
      throw fileError(opts.fileName, r.line, `${where} has ${r.cells.length} cells where the header has ${header.cells.length}`);
    }
    const timeText = r.cells[timeIndex]!.text;
    const micros = timestampMicros(timeText, opts.zone);
    if (micros === null) throw fileError(opts.fileName, r.line, `${where}: unreadable Date Time "${timeText}"`);
    columns.forEach((c, k) => {
      const text = r.cells[c.index]?.text ?? '';
      const v = parseValue(text);
      if (Number.isNaN(v)) throw fileError(opts.fileName, r.line, `${where}: "${text}" in column ${c.header} is not a number`);
      if (v !== null) wide.set(micros, names[k]!, v);
    });
  }
  if (dataRows === 0) throw fileError(opts.fileName, null, 'the report has a header but no data rows (class "data" / isi-data-row)');
  return { table: wide.toTable(), points: wide.points };
}
