// Shell commands for configured nodes: mknod (collectors, derived series), run, export, import-laketech, and the
// interval scheduler (collect-status, collect-every).
import { PondError } from '../core/errors';
import type { Command, ShellContext } from './commands';
import { formatTime } from './format';
import { parseArgs } from './tokenize';

const HOST = 'host:';

/** An attached host file by its `host:NAME` word. */
function hostFile(ctx: ShellContext, word: string, command: string): { name: string; data: Blob } {
  if (!word.startsWith(HOST)) throw new PondError('USAGE', `${command}: ${word} must be a host file (host:NAME)`);
  const name = word.slice(HOST.length);
  const f = ctx.files.find((x) => x.name === name);
  if (!f) throw new PondError('NOT_FOUND', `${command}: no attached host file named ${name} (attached: ${ctx.files.map((x) => x.name).join(', ') || 'none'})`);
  return f;
}

function usage(command: string): PondError {
  return new PondError('USAGE', `usage: ${COLLECT_COMMANDS[command]!.usage}`);
}

export const COLLECT_COMMANDS: Record<string, Command> = {
  mknod: {
    usage: 'mknod FACTORY PATH --config host:FILE.yaml [--secret S]',
    summary: 'create a configured node of a factory (see list-factories); a secret stays in this browser',
    async run(ctx, words) {
      const { positional, flags } = parseArgs(words, ['--config', '--secret'], ['--config', '--secret']);
      const config = flags.get('--config');
      if (positional.length !== 2 || typeof config !== 'string') throw usage('mknod');
      const yaml = await hostFile(ctx, config, 'mknod').data.text();
      const secret = flags.get('--secret');
      const factory = positional[0]!;
      const n = await ctx.api.mknod(factory, positional[1]!, yaml, typeof secret === 'string' ? { secret } : {});
      ctx.out.push(`${n.path} v${n.version} (${factory})${typeof secret === 'string' ? '; secret stored in this browser' : ''}`);
    },
  },
  apply: {
    usage: 'apply host:FILE.yaml',
    summary: 'bring about the mkdir, copy and mknod documents of a YAML file in one transaction (create or update)',
    async run(ctx, words) {
      const { positional } = parseArgs(words, []);
      if (positional.length !== 1) throw usage('apply');
      const yaml = await hostFile(ctx, positional[0]!, 'apply').data.text();
      const r = await ctx.api.apply(yaml, { files: ctx.files });
      for (const o of r.operations) ctx.out.push(`${o.action.padEnd(9)} ${o.kind} ${o.path}`);
      ctx.out.push(r.committed ? `committed version ${r.version}` : 'nothing to change');
    },
  },
  'list-factories': {
    usage: 'list-factories',
    summary: 'the factories configured nodes are made of, and the fields of their configs',
    async run(ctx, words) {
      if (parseArgs(words, []).positional.length !== 0) throw usage('list-factories');
      for (const f of await ctx.api.listFactories()) {
        ctx.out.push(`${f.name} [${f.kind}]  ${f.summary}${f.takesSecret ? ' (takes --secret)' : ''}`);
        for (const field of f.fields) ctx.out.push(`  ${field.name}${field.required ? ' (required)' : ''}: ${field.description}`);
      }
    },
  },
  run: {
    usage: 'run PATH',
    summary: 'run a configured node once (one transaction; a failed run commits nothing)',
    async run(ctx, words) {
      const { positional } = parseArgs(words, []);
      if (positional.length !== 1) throw usage('run');
      const r = await ctx.api.runNode(positional[0]!);
      ctx.out.push(r.summary);
      for (const w of r.written) ctx.out.push(`  ${w.path} v${w.version}: ${w.rows} rows`);
    },
  },
  export: {
    usage: 'export PATTERN [--temporal year,month[,day]]',
    summary: 'series matching PATTERN as Hive-partitioned Parquet in a zip (download)',
    async run(ctx, words) {
      const { positional, flags } = parseArgs(words, ['--temporal', '-p'], ['--temporal', '-p']);
      const p = flags.get('-p'); // the original spelled it `export -p PATTERN`
      const patterns = typeof p === 'string' ? [p, ...positional] : positional;
      if (patterns.length !== 1) throw usage('export');
      const t = flags.get('--temporal');
      const temporal = (typeof t === 'string' ? t : 'year,month').split(',').map((s) => s.trim()) as ('year' | 'month' | 'day')[];
      const r = await ctx.api.exportSeries(patterns[0]!, { temporal });
      ctx.downloads.push({ name: r.name, data: r.data });
      for (const f of r.files) ctx.out.push(`  ${f.path}: ${f.rows} rows`);
      ctx.out.push(`${r.name}: ${r.files.length} Parquet files (download)`);
    },
  },
  'import-laketech': {
    usage: 'import-laketech host:FILE... DEST [--zone ZONE] [--scope NAME]',
    summary: 'LakeTech CSV or Excel HTML reports in as series (local times in ZONE, default UTC)',
    async run(ctx, words) {
      const { positional, flags } = parseArgs(words, ['--zone', '--scope'], ['--zone', '--scope']);
      if (positional.length < 2) throw usage('import-laketech');
      const files = positional.slice(0, -1).map((w) => hostFile(ctx, w, 'import-laketech'));
      const zone = flags.get('--zone');
      const scope = flags.get('--scope');
      const nodes = await ctx.api.importLaketech(files, positional[positional.length - 1]!, { zone: typeof zone === 'string' ? zone : 'UTC', ...(typeof scope === 'string' ? { scope } : {}) });
      for (const n of nodes) ctx.out.push(`${n.path} v${n.version}`);
    },
  },
  'collect-every': {
    usage: 'collect-every MINUTES|off',
    summary: 'run all configured nodes every MINUTES while this app is open and online',
    async run(ctx, words) {
      const { positional } = parseArgs(words, []);
      if (positional.length !== 1) throw usage('collect-every');
      const off = positional[0] === 'off';
      const minutes = Number(positional[0]);
      if (!off && !(Number.isFinite(minutes) && minutes >= 1)) throw new PondError('USAGE', `collect-every: MINUTES must be a number of at least 1, or off`);
      const s = await ctx.api.scheduleCollectors(off ? null : minutes);
      ctx.out.push(s.everyMinutes === null ? 'interval runs off' : `interval runs every ${s.everyMinutes} min; next at ${formatTime(s.nextRunAt! * 1000)}`);
    },
  },
  'collect-status': {
    usage: 'collect-status',
    summary: 'configured nodes, the interval, and the last run of each node',
    async run(ctx) {
      const [nodes, s] = await Promise.all([ctx.api.configuredNodes(), ctx.api.collectorStatus()]);
      ctx.out.push(s.everyMinutes === null ? 'interval runs off' : `interval runs every ${s.everyMinutes} min${s.skipped ? ` (last tick skipped: ${s.skipped})` : ''}`);
      for (const n of nodes) {
        const st = s.nodes.find((x) => x.path === n.path);
        const last = !st ? 'never run' : st.running ? 'running' : `${st.ok ? 'ok' : 'FAILED'} ${formatTime(st.finishedAt! * 1000)}: ${st.message ?? ''}`;
        const secret = n.factory === 'hydrovu' && !n.hasSecret ? ' (no secret)' : '';
        ctx.out.push(`${n.path} [${n.factory}]${secret} ${last}`);
      }
    },
  },
};
