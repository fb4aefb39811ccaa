// Which part of a table a statement can read, by the time filters DuckDB pushed into its scans: read from the plan
// (EXPLAIN (FORMAT JSON)), so that SQL over a pond opened from a link fetches only the row groups it needs
// (ranged-groups.ts). The parse is deliberately narrow: only a top-level conjunct of the exact form
// `<timecol> (>=|>|<=|<|=) '<literal>'::TIMESTAMP[ WITH TIME ZONE]` with a literal of a shape read exactly here narrows
// the interval; every other filter (another column, a cast, an OR, IN, IS NULL, a dynamic filter, a date past 9999 or
// before year 1) narrows nothing. An unknown filter left out only widens what is fetched; the interval is always a
// superset of the rows the scan can return, so the answer equals that of reading every row group.

/** Inclusive bounds in µs since the epoch (UTC); null is unbounded. */
export interface TimeInterval {
  lo: bigint | null;
  hi: bigint | null;
}

export const UNBOUNDED: TimeInterval = { lo: null, hi: null };

/** One scan of a table in a physical plan, with its pushed-down filters as DuckDB printed them (string or list). */
export interface PlanScan {
  table: string;
  filters: unknown;
}

/** Every node of an EXPLAIN (FORMAT JSON) plan that names a table it reads (`extra_info.Table`). */
export function planScans(plan: unknown): PlanScan[] | undefined {
  if (!Array.isArray(plan)) return undefined;
  const out: PlanScan[] = [];
  const walk = (n: unknown, depth: number): boolean => {
    if (depth > 1000 || typeof n !== 'object' || n === null) return false;
    const node = n as { extra_info?: unknown; children?: unknown };
    const info = node.extra_info;
    if (typeof info === 'object' && info !== null && 'Table' in info) {
      const table = (info as Record<string, unknown>).Table;
      if (typeof table !== 'string') return false;
      out.push({ table, filters: (info as Record<string, unknown>).Filters });
    }
    const kids = node.children ?? [];
    return Array.isArray(kids) && kids.every((k) => walk(k, depth + 1));
  };
  return plan.every((n) => walk(n, 0)) ? out : undefined;
}

/**
 * The interval of `column` a scan with `filters` can return rows from: its pushed-down filters are ANDed, so each
 * conjunct of the recognised form narrows it and every other conjunct is left out (which only widens it).
 */
export function scanInterval(filters: unknown, column: string): TimeInterval {
  if (filters === undefined || filters === null) return UNBOUNDED;
  const parts = typeof filters === 'string' ? [filters] : Array.isArray(filters) && filters.every((f) => typeof f === 'string') ? (filters as string[]) : undefined;
  if (!parts) return UNBOUNDED; // a shape DuckDB is not known to print: nothing is known about the rows
  let lo: bigint | null = null;
  let hi: bigint | null = null;
  for (const part of parts) {
    const conjuncts = topLevelConjuncts(part);
    if (!conjuncts) continue; // an OR (or unbalanced text) somewhere at the top: this entry says nothing
    for (const c of conjuncts) {
      const b = comparison(c, column);
      if (!b) continue;
      if (b.lo !== null && (lo === null || b.lo > lo)) lo = b.lo;
      if (b.hi !== null && (hi === null || b.hi < hi)) hi = b.hi;
    }
  }
  return { lo, hi };
}

/** The smallest interval holding both (a scan read several times reads the union of what each reads). */
export function hull(a: TimeInterval, b: TimeInterval): TimeInterval {
  return { lo: a.lo === null || b.lo === null ? null : a.lo < b.lo ? a.lo : b.lo, hi: a.hi === null || b.hi === null ? null : a.hi > b.hi ? a.hi : b.hi };
}

/** Whether values in [min, max] (undefined: not known) may fall in the interval. */
export function meets(i: TimeInterval, min: bigint | undefined, max: bigint | undefined): boolean {
  if (i.lo !== null && i.hi !== null && i.lo > i.hi) return false; // contradictory bounds: the scan returns nothing
  if (min === undefined || max === undefined) return true;
  return (i.lo === null || max >= i.lo) && (i.hi === null || min <= i.hi);
}

/**
 * `text` split at its top-level ` AND `s (outside quotes and parentheses); undefined when it holds a top-level ` OR `
 * or its quotes or parentheses do not balance (then no conjunct can be trusted).
 */
export function topLevelConjuncts(text: string): string[] | undefined {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === "'" || ch === '"') {
      const end = closingQuote(text, i);
      if (end < 0) return undefined;
      i = end + 1;
      continue;
    }
    if (ch === '(') depth++;
    else if (ch === ')' && --depth < 0) return undefined;
    else if (depth === 0 && /\s/.test(ch)) {
      const word = /^\s+(AND|OR)\s+/i.exec(text.slice(i));
      if (word) {
        if (word[1]!.toUpperCase() === 'OR') return undefined;
        out.push(text.slice(start, i));
        i += word[0].length;
        start = i;
        continue;
      }
    }
    i++;
  }
  if (depth !== 0) return undefined;
  out.push(text.slice(start));
  return out.map((s) => s.trim());
}

/** The index of the quote closing the one at `open` (a doubled quote is one character of the literal), or -1. */
function closingQuote(text: string, open: number): number {
  const q = text[open]!;
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] !== q) continue;
    if (text[i + 1] === q) { i++; continue; }
    return i;
  }
  return -1;
}

const COMPARISON = /^(?<col>"(?:[^"]|"")+"|[^\s'"<>=!()]+)\s*(?<op>>=|<=|>|<|=)\s*'(?<lit>[^']*)'::(?<type>TIMESTAMP WITH TIME ZONE|TIMESTAMP)$/;

/** The bounds a conjunct `<column> op '<literal>'::TIMESTAMP[ WITH TIME ZONE]` sets, or undefined for any other text. */
export function comparison(conjunct: string, column: string): TimeInterval | undefined {
  const m = COMPARISON.exec(conjunct);
  if (!m?.groups) return undefined;
  const { col, op, lit, type } = m.groups as { col: string; op: string; lit: string; type: string };
  const name = col.startsWith('"') ? col.slice(1, -1).replaceAll('""', '"') : col;
  if (name !== column) return undefined;
  const us = type === 'TIMESTAMP' ? timestampMicros(lit) : timestampTzMicros(lit);
  if (us === undefined) return undefined;
  switch (op) {
    case '>=': return { lo: us, hi: null };
    case '>': return { lo: us + 1n, hi: null };
    case '<=': return { lo: null, hi: us };
    case '<': return { lo: null, hi: us - 1n };
    default: return { lo: us, hi: us };
  }
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?/;

/** µs of a TIMESTAMP literal as DuckDB prints it ('YYYY-MM-DD HH:MM:SS[.ffffff]'), or undefined for other shapes. */
export function timestampMicros(lit: string): bigint | undefined {
  const m = DATE_TIME.exec(lit);
  return m && m[0].length === lit.length ? fromParts(m) : undefined;
}

/** µs of a TIMESTAMP WITH TIME ZONE literal as DuckDB prints it (an offset ±HH[:MM[:SS]] after the time), or undefined. */
export function timestampTzMicros(lit: string): bigint | undefined {
  const m = DATE_TIME.exec(lit);
  if (!m) return undefined;
  const zone = /^([+-])(\d{2})(?::(\d{2}))?(?::(\d{2}))?$/.exec(lit.slice(m[0].length));
  const local = fromParts(m);
  if (!zone || local === undefined) return undefined;
  const [h, mi, s] = [Number(zone[2]), Number(zone[3] ?? 0), Number(zone[4] ?? 0)];
  if (h > 23 || mi > 59 || s > 59) return undefined;
  const offset = BigInt((h * 3600 + mi * 60 + s) * 1_000_000);
  return zone[1] === '+' ? local - offset : local + offset; // local time minus its offset is UTC
}

function fromParts(m: RegExpExecArray): bigint | undefined {
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d); // setUTCFullYear, not Date.UTC: years below 100 are not shifted to 19xx
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined; // 2025-02-30 is no date
  date.setUTCHours(h, mi, s, 0);
  const frac = BigInt((m[7] ?? '').padEnd(6, '0') || '0');
  return BigInt(date.getTime()) * 1000n + frac;
}
