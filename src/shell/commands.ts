// The shell's commands: the original DuckPond CLI's language over PondApi. Each command gets its words and
// writes to `out`; errors are thrown (PondError) and the runner turns them into stderr and an exit code.
import { PondError } from '../core/errors';
import type { CopyFormat, PondApi } from '../api/pond-api';
import { formatTime, longListLine, txnLine, versionLine } from './format';
import { parseArgs } from './tokenize';
import { renderTable } from './table-text';
import { tableFromIPC } from 'apache-arrow';

export interface ShellContext {
  api: PondApi;
  /** Host files attached to this command line (drag-and-drop, file picker, or a script's Blobs), by name. */
  files: { name: string; data: Blob }[];
  out: string[];
  downloads: { name: string; data: Uint8Array }[];
}

export interface Command {
  usage: string;
  summary: string;
  run(ctx: ShellContext, words: string[]): Promise<void>;
}

const HOST = 'host:';
const decoder = new TextDecoder();

export const COMMANDS: Record<string, Command> = {
  init: {
    usage: 'init [NAME]',
    summary: 'create a new pond and open it',
    async run(ctx, words) {
      const { positional } = parseArgs(words, []);
      const info = await ctx.api.createPond(positional.join(' ') || 'pond');
      ctx.out.push(`created pond ${info.name} (${info.id})`);
    },
  },
  mkdir: {
    usage: 'mkdir [-p] PATH...',
    summary: 'create directories (-p: with parents, no error if present)',
    async run(ctx, words) {
      const { positional, flags } = parseArgs(words, ['-p']);
      if (positional.length === 0) throw usage('mkdir');
      for (const p of positional) await ctx.api.mkdir(p, { parents: flags.has('-p') });
    },
  },
  list: {
    usage: 'list [PATTERN] [-l]',
    summary: 'list entries matching a glob (default /**): /d/ = contents of d, **/*.csv = at any depth',
    async run(ctx, words) {
      const { positional, flags } = parseArgs(words, ['-l']);
      const patterns = positional.length ? positional : ['/**'];
      for (const p of patterns) {
        for (const n of await ctx.api.list(p)) ctx.out.push(flags.has('-l') ? longListLine(n) : n.path + (n.type === 'directory' ? '/' : ''));
      }
    },
  },
  describe: {
    usage: 'describe PATTERN',
    summary: 'entry type, versions, and for tables/series the schema, timestamp column and time ranges',
    async run(ctx, words) {
      const { positional } = parseArgs(words, []);
      if (positional.length !== 1) throw usage('describe');
      const matches = await ctx.api.list(positional[0]!);
      if (matches.length === 0) throw new PondError('NOT_FOUND', `describe: nothing matches ${positional[0]}`);
      for (const n of matches) {
        ctx.out.push(`${n.path}: ${n.type}${n.target !== undefined ? ` -> ${n.target}` : ''}`);
        if (n.type === 'directory' || n.type === 'symlink') continue;
        const versions = await ctx.api.versions(n.path);
        if (n.derived) {
          const d = await ctx.api.describe(n.path);
          ctx.out.push(`  derived: ${n.factory}, computed when read`, `  timestamp column: ${d.timestampColumn ?? '(none)'}`, '  columns:');
          for (const c of d.columns) ctx.out.push(`    ${c.name}: ${c.type}`);
          for (const i of d.derived?.inputs ?? []) ctx.out.push(`  input ${i.name} ${i.pattern}: ${i.matches.join(', ') || '(nothing matches)'}`);
          ctx.out.push(`  config v${n.version}:`, ...(d.derived?.config ?? '').trimEnd().split('\n').map((l) => `    ${l}`));
          continue;
        }
        if (n.type === 'file:table' || n.type === 'file:series') {
          const d = await ctx.api.describe(n.path);
          ctx.out.push(`  format: parquet`, `  timestamp column: ${d.timestampColumn ?? '(none)'}`, '  columns:');
          for (const c of d.columns) ctx.out.push(`    ${c.name}: ${c.type}`);
          for (const o of d.overlaps) ctx.out.push(`  overlap: v${o.a} and v${o.b} share ${formatTime(o.start)} .. ${formatTime(o.end)}`);
        }
        ctx.out.push(`  versions: ${versions.length}`);
        for (const v of versions) ctx.out.push(versionLine(v));
      }
    },
  },
  cat: {
    usage: 'cat PATH [--version N] [--format raw|table] [--sql QUERY] [--limit N] [--offset N]',
    summary: 'print a file: raw bytes, or a table/series as rows; --sql runs SQL where the file is the table `source`',
    async run(ctx, words) {
      const { positional, flags } = parseArgs(words, ['--version', '--format', '--sql', '--limit', '--offset'], ['--version', '--format', '--sql', '--limit', '--offset']);
      if (positional.length !== 1) throw usage('cat');
      const sql = flags.get('--sql');
      const version = flags.has('--version') ? positiveInt(flags.get('--version'), '--version') : undefined;
      // A table, series or derived node reads as rows unless raw bytes are asked for: its Parquet means nothing here.
      const node = sql || flags.has('--format') ? undefined : await ctx.api.stat(positional[0]!);
      const tabular = node !== undefined && (node.type === 'file:table' || node.type === 'file:series' || node.derived === true);
      const format = flags.get('--format') ?? (sql || tabular ? 'table' : 'raw');
      if (format !== 'raw' && format !== 'table') throw new PondError('USAGE', `cat: --format must be raw or table, not ${format}`);
      const limit = flags.has('--limit') ? positiveInt(flags.get('--limit'), '--limit') : 100;
      const source = version === undefined ? positional[0]! : { path: positional[0]!, version };
      if (format === 'table') {
        if (typeof sql === 'string') {
          ctx.out.push(...renderTable(await ctx.api.query(sql, { source }, { limit })));
          return;
        }
        // A page of rows in time order: `--offset` walks through files of any size without fetching them whole.
        const offset = flags.has('--offset') ? positiveInt(flags.get('--offset'), '--offset') : 0;
        const ts = (await ctx.api.describe(positional[0]!)).timestampColumn;
        const order = ts ? ` ORDER BY "${ts.replace(/"/g, '""')}"` : '';
        const page = await ctx.api.query(`SELECT * FROM source${order} LIMIT ${limit} OFFSET ${offset}`, { source }, { limit });
        const total = Number(tableFromIPC((await ctx.api.query('SELECT count(*)::DOUBLE AS n FROM source', { source })).ipc).get(0)?.toJSON().n);
        const lines = renderTable(page);
        lines[lines.length - 1] = page.rows === 0 ? `(no rows at offset ${offset} of ${total})` : `(rows ${offset + 1}–${offset + page.rows} of ${total})`;
        ctx.out.push(...lines);
        return;
      }
      ctx.out.push(decoder.decode(await ctx.api.readFile(positional[0]!, { version })).replace(/\n$/, ''));
    },
  },
  copy: {
    usage: 'copy SRC... DEST [--format data|table|series] [--timestamp-column C] [--timezone ZONE] [--day-first|--month-first] [--skip-bad-lines] [--force] [--strip-prefix P]',
    summary: 'host:NAME sources copy in (attached files); a host: destination copies pond files out as downloads',
    async run(ctx, words) {
      const { positional, flags } = parseArgs(words, ['--format', '--timestamp-column', '--timezone', '--day-first', '--month-first', '--skip-bad-lines', '--force', '--strip-prefix'], ['--format', '--timestamp-column', '--timezone', '--strip-prefix']);
      if (positional.length < 2) throw usage('copy');
      const dest = positional[positional.length - 1]!;
      const sources = positional.slice(0, -1);
      if (dest.startsWith(HOST)) {
        const strip = flags.get('--strip-prefix');
        return copyOut(ctx, sources, dest.slice(HOST.length), typeof strip === 'string' ? strip : undefined);
      }
      const format = (flags.get('--format') ?? 'data') as CopyFormat;
      if (!['data', 'table', 'series'].includes(format)) throw new PondError('USAGE', `copy: --format must be data, table or series, not ${format}`);
      const files = sources.map((s) => {
        if (!s.startsWith(HOST)) throw new PondError('USAGE', `copy: source ${s} must be a host file (host:NAME) when the destination is in the pond`);
        const name = s.slice(HOST.length);
        const f = ctx.files.find((x) => x.name === name);
        if (!f) throw new PondError('NOT_FOUND', `copy: no attached host file named ${name} (attached: ${ctx.files.map((x) => x.name).join(', ') || 'none'})`);
        return f;
      });
      const opts = {
        format,
        skipBadLines: flags.has('--skip-bad-lines'),
        force: flags.has('--force'),
        ...(flags.has('--timestamp-column') ? { timestampColumn: String(flags.get('--timestamp-column')) } : {}),
        ...(flags.has('--timezone') ? { timezone: String(flags.get('--timezone')) } : {}),
        // 01/02/2000: without either flag the content decides (13/02 proves day first), else month first, said below.
        ...(flags.has('--day-first') ? { dayFirst: true } : flags.has('--month-first') ? { dayFirst: false } : {}),
      };
      if (flags.has('--day-first') && flags.has('--month-first')) throw new PondError('USAGE', 'copy: --day-first and --month-first contradict each other');
      for (const n of await ctx.api.copyIn(files, dest, opts)) {
        ctx.out.push(`${n.path} v${n.version}`);
        for (const o of n.overlaps ?? []) ctx.out.push(`  overlaps v${o.version} from ${formatTime(o.start)} to ${formatTime(o.end)}`);
        // Said when the times were read from a field format or numbers (ISO and typed times need no word).
        if (n.time && (n.time.dayOrder || /\(%|^epoch/.test(n.time.format))) {
          const order = n.time.dayOrder ? `, ${n.time.dayFirst ? 'day' : 'month'} first${n.time.dayOrder === 'assumed' ? ' (assumed: the dates are ambiguous; --day-first reads them the other way)' : n.time.dayOrder === 'content' ? ' (from the data)' : ''}` : '';
          ctx.out.push(`  time column ${n.time.column}: ${n.time.format}, ${n.time.zone}${order}`);
        }
        if (format === 'data') continue;
        const attrs = (await ctx.api.versions(n.path)).find((v) => v.version === n.version)?.attrs ?? {};
        if (attrs.rejected_lines) {
          const lines = (JSON.parse(attrs.rejects ?? '[]') as { line: number; errors: string[] }[]).map((r) => `line ${r.line} (${r.errors.join(', ').toLowerCase()})`);
          ctx.out.push(`  ${attrs.rejected_lines} bad line(s) skipped: ${lines.join('; ')}`);
        }
      }
    },
  },
  sql: {
    usage: 'sql QUERY --table NAME=PATH [--table NAME=PATH …] [--limit N]',
    summary: 'SQL over several pond files at once, each bound to a table name',
    async run(ctx, words) {
      const bindings: Record<string, string> = {};
      const queries: string[] = [];
      let limit = 100;
      for (let i = 0; i < words.length; i++) {
        const w = words[i]!;
        if (w === '--table') {
          const spec = words[++i] ?? '';
          const eq = spec.indexOf('=');
          if (eq < 1) throw new PondError('USAGE', `sql: --table needs NAME=PATH, not ${JSON.stringify(spec)}`);
          bindings[spec.slice(0, eq)] = spec.slice(eq + 1);
        } else if (w === '--limit') limit = positiveInt(words[++i], '--limit');
        else if (w.startsWith('--')) throw new PondError('USAGE', `unknown option ${w}`);
        else queries.push(w);
      }
      if (queries.length !== 1) throw usage('sql');
      ctx.out.push(...renderTable(await ctx.api.query(queries[0]!, bindings, { limit })));
    },
  },
  'detect-overlaps': {
    usage: 'detect-overlaps PATTERN',
    summary: 'which versions of the matching series overlap in time',
    async run(ctx, words) {
      const { positional } = parseArgs(words, []);
      if (positional.length !== 1) throw usage('detect-overlaps');
      let found = 0;
      for (const n of (await ctx.api.list(positional[0]!)).filter((x) => x.type === 'file:series')) {
        for (const o of (await ctx.api.describe(n.path)).overlaps) {
          found++;
          ctx.out.push(`${n.path}: v${o.a} and v${o.b} overlap ${formatTime(o.start)} .. ${formatTime(o.end)}`);
        }
      }
      if (found === 0) ctx.out.push('no overlaps');
    },
  },
  show: {
    usage: 'show [--limit N]',
    summary: 'the transaction history, newest first (also: log)',
    async run(ctx, words) {
      const { flags } = parseArgs(words, ['--limit'], ['--limit']);
      const limit = flags.has('--limit') ? positiveInt(flags.get('--limit'), '--limit') : undefined;
      for (const t of await ctx.api.log({ limit })) ctx.out.push(txnLine(t));
    },
  },
  rm: {
    usage: 'rm [-r] PATH...',
    summary: 'remove entries (their history stays for time travel)',
    async run(ctx, words) {
      const { positional, flags } = parseArgs(words, ['-r']);
      if (positional.length === 0) throw usage('rm');
      for (const p of positional) await ctx.api.remove(p, { recursive: flags.has('-r') });
    },
  },
  mv: {
    usage: 'mv FROM TO',
    summary: 'rename or move an entry',
    async run(ctx, words) {
      const { positional } = parseArgs(words, []);
      if (positional.length !== 2) throw usage('mv');
      await ctx.api.rename(positional[0]!, positional[1]!);
    },
  },
  ln: {
    usage: 'ln -s TARGET PATH',
    summary: 'create a symlink',
    async run(ctx, words) {
      const { positional, flags } = parseArgs(words, ['-s']);
      if (!flags.has('-s') || positional.length !== 2) throw usage('ln');
      await ctx.api.symlink(positional[0]!, positional[1]!);
    },
  },
  info: {
    usage: 'info',
    summary: 'the open pond: id, version, writer status',
    async run(ctx) {
      const i = await ctx.api.info();
      ctx.out.push(`pond ${i.name} (${i.id}) at version ${i.version}${i.readOnly ? `, read-only: ${i.readOnlyReason ?? ''}` : ''}`);
    },
  },
};
COMMANDS.log = { ...COMMANDS.show!, usage: 'log [--limit N]', summary: 'same as show' };

/**
 * Pond files out as downloads. Into a host folder (`host:` or `host:NAME/`) each keeps its pond path below it, less
 * `--strip-prefix`, so `copy '/docs/**\/*' host:` gives `docs/readme/index.md`. A table, series or derived node comes
 * out as its rows in one Parquet file (a series: all its versions), raw files as their bytes.
 */
async function copyOut(ctx: ShellContext, patterns: string[], hostName: string, stripPrefix: string | undefined): Promise<void> {
  const matches = (await Promise.all(patterns.map((p) => ctx.api.list(p)))).flat().filter((n) => n.type !== 'directory' && n.type !== 'symlink');
  if (matches.length === 0) throw new PondError('NOT_FOUND', `copy: nothing matches ${patterns.join(' ')}`);
  const intoFolder = hostName === '' || hostName.endsWith('/');
  if (matches.length > 1 && !intoFolder) throw new PondError('USAGE', `copy: ${matches.length} files need a host folder destination (host:NAME/)`);
  const prefix = stripPrefix === undefined ? '/' : `/${stripPrefix.replace(/^\/+|\/+$/g, '')}/`.replace(/^\/\/$/, '/');
  for (const n of matches) {
    if (intoFolder && !n.path.startsWith(prefix)) throw new PondError('USAGE', `copy: ${n.path} is not under --strip-prefix ${stripPrefix}`);
    const name = intoFolder ? hostName + n.path.slice(prefix.length) : hostName;
    const tabular = n.type === 'file:table' || n.type === 'file:series' || n.derived === true;
    ctx.downloads.push({ name, data: tabular ? await ctx.api.readRows(n.path) : await ctx.api.readFile(n.path) });
    ctx.out.push(`${n.path} -> ${name} (download)`);
  }
}

function usage(name: string): PondError {
  return new PondError('USAGE', `usage: ${COMMANDS[name]!.usage}`);
}

function positiveInt(v: string | true | undefined, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new PondError('USAGE', `${flag} needs a whole number, not ${String(v)}`);
  return n;
}
