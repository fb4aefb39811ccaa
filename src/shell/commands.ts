// The shell's commands: the original DuckPond CLI's language over PondApi. Each command gets its words and
// writes to `out`; errors are thrown (PondError) and the runner turns them into stderr and an exit code.
import { PondError } from '../core/errors';
import type { CopyFormat, PondApi } from '../api/pond-api';
import { formatTime, longListLine, txnLine, versionLine } from './format';
import { parseArgs } from './tokenize';

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
        const last = versions[versions.length - 1];
        if (last?.attrs.timestamp_column) ctx.out.push(`  timestamp column: ${last.attrs.timestamp_column}`);
        if (last?.attrs.columns) {
          ctx.out.push('  columns:');
          for (const c of JSON.parse(last.attrs.columns) as { name: string; type: string }[]) ctx.out.push(`    ${c.name}: ${c.type}`);
        }
        ctx.out.push(`  versions: ${versions.length}`);
        for (const v of versions) ctx.out.push(versionLine(v));
      }
    },
  },
  cat: {
    usage: 'cat PATH [--version N]',
    summary: 'print a file (raw)',
    async run(ctx, words) {
      const { positional, flags } = parseArgs(words, ['--version', '--format'], ['--version', '--format']);
      if (positional.length !== 1) throw usage('cat');
      const format = flags.get('--format') ?? 'raw';
      if (format !== 'raw') throw new PondError('USAGE', `cat: --format ${format} is not known here; use raw`);
      const version = flags.has('--version') ? positiveInt(flags.get('--version'), '--version') : undefined;
      ctx.out.push(decoder.decode(await ctx.api.readFile(positional[0]!, { version })).replace(/\n$/, ''));
    },
  },
  copy: {
    usage: 'copy SRC... DEST [--format data|table|series]',
    summary: 'host:NAME sources copy in (attached files); a host: destination copies pond files out as downloads',
    async run(ctx, words) {
      const { positional, flags } = parseArgs(words, ['--format'], ['--format']);
      if (positional.length < 2) throw usage('copy');
      const dest = positional[positional.length - 1]!;
      const sources = positional.slice(0, -1);
      if (dest.startsWith(HOST)) return copyOut(ctx, sources, dest.slice(HOST.length));
      const format = (flags.get('--format') ?? 'data') as CopyFormat;
      if (!['data', 'table', 'series'].includes(format)) throw new PondError('USAGE', `copy: --format must be data, table or series, not ${format}`);
      const files = sources.map((s) => {
        if (!s.startsWith(HOST)) throw new PondError('USAGE', `copy: source ${s} must be a host file (host:NAME) when the destination is in the pond`);
        const name = s.slice(HOST.length);
        const f = ctx.files.find((x) => x.name === name);
        if (!f) throw new PondError('NOT_FOUND', `copy: no attached host file named ${name} (attached: ${ctx.files.map((x) => x.name).join(', ') || 'none'})`);
        return f;
      });
      for (const n of await ctx.api.copyIn(files, dest, { format })) ctx.out.push(`${n.path} v${n.version}`);
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
COMMANDS.log = { ...COMMANDS.show!, summary: 'same as show' };

async function copyOut(ctx: ShellContext, patterns: string[], hostName: string): Promise<void> {
  const matches = (await Promise.all(patterns.map((p) => ctx.api.list(p)))).flat().filter((n) => n.type !== 'directory');
  if (matches.length === 0) throw new PondError('NOT_FOUND', `copy: nothing matches ${patterns.join(' ')}`);
  if (matches.length > 1 && hostName && !hostName.endsWith('/')) {
    throw new PondError('USAGE', `copy: ${matches.length} files need a host folder destination (host:NAME/)`);
  }
  for (const n of matches) {
    const name = matches.length === 1 && hostName && !hostName.endsWith('/') ? hostName : n.name;
    ctx.downloads.push({ name, data: await ctx.api.readFile(n.path) });
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
